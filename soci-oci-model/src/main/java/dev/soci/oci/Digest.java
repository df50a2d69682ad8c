package dev.soci.oci;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A content digest as OCI writes it: {@code <algorithm>:<lowercase hex>}, for sha256 and
 * sha512. Immutable; validated on creation.
 *
 * @param algorithm {@code "sha256"} or {@code "sha512"}
 * @param hex the lowercase hex encoding of the hash
 */
public record Digest(String algorithm, String hex) {
  private static final Pattern HEX = Pattern.compile("[0-9a-f]+");

  /** Validates the algorithm and the hex length for it. */
  public Digest {
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(hex, "hex");
    int expected = switch (algorithm) {
      case "sha256" -> 64;
      case "sha512" -> 128;
      default -> throw new IllegalArgumentException("unsupported digest algorithm '" + algorithm + "'");
    };
    if (hex.length() != expected || !HEX.matcher(hex).matches()) {
      throw new IllegalArgumentException("invalid " + algorithm + " digest hex '" + hex + "': expected "
          + expected + " lowercase hex digits");
    }
  }

  /** Parses {@code "sha256:<hex>"}; throws {@link IllegalArgumentException} naming what is wrong. */
  public static Digest parse(String text) {
    int colon = text.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("invalid digest '" + text + "': expected <algorithm>:<hex>");
    }
    return new Digest(text.substring(0, colon), text.substring(colon + 1));
  }

  /** The SHA-256 digest of {@code data}. */
  public static Digest sha256(byte[] data) {
    return of("sha256", data);
  }

  /** The digest of {@code data} with the given algorithm ({@code sha256} or {@code sha512}). */
  public static Digest of(String algorithm, byte[] data) {
    try {
      MessageDigest md = MessageDigest.getInstance(algorithm.equals("sha256") ? "SHA-256" : "SHA-512");
      return new Digest(algorithm, HexFormat.of().formatHex(md.digest(data)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks " + algorithm, e);
    }
  }

  @Override
  public String toString() {
    return algorithm + ":" + hex;
  }
}
