package dev.soci.ztoc;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 through the JDK (SHA-NI intrinsics where the CPU has them), in OCI's text form. */
final class Sha256 {
  private Sha256() {}

  static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** {@code "sha256:<hex>"} of what {@code md} has seen; resets it. */
  static String finish(MessageDigest md) {
    return "sha256:" + HexFormat.of().formatHex(md.digest());
  }
}
