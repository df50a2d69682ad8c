package dev.soci.ztoc.gzip;

/**
 * Lets {@link java.util.zip.Inflater}, which has no {@code inflatePrime}, resume in the middle of a
 * byte. It builds a prefix of empty, non-final deflate blocks whose bit length {@code L} satisfies
 * {@code L + bits ≡ 0 (mod 8)}, then ORs the {@code bits} pending high bits of the checkpoint's
 * partial byte into the prefix's last byte. The original compressed bytes from {@code in} follow
 * unchanged, so they stay byte-aligned as in the original stream; that is what keeps stored blocks
 * (which pad to a byte boundary) correct. Shifting the input by {@code bits} instead corrupts data
 * after stored blocks without any error.
 *
 * <p>An empty fixed-Huffman block is 10 bits; an empty dynamic block made of complete codes is 99
 * bits; their combinations reach every residue with at most 129 bits (17 bytes).
 */
final class PrimePrefix {
  private static final byte[][] PREFIXES = new byte[8][];

  static {
    for (int bits = 1; bits < 8; bits++) {
      PREFIXES[bits] = build(bits);
    }
  }

  private PrimePrefix() {}

  /**
   * Returns the bytes to feed before the original bytes {@code [in, ...)} to resume at a checkpoint
   * whose {@code bits} (1..7) high bits of {@code partialByte} (byte {@code in - 1}) start the next
   * block.
   */
  static byte[] forCheckpoint(int bits, int partialByte) {
    byte[] p = PREFIXES[bits].clone();
    p[p.length - 1] |= (byte) (partialByte & (0xFF << (8 - bits)));
    return p;
  }

  private static byte[] build(int bits) {
    int need = (8 - bits) & 7;
    int bestFixed = -1;
    int bestDynamic = -1;
    int bestLen = Integer.MAX_VALUE;
    for (int dyn = 0; dyn < 8; dyn++) {
      for (int fixed = 0; fixed < 4; fixed++) {
        int len = 10 * fixed + 99 * dyn;
        if (len > 0 && (len & 7) == need && len < bestLen) {
          bestLen = len;
          bestFixed = fixed;
          bestDynamic = dyn;
        }
      }
    }
    BitWriter w = new BitWriter((bestLen + bits) / 8);
    for (int i = 0; i < bestDynamic; i++) {
      emptyDynamicBlock(w);
    }
    for (int i = 0; i < bestFixed; i++) {
      emptyFixedBlock(w);
    }
    if (w.bitLength() != bestLen) {
      throw new AssertionError("prefix length " + w.bitLength() + " != " + bestLen);
    }
    return w.bytes();
  }

  /** BFINAL=0, BTYPE=01, end-of-block (fixed code 0000000): 10 bits. */
  static void emptyFixedBlock(BitWriter w) {
    w.bits(0, 1);
    w.bits(1, 2);
    w.code(0, 7);
  }

  /**
   * BFINAL=0, BTYPE=10, 257 literal/length codes of which only 0 and 256 are used (length 1 each),
   * two distance codes of length 1, code-length code {1:"0", 17:"10", 18:"11"}, then end-of-block
   * ("1"): 99 bits, every code complete.
   */
  static void emptyDynamicBlock(BitWriter w) {
    w.bits(0, 1);
    w.bits(2, 2);
    w.bits(0, 5); // HLIT: 257
    w.bits(1, 5); // HDIST: 2
    w.bits(14, 4); // HCLEN: 18 code length code lengths
    // Order 16,17,18,0,8,7,9,6,10,5,11,4,12,3,13,2,14,1
    int[] lengths = {0, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    for (int l : lengths) {
      w.bits(l, 3);
    }
    w.code(0, 1); // literal 0: length 1
    w.code(3, 2); // 18: 11 + 127 = 138 zeros
    w.bits(127, 7);
    w.code(3, 2); // 18: 11 + 96 = 107 zeros
    w.bits(96, 7);
    w.code(2, 2); // 17: 3 + 7 = 10 zeros
    w.bits(7, 3);
    w.code(0, 1); // symbol 256: length 1
    w.code(0, 1); // distance 0: length 1
    w.code(0, 1); // distance 1: length 1
    w.code(1, 1); // end of block (symbol 256 has code "1")
  }

  /** Writes deflate's LSB-first bit stream. */
  static final class BitWriter {
    private final byte[] out;
    private int bitPos;

    BitWriter(int bytes) {
      out = new byte[bytes];
    }

    /** A number, least significant bit first. */
    void bits(int value, int n) {
      for (int i = 0; i < n; i++) {
        if (((value >>> i) & 1) != 0) {
          out[bitPos >>> 3] |= (byte) (1 << (bitPos & 7));
        }
        bitPos++;
      }
    }

    /** A Huffman code, most significant bit first. */
    void code(int code, int len) {
      for (int i = len - 1; i >= 0; i--) {
        bits((code >>> i) & 1, 1);
      }
    }

    int bitLength() {
      return bitPos;
    }

    byte[] bytes() {
      return out;
    }
  }
}
