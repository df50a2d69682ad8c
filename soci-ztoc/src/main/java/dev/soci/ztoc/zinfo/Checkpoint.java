package dev.soci.ztoc.zinfo;

/**
 * A restart point in a gzip layer: decoding can resume at compressed byte {@code in} (minus {@code
 * bits} bits, taken from the top of byte {@code in - 1}), producing uncompressed byte {@code out}
 * onwards, with {@code window} (the 32 KiB of output before {@code out}) as the preset dictionary.
 *
 * <p>The window array is shared, not copied: treat it as read-only.
 *
 * @param in compressed offset of the first whole byte of the next deflate block
 * @param out uncompressed offset at this point
 * @param bits number of high-order bits of byte {@code in - 1} that belong to the next block (0..7)
 * @param window the 32768 uncompressed bytes before {@code out}, zero-filled before the start
 */
public record Checkpoint(long in, long out, int bits, byte[] window) {
  /** Size of a deflate window and of every checkpoint window. */
  public static final int WINDOW_SIZE = 32768;

  /** Validates ranges: offsets non-negative, bits in 0..7, window of exactly 32 KiB. */
  public Checkpoint {
    if (in < 0
        || out < 0
        || bits < 0
        || bits > 7
        || window == null
        || window.length != WINDOW_SIZE) {
      throw new IllegalArgumentException(
          "invalid checkpoint: in=" + in + " out=" + out + " bits=" + bits);
    }
  }

  /** The compressed offset where this checkpoint's span starts: {@code in - 1} when bits != 0. */
  public long startCompressedOffset() {
    return bits != 0 ? in - 1 : in;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Checkpoint c
        && c.in == in
        && c.out == out
        && c.bits == bits
        && java.util.Arrays.equals(c.window, window);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(in) * 31 + Long.hashCode(out);
  }

  @Override
  public String toString() {
    return "Checkpoint[in=" + in + ", out=" + out + ", bits=" + bits + "]";
  }
}
