package dev.soci.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.soci.ztoc.TarFormatException;
import dev.soci.ztoc.internal.tar.TarToc;
import dev.soci.ztoc.internal.tar.TarTocParser;
import java.util.Arrays;
import java.util.Objects;

/**
 * The push-based tar TOC parser, fed the input in one piece and in chunks whose sizes come from the
 * input's hash. Invariants: only {@link TarFormatException} escapes; chunking never changes the
 * result (same entries and archive size, or the same error); the archive size never exceeds the
 * input and entries never start beyond it.
 */
class TarTocParserFuzzer {

  public static void fuzzerTestOneInput(byte[] data) {
    Object whole = parse(data, data.length == 0 ? 1 : data.length);
    int h = Arrays.hashCode(data);
    int chunk = 1 + Math.floorMod(h, 700);
    Object chunked = parse(data, chunk);
    if (whole instanceof TarToc t) {
      Findings.check(
          t.archiveSize() <= data.length,
          "archive size " + t.archiveSize() + " > input " + data.length);
      t.entries()
          .forEach(
              e ->
                  Findings.check(
                      e.uncompressedOffset() <= data.length
                          && e.uncompressedOffset() + e.uncompressedSize() <= t.archiveSize(),
                      "entry beyond the input: " + e));
    }
    Findings.check(
        Objects.equals(whole, chunked),
        "chunks of " + chunk + " bytes give " + chunked + ", one piece gives " + whole);
  }

  @FuzzTest
  void fuzz(byte[] data) {
    fuzzerTestOneInput(data);
  }

  /** The TOC, or the error message. */
  private static Object parse(byte[] data, int chunk) {
    TarTocParser p = new TarTocParser();
    try {
      for (int off = 0; off < data.length; off += chunk) {
        p.write(data, off, Math.min(chunk, data.length - off));
      }
      return p.finish();
    } catch (TarFormatException e) {
      Findings.checkMessage(e);
      return e.getMessage();
    }
  }
}
