package dev.soci.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.soci.ztoc.MalformedZtocException;
import dev.soci.ztoc.zinfo.Checkpoint;
import dev.soci.ztoc.zinfo.GzipZinfo;
import java.util.Arrays;

/**
 * {@link GzipZinfo#fromBytes} (the zinfo blob of version 1 or 2). Invariants: only {@link
 * MalformedZtocException} escapes; what parses writes back to the same bytes; the span arithmetic
 * never throws and is monotonic (spans in order, offsets never go backwards).
 */
class GzipZinfoFuzzer {

  public static void fuzzerTestOneInput(byte[] data) {
    GzipZinfo z;
    try {
      z = GzipZinfo.fromBytes(data);
    } catch (MalformedZtocException e) {
      Findings.checkMessage(e);
      return;
    }
    Findings.check(Arrays.equals(z.toBytes(), data), "toBytes() differs from the bytes parsed");
    int max = z.maxSpanId();
    Findings.check(max == z.checkpoints().size() - 1, "maxSpanId " + max);
    long fileSize = max < 0 ? 0 : saturatedIncrement(z.checkpoint(max).in());
    long uncompressed = max < 0 ? 0 : saturatedIncrement(z.checkpoint(max).out());
    for (int i = 0; i <= max; i++) {
      Checkpoint c = z.checkpoint(i);
      Findings.check(
          z.startCompressedOffset(i) <= z.endCompressedOffset(i, fileSize),
          "span " + i + " ends before it starts");
      Findings.check(
          z.startUncompressedOffset(i) <= z.endUncompressedOffset(i, uncompressed),
          "span " + i + " uncompressed range is reversed");
      int s = z.spanOf(c.out());
      Findings.check(
          s >= i && s <= max && z.checkpoint(s).out() == c.out(), "spanOf(" + c.out() + ") = " + s);
    }
    Findings.check(
        z.spanOf(-1) == 0 && z.spanOf(Long.MAX_VALUE) == Math.max(max, 0), "spanOf out of range");
  }

  private static long saturatedIncrement(long v) {
    return v == Long.MAX_VALUE ? v : v + 1;
  }

  @FuzzTest
  void fuzz(byte[] data) {
    fuzzerTestOneInput(data);
  }
}
