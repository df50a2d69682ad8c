package dev.soci.ztoc.gzip;

/**
 * A position in a gzip stream where inflation can restart: the compressed offset {@code in} (with
 * {@code bits} unused high bits of byte {@code in - 1} that belong to the next block), the
 * uncompressed offset {@code out}, and access to the 32 KiB of output before it.
 *
 * <p>A decoder reuses one instance for every boundary; it is valid only during {@link
 * GzipListener#onBoundary}.
 */
public final class BlockBoundary {
  /** What precedes the boundary. */
  public enum Kind {
    /** The end of a gzip member header: the first block of the member follows. */
    MEMBER_START,
    /** The end of a deflate block whose BFINAL bit was 0. */
    BLOCK_END
  }

  private final GzipDecoder decoder;
  private Kind kind;
  private long in;
  private long out;
  private int bits;

  BlockBoundary(GzipDecoder decoder) {
    this.decoder = decoder;
  }

  void set(Kind kind, long in, long out, int bits) {
    this.kind = kind;
    this.in = in;
    this.out = out;
    this.bits = bits;
  }

  /** What precedes this boundary. */
  public Kind kind() {
    return kind;
  }

  /** Compressed offset of the first byte not yet consumed (rounded up when {@code bits != 0}). */
  public long in() {
    return in;
  }

  /** Uncompressed offset at this boundary. */
  public long out() {
    return out;
  }

  /** How many high-order bits of byte {@code in - 1} belong to the next block (0..7). */
  public int bits() {
    return bits;
  }

  /**
   * Copies the 32768 uncompressed bytes before {@link #out()} (zero-filled before the start of the
   * stream) into {@code dst[off..off+32768)}.
   */
  public void copyWindow(byte[] dst, int off) {
    decoder.copyWindow(dst, off);
  }

  @Override
  public String toString() {
    return kind + "[in=" + in + ", out=" + out + ", bits=" + bits + "]";
  }
}
