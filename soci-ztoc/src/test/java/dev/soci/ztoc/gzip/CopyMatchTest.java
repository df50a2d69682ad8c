package dev.soci.ztoc.gzip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CopyMatchTest {
  private static final int OVERSHOOT = 13;

  @Test
  void copiesEveryLengthAndDistanceLikeAByteByByteCopy() {
    Random random = new Random(5);
    for (int distance = 1; distance <= 300; distance++) {
      for (int len = 3; len <= 258; len++) {
        int to = 400;
        byte[] actual = new byte[to + len + OVERSHOOT];
        random.nextBytes(actual);
        byte[] expected = actual.clone();
        for (int i = 0; i < len; i++) {
          expected[to + i] = expected[to - distance + i];
        }

        GzipDecoder.copyMatch(actual, to - distance, to, len);

        assertThat(Arrays.copyOfRange(actual, 0, to + len))
            .as("distance %d, length %d", distance, len)
            .isEqualTo(Arrays.copyOfRange(expected, 0, to + len));
      }
    }
  }
}
