package dev.soci.ztoc.gzip;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker's memory stays bounded even when one block inflates far past a stretch's output limit.
 */
class SpeculativeInflaterLimitTest {
  @TempDir Path tmp;

  /**
   * One non-final dynamic block whose length code 285 (258 bytes) and distance code 0 (distance 1)
   * are one bit each, so every two input bits give 258 output bytes, all of them references into
   * the window before the block; then a final empty fixed block.
   */
  static byte[] giantBlock(int matches) {
    PrimePrefix.BitWriter w = new PrimePrefix.BitWriter(64 + matches / 4);
    w.bits(0, 1); // not final
    w.bits(2, 2); // dynamic
    w.bits(29, 5); // HLIT: 286 literal/length codes
    w.bits(0, 5); // HDIST: 1 distance code
    w.bits(14, 4); // HCLEN: 18 code length code lengths, in the standard order
    int[] order = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1};
    for (int symbol : order) {
      w.bits(symbol == 18 || symbol == 1 ? 1 : 0, 3);
    }
    // Code length codes: symbol 1 is "0", symbol 18 (a run of zeros) is "1".
    w.code(1, 1);
    w.bits(138 - 11, 7); // lengths 0..137: zero
    w.code(1, 1);
    w.bits(118 - 11, 7); // 138..255: zero
    w.code(0, 1); // 256 (end of block): one bit
    w.code(1, 1);
    w.bits(28 - 11, 7); // 257..284: zero
    w.code(0, 1); // 285 (length 258): one bit
    w.code(0, 1); // distance code 0: one bit
    for (int i = 0; i < matches; i++) {
      w.code(1, 1); // length 258
      w.code(0, 1); // distance 1
    }
    w.code(0, 1); // end of block
    w.bits(1, 1); // final
    w.bits(1, 2); // fixed
    w.code(0, 7); // end of block
    return java.util.Arrays.copyOf(w.bytes(), (w.bitLength() + 7) / 8);
  }

  private SpeculativeChunk decode(byte[] stream, int maxOutput) throws IOException {
    // Workers read ahead in 8-byte words: what follows the stream in a file (here zeros) pads it.
    byte[] file = java.util.Arrays.copyOf(stream, stream.length + 4096);
    Path path = tmp.resolve("giant-" + maxOutput);
    Files.write(path, file);
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      return SpeculativeInflater.decodeAt(
          ch, new PagePool(), bit -> true, file.length, 0, file.length, 1 << 16, maxOutput);
    }
  }

  @Test
  void aBlockPastTheLimitEndsTheStretchInsteadOfGrowingWithoutBound() throws IOException {
    int matches = 20_000; // 5,160,000 bytes of output from about 5 KB
    byte[] stream = giantBlock(matches);

    SpeculativeChunk whole = decode(stream, 16 << 20);
    assertThat(whole).as("the block itself decodes").isNotNull();
    assertThat(whole.boundaryOuts[0]).isEqualTo(matches * 258);
    assertThat(whole.reach).isEqualTo(1);

    assertThat(decode(stream, 1 << 20))
        .as("past a 1 MiB limit: no stretch, the decoder does it")
        .isNull();
  }

  @Test
  void workersFitInHalfTheHeap() {
    assertThat(SpeculativeDecoding.maxWorkers(97L << 20)).isZero();
    assertThat(SpeculativeDecoding.maxWorkers(512L << 20)).isEqualTo(3);
    assertThat(SpeculativeDecoding.maxWorkers(8L << 30)).isEqualTo(58);
    assertThat(SpeculativeDecoding.maxWorkers(Long.MAX_VALUE)).isEqualTo(1024);
    assertThat(SpeculativeDecoding.maxWorkers(0)).isZero();
  }
}
