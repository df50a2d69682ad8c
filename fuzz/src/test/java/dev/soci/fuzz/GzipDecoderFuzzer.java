package dev.soci.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.soci.fuzz.Findings.Sink;
import dev.soci.ztoc.GzipFormatException;
import dev.soci.ztoc.gzip.BlockBoundary;
import dev.soci.ztoc.gzip.CheckpointInflater;
import dev.soci.ztoc.gzip.GzipDecoder;
import dev.soci.ztoc.gzip.GzipListener;
import dev.soci.ztoc.zinfo.Checkpoint;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The pure-Java gzip decoder on a whole stream. Invariants: only {@link GzipFormatException}
 * escapes; output is bounded; a stream it accepts gives exactly the bytes the JDK's {@link
 * GZIPInputStream} gives; and resuming at one of the boundaries it reported (picked by the input's
 * hash), with {@link GzipDecoder#resumeAt} and with {@link CheckpointInflater}, gives exactly the
 * rest of the output.
 */
class GzipDecoderFuzzer {

  public static void fuzzerTestOneInput(byte[] data) {
    try {
      run(data);
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

  private static void run(byte[] data) throws IOException {
    Sink whole = new Sink();
    int pick = Math.floorMod(Arrays.hashCode(data), 64);
    Checkpoint[] picked = new Checkpoint[1];
    GzipDecoder decoder =
        new GzipDecoder(new ByteArrayInputStream(data)).outputLimit(Findings.MAX_OUTPUT);
    decoder.decode(
        new GzipListener() {
          private int boundaries;

          @Override
          public void onData(byte[] buf, int off, int len) {
            whole.write(buf, off, len);
          }

          @Override
          public void onBoundary(BlockBoundary b) {
            if (boundaries++ == pick) {
              byte[] window = new byte[Checkpoint.WINDOW_SIZE];
              b.copyWindow(window, 0);
              picked[0] = new Checkpoint(b.in(), b.out(), b.bits(), window);
            }
          }
        });
    if (whole.full()) {
      return; // stopped at the output bound: nothing more to compare
    }
    byte[] expected = jdkGunzip(data);
    Findings.check(
        Arrays.equals(expected, whole.toByteArray()),
        "the decoder accepted the stream but its "
            + whole.size()
            + " bytes differ from the JDK's "
            + expected.length);
    Checkpoint c = picked[0];
    if (c != null) {
      byte[] rest = Arrays.copyOfRange(expected, (int) c.out(), expected.length);
      int from = (int) c.startCompressedOffset();
      Sink resumed = new Sink();
      GzipDecoder.resumeAt(new ByteArrayInputStream(data, from, data.length - from), c)
          .decode((buf, off, len) -> resumed.write(buf, off, len));
      Findings.check(
          Arrays.equals(rest, resumed.toByteArray()), "resumeAt " + c + " gave different bytes");
      Findings.check(
          Arrays.equals(rest, inflateFrom(c, data, from)),
          "CheckpointInflater at " + c + " gave different bytes");
    }
  }

  private static byte[] jdkGunzip(byte[] data) {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
      return in.readAllBytes();
    } catch (ZipException | java.io.EOFException e) {
      throw new AssertionError("the decoder accepted a stream the JDK rejects: " + e, e);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static byte[] inflateFrom(Checkpoint c, byte[] data, int from) throws GzipFormatException {
    Sink out = new Sink();
    byte[] buf = new byte[8192];
    try (CheckpointInflater inflater = new CheckpointInflater(c)) {
      inflater.setInput(data, from, data.length - from);
      int idle = 0;
      while (!out.full()) {
        int n = inflater.inflate(buf, 0, buf.length);
        if (n > 0) {
          out.write(buf, 0, n);
          idle = 0;
        } else if (inflater.needsInput() || ++idle > 3) {
          break;
        }
      }
    }
    return out.toByteArray();
  }
}
