package dev.soci.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.soci.fuzz.Findings.Sink;
import dev.soci.ztoc.GzipFormatException;
import dev.soci.ztoc.gzip.CheckpointInflater;
import dev.soci.ztoc.gzip.GzipDecoder;
import dev.soci.ztoc.zinfo.Checkpoint;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * {@link CheckpointInflater} (the JDK's zlib, resumed with a dictionary and the prime prefix)
 * against the pure-Java {@link GzipDecoder#resumeAt} on the same fabricated checkpoint and bytes
 * (input layout as in {@link GzipResumeFuzzer}; the input's hash sets the size of the chunks the
 * inflater is fed). Invariants: only {@link GzipFormatException} escapes; the two decoders never
 * disagree on a byte both produced; the inflater never stalls with input left.
 */
class CheckpointInflaterFuzzer {

  public static void fuzzerTestOneInput(byte[] data) {
    if (data.length < 2) {
      return;
    }
    Checkpoint c = GzipResumeFuzzer.checkpoint(data);
    int chunk = 1 + Math.floorMod(java.util.Arrays.hashCode(data), 4096);
    Sink zlib = new Sink();
    try {
      inflate(c, data, 2, chunk, zlib);
    } catch (GzipFormatException e) {
      Findings.checkMessage(e);
    }
    Sink java = new Sink();
    try {
      GzipDecoder.resumeAt(new ByteArrayInputStream(data, 2, data.length - 2), c)
          .outputLimit(GzipResumeFuzzer.OUT + Findings.MAX_OUTPUT)
          .decode((buf, off, len) -> java.write(buf, off, len));
    } catch (GzipFormatException e) {
      Findings.checkMessage(e);
    } catch (IOException e) {
      throw Findings.undocumented(e);
    }
    Findings.checkCommonPrefix(zlib, java, "CheckpointInflater and GzipDecoder.resumeAt at " + c);
  }

  @FuzzTest
  void fuzz(byte[] data) {
    fuzzerTestOneInput(data);
  }

  private static void inflate(Checkpoint c, byte[] data, int from, int chunk, Sink out)
      throws GzipFormatException {
    byte[] buf = new byte[8192];
    int fed = from;
    try (CheckpointInflater inflater = new CheckpointInflater(c)) {
      int idle = 0;
      while (!out.full()) {
        int n = inflater.inflate(buf, 0, buf.length);
        if (n > 0) {
          out.write(buf, 0, n);
          idle = 0;
          continue;
        }
        if (!inflater.needsInput()) {
          Findings.check(++idle < 1000, "CheckpointInflater makes no progress and wants no input");
          continue;
        }
        if (fed >= data.length) {
          return;
        }
        int len = Math.min(chunk, data.length - fed);
        inflater.setInput(data, fed, len);
        fed += len;
      }
    }
  }
}
