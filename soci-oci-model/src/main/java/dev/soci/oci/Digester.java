package dev.soci.oci;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Computes a {@link Digest} over bytes fed in pieces (a blob streamed from disk or the network),
 * counting the bytes. Uses the JDK's {@link MessageDigest} (SHA-NI where the CPU has it). Not
 * thread-safe; one instance per stream.
 */
public final class Digester {
  private final String algorithm;
  private final MessageDigest md;
  private long count;

  private Digester(String algorithm, MessageDigest md) {
    this.algorithm = algorithm;
    this.md = md;
  }

  /** A SHA-256 digester. */
  public static Digester sha256() {
    return of(Digest.SHA256);
  }

  /** A digester for {@code algorithm} ({@code sha256} or {@code sha512}). */
  public static Digester of(String algorithm) {
    Digest.hexLength(algorithm); // validates the name
    try {
      return new Digester(
          algorithm,
          MessageDigest.getInstance(algorithm.equals(Digest.SHA256) ? "SHA-256" : "SHA-512"));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks " + algorithm, e);
    }
  }

  /** Adds {@code len} bytes of {@code b} starting at {@code off}. */
  public void update(byte[] b, int off, int len) {
    md.update(b, off, len);
    count += len;
  }

  /** The number of bytes added so far. */
  public long count() {
    return count;
  }

  /** The algorithm name. */
  public String algorithm() {
    return algorithm;
  }

  /** Finishes the hash and returns the digest; the digester is reset and its count set to zero. */
  public Digest digest() {
    count = 0;
    return new Digest(algorithm, HexFormat.of().formatHex(md.digest()));
  }
}
