package dev.soci.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.soci.fuzz.Findings.Sink;
import dev.soci.ztoc.GzipFormatException;
import dev.soci.ztoc.gzip.GzipDecoder;
import dev.soci.ztoc.zinfo.Checkpoint;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.SplittableRandom;

/**
 * {@link GzipDecoder#resumeAt} from a fabricated checkpoint: the first input byte gives the
 * checkpoint's {@code bits}, the second seeds its window, the rest is the compressed data from the
 * checkpoint on (deflate blocks, then possibly a trailer and more gzip members). Invariants: only
 * {@link GzipFormatException} escapes, output stays bounded, nothing hangs.
 */
class GzipResumeFuzzer {
  static final long IN = 1_000;
  static final long OUT = 1 << 20;

  public static void fuzzerTestOneInput(byte[] data) {
    if (data.length < 2) {
      return;
    }
    try {
      Sink out = new Sink();
      GzipDecoder d =
          GzipDecoder.resumeAt(new ByteArrayInputStream(data, 2, data.length - 2), checkpoint(data))
              .outputLimit(OUT + Findings.MAX_OUTPUT);
      d.decode((buf, off, len) -> out.write(buf, off, len));
      Findings.check(
          d.uncompressedPosition() - OUT >= out.size() || out.full(),
          "reported position "
              + d.uncompressedPosition()
              + " is behind the "
              + out.size()
              + " bytes delivered");
    } catch (GzipFormatException e) {
      Findings.checkMessage(e);
    } catch (IOException e) {
      throw Findings.undocumented(e);
    }
  }

  @FuzzTest
  void fuzz(byte[] data) {
    fuzzerTestOneInput(data);
  }

  /** The checkpoint a fuzz input describes; its compressed data starts at input byte 2. */
  static Checkpoint checkpoint(byte[] data) {
    int bits = data[0] & 7;
    byte[] window = new byte[Checkpoint.WINDOW_SIZE];
    new SplittableRandom(data[1]).nextBytes(window);
    if ((data[1] & 0x80) != 0) {
      java.util.Arrays.fill(
          window, 0, window.length / 2, (byte) 'a'); // some runs, as real windows have
    }
    return new Checkpoint(bits != 0 ? IN + 1 : IN, OUT, bits, window);
  }
}
