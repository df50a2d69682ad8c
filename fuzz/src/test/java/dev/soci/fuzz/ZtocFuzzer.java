package dev.soci.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.soci.ztoc.EntryNotFoundException;
import dev.soci.ztoc.FileMetadata;
import dev.soci.ztoc.MalformedZtocException;
import dev.soci.ztoc.Ztoc;
import dev.soci.ztoc.ZtocInfo;
import java.util.Arrays;
import java.util.List;

/**
 * {@link Ztoc#decode} (the flatbuffers decoder and every check behind it). Invariants: only {@link
 * MalformedZtocException} escapes; a decoded zTOC encodes, decodes again to the same entries and
 * re-encodes to the same bytes; {@code info} JSON, link resolution (loop-safe) and span lookups
 * never throw anything undocumented.
 */
class ZtocFuzzer {

  public static void fuzzerTestOneInput(byte[] data) {
    Ztoc z;
    try {
      z = Ztoc.decode(data);
    } catch (MalformedZtocException e) {
      Findings.checkMessage(e);
      return;
    }
    try {
      byte[] encoded = z.encode();
      Ztoc again = Ztoc.decode(encoded);
      Findings.check(again.files().equals(z.files()), "entries changed through encode/decode");
      Findings.check(Arrays.equals(again.encode(), encoded), "re-encoding is not stable");
      ZtocInfo.of(z, data.length).toJson();
    } catch (MalformedZtocException e) {
      throw new AssertionError("a decoded zTOC does not survive encode/decode: " + e, e);
    }
    List<FileMetadata> files = z.files();
    for (int i = 0; i < Math.min(files.size(), 64); i++) {
      FileMetadata f = files.get(i);
      try {
        FileMetadata target = z.toc().resolve(f.rawName());
        Findings.check(target.rawLinkName().length == 0, "resolve() returned a link");
      } catch (EntryNotFoundException e) {
        Findings.checkMessage(e);
      }
      long h = z.toc().headerOffset(f);
      Findings.check(
          h >= 0 && h <= f.uncompressedOffset(), "header offset " + h + " after the data of " + f);
    }
  }

  @FuzzTest
  void fuzz(byte[] data) {
    fuzzerTestOneInput(data);
  }
}
