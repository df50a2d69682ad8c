package dev.soci.ztoc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.ztoc.gzip.GzipProducers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Building with several threads gives the same zTOC, byte for byte, as building with one. */
class ParallelBuildTest {
  @TempDir static Path tmp;
  static Path layer;

  @BeforeAll
  static void makeLayer() throws IOException {
    byte[] pool = GzipProducers.payload(21, 24_000_000);
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(tar)) {
      int used = 0;
      for (int i = 0; used < pool.length; i++) {
        int size = Math.min(pool.length - used, 1 + (i * 7919) % 900_000);
        TarArchiveEntry e = new TarArchiveEntry("opt/app/file-" + i);
        e.setSize(size);
        e.setModTime(1_700_000_000_000L + i * 1000L);
        t.putArchiveEntry(e);
        t.write(pool, used, size);
        t.closeArchiveEntry();
        used += size;
      }
    }
    layer = tmp.resolve("layer.tar.gz");
    try (GZIPOutputStream gz =
        new GZIPOutputStream(Files.newOutputStream(layer), 1 << 16) {
          {
            def.setLevel(Deflater.DEFAULT_COMPRESSION);
          }
        }) {
      tar.writeTo(gz);
    }
  }

  @Test
  void theLayerIsLargeEnoughToBeSplit() throws IOException {
    assertThat(Files.size(layer))
        .isGreaterThan(2L * dev.soci.ztoc.gzip.SpeculativeDecoding.STRETCH_SIZE);
  }

  @Test
  void aCorruptLayerFailsTheSameWayWithSeveralThreads() throws IOException {
    byte[] gz = Files.readAllBytes(layer);
    for (int at : new int[] {gz.length / 3, gz.length / 2 + 777, gz.length - 100}) {
      byte[] bad = gz.clone();
      bad[at] ^= 0x5a;
      Path file = tmp.resolve("bad-" + at + ".tar.gz");
      Files.write(file, bad);
      String sequential = failure(() -> ZtocBuilder.withDefaults().parallelism(1).build(file));
      String parallel = failure(() -> ZtocBuilder.withDefaults().parallelism(2).build(file));
      assertThat(parallel).as("flip at %d", at).isEqualTo(sequential).isNotEqualTo("no failure");
    }
  }

  private interface Build {
    Ztoc run() throws IOException;
  }

  private static String failure(Build b) {
    try {
      b.run();
      return "no failure";
    } catch (IOException e) {
      return e.getClass().getName() + ": " + e.getMessage();
    }
  }

  @Test
  void theTapSeesEveryByteOnceInOrder() throws IOException {
    byte[] sequential = ZtocBuilder.withDefaults().parallelism(1).build(layer).encode();
    for (int threads : new int[] {1, 2}) {
      ByteArrayOutputStream tap = new ByteArrayOutputStream();
      byte[] built = ZtocBuilder.withDefaults().parallelism(threads).build(layer, tap).encode();
      assertThat(built).as("%d threads", threads).isEqualTo(sequential);
      assertThat(tap.toByteArray()).as("%d threads", threads).isEqualTo(Files.readAllBytes(layer));
    }
  }

  @Test
  void aTapThatFailsFailsTheBuild() {
    java.io.OutputStream broken =
        new java.io.OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw new IOException("disk full");
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            throw new IOException("disk full");
          }
        };
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> ZtocBuilder.withDefaults().build(layer, broken))
        .isInstanceOf(ZtocException.class)
        .hasMessageContaining("disk full");
  }

  @Test
  void sameZtocWithOneAndWithSeveralThreads() throws IOException {
    byte[] sequential = ZtocBuilder.withDefaults().parallelism(1).build(layer).encode();
    for (int threads : new int[] {2, 4, 2}) { // later rounds run JIT-compiled: workers start early
      for (long span : new long[] {ZtocBuilder.DEFAULT_SPAN_SIZE, 1 << 20}) {
        byte[] parallel =
            ZtocBuilder.withDefaults().parallelism(threads).spanSize(span).build(layer).encode();
        byte[] expected =
            span == ZtocBuilder.DEFAULT_SPAN_SIZE
                ? sequential
                : ZtocBuilder.withDefaults().parallelism(1).spanSize(span).build(layer).encode();
        assertThat(parallel).as("%d threads, span %d", threads, span).isEqualTo(expected);
      }
    }
  }
}
