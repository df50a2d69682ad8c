package dev.soci.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.ztoc.EntryType;
import dev.soci.ztoc.FileMetadata;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Path resolution through hand-built layers: whiteouts, opaque directories, links. */
class MergedViewTest {

  static FileMetadata dir(String name) {
    return FileMetadata.builder().name(name).type(EntryType.DIR).mode(0755).build();
  }

  static FileMetadata file(String name, long size) {
    return FileMetadata.builder()
        .name(name)
        .type(EntryType.REG)
        .uncompressedSize(size)
        .mode(0644)
        .build();
  }

  static FileMetadata symlink(String name, String target) {
    return FileMetadata.builder().name(name).type(EntryType.SYMLINK).linkName(target).build();
  }

  static FileMetadata hardlink(String name, String target) {
    return FileMetadata.builder().name(name).type(EntryType.HARDLINK).linkName(target).build();
  }

  /** A view over layers given bottom first. */
  @SafeVarargs
  static MergedView view(List<FileMetadata>... layers) {
    List<LayerTree> trees = new ArrayList<>();
    for (List<FileMetadata> l : layers) {
      trees.add(LayerTree.of(l));
    }
    return new MergedView(
        new MergedView.Layers() {
          @Override
          public int count() {
            return trees.size();
          }

          @Override
          public LayerTree tree(int layer) {
            return trees.get(layer);
          }
        });
  }

  static List<String> names(MergedView v, String dir) throws IOException {
    return v.list(dir).stream()
        .map(n -> n.path().substring(n.path().lastIndexOf('/') + 1))
        .toList();
  }

  @Test
  void whiteoutDeletesALowerFileAndNamesTheLayer() throws Exception {
    MergedView v =
        view(
            List.of(dir("etc/"), file("etc/motd", 3), file("etc/passwd", 5)),
            List.of(file("etc/.wh.motd", 0)));
    assertThatThrownBy(() -> v.lookup("/etc/motd", true))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("/etc/motd")
        .hasMessageContaining("deleted by a whiteout in layer 2");
    assertThat(v.lookup("etc/passwd", true).layer()).isZero();
    assertThat(names(v, "etc")).containsExactly("passwd");
    assertThat(names(v, "/")).containsExactly("etc");
  }

  @Test
  void whiteoutOfADirectoryHidesEverythingBelowIt() throws Exception {
    MergedView v =
        view(
            List.of(file("./var/cache/a", 1), file("./var/cache/sub/b", 1)),
            List.of(file("./var/.wh.cache", 0)),
            List.of(file("./var/cache/new", 1)));
    assertThat(names(v, "var/cache")).containsExactly("new");
    assertThatThrownBy(() -> v.lookup("var/cache/sub/b", true))
        .isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void opaqueDirectoryReplacesTheLowerOne() throws Exception {
    MergedView v =
        view(
            List.of(dir("opt/"), file("opt/a", 1), file("opt/b", 1)),
            List.of(dir("opt/"), file("opt/.wh..wh..opq", 0), file("opt/c", 2)));
    assertThat(names(v, "opt")).containsExactly("c");
    assertThatThrownBy(() -> v.lookup("opt/a", true)).isInstanceOf(NoSuchFileException.class);
    assertThat(v.lookup("opt/c", true).layer()).isEqualTo(1);
  }

  @Test
  void entriesOfTheSameLayerAsAWhiteoutStayVisible() throws Exception {
    MergedView v = view(List.of(file("a/x", 1)), List.of(file("a/.wh.x", 0), file("a/x", 9)));
    assertThat(v.lookup("a/x", true).metadata().uncompressedSize()).isEqualTo(9);
  }

  @Test
  void fileReplacingADirectoryHidesItsContent() throws Exception {
    MergedView v =
        view(
            List.of(dir("d/"), file("d/x", 1)),
            List.of(file("d", 4)),
            List.of(dir("d/"), file("d/y", 1)));
    assertThat(names(v, "d")).containsExactly("y");
    MergedView w = view(List.of(dir("d/"), file("d/x", 1)), List.of(file("d", 4)));
    assertThatThrownBy(() -> w.lookup("d/x", true)).isInstanceOf(NotDirectoryException.class);
    assertThatThrownBy(() -> w.list("d")).isInstanceOf(NotDirectoryException.class);
  }

  @Test
  void followsBinToUsrBinInEveryComponent() throws Exception {
    MergedView v =
        view(
            List.of(dir("usr/"), dir("usr/bin/"), file("usr/bin/ls", 7), dir("usr/lib/")),
            List.of(symlink("bin", "usr/bin"), symlink("usr/bin/dir", "ls")));
    assertThat(v.lookup("bin/ls", true).path()).isEqualTo("usr/bin/ls");
    assertThat(v.lookup("/bin/dir", true).path()).isEqualTo("usr/bin/ls");
    assertThat(v.lookup("/bin/dir", false).type()).isEqualTo(EntryType.SYMLINK);
    assertThat(v.lookup("bin", false).type()).isEqualTo(EntryType.SYMLINK);
    assertThat(v.lookup("bin", true).path()).isEqualTo("usr/bin");
    assertThat(v.lookup("bin/../lib", true).path()).isEqualTo("usr/lib"); // as the kernel does
    assertThat(names(v, "bin")).containsExactly("dir", "ls");
  }

  @Test
  void linksCannotLeaveTheImageRoot() throws Exception {
    MergedView v =
        view(
            List.of(
                file("etc/passwd", 3),
                symlink("app/evil", "../../../../etc/passwd"),
                symlink("app/abs", "/../../etc/passwd"),
                symlink("app/root", "/"),
                symlink("app/gone", "../../../etc/shadow")));
    assertThat(v.lookup("app/evil", true).path()).isEqualTo("etc/passwd");
    assertThat(v.lookup("app/abs", true).path()).isEqualTo("etc/passwd");
    assertThat(v.lookup("app/root/etc/passwd", true).path()).isEqualTo("etc/passwd");
    assertThat(v.lookup("../../app/root/..", true).path()).isEmpty();
    assertThatThrownBy(() -> v.lookup("app/gone", true))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("etc/shadow");
  }

  @Test
  void symlinkLoopsFailClearly() throws Exception {
    MergedView v =
        view(
            List.of(
                symlink("a", "b"),
                symlink("b", "a"),
                symlink("self", "self"),
                symlink("deep", "deep/x"),
                symlink("empty", "")));
    for (String p : List.of("a", "self", "deep", "a/x")) {
      assertThatThrownBy(() -> v.lookup(p, true))
          .as(p)
          .isInstanceOf(FileSystemException.class)
          .hasMessageContaining("too many levels of symbolic links");
    }
    assertThat(v.lookup("a", false).type()).isEqualTo(EntryType.SYMLINK);
    assertThatThrownBy(() -> v.lookup("empty", true)).isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void chainsOfFortyLinksResolveAndFortyOneDoNot() throws Exception {
    List<FileMetadata> l = new ArrayList<>();
    l.add(file("f", 1));
    l.add(symlink("l0", "f"));
    for (int i = 1; i <= 40; i++) {
      l.add(symlink("l" + i, "l" + (i - 1)));
    }
    MergedView v = view(l);
    assertThat(v.lookup("l39", true).path()).isEqualTo("f");
    assertThatThrownBy(() -> v.lookup("l40", true)).isInstanceOf(FileSystemException.class);
  }

  @Test
  void hardLinksNameTheirTargetsData() throws Exception {
    MergedView v =
        view(
            List.of(file("usr/bin/perl", 11)),
            List.of(
                hardlink("usr/bin/perl5", "usr/bin/perl"),
                file("x/own", 4),
                hardlink("x/same-layer", "./x/own"),
                hardlink("x/chain", "x/same-layer"),
                hardlink("x/missing", "nowhere")));
    MergedView.Node perl5 = v.lookup("usr/bin/perl5", true);
    assertThat(perl5.type()).isEqualTo(EntryType.HARDLINK);
    MergedView.Node data = v.hardLinkTarget(perl5);
    assertThat(data.path()).isEqualTo("usr/bin/perl");
    assertThat(data.layer()).isZero();
    assertThat(v.hardLinkTarget(v.lookup("x/chain", true)).path()).isEqualTo("x/own");
    assertThatThrownBy(() -> v.hardLinkTarget(v.lookup("x/missing", true)))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("nowhere");
  }

  @Test
  void implicitDirectoriesExistAndKeepTheLowerEntry() throws Exception {
    MergedView v = view(List.of(dir("a/")), List.of(file("a/b/c", 1)));
    assertThat(v.lookup("a", true).layer()).isZero();
    assertThat(v.lookup("a", true).metadata()).isNotNull();
    assertThat(v.lookup("a/b", true).metadata()).isNull();
    assertThat(v.lookup("a/b", true).isDirectory()).isTrue();
    assertThat(names(v, "a")).containsExactly("b");
  }

  @Test
  void missingAndNotDirectory() throws Exception {
    MergedView v = view(List.of(file("etc/passwd", 3)));
    assertThatThrownBy(() -> v.lookup("etc/nope", true))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("no such file or directory");
    assertThatThrownBy(() -> v.lookup("nope/x", true))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("nope is missing");
    assertThatThrownBy(() -> v.lookup("etc/passwd/x", true))
        .isInstanceOf(NotDirectoryException.class);
    assertThatThrownBy(() -> v.lookup("etc/passwd/..", true))
        .isInstanceOf(NotDirectoryException.class);
    assertThat(v.lookup("/", true).path()).isEmpty();
    assertThat(v.lookup("", true).isDirectory()).isTrue();
  }
}
