package dev.soci.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.soci.ztoc.MalformedZtocException;
import dev.soci.ztoc.zinfo.TarZinfo;

/**
 * {@link TarZinfo#fromBytes} (a small flatbuffer). Invariants: only {@link MalformedZtocException}
 * escapes; what parses has a positive span size, a size of at least 0, a span count that fits an
 * {@code int} and agrees with the size, and span arithmetic that stays inside the blob.
 */
class TarZinfoFuzzer {

  public static void fuzzerTestOneInput(byte[] data) {
    TarZinfo z;
    try {
      z = TarZinfo.fromBytes(data);
    } catch (MalformedZtocException e) {
      Findings.checkMessage(e);
      return;
    }
    long spans = z.size() == 0 ? 0 : (z.size() - 1) / z.spanSize() + 1;
    Findings.check(
        z.spanSize() > 0 && z.size() >= 0,
        "accepted span size " + z.spanSize() + ", size " + z.size());
    Findings.check(
        z.maxSpanId() == spans - 1, "maxSpanId " + z.maxSpanId() + " for " + spans + " spans");
    int max = z.maxSpanId();
    for (int i : new int[] {0, max / 2, max}) {
      if (i < 0 || i > max) {
        continue;
      }
      long start = z.startCompressedOffset(i);
      long end = z.endCompressedOffset(i, z.size());
      Findings.check(
          0 <= start && start < end && end <= z.size(),
          "span " + i + " is [" + start + ", " + end + ")");
      Findings.check(z.spanOf(start) == i, "spanOf(" + start + ") != " + i);
    }
    Findings.check(z.spanOf(Long.MAX_VALUE) == Math.max(max, 0), "spanOf(MAX) out of range");
  }

  @FuzzTest
  void fuzz(byte[] data) {
    fuzzerTestOneInput(data);
  }
}
