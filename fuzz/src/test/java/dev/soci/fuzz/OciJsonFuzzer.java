package dev.soci.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.soci.oci.Descriptor;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.InvalidDocumentException;
import dev.soci.oci.OciJson;
import java.util.Arrays;

/**
 * The strict OCI/SOCI JSON reader ({@link OciJson#decoder()}) on any bytes, as an image manifest
 * (SOCI indexes are manifests), an image index and a descriptor. Invariants: only {@link
 * InvalidDocumentException} escapes, with a message; what decodes encodes to Go's bytes and those
 * bytes decode and encode again to the same bytes (the digest a snapshotter computes after
 * re-encoding is stable).
 */
class OciJsonFuzzer {

  public static void fuzzerTestOneInput(byte[] data) {
    OciJson.Decoder decoder = OciJson.decoder();
    try {
      ImageManifest m = decoder.decodeManifest(data, "fuzz manifest");
      byte[] once = OciJson.encode(m);
      byte[] twice = OciJson.encode(decoder.decodeManifest(once, "re-encoded manifest"));
      Findings.check(Arrays.equals(once, twice), "manifest re-encoding is not stable");
    } catch (InvalidDocumentException e) {
      Findings.check(e.getMessage() != null && !e.getMessage().isBlank(), "empty message");
    }
    try {
      ImageIndex i = decoder.decodeIndex(data, "fuzz index");
      byte[] once = OciJson.encode(i);
      byte[] twice = OciJson.encode(decoder.decodeIndex(once, "re-encoded index"));
      Findings.check(Arrays.equals(once, twice), "index re-encoding is not stable");
    } catch (InvalidDocumentException e) {
      Findings.check(e.getMessage() != null && !e.getMessage().isBlank(), "empty message");
    }
    try {
      Descriptor d = decoder.decodeDescriptor(data, "fuzz descriptor");
      byte[] once = OciJson.encode(d);
      byte[] twice = OciJson.encode(decoder.decodeDescriptor(once, "re-encoded descriptor"));
      Findings.check(Arrays.equals(once, twice), "descriptor re-encoding is not stable");
    } catch (InvalidDocumentException e) {
      Findings.check(e.getMessage() != null && !e.getMessage().isBlank(), "empty message");
    }
  }

  @FuzzTest
  void fuzz(byte[] data) {
    fuzzerTestOneInput(data);
  }
}
