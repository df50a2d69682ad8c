package dev.soci.oci.layout;

import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.Digester;
import java.nio.file.Path;

/**
 * Checks a blob's bytes, fed in order, against its descriptor: too many bytes fail as soon as they
 * arrive; at the end, size and digest must match. The one place that words these failures, for
 * streams reading a blob and for sinks checking bytes read by other means.
 */
final class BlobCheck {
  private final Descriptor expected;
  private final Path file;
  private final Digester digester;
  private long count;
  private boolean verified;

  BlobCheck(Descriptor expected, Path file) {
    this.expected = expected;
    this.file = file;
    this.digester = Digester.of(expected.digest().algorithm());
  }

  void update(byte[] b, int off, int len) throws OciLayoutException {
    count += len;
    if (count > expected.size()) {
      throw new OciLayoutException(
          file,
          file + ": blob is larger than the " + expected.size() + " bytes its descriptor gives");
    }
    digester.update(b, off, len);
  }

  /** Fails unless exactly the descriptor's size with its digest was fed; later calls do nothing. */
  void verify() throws OciLayoutException {
    if (verified) {
      return;
    }
    if (count != expected.size()) {
      throw new OciLayoutException(
          file, file + ": blob has " + count + " bytes, its descriptor gives " + expected.size());
    }
    Digest actual = digester.digest();
    if (!actual.equals(expected.digest())) {
      throw new OciLayoutException(
          file, file + ": blob content has digest " + actual + ", expected " + expected.digest());
    }
    verified = true;
  }
}
