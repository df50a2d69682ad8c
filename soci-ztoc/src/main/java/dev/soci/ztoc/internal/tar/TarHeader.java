package dev.soci.ztoc.internal.tar;

import dev.soci.ztoc.TarFormatException;
import java.util.Arrays;

/**
 * Decodes one 512-byte tar header block the way Go's {@code archive/tar} {@code readHeader} does:
 * checksum (unsigned or signed sum), format detection (V7, USTAR/PAX, STAR, GNU), fields per
 * format, octal and base-256 numbers, name prefix. Strings are raw bytes up to the first NUL.
 * Mutable and reused by one parser; not thread-safe.
 */
final class TarHeader {
  static final int BLOCK_SIZE = 512;

  enum Format {
    V7,
    USTAR,
    STAR,
    GNU
  }

  private static final byte[] EMPTY = new byte[0];
  private static final byte[] MAGIC_USTAR = {'u', 's', 't', 'a', 'r', 0};
  private static final byte[] MAGIC_GNU = {'u', 's', 't', 'a', 'r', ' '};
  private static final byte[] TRAILER_STAR = {'t', 'a', 'r', 0};

  Format format;
  byte typeflag;
  byte[] name;
  byte[] linkName;
  byte[] userName;
  byte[] groupName;
  long size;
  long mode;
  long uid;
  long gid;
  long mtime;
  long devMajor;
  long devMinor;

  // First numeric field that failed to parse (Go's parser.err), for the message.
  private String badField;
  private int badFieldOffset;
  private int badFieldLength;

  /**
   * Decodes {@code b[0..512)}, a block that is not all zeros.
   *
   * @param offset offset of the block in the uncompressed stream, for error messages
   */
  void parse(byte[] b, long offset) throws TarFormatException {
    verifyChecksum(b, offset);
    format = detectFormat(b);
    badField = null;
    typeflag = b[156];
    name = string(b, 0, 100);
    linkName = string(b, 157, 100);
    size = numeric(b, 124, 12, "size");
    mode = numeric(b, 100, 8, "mode");
    uid = numeric(b, 108, 8, "uid");
    gid = numeric(b, 116, 8, "gid");
    mtime = numeric(b, 136, 12, "mtime");
    userName = EMPTY;
    groupName = EMPTY;
    devMajor = 0;
    devMinor = 0;
    if (format != Format.V7) {
      userName = string(b, 265, 32);
      groupName = string(b, 297, 32);
      devMajor = numeric(b, 329, 8, "devmajor");
      devMinor = numeric(b, 337, 8, "devminor");
      byte[] prefix = EMPTY;
      switch (format) {
        case USTAR:
          prefix = string(b, 345, 155);
          break;
        case STAR:
          prefix = string(b, 345, 131);
          numeric(b, 476, 12, "atime");
          numeric(b, 488, 12, "ctime");
          break;
        default: // GNU: 345..369 hold atime/ctime, parsed leniently (Go's second parser)
          boolean timesBad = false;
          if (b[345] != 0) {
            number(b, 345, 12);
            timesBad = !numberValid;
          }
          if (b[357] != 0) {
            number(b, 357, 12);
            timesBad |= !numberValid;
          }
          if (timesBad) {
            // Archives written by Go < 1.8 put a USTAR prefix there.
            byte[] legacy = string(b, 345, 155);
            if (isAscii(legacy)) {
              prefix = legacy;
            }
          }
          break;
      }
      if (prefix.length > 0) {
        byte[] joined = Arrays.copyOf(prefix, prefix.length + 1 + name.length);
        joined[prefix.length] = '/';
        System.arraycopy(name, 0, joined, prefix.length + 1, name.length);
        name = joined;
      }
    }
    if (badField != null) {
      throw new TarFormatException(
          offset,
          TarTocParser.display(name),
          "invalid number in tar header field '" + badField + "'",
          "found \""
              + escape(b, badFieldOffset, badFieldLength)
              + "\", expected octal digits or a base-256 number");
    }
  }

  private static void verifyChecksum(byte[] b, long offset) throws TarFormatException {
    long stored = parseOctal(b, 148, 8);
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < BLOCK_SIZE; i++) {
      int c = (i >= 148 && i < 156) ? ' ' : b[i];
      unsigned += c & 0xFF;
      signed += (byte) c;
    }
    if (stored == -1) {
      throw new TarFormatException(
          offset,
          null,
          "invalid tar header checksum",
          "checksum field \""
              + escape(b, 148, 8)
              + "\" is not an octal number, computed 0o"
              + Long.toOctalString(unsigned));
    }
    if (stored != unsigned && stored != signed) {
      throw new TarFormatException(
          offset,
          null,
          "invalid tar header checksum",
          "stored 0o"
              + Long.toOctalString(stored)
              + ", computed 0o"
              + Long.toOctalString(unsigned)
              + (signed != unsigned ? " (signed sum " + signed + ")" : ""));
    }
  }

  private static Format detectFormat(byte[] b) {
    if (Arrays.equals(b, 257, 263, MAGIC_USTAR, 0, 6)) {
      return Arrays.equals(b, 508, 512, TRAILER_STAR, 0, 4) ? Format.STAR : Format.USTAR;
    }
    if (Arrays.equals(b, 257, 263, MAGIC_GNU, 0, 6) && b[263] == ' ' && b[264] == 0) {
      return Format.GNU;
    }
    return Format.V7;
  }

  /** Bytes of {@code b[off..off+len)} up to the first NUL, copied. */
  static byte[] string(byte[] b, int off, int len) {
    int end = off;
    int limit = off + len;
    while (end < limit && b[end] != 0) {
      end++;
    }
    return end == off ? EMPTY : Arrays.copyOfRange(b, off, end);
  }

  private long numeric(byte[] b, int off, int len, String field) {
    long v = number(b, off, len);
    if (!numberValid && badField == null) {
      badField = field;
      badFieldOffset = off;
      badFieldLength = len;
    }
    return v;
  }

  // Whether the last call to number() parsed a valid number (Go's parser.err == nil).
  private boolean numberValid;

  /**
   * Go's {@code parseNumeric}: base-256 two's complement (big-endian, bit 6 of the first byte is
   * the sign, more than 63 bits is an error) when the first byte has bit 7 set, otherwise octal.
   * Sets {@link #numberValid}; returns 0 for an invalid number.
   */
  private long number(byte[] b, int off, int len) {
    numberValid = true;
    if ((b[off] & 0x80) != 0) {
      int inv = (b[off] & 0x40) != 0 ? 0xFF : 0;
      long x = 0;
      for (int i = 0; i < len; i++) {
        int c = (b[off + i] & 0xFF) ^ inv;
        if (i == 0) {
          c &= 0x7F;
        }
        if ((x >>> 56) != 0) {
          numberValid = false;
          return 0;
        }
        x = (x << 8) | c;
      }
      if ((x >>> 63) != 0) {
        numberValid = false;
        return 0;
      }
      return inv == 0xFF ? ~x : x;
    }
    long v = parseOctal(b, off, len);
    if (v < 0) {
      numberValid = false;
      return 0;
    }
    return v;
  }

  /**
   * Go's {@code parseOctal}: trims spaces and NULs on both sides, takes the bytes up to the first
   * NUL, parses them as octal. Returns 0 for an empty field, -1 for invalid octal (fields are at
   * most 12 bytes, so valid values are never negative).
   */
  static long parseOctal(byte[] b, int off, int len) {
    int start = off;
    int end = off + len;
    while (start < end && (b[start] == ' ' || b[start] == 0)) {
      start++;
    }
    while (end > start && (b[end - 1] == ' ' || b[end - 1] == 0)) {
      end--;
    }
    if (start == end) {
      return 0;
    }
    long x = 0;
    for (int i = start; i < end && b[i] != 0; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 7) {
        return -1;
      }
      x = (x << 3) | d;
    }
    return x;
  }

  private static boolean isAscii(byte[] s) {
    for (byte c : s) {
      if (c < 0) {
        return false;
      }
    }
    return true;
  }

  static String escape(byte[] b, int off, int len) {
    StringBuilder sb = new StringBuilder(len);
    for (int i = off; i < off + len; i++) {
      int c = b[i] & 0xFF;
      if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
        sb.append((char) c);
      } else {
        sb.append(String.format("\\x%02x", c));
      }
    }
    return sb.toString();
  }
}
