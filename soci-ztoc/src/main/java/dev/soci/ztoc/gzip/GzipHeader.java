package dev.soci.ztoc.gzip;

import java.util.zip.CRC32;

/** Parses gzip member headers (RFC 1952) held in memory, with zlib's checks. */
public final class GzipHeader {
  private GzipHeader() {}

  /**
   * Returns the length of the gzip member header at {@code b[off..off+len)}, or {@code -1} if those
   * bytes are a valid but incomplete header.
   *
   * @param position compressed offset of {@code b[off]}, for error messages
   * @throws GzipFormatException if the bytes are not a gzip header
   */
  public static int length(byte[] b, int off, int len, long position) throws GzipFormatException {
    if (len < 10) {
      if ((len >= 1 && (b[off] & 0xFF) != 0x1f) || (len >= 2 && (b[off + 1] & 0xFF) != 0x8b)) {
        throw new GzipFormatException(position, "incorrect header check: not a gzip member");
      }
      return -1;
    }
    if ((b[off] & 0xFF) != 0x1f || (b[off + 1] & 0xFF) != 0x8b) {
      throw new GzipFormatException(position, "incorrect header check: not a gzip member");
    }
    if (b[off + 2] != 8) {
      throw new GzipFormatException(
          position + 2, "unknown compression method " + (b[off + 2] & 0xFF));
    }
    int flags = b[off + 3] & 0xFF;
    if ((flags & 0xE0) != 0) {
      throw new GzipFormatException(position + 3, "unknown header flags set");
    }
    int p = 10;
    if ((flags & 4) != 0) {
      if (len < p + 2) {
        return -1;
      }
      int xlen = (b[off + p] & 0xFF) | (b[off + p + 1] & 0xFF) << 8;
      p += 2 + xlen;
      if (len < p) {
        return -1;
      }
    }
    for (int flag : new int[] {8, 16}) {
      if ((flags & flag) != 0) {
        while (p < len && b[off + p] != 0) {
          p++;
        }
        if (p >= len) {
          return -1;
        }
        p++;
      }
    }
    if ((flags & 2) != 0) {
      if (len < p + 2) {
        return -1;
      }
      CRC32 crc = new CRC32();
      crc.update(b, off, p);
      int stored = (b[off + p] & 0xFF) | (b[off + p + 1] & 0xFF) << 8;
      if (stored != (int) (crc.getValue() & 0xFFFF)) {
        throw new GzipFormatException(position + p, "header crc mismatch");
      }
      p += 2;
    }
    return p;
  }
}
