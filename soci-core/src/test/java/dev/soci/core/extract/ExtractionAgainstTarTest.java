package dev.soci.core.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.soci.core.SeekableLayer;
import dev.soci.ztoc.ZtocBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Oracle: GNU tar extracts real layers to the same tree (paths, types, bytes, link targets, modes).
 */
@Timeout(120)
class ExtractionAgainstTarTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "basic.gnutar.gzip6.tar.gz",
        "basic.gotar-pax.go-default.tar.gz",
        "gitarchive.tar.gz",
        "small.ustar.gzip6.tar.gz",
        "small.gnutar.uncompressed.tar"
      })
  void sameTreeAsGnuTar(String name) throws Exception {
    Path blob =
        Path.of(System.getProperty("soci.testdata", "../testdata"), "upstream/layers", name);
    Path ours = Files.createDirectories(tmp.resolve("ours"));
    Path theirs = Files.createDirectories(tmp.resolve("theirs"));
    assumeTrue(runTar(blob, theirs), "GNU tar is not available");
    // Device files need root (as for tar); elsewhere they are skipped and left out of the
    // comparison.
    boolean root = ((Integer) Files.getAttribute(ours, "unix:uid")) == 0;
    try (SeekableLayer l =
        SeekableLayer.open(blob, ZtocBuilder.withDefaults().spanSize(65536).build(blob))) {
      LayerExtractor.withDefaults().devices(root).extract(l, ours);
    }
    Map<String, String> expected = describe(theirs);
    if (!root) {
      expected.values().removeIf(d -> d.startsWith("special"));
    }
    assertThat(describe(ours)).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void extractAllInflatesEachSpanOnceEvenWithoutACache() throws Exception {
    Path blob =
        Path.of(
            System.getProperty("soci.testdata", "../testdata"),
            "upstream/layers/spans.gnutar.gzip6.tar.gz");
    Path ours = Files.createDirectories(tmp.resolve("ours"));
    Path theirs = Files.createDirectories(tmp.resolve("theirs"));
    assumeTrue(runTar(blob, theirs), "GNU tar is not available");
    dev.soci.ztoc.Ztoc ztoc = ZtocBuilder.withDefaults().spanSize(65536).build(blob);
    try (SeekableLayer l =
        SeekableLayer.open(
            blob,
            ztoc,
            SeekableLayer.Options.defaults().withSpanCache(dev.soci.core.SpanCache.disabled()))) {
      LayerExtractor.withDefaults().extract(l, ours);
      assertThat(l.statistics().spansInflated()).isLessThanOrEqualTo(ztoc.maxSpanId() + 1L);
      assertThat(l.statistics().compressedBytesRead()).isLessThanOrEqualTo(Files.size(blob));
    }
    assertThat(describe(ours)).isEqualTo(describe(theirs));
  }

  private static boolean runTar(Path blob, Path dir) throws IOException, InterruptedException {
    Process p;
    try {
      p =
          new ProcessBuilder("tar", "--no-same-owner", "-xf", blob.toString(), "-C", dir.toString())
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      return false;
    }
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("tar did not finish");
    }
    assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
    return true;
  }

  /** Every path: type, mode bits, and content or link target. */
  private static Map<String, String> describe(Path root) throws IOException {
    Map<String, String> m = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(p -> !p.equals(root)).toList()) {
        String d;
        int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if (Files.isSymbolicLink(p)) {
          d = "symlink -> " + Files.readSymbolicLink(p);
        } else if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
            && !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          d =
              "special "
                  + Integer.toOctalString(mode)
                  + " rdev "
                  + Files.getAttribute(p, "unix:rdev");
        } else {
          d =
              (Files.isDirectory(p) ? "dir " : "file ")
                  + Integer.toOctalString(mode & 0777)
                  + (Files.isRegularFile(p)
                      ? " "
                          + java.util.Arrays.hashCode(Files.readAllBytes(p))
                          + " links "
                          + Files.getAttribute(p, "unix:nlink")
                      : "");
        }
        m.put(root.relativize(p).toString(), d);
      }
    }
    return m;
  }
}
