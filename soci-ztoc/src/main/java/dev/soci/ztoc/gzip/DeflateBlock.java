package dev.soci.ztoc.gzip;

/**
 * The three-bit header of a deflate block (RFC 1951 section 3.2.3): bit 0 is BFINAL, bits 1-2 are
 * BTYPE.
 */
final class DeflateBlock {
  /** Bits in a block header. */
  static final int HEADER_BITS = 3;

  /** The BFINAL bit: this is the last block of the stream. */
  static final int FINAL = 1;

  /** BTYPE 00: stored, no compression. */
  static final int STORED = 0;

  /** BTYPE 01: compressed with the fixed Huffman codes. */
  static final int FIXED = 1;

  /** BTYPE 10: compressed with Huffman codes sent in the block. */
  static final int DYNAMIC = 2;

  // BTYPE 11 is reserved (an error).

  private DeflateBlock() {}

  /** The BTYPE of a block header. */
  static int type(int header) {
    return header >>> 1;
  }

  /** Whether a block header has BFINAL set. */
  static boolean isFinal(int header) {
    return (header & FINAL) != 0;
  }
}
