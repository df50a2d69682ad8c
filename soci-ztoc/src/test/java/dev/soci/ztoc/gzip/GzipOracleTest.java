package dev.soci.ztoc.gzip;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.ztoc.zinfo.Checkpoint;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The decoder against java.util.zip on every producer, and resuming at every block boundary on both
 * paths (pure Java and JDK Inflater with the prime prefix).
 */
class GzipOracleTest {
  @TempDir static Path tmp;
  static byte[] payload;
  static Map<String, byte[]> streams;

  @BeforeAll
  static void produce() {
    payload = GzipProducers.payload(42, 3_000_000);
    streams = GzipProducers.all(payload, tmp);
  }

  static Stream<Arguments> producers() {
    produce();
    return streams.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
  }

  @Test
  void allCommandLineProducersArePresent() {
    // CI installs them; locally a missing one is reported here rather than silently skipped.
    assertThat(GzipProducers.missingTools()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("producers")
  void decodesLikeJavaUtilZip(String name, byte[] gz) throws IOException {
    byte[] expected = new GZIPInputStream(new ByteArrayInputStream(gz)).readAllBytes();
    assertThat(expected).isEqualTo(payload);
    Collected c = decodeAll(gz, 64);
    assertThat(c.out.toByteArray()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("producers")
  void resumesAtEveryBoundaryOnBothPaths(String name, byte[] gz) throws IOException {
    Collected c = decodeAll(gz, Integer.MAX_VALUE);
    byte[] all = c.out.toByteArray();
    assertThat(c.boundaries).isNotEmpty();
    int stride = c.boundaries.size() > 400 ? c.boundaries.size() / 400 + 1 : 1;
    for (int i = 0; i < c.boundaries.size(); i += (i < 50 ? 1 : stride)) {
      Checkpoint cp = c.boundaries.get(i);
      int want = (int) Math.min(70_000, all.length - cp.out());
      byte[] expected = Arrays.copyOfRange(all, (int) cp.out(), (int) cp.out() + want);
      assertThat(javaPath(gz, cp, want)).as("pure Java at %s", cp).isEqualTo(expected);
      assertThat(jdkPath(gz, cp, want, 4096)).as("JDK Inflater at %s", cp).isEqualTo(expected);
    }
  }

  @Test
  void jdkPathAcrossMemberBoundariesWithTinyChunks() throws IOException {
    byte[] gz = streams.get("concat-3-with-empty");
    Collected c = decodeAll(gz, Integer.MAX_VALUE);
    byte[] all = c.out.toByteArray();
    Checkpoint first = c.boundaries.get(0);
    assertThat(jdkPath(gz, first, all.length, 1)).isEqualTo(all);
    assertThat(jdkPath(gz, first, all.length, 7)).isEqualTo(all);
    Checkpoint mid = c.boundaries.get(c.boundaries.size() / 2);
    assertThat(jdkPath(gz, mid, (int) (all.length - mid.out()), 3))
        .isEqualTo(Arrays.copyOfRange(all, (int) mid.out(), all.length));
  }

  static byte[] javaPath(byte[] gz, Checkpoint cp, int want) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int start = (int) cp.startCompressedOffset();
    GzipDecoder d =
        GzipDecoder.resumeAt(new ByteArrayInputStream(gz, start, gz.length - start), cp)
            .outputLimit(cp.out() + want);
    d.decode((b, off, len) -> out.write(b, off, len));
    byte[] got = out.toByteArray();
    return Arrays.copyOf(got, Math.min(got.length, want));
  }

  static byte[] jdkPath(byte[] gz, Checkpoint cp, int want, int chunk) throws IOException {
    byte[] dst = new byte[want];
    int filled = 0;
    int in = (int) cp.startCompressedOffset();
    try (CheckpointInflater inf = new CheckpointInflater(cp)) {
      while (filled < want) {
        if (inf.needsInput()) {
          if (in >= gz.length) {
            break;
          }
          int n = Math.min(chunk, gz.length - in);
          inf.setInput(gz, in, n);
          in += n;
        }
        filled += inf.inflate(dst, filled, want - filled);
      }
    }
    return Arrays.copyOf(dst, filled);
  }

  static final class Collected {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final List<Checkpoint> boundaries = new ArrayList<>();
  }

  static Collected decodeAll(byte[] gz, int readChunk) throws IOException {
    Collected c = new Collected();
    // Feed through a stream that returns short reads, to exercise refills at every position.
    ByteArrayInputStream src =
        new ByteArrayInputStream(gz) {
          @Override
          public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(len, readChunk));
          }
        };
    new GzipDecoder(src)
        .decode(
            new GzipListener() {
              @Override
              public void onData(byte[] buf, int off, int len) {
                c.out.write(buf, off, len);
              }

              @Override
              public void onBoundary(BlockBoundary b) {
                byte[] w = new byte[Checkpoint.WINDOW_SIZE];
                b.copyWindow(w, 0);
                c.boundaries.add(new Checkpoint(b.in(), b.out(), b.bits(), w));
              }
            });
    return c;
  }
}
