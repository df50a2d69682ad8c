package dev.soci.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.core.extract.ExtractionException;
import dev.soci.oci.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExtractLayerTest {
  @Test
  void extractsWhatTarExtracts(@TempDir Path dir) throws Exception {
    Path layer = Programs.upstream().resolve("layers/basic.gnutar.gzip6.tar.gz");
    Path ztoc = Programs.upstream().resolve("reference/basic.gnutar.gzip6.tar.gz.65536.ztoc");
    Path byTar = Files.createDirectory(dir.resolve("tar"));
    Programs.tool(byTar, "tar", "-xzf", layer.toString());

    Programs.Output out =
        Programs.run(
            ExtractLayer::main,
            layer.toString(),
            ztoc.toString(),
            dir.resolve("rootfs").toString());

    // tar (run as root) makes the devices and the fifo; the extractor skips them by default
    Map<String, String> expected = tree(byTar);
    List<String> skipped =
        out.text().lines().filter(l -> l.startsWith("skipped ")).map(l -> l.substring(8)).toList();
    assertThat(skipped)
        .containsExactlyInAnyOrder(
            "./dev/big-dev (character device; devices not allowed)",
            "./dev/fifo (fifo; devices not allowed)",
            "./dev/null (character device; devices not allowed)",
            "./dev/sda (block device; devices not allowed)");
    skipped.forEach(s -> expected.remove(s.substring(2, s.indexOf(" ("))));
    assertThat(tree(dir.resolve("rootfs"))).isEqualTo(expected).hasSize(80);
    // tar -tv lists 41 directories: one is "./", the target directory itself
    assertThat(out.text()).startsWith("31 files, 40 directories, 6 symlinks, 2 hard links");
  }

  @Test
  void writesNothingOutsideTheDirectory(@TempDir Path dir) throws Exception {
    // A hostile layer: a link that leads out of the directory, then a file written through it.
    Path layer = dir.resolve("hostile.tar.gz");
    Programs.tool(
        dir,
        "python3",
        "-c",
        """
        import io, sys, tarfile
        with tarfile.open(sys.argv[1], "w:gz") as t:
            link = tarfile.TarInfo("escape"); link.type = tarfile.SYMTYPE; link.linkname = ".."
            t.addfile(link)
            data = b"owned"
            f = tarfile.TarInfo("escape/outside.txt"); f.size = len(data)
            t.addfile(f, io.BytesIO(data))
        """,
        layer.toString());
    Path ztoc = dir.resolve("hostile.ztoc");
    Programs.run(IndexLayer::main, layer.toString(), ztoc.toString());
    Path rootfs = dir.resolve("rootfs");

    assertThatThrownBy(
            () ->
                Programs.run(
                    ExtractLayer::main, layer.toString(), ztoc.toString(), rootfs.toString()))
        .isInstanceOf(ExtractionException.class)
        .hasMessageContaining("escape/outside.txt");
    assertThat(dir.resolve("outside.txt")).doesNotExist();
    assertThat(Files.readSymbolicLink(rootfs.resolve("escape"))).isEqualTo(Path.of(".."));
  }

  /** Every path under {@code root}: a file's digest and permissions, a link's target, or "dir". */
  private static Map<String, String> tree(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String what;
        if (Files.isSymbolicLink(p)) {
          what = "-> " + Files.readSymbolicLink(p);
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          what = "dir";
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          what = Digest.sha256(Files.readAllBytes(p)) + " " + Files.getPosixFilePermissions(p);
        } else {
          what = "special"; // a device or a fifo: never opened
        }
        out.put(root.relativize(p).toString(), what);
      }
    }
    return out;
  }
}
