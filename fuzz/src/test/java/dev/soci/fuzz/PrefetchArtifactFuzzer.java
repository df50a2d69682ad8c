package dev.soci.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.soci.oci.InvalidDocumentException;
import dev.soci.oci.OciJson;
import dev.soci.oci.PrefetchArtifact;
import java.util.Arrays;

/**
 * The prefetch artifact decoder ({@link PrefetchArtifact#decode}) and the string-array reader of
 * {@code --prefetch-files-json} on any bytes. Invariants: only {@link InvalidDocumentException}
 * escapes, with a message; what decodes is valid (version 1.0, at least one span, {@code 0 <= start
 * <= end}), encodes to bytes that decode to the same artifact, and the zTOC bounds check rejects
 * exactly the spans past the last span.
 */
class PrefetchArtifactFuzzer {

  public static void fuzzerTestOneInput(byte[] data) {
    try {
      PrefetchArtifact a = PrefetchArtifact.decode(data, "fuzz artifact");
      Findings.check(
          a.version().equals(PrefetchArtifact.VERSION) && !a.spans().isEmpty(), "invalid value");
      byte[] once = a.encode();
      PrefetchArtifact back = PrefetchArtifact.decode(once, "re-encoded artifact");
      Findings.check(back.equals(a), "artifact does not survive re-encoding");
      Findings.check(Arrays.equals(once, back.encode()), "re-encoding is not stable");
      int max = a.spans().stream().mapToInt(PrefetchArtifact.Span::endSpan).max().orElseThrow();
      a.checkWithin(max, "fuzz artifact");
      try {
        a.checkWithin(max - 1, "fuzz artifact");
        Findings.check(false, "a span past the zTOC was accepted");
      } catch (InvalidDocumentException expected) {
        // the highest span lies outside
      }
    } catch (InvalidDocumentException e) {
      Findings.check(e.getMessage() != null && !e.getMessage().isBlank(), "empty message");
    }
    try {
      OciJson.decoder().decodeStringArray(data, "fuzz paths");
    } catch (InvalidDocumentException e) {
      Findings.check(e.getMessage() != null && !e.getMessage().isBlank(), "empty message");
    }
  }

  @FuzzTest
  void fuzz(byte[] data) {
    fuzzerTestOneInput(data);
  }
}
