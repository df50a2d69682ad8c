package dev.soci.ztoc.gzip;

import dev.soci.ztoc.GzipFormatException;
import java.util.zip.CRC32;

/**
 * The one parser of gzip member headers (RFC 1952 section 2.3), with zlib's checks: the magic
 * bytes, method deflate, no reserved flag, and the header CRC when FHCRC is set. {@link Parser}
 * takes the header a byte at a time (the streaming decoder); {@link #length} parses one held in
 * memory.
 */
public final class GzipHeader {
  /** First magic byte. */
  static final int ID1 = 0x1f;

  /** Second magic byte. */
  static final int ID2 = 0x8b;

  /** Compression method deflate (CM), the only one defined. */
  static final int CM_DEFLATE = 8;

  /** Flag: the content is probably text (informational). */
  static final int FTEXT = 0x01;

  /** Flag: a CRC-16 of the header precedes the compressed data. */
  static final int FHCRC = 0x02;

  /** Flag: an extra field (two-byte length, then the bytes) follows the fixed part. */
  static final int FEXTRA = 0x04;

  /** Flag: a NUL-terminated original file name follows. */
  static final int FNAME = 0x08;

  /** Flag: a NUL-terminated comment follows. */
  static final int FCOMMENT = 0x10;

  /** Flags RFC 1952 reserves; zlib rejects a header that sets any. */
  static final int FRESERVED = 0xE0;

  /** ID1, ID2, CM, FLG, MTIME (4), XFL, OS. */
  static final int FIXED_LENGTH = 10;

  private GzipHeader() {}

  /** Whether {@code b[0..len)} starts with the gzip magic bytes (a cheap format sniff). */
  public static boolean startsWithMagic(byte[] b, int len) {
    return len >= 2 && (b[0] & 0xFF) == ID1 && (b[1] & 0xFF) == ID2;
  }

  /**
   * Returns the length of the gzip member header at {@code b[off..off+len)}, or {@code -1} if those
   * bytes are a valid but incomplete header.
   *
   * @param position compressed offset of {@code b[off]}, for error messages
   * @throws GzipFormatException if the bytes are not a gzip header
   */
  public static int length(byte[] b, int off, int len, long position) throws GzipFormatException {
    Parser p = new Parser(position, "incorrect header check: not a gzip member");
    for (int i = 0; i < len; i++) {
      if (p.feed(b[off + i] & 0xFF)) {
        return i + 1;
      }
    }
    return -1;
  }

  /** Parses one header fed a byte at a time; each byte is checked as soon as it arrives. */
  static final class Parser {
    private enum Part {
      FIXED("the gzip header"),
      XLEN("the gzip header's extra field length"),
      EXTRA("the gzip header's extra field"),
      NAME("the gzip header's file name"),
      COMMENT("the gzip header's comment"),
      HCRC("the header CRC"),
      DONE("nothing");

      final String description;

      Part(String description) {
        this.description = description;
      }
    }

    private final long position;
    private final String notGzip;
    private final CRC32 crc = new CRC32();
    private Part part = Part.FIXED;
    private int flags;
    private long length;

    /** Bytes still to come in the current part (FIXED, XLEN, EXTRA, HCRC). */
    private int remaining = FIXED_LENGTH;

    private int value;

    /**
     * @param position compressed offset of the header's first byte, for error messages
     * @param notGzip the message when the magic bytes are wrong
     */
    Parser(long position, String notGzip) {
      this.position = position;
      this.notGzip = notGzip;
    }

    /** What the parser reads next, for a message about input that ends inside the header. */
    String expecting() {
      return part.description;
    }

    /** The header's length so far (all of it once {@link #feed} returned true). */
    long length() {
      return length;
    }

    /**
     * Takes the next header byte; returns true if it was the header's last.
     *
     * @throws GzipFormatException if the header is not one zlib accepts
     */
    boolean feed(int b) throws GzipFormatException {
      if (part == Part.DONE) {
        throw new IllegalStateException("the header is complete");
      }
      long at = position + length;
      length++;
      if (part != Part.HCRC) {
        crc.update(b);
      }
      switch (part) {
        case FIXED -> {
          int i = FIXED_LENGTH - remaining;
          if ((i == 0 && b != ID1) || (i == 1 && b != ID2)) {
            throw new GzipFormatException(position, notGzip);
          }
          if (i == 2 && b != CM_DEFLATE) {
            throw new GzipFormatException(at, "unknown compression method " + b);
          }
          if (i == 3) {
            if ((b & FRESERVED) != 0) {
              throw new GzipFormatException(at, "unknown header flags set");
            }
            flags = b;
          }
          if (--remaining == 0) {
            next(Part.XLEN);
          }
        }
        case XLEN -> {
          value |= b << (8 * (2 - remaining));
          if (--remaining == 0) {
            remaining = value;
            next(Part.EXTRA);
          }
        }
        case EXTRA -> {
          if (--remaining == 0) {
            next(Part.NAME);
          }
        }
        case NAME -> {
          if (b == 0) {
            next(Part.COMMENT);
          }
        }
        case COMMENT -> {
          if (b == 0) {
            next(Part.HCRC);
          }
        }
        case HCRC -> {
          value |= b << (8 * (2 - remaining));
          if (--remaining == 0) {
            int expected = (int) (crc.getValue() & 0xFFFF);
            if (value != expected) {
              throw new GzipFormatException(position + length - 2, "header crc mismatch");
            }
            part = Part.DONE;
          }
        }
        default -> throw new AssertionError(part);
      }
      return part == Part.DONE;
    }

    /** Moves to {@code candidate} or, if its flag is not set (or it is empty), past it. */
    private void next(Part candidate) {
      Part p = candidate;
      while (true) {
        switch (p) {
          case XLEN -> {
            if ((flags & FEXTRA) != 0) {
              part = p;
              remaining = 2;
              value = 0;
              return;
            }
            p = Part.NAME;
          }
          case EXTRA -> {
            if (remaining > 0) {
              part = p;
              return;
            }
            p = Part.NAME;
          }
          case NAME -> {
            if ((flags & FNAME) != 0) {
              part = p;
              return;
            }
            p = Part.COMMENT;
          }
          case COMMENT -> {
            if ((flags & FCOMMENT) != 0) {
              part = p;
              return;
            }
            p = Part.HCRC;
          }
          case HCRC -> {
            if ((flags & FHCRC) != 0) {
              part = p;
              remaining = 2;
              value = 0;
              return;
            }
            part = Part.DONE;
            return;
          }
          default -> throw new AssertionError(p);
        }
      }
    }
  }
}
