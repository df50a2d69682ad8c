package dev.soci.ztoc.gzip;

/**
 * Builds the two-level lookup tables the decoder uses for deflate's canonical Huffman codes.
 *
 * <p>An entry is an {@code int}: bits 0-4 the number of bits to consume, bits 5-7 the kind,
 * bits 8-12 the number of extra bits (or, for a subtable link, the subtable's index bits), bits
 * 16-31 the value (literal byte, base length, base distance, or subtable start). Codes are stored
 * bit-reversed because deflate packs Huffman codes most-significant bit first into an
 * LSB-first bit stream.
 */
final class HuffmanTable {
  static final int LITERAL = 0;
  static final int LENGTH = 1;
  static final int END_OF_BLOCK = 2;
  static final int SUBTABLE = 3;
  static final int INVALID = 4;
  static final int DISTANCE = 5;

  static final int LITLEN_ROOT_BITS = 10;
  static final int DIST_ROOT_BITS = 8;
  static final int CODELEN_ROOT_BITS = 7;
  /** Large enough for any valid code over 288 symbols with 10 root bits (zlib's bound is 1332). */
  static final int LITLEN_TABLE_SIZE = 2048;
  /** Large enough for any valid code over 32 symbols with 8 root bits (zlib's bound is 592). */
  static final int DIST_TABLE_SIZE = 1024;
  static final int CODELEN_TABLE_SIZE = 128;

  static final int[] LENGTH_BASE = {
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115,
    131, 163, 195, 227, 258
  };
  static final int[] LENGTH_EXTRA = {
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0
  };
  static final int[] DIST_BASE = {
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577
  };
  static final int[] DIST_EXTRA = {
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13
  };

  /** Which alphabet a table is for: decides the meaning of each symbol and the completeness rule. */
  enum Alphabet { LITLEN, DIST, CODELEN }

  private HuffmanTable() {}

  static int entry(int bits, int kind, int extra, int value) {
    return value << 16 | extra << 8 | kind << 5 | bits;
  }

  static int bits(int entry) {
    return entry & 31;
  }

  static int kind(int entry) {
    return (entry >>> 5) & 7;
  }

  static int extra(int entry) {
    return (entry >>> 8) & 31;
  }

  static int value(int entry) {
    return entry >>> 16;
  }

  private static int symbolEntry(Alphabet alphabet, int symbol, int bits) {
    switch (alphabet) {
      case LITLEN:
        if (symbol < 256) {
          return entry(bits, LITERAL, 0, symbol);
        } else if (symbol == 256) {
          return entry(bits, END_OF_BLOCK, 0, 0);
        } else if (symbol < 286) {
          return entry(bits, LENGTH, LENGTH_EXTRA[symbol - 257], LENGTH_BASE[symbol - 257]);
        }
        return entry(bits, INVALID, 0, 0);
      case DIST:
        return symbol < 30 ? entry(bits, DISTANCE, DIST_EXTRA[symbol], DIST_BASE[symbol]) : entry(bits, INVALID, 0, 0);
      default:
        return entry(bits, LITERAL, 0, symbol);
    }
  }

  /** Working space for {@link #build}, reused across blocks so that decoding does not allocate. */
  static final class Scratch {
    final int[] count = new int[16];
    final int[] next = new int[16];
    final int[] codes = new int[320];
    final int[] subBits = new int[1 << LITLEN_ROOT_BITS];
  }

  /**
   * Fills {@code table} for the code lengths {@code lengths[off .. off+n)} (n <= 320).
   *
   * @return null on success, or zlib's description of why the code is invalid
   */
  static String build(Alphabet alphabet, byte[] lengths, int off, int n, int rootBits, int[] table, Scratch scratch) {
    int[] count = scratch.count;
    java.util.Arrays.fill(count, 0);
    for (int i = 0; i < n; i++) {
      count[lengths[off + i]]++;
    }
    int max = 15;
    while (max > 0 && count[max] == 0) {
      max--;
    }
    int rootSize = 1 << rootBits;
    int invalid = entry(1, INVALID, 0, 0);
    java.util.Arrays.fill(table, 0, rootSize, invalid);
    if (max == 0) {
      // No codes at all: every lookup is invalid (zlib accepts such a table until it is used).
      return null;
    }
    int left = 1;
    for (int len = 1; len <= 15; len++) {
      left <<= 1;
      left -= count[len];
      if (left < 0) {
        return "over-subscribed";
      }
    }
    if (left > 0 && (alphabet == Alphabet.CODELEN || max != 1)) {
      return "incomplete";
    }
    int[] next = scratch.next;
    int code = 0;
    count[0] = 0;
    for (int len = 1; len <= 15; len++) {
      code = (code + count[len - 1]) << 1;
      next[len] = code;
    }
    int rootMask = rootSize - 1;
    // Pass 1: assign codes; size the subtables of root prefixes that have longer codes.
    int[] subBits = scratch.subBits;
    int[] codes = scratch.codes;
    java.util.Arrays.fill(subBits, 0, rootSize, 0);
    for (int s = 0; s < n; s++) {
      int len = lengths[off + s];
      if (len == 0) {
        continue;
      }
      int rev = Integer.reverse(next[len]++) >>> (32 - len);
      codes[s] = rev;
      if (len > rootBits) {
        int prefix = rev & rootMask;
        subBits[prefix] = Math.max(subBits[prefix], len - rootBits);
      }
    }
    int used = rootSize;
    for (int p = 0; p < rootSize; p++) {
      if (subBits[p] != 0) {
        int size = 1 << subBits[p];
        if (used + size > table.length) {
          return "too large";
        }
        java.util.Arrays.fill(table, used, used + size, invalid);
        table[p] = entry(rootBits, SUBTABLE, subBits[p], used);
        used += size;
      }
    }
    // Pass 2: fill the entries of every code.
    for (int s = 0; s < n; s++) {
      int len = lengths[off + s];
      if (len == 0) {
        continue;
      }
      int rev = codes[s];
      if (len <= rootBits) {
        int e = symbolEntry(alphabet, s, len);
        for (int i = rev; i < rootSize; i += 1 << len) {
          table[i] = e;
        }
      } else {
        int link = table[rev & rootMask];
        int start = value(link);
        int sb = extra(link);
        int sublen = len - rootBits;
        int e = symbolEntry(alphabet, s, sublen);
        for (int i = rev >>> rootBits; i < 1 << sb; i += 1 << sublen) {
          table[start + i] = e;
        }
      }
    }
    return null;
  }
}
