package dev.soci.ztoc.gzip;

/**
 * Builds the two-level lookup tables the decoder uses for deflate's canonical Huffman codes.
 *
 * <p>An entry is an {@code int}: bits 0-4 the number of bits to consume, bits 5-7 the kind, bits
 * 8-12 the number of extra bits (or, for a subtable link, the subtable's index bits), bits 16-31
 * the value (literal byte, base length, base distance, or subtable start). Codes are stored
 * bit-reversed because deflate packs Huffman codes most-significant bit first into an LSB-first bit
 * stream.
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
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258
  };
  static final int[] LENGTH_EXTRA = {
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0
  };
  static final int[] DIST_BASE = {
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049,
    3073, 4097, 6145, 8193, 12289, 16385, 24577
  };
  static final int[] DIST_EXTRA = {
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13
  };

  /**
   * Which alphabet a table is for: decides the meaning of each symbol and the completeness rule.
   */
  enum Alphabet {
    LITLEN,
    DIST,
    CODELEN
  }

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
        return symbol < 30
            ? entry(bits, DISTANCE, DIST_EXTRA[symbol], DIST_BASE[symbol])
            : entry(bits, INVALID, 0, 0);
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
   * <p>Each loop lives in a small method of its own: this runs once per deflate block, and a method
   * with several hot loops gets compiled again and again by the JIT (once per loop it is caught
   * in), which in a fresh JVM costs more than the decoding it speeds up.
   *
   * @return null on success, or zlib's description of why the code is invalid
   */
  static String build(
      Alphabet alphabet,
      byte[] lengths,
      int off,
      int n,
      int rootBits,
      int[] table,
      Scratch scratch) {
    int[] count = scratch.count;
    int max = countLengths(lengths, off, n, count);
    int rootSize = 1 << rootBits;
    int invalid = entry(1, INVALID, 0, 0);
    java.util.Arrays.fill(table, 0, rootSize, invalid);
    if (max == 0) {
      // No codes at all: every lookup is invalid (zlib accepts such a table until it is used).
      return null;
    }
    int left = unusedCodes(count);
    if (left < 0) {
      return "over-subscribed";
    }
    if (left > 0 && (alphabet == Alphabet.CODELEN || max != 1)) {
      return "incomplete";
    }
    firstCodes(count, scratch.next);
    assignCodes(lengths, off, n, scratch.next, scratch.codes);
    if (max > rootBits && !linkSubtables(lengths, off, n, scratch, rootBits, table, invalid)) {
      return "too large";
    }
    fillEntries(alphabet, lengths, off, n, scratch.codes, rootBits, table);
    return null;
  }

  /** Counts the codes of each length into {@code count[0..15]}; the longest length (0 if none). */
  private static int countLengths(byte[] lengths, int off, int n, int[] count) {
    java.util.Arrays.fill(count, 0);
    int max = 0;
    for (int i = 0; i < n; i++) {
      int len = lengths[off + i];
      count[len]++;
      max = Math.max(max, len);
    }
    return max;
  }

  /**
   * Kraft's inequality: how many codes of length 15 are left unused (negative: over-subscribed).
   */
  private static int unusedCodes(int[] count) {
    int left = 1;
    for (int len = 1; len <= 15; len++) {
      left <<= 1;
      left -= count[len];
      if (left < 0) {
        return -1;
      }
    }
    return left;
  }

  /** The first canonical code of each length. */
  private static void firstCodes(int[] count, int[] next) {
    int code = 0;
    for (int len = 1; len <= 15; len++) {
      code = (code + (len == 1 ? 0 : count[len - 1])) << 1;
      next[len] = code;
    }
  }

  /** Gives every symbol its canonical code, bit-reversed. */
  private static void assignCodes(byte[] lengths, int off, int n, int[] next, int[] codes) {
    for (int s = 0; s < n; s++) {
      int len = lengths[off + s];
      if (len != 0) {
        codes[s] = Integer.reverse(next[len]++) >>> (32 - len);
      }
    }
  }

  /** Sizes and places the subtables of root prefixes that have codes longer than the root. */
  private static boolean linkSubtables(
      byte[] lengths, int off, int n, Scratch scratch, int rootBits, int[] table, int invalid) {
    int rootSize = 1 << rootBits;
    int rootMask = rootSize - 1;
    int[] subBits = scratch.subBits;
    int[] codes = scratch.codes;
    java.util.Arrays.fill(subBits, 0, rootSize, 0);
    for (int s = 0; s < n; s++) {
      int len = lengths[off + s];
      if (len > rootBits) {
        int prefix = codes[s] & rootMask;
        subBits[prefix] = Math.max(subBits[prefix], len - rootBits);
      }
    }
    int used = rootSize;
    for (int p = 0; p < rootSize; p++) {
      if (subBits[p] != 0) {
        int size = 1 << subBits[p];
        if (used + size > table.length) {
          return false;
        }
        java.util.Arrays.fill(table, used, used + size, invalid);
        table[p] = entry(rootBits, SUBTABLE, subBits[p], used);
        used += size;
      }
    }
    return true;
  }

  /** Writes every symbol's entry wherever its code matches the looked-up bits. */
  private static void fillEntries(
      Alphabet alphabet, byte[] lengths, int off, int n, int[] codes, int rootBits, int[] table) {
    int rootSize = 1 << rootBits;
    for (int s = 0; s < n; s++) {
      int len = lengths[off + s];
      if (len == 0) {
        continue;
      }
      int rev = codes[s];
      if (len <= rootBits) {
        fillStrided(table, rev, rootSize, 1 << len, symbolEntry(alphabet, s, len));
      } else {
        int link = table[rev & (rootSize - 1)];
        int sublen = len - rootBits;
        fillStrided(
            table,
            value(link) + (rev >>> rootBits),
            value(link) + (1 << extra(link)),
            1 << sublen,
            symbolEntry(alphabet, s, sublen));
      }
    }
  }

  private static void fillStrided(int[] table, int from, int end, int step, int entry) {
    for (int i = from; i < end; i += step) {
      table[i] = entry;
    }
  }
}
