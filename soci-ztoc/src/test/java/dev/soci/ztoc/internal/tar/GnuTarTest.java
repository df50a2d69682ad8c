package dev.soci.ztoc.internal.tar;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.soci.ztoc.EntryType;
import dev.soci.ztoc.FileMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real archives written by GNU tar in each of its formats, checked against commons-compress. */
class GnuTarTest {
  private static final Path TAR = Path.of("/usr/bin/tar");

  @TempDir Path tmp;

  private Path tree(boolean longNames) throws IOException {
    Path root = tmp.resolve("tree");
    Path dir = Files.createDirectories(root.resolve("dir/sub"));
    Files.writeString(root.resolve("dir/small.txt"), "hello");
    Files.write(root.resolve("dir/empty"), new byte[0]);
    Files.write(root.resolve("dir/block.bin"), new byte[512]);
    byte[] big = new byte[70_001];
    new Random(1).nextBytes(big);
    Files.write(dir.resolve("big.bin"), big);
    Files.createSymbolicLink(root.resolve("dir/link"), Path.of("small.txt"));
    Files.createLink(root.resolve("dir/hard"), root.resolve("dir/small.txt"));
    if (longNames) {
      Path deep = Files.createDirectories(root.resolve("l/" + "x".repeat(120)));
      Files.writeString(deep.resolve("file-with-a-long-name-" + "y".repeat(100) + ".txt"), "long");
      Files.createSymbolicLink(
          root.resolve("l/long-link"),
          Path.of("x".repeat(120) + "/file-with-a-long-name-" + "y".repeat(100) + ".txt"));
      Files.writeString(root.resolve("d\u00e9j\u00e0-vu.txt"), "utf8 name");
    }
    try (var paths = Files.walk(root)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        if (!Files.isSymbolicLink(p)) {
          Files.setLastModifiedTime(p, FileTime.fromMillis(1_700_000_000_250L));
        }
      }
    }
    return root;
  }

  private byte[] gnuTar(String format, Path root) throws Exception {
    Path out = tmp.resolve(format + ".tar");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                TAR.toString(),
                "--format=" + format,
                "--sort=name",
                "--owner=0",
                "--group=0",
                "--numeric-owner",
                "-cf",
                out.toString(),
                "-C",
                root.toString(),
                "."));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes(), UTF_8);
    assertThat(p.waitFor()).as(log).isZero();
    return Files.readAllBytes(out);
  }

  @ParameterizedTest
  @ValueSource(strings = {"gnu", "oldgnu", "posix", "ustar", "v7"})
  void gnuTarFormats(String format) throws Exception {
    assumeTrue(Files.isExecutable(TAR), "GNU tar not installed");
    boolean longNames = format.equals("gnu") || format.equals("oldgnu") || format.equals("posix");
    byte[] tar = gnuTar(format, tree(longNames));

    TarToc toc = TestData.parse(tar);
    assertThat(TestData.parseByteAtATime(tar)).isEqualTo(toc);
    assertThat(TestData.parseRandomChunks(tar, 42, 3000)).isEqualTo(toc);

    List<FileMetadata> e = toc.entries();
    assertThat(e)
        .extracting(FileMetadata::name)
        .contains("./dir/small.txt", "./dir/link", "./dir/hard", "./dir/sub/big.bin");
    FileMetadata hard =
        e.stream().filter(x -> x.name().equals("./dir/hard")).findFirst().orElseThrow();
    FileMetadata link =
        e.stream().filter(x -> x.name().equals("./dir/link")).findFirst().orElseThrow();
    // GNU tar stores whichever of the two hard-linked names it meets first as the file.
    assertThat(hard.type()).isIn(EntryType.REG, EntryType.HARDLINK);
    assertThat(link.type()).isEqualTo(EntryType.SYMLINK);
    assertThat(link.linkName()).isEqualTo("small.txt");
    if (longNames) {
      assertThat(e)
          .extracting(FileMetadata::name)
          .contains(
              "./l/" + "x".repeat(120) + "/file-with-a-long-name-" + "y".repeat(100) + ".txt",
              "./d\u00e9j\u00e0-vu.txt");
    }
    if (format.equals("posix")) {
      // GNU tar's PAX headers carry the sub-second mtime (and atime/ctime).
      FileMetadata small =
          e.stream().filter(x -> x.name().equals("./dir/small.txt")).findFirst().orElseThrow();
      assertThat(small.modTime()).isEqualTo("2023-11-14T22:13:20.25Z");
      assertThat(small.paxRecords()).isNotEmpty();
    }

    // End of archive: right after the last entry's padded data and two zero blocks; GNU tar
    // pads the file with zeros to a 10240-byte record, which is not counted.
    FileMetadata last = e.get(e.size() - 1);
    long end = (last.uncompressedOffset() + last.uncompressedSize() + 511) / 512 * 512;
    assertThat(toc.archiveSize()).isEqualTo(end + 1024);
    assertThat(tar.length % 10240).isZero();

    CommonsCompressOracle.assertSameEntries(tar, toc);
  }
}
