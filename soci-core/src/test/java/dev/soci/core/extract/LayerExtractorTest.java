package dev.soci.core.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.soci.core.BlobSource;
import dev.soci.core.SeekableLayer;
import dev.soci.ztoc.EntryNotFoundException;
import dev.soci.ztoc.Ztoc;
import dev.soci.ztoc.ZtocBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Hostile tars built here, extracted into a temporary directory: nothing escapes it. */
@Timeout(60)
class LayerExtractorTest {
  @TempDir Path tmp;

  private Path out() throws IOException {
    return Files.createDirectories(tmp.resolve("out"));
  }

  private Path outside() throws IOException {
    return Files.createDirectories(tmp.resolve("outside"));
  }

  private static SeekableLayer layer(byte[] tar) throws IOException {
    Ztoc z = ZtocBuilder.withDefaults().build(new ByteArrayInputStream(tar));
    return SeekableLayer.open(BlobSource.of(tar), z);
  }

  private static ExtractionResult extract(LayerExtractor x, byte[] tar, Path dir, String... names)
      throws IOException {
    try (SeekableLayer l = layer(tar)) {
      return x.extract(l, dir, List.of(names));
    }
  }

  private static ExtractionResult extract(byte[] tar, Path dir, String... names)
      throws IOException {
    return extract(LayerExtractor.withDefaults(), tar, dir, names);
  }

  private static List<String> tree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString()).sorted().toList();
    }
  }

  private static String mode(Path p) throws IOException {
    return Integer.toOctalString(
        (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777);
  }

  @Test
  void aNormalLayerExtracts() throws Exception {
    byte[] tar =
        new TarBuilder()
            .dir("./etc/", 0755)
            .file("./etc/passwd", 0644, "root:x:0:0\n")
            .symlink("./etc/alias", "passwd")
            .hardlink("./etc/hard", "./etc/passwd")
            .dir("bin", 0555)
            .file("bin/tool", 0755, "#!/bin/sh\n")
            .build();
    Path out = out();
    ExtractionResult r = extract(tar, out);
    assertThat(r).isEqualTo(new ExtractionResult(2, 2, 1, 1, 0, List.of()));
    assertThat(Files.readString(out.resolve("etc/passwd"))).isEqualTo("root:x:0:0\n");
    assertThat(Files.readSymbolicLink(out.resolve("etc/alias")).toString()).isEqualTo("passwd");
    assertThat(Files.isSameFile(out.resolve("etc/hard"), out.resolve("etc/passwd"))).isTrue();
    assertThat(mode(out.resolve("bin"))).isEqualTo("555"); // applied after its file was written
    assertThat(mode(out.resolve("bin/tool"))).isEqualTo("755");
  }

  @Test
  void dotDotIsRefusedBeforeAnythingIsWritten() throws Exception {
    for (String evil : List.of("../x", "a/../../x", "./../x", "a/b/../../../x", "..")) {
      Path out = Files.createDirectories(tmp.resolve("dd" + evil.hashCode()));
      byte[] tar = new TarBuilder().file("first", 0644, "1").file(evil, 0644, "evil").build();
      assertThatThrownBy(() -> extract(tar, out))
          .as(evil)
          .isInstanceOf(ExtractionException.class)
          .hasMessageContaining("refusing to extract \"" + evil + "\"")
          .hasMessageContaining("\"..\"");
      assertThat(tree(out)).as(evil).isEmpty();
      assertThat(Files.exists(tmp.resolve("x"))).isFalse();
    }
  }

  @Test
  void absoluteNamesLandInsideTheDirectory() throws Exception {
    Path out = out();
    extract(
        new TarBuilder().file("/etc/x", 0644, "inside").file("//./etc//y", 0644, "too").build(),
        out);
    assertThat(Files.readString(out.resolve("etc/x"))).isEqualTo("inside");
    assertThat(Files.readString(out.resolve("etc/y"))).isEqualTo("too");
  }

  @Test
  void neverWritesThroughASymlinkThatLeadsOutside() throws Exception {
    Path outside = outside();
    Path out = out();
    byte[] tar =
        new TarBuilder()
            .symlink("evil", outside.toString())
            .file("evil/file", 0644, "escaped")
            .build();
    assertThatThrownBy(() -> extract(tar, out))
        .isInstanceOf(ExtractionException.class)
        .hasMessageContaining(
            "path component \"evil\" is a symbolic link to " + outside.toRealPath())
        .hasMessageContaining("outside");
    assertThat(tree(outside)).isEmpty();
    // Relative links and chains that end outside, and links that do not resolve.
    byte[] chain =
        new TarBuilder()
            .symlink("a", "b")
            .symlink("b", "c")
            .symlink("c", "../outside")
            .file("a/file", 0644, "escaped")
            .build();
    Path out2 = Files.createDirectories(tmp.resolve("out2"));
    assertThatThrownBy(() -> extract(chain, out2))
        .isInstanceOf(ExtractionException.class)
        .hasMessageContaining("outside");
    assertThat(tree(outside)).isEmpty();
    byte[] dangling =
        new TarBuilder().symlink("d", "/nonexistent/dir").file("d/file", 0644, "x").build();
    Path out3 = Files.createDirectories(tmp.resolve("out3"));
    assertThatThrownBy(() -> extract(dangling, out3))
        .isInstanceOf(ExtractionException.class)
        .hasMessageContaining("does not resolve");
  }

  @Test
  void aSymlinkAtTheTargetIsNeverFollowed() throws Exception {
    Path outside = outside();
    Path victim = Files.writeString(outside.resolve("victim"), "original");
    Path out = out();
    byte[] tar =
        new TarBuilder().symlink("f", victim.toString()).file("f", 0644, "overwritten").build();
    assertThatThrownBy(() -> extract(tar, out))
        .isInstanceOf(ExtractionException.class)
        .hasMessageContaining("refusing to overwrite existing");
    assertThat(Files.readString(victim)).isEqualTo("original");
    // With overwriting allowed, the link itself is replaced; the victim is untouched.
    Path out2 = Files.createDirectories(tmp.resolve("out2"));
    extract(LayerExtractor.withDefaults().overwrite(true), tar, out2);
    assertThat(Files.isSymbolicLink(out2.resolve("f"))).isFalse();
    assertThat(Files.readString(out2.resolve("f"))).isEqualTo("overwritten");
    assertThat(Files.readString(victim)).isEqualTo("original");
  }

  @Test
  void symlinksThatStayInsideAreFollowed() throws Exception {
    Path out = out();
    byte[] tar =
        new TarBuilder()
            .dir("usr/lib", 0755)
            .symlink("lib", "usr/lib")
            .file("lib/libc.so", 0644, "elf")
            .symlink("self", ".")
            .file("self/self/top", 0644, "t")
            .build();
    extract(tar, out);
    assertThat(Files.readString(out.resolve("usr/lib/libc.so"))).isEqualTo("elf");
    assertThat(Files.readString(out.resolve("top"))).isEqualTo("t");
  }

  @Test
  void hardLinksOnlyToFilesExtractedHere() throws Exception {
    Path outside = outside();
    Files.writeString(outside.resolve("passwd"), "host secret");
    Path out = out();
    byte[] toEtc = new TarBuilder().hardlink("h", "/etc/passwd").build();
    assertThatThrownBy(() -> extract(toEtc, out))
        .isInstanceOf(ExtractionException.class)
        .hasMessageContaining("refusing to extract hard link \"h\" to \"/etc/passwd\"");
    byte[] up = new TarBuilder().hardlink("h", "../outside/passwd").build();
    assertThatThrownBy(() -> extract(up, out))
        .isInstanceOf(ExtractionException.class)
        .hasMessageContaining("\"..\"");
    Files.writeString(out.resolve("preexisting"), "not from the layer");
    byte[] toPre = new TarBuilder().hardlink("h", "preexisting").build();
    assertThatThrownBy(() -> extract(toPre, out))
        .isInstanceOf(ExtractionException.class)
        .hasMessageContaining("not a regular file extracted from this layer");
    byte[] viaLink =
        new TarBuilder()
            .symlink("s", outside.resolve("passwd").toString())
            .hardlink("h", "s")
            .build();
    Path out2 = Files.createDirectories(tmp.resolve("out2"));
    assertThatThrownBy(() -> extract(viaLink, out2))
        .isInstanceOf(ExtractionException.class)
        .hasMessageContaining("not a regular file extracted from this layer");
    assertThat(tree(out2)).containsExactly("s");
  }

  @Test
  void aHardLinkWhoseTargetWasNotSelectedGetsACopy() throws Exception {
    Path out = out();
    byte[] tar =
        new TarBuilder().file("a/target", 0600, "data").hardlink("b/link", "a/target").build();
    extract(tar, out, "b");
    assertThat(tree(out)).containsExactly("b", "b/link");
    assertThat(Files.readString(out.resolve("b/link"))).isEqualTo("data");
  }

  @Test
  void existingFilesAndDuplicatesAreNotOverwrittenUnlessAllowed() throws Exception {
    Path out = out();
    byte[] dup = new TarBuilder().file("x", 0644, "first").file("x", 0644, "second").build();
    assertThatThrownBy(() -> extract(dup, out))
        .isInstanceOf(ExtractionException.class)
        .hasMessageContaining("refusing to overwrite existing " + out.toRealPath().resolve("x"));
    assertThat(Files.readString(out.resolve("x"))).isEqualTo("first");
    assertThatThrownBy(() -> extract(dup, out))
        .isInstanceOf(ExtractionException.class); // x exists now
    extract(LayerExtractor.withDefaults().overwrite(true), dup, out);
    assertThat(Files.readString(out.resolve("x"))).isEqualTo("second");
    // A directory where a file goes, and a file where a directory goes.
    byte[] clash = new TarBuilder().file("d/f", 0644, "f").file("d", 0644, "d").build();
    Path out2 = Files.createDirectories(tmp.resolve("out2"));
    assertThatThrownBy(() -> extract(LayerExtractor.withDefaults().overwrite(true), clash, out2))
        .isInstanceOf(ExtractionException.class)
        .hasMessageContaining("non-empty directory");
    byte[] through = new TarBuilder().file("g", 0644, "g").file("g/h", 0644, "h").build();
    assertThatThrownBy(() -> extract(through, out2))
        .isInstanceOf(ExtractionException.class)
        .hasMessageContaining("exists and is not a directory");
  }

  @Test
  void specialModeBitsAreDroppedUnlessAsked() throws Exception {
    byte[] tar =
        new TarBuilder()
            .file("suid", 04755, "x")
            .file("sgid", 02755, "x")
            .dir("sticky", 01777)
            .build();
    Path out = out();
    extract(tar, out);
    assertThat(mode(out.resolve("suid"))).isEqualTo("755");
    assertThat(mode(out.resolve("sgid"))).isEqualTo("755");
    assertThat(mode(out.resolve("sticky"))).isEqualTo("777");
    Path kept = Files.createDirectories(tmp.resolve("kept"));
    extract(LayerExtractor.withDefaults().specialModeBits(true), tar, kept);
    assertThat(mode(kept.resolve("suid"))).isEqualTo("4755");
    assertThat(mode(kept.resolve("sticky"))).isEqualTo("1777");
  }

  @Test
  void devicesAndFifosAreSkippedUnlessAsked() throws Exception {
    byte[] tar =
        new TarBuilder()
            .device("dev/null", '3', 1, 3)
            .device("dev/sda", '4', 8, 0)
            .device("pipe", '6', 0, 0)
            .file("ok", 0644, "ok")
            .build();
    Path out = out();
    ExtractionResult r = extract(tar, out);
    assertThat(r.skipped())
        .containsExactly(
            "dev/null (character device; devices not allowed)",
            "dev/sda (block device; devices not allowed)",
            "pipe (fifo; devices not allowed)");
    assertThat(tree(out)).containsExactly("dev", "ok");
    assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/mkfifo"))
            || Files.isExecutable(Path.of("/bin/mkfifo")));
    Path out2 = Files.createDirectories(tmp.resolve("out2"));
    byte[] fifo = new TarBuilder().device("pipe", '6', 0, 0).build();
    ExtractionResult r2 = extract(LayerExtractor.withDefaults().devices(true), fifo, out2);
    assertThat(r2.specialFiles()).isEqualTo(1);
    assertThat(Files.isRegularFile(out2.resolve("pipe"))).isFalse();
    assertThat((Integer) Files.getAttribute(out2.resolve("pipe"), "unix:mode") & 0170000)
        .isEqualTo(0010000);
  }

  @Test
  void namesThatAreNotUtf8AreRefused() throws Exception {
    byte[] tar = new TarBuilder().file(new byte[] {'a', (byte) 0xff, 'b'}, 0644, "x").build();
    assertThatThrownBy(() -> extract(tar, out()))
        .isInstanceOf(ExtractionException.class)
        .hasMessageContaining("not valid UTF-8");
  }

  @Test
  void selectingNames() throws Exception {
    byte[] tar =
        new TarBuilder()
            .file("a/1", 0644, "1")
            .file("a/2", 0644, "2")
            .file("b/3", 0644, "3")
            .file("../evil", 0644, "e")
            .build();
    Path out = out();
    extract(tar, out, "a", "./b/3");
    assertThat(tree(out)).containsExactly("a", "a/1", "a/2", "b", "b/3");
    assertThatThrownBy(() -> extract(tar, Files.createDirectories(tmp.resolve("o2")), "nope"))
        .isInstanceOf(EntryNotFoundException.class)
        .hasMessageContaining("nope");
    assertThat(tree(tmp.resolve("o2"))).isEmpty();
  }

  @Test
  void readOnlyDirectoriesAreFilledThenProtected() throws Exception {
    Path out = out();
    extract(new TarBuilder().dir("ro", 0500).file("ro/f", 0400, "f").build(), out);
    assertThat(Files.readString(out.resolve("ro/f"))).isEqualTo("f");
    assertThat(Files.getPosixFilePermissions(out.resolve("ro")))
        .isEqualTo(PosixFilePermissions.fromString("r-x------"));
    Files.setPosixFilePermissions(
        out.resolve("ro"), PosixFilePermissions.fromString("rwx------")); // for cleanup
  }

  @Test
  void longNamesWork() throws Exception {
    String name = "d/" + "n".repeat(200) + ".txt";
    Path out = out();
    extract(new TarBuilder().file(name, 0644, "long").build(), out);
    assertThat(Files.readString(out.resolve(name), StandardCharsets.UTF_8)).isEqualTo("long");
  }
}
