package dev.soci.ztoc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Span digests are the SHA-256 of each span's byte range, whatever order starts and bytes arrive
 * in.
 */
class SpanDigesterTest {
  private static final byte[] LAYER = new byte[3_000_000];

  static {
    new Random(1).nextBytes(LAYER);
  }

  /** Spans [0,a) [a-1,b) [b,end): the second overlaps the first by one byte, as with bits != 0. */
  private static final long A = 700_001;

  private static final long B = 2_100_003;

  @Test
  void startsBehindTheBytes() {
    SpanDigester d = new SpanDigester(1 << 16);
    d.startSpan(0, 0);
    feed(d, 0, (int) A + 10);
    d.startSpan(A - 1, A);
    feed(d, (int) A + 10, (int) B + 5);
    d.startSpan(B, B);
    feed(d, (int) B + 5, LAYER.length);
    assertThat(d.finish(LAYER.length)).isEqualTo(expected());
  }

  @Test
  void startsFarAheadOfTheBytes() {
    // Decoding threads ran ahead: every span start is known before its bytes are read.
    SpanDigester d = new SpanDigester(1 << 16);
    d.startSpan(0, 0);
    d.startSpan(A - 1, A);
    d.startSpan(B, B);
    for (int off = 0; off < LAYER.length; off += 65_536) {
      feed(d, off, Math.min(LAYER.length, off + 65_536));
    }
    assertThat(d.finish(LAYER.length)).isEqualTo(expected());
  }

  @Test
  void aStartBeyondTheLayerIsAnError() {
    SpanDigester d = new SpanDigester(1 << 16);
    d.startSpan(0, 0);
    d.startSpan(5_000_000, 5_000_000);
    feed(d, 0, LAYER.length);
    assertThatThrownBy(() -> d.finish(LAYER.length))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("beyond");
  }

  private static void feed(SpanDigester d, int from, int to) {
    d.update(LAYER, from, to - from);
  }

  private static List<String> expected() {
    return List.of(sha(0, A), sha(A - 1, B), sha(B, LAYER.length));
  }

  private static String sha(long from, long to) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(Arrays.copyOfRange(LAYER, (int) from, (int) to));
      return "sha256:" + HexFormat.of().formatHex(md.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
