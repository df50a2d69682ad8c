package dev.soci.ztoc.gzip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SpeculativeChunkTest {

  @Test
  void resolvesMarkersThroughTheWindowAndCopiesPlainPages() {
    Random random = new Random(11);
    int marked = 5000;
    int plain = PagePool.PAGE_SIZE + 777; // two pages
    byte[] output = new byte[GzipDecoder.WSIZE + 100];
    random.nextBytes(output);
    int windowEnd = GzipDecoder.WSIZE + 50; // the window: output[50, 50 + 32 KiB)

    byte[] lo = new byte[marked];
    byte[] hi = new byte[marked];
    byte[] expected = new byte[marked + plain];
    for (int i = 0; i < marked; i++) {
      // runs without markers (some longer than eight bytes), isolated markers, dense markers
      boolean marker = i % 97 < 20 ? random.nextBoolean() : i % 31 == 0;
      if (marker) {
        int ref = random.nextInt(GzipDecoder.WSIZE);
        hi[i] = (byte) ((ref >>> 8) + 1);
        lo[i] = (byte) ref;
        expected[i] = output[windowEnd - GzipDecoder.WSIZE + ref];
      } else {
        lo[i] = (byte) random.nextInt();
        expected[i] = lo[i];
      }
    }
    PagePool pool = new PagePool();
    byte[][] pages = {pool.take(), pool.take()};
    for (int i = 0; i < plain; i++) {
      byte b = (byte) random.nextInt();
      pages[i / PagePool.PAGE_SIZE][i % PagePool.PAGE_SIZE] = b;
      expected[marked + i] = b;
    }
    SpeculativeChunk chunk =
        new SpeculativeChunk(
            0,
            lo,
            hi,
            marked,
            pages,
            pool,
            new long[] {8},
            new int[] {marked + plain},
            1,
            GzipDecoder.WSIZE);
    byte[] table = SpeculativeChunk.resolutionTable(output, windowEnd);

    byte[] whole = new byte[expected.length];
    chunk.copyResolved(0, expected.length, table, whole, 0);
    assertThat(whole).isEqualTo(expected);

    // In pieces that start and end anywhere, as the decoder's window fills.
    byte[] pieces = new byte[expected.length + 3];
    int done = 0;
    while (done < expected.length) {
      int n = Math.min(expected.length - done, 1 + random.nextInt(3000));
      chunk.copyResolved(done, n, table, pieces, 3 + done);
      done += n;
    }
    assertThat(java.util.Arrays.copyOfRange(pieces, 3, pieces.length)).isEqualTo(expected);
  }
}
