package dev.soci.oci;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * A content digest as OCI writes it: {@code <algorithm>:<lowercase hex>}, for sha256 and sha512.
 * Immutable; validated on creation.
 *
 * <pre>{@code
 * Digest d = Digest.parse("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
 * Digest e = Digest.sha256("{}".getBytes(UTF_8));   // the same digest
 * Digest f = Digest.compute(Digest.SHA256, Files.newInputStream(blob));
 * }</pre>
 *
 * @param algorithm {@value #SHA256} or {@value #SHA512}
 * @param hex the lowercase hex encoding of the hash
 */
public record Digest(String algorithm, String hex) implements Comparable<Digest> {
  /** The SHA-256 algorithm name, {@code "sha256"}. */
  public static final String SHA256 = "sha256";

  /** The SHA-512 algorithm name, {@code "sha512"}. */
  public static final String SHA512 = "sha512";

  /** Validates the algorithm and the hex length for it. */
  public Digest {
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(hex, "hex");
    int expected = hexLength(algorithm);
    if (hex.length() != expected || !isLowerHex(hex)) {
      throw new IllegalArgumentException(
          "invalid "
              + algorithm
              + " digest hex '"
              + hex
              + "': expected "
              + expected
              + " lowercase hex digits");
    }
  }

  /**
   * Parses {@code "sha256:<hex>"}; throws {@link IllegalArgumentException} naming what is wrong.
   */
  public static Digest parse(String text) {
    Objects.requireNonNull(text, "text");
    int colon = text.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(
          "invalid digest '" + text + "': expected <algorithm>:<hex>");
    }
    return new Digest(text.substring(0, colon), text.substring(colon + 1));
  }

  /** Whether {@code text} is a valid digest in the form {@link #parse} accepts. */
  public static boolean isValid(String text) {
    if (text == null) {
      return false;
    }
    int colon = text.indexOf(':');
    if (colon <= 0) {
      return false;
    }
    String alg = text.substring(0, colon);
    if (!alg.equals(SHA256) && !alg.equals(SHA512)) {
      return false;
    }
    String hex = text.substring(colon + 1);
    return hex.length() == hexLength(alg) && isLowerHex(hex);
  }

  /** The SHA-256 digest of {@code data}. */
  public static Digest sha256(byte[] data) {
    return of(SHA256, data);
  }

  /** The SHA-512 digest of {@code data}. */
  public static Digest sha512(byte[] data) {
    return of(SHA512, data);
  }

  /** The digest of {@code data} with the given algorithm ({@code sha256} or {@code sha512}). */
  public static Digest of(String algorithm, byte[] data) {
    Digester d = Digester.of(algorithm);
    d.update(data, 0, data.length);
    return d.digest();
  }

  /** Reads {@code in} to its end (without closing it) and returns the digest of what was read. */
  public static Digest compute(String algorithm, InputStream in) throws IOException {
    Digester d = Digester.of(algorithm);
    byte[] buf = new byte[1 << 16];
    for (int n; (n = in.read(buf)) >= 0; ) {
      d.update(buf, 0, n);
    }
    return d.digest();
  }

  /** Whether {@code data} hashes to this digest. */
  public boolean matches(byte[] data) {
    return of(algorithm, data).equals(this);
  }

  /** Orders by the string form, as Go sorts digest strings. */
  @Override
  public int compareTo(Digest o) {
    return toString().compareTo(o.toString());
  }

  @Override
  public String toString() {
    return algorithm + ":" + hex;
  }

  static int hexLength(String algorithm) {
    return switch (algorithm) {
      case SHA256 -> 64;
      case SHA512 -> 128;
      default ->
          throw new IllegalArgumentException("unsupported digest algorithm '" + algorithm + "'");
    };
  }

  private static boolean isLowerHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }
}
