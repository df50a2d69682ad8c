package dev.soci.ztoc;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * SHA-256 of each fixed-size span {@code [i * spanSize, (i + 1) * spanSize)} of a plain tar blob.
 */
final class FixedSpanDigester {
  private final long spanSize;
  private final MessageDigest md;
  private final List<String> digests = new ArrayList<>();
  private long inSpan;
  private boolean any;

  FixedSpanDigester(long spanSize) {
    this.spanSize = spanSize;
    this.md = Sha256.newDigest();
  }

  void update(byte[] b, int off, int len) {
    while (len > 0) {
      int n = (int) Math.min(len, spanSize - inSpan);
      md.update(b, off, n);
      any = true;
      inSpan += n;
      off += n;
      len -= n;
      if (inSpan == spanSize) {
        digests.add(Sha256.finish(md));
        inSpan = 0;
        any = false;
      }
    }
  }

  List<String> finish() {
    if (any) {
      digests.add(Sha256.finish(md));
      any = false;
    }
    return digests;
  }
}
