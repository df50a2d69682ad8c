package dev.soci.ztoc.internal.tar;

import dev.soci.ztoc.TarFormatException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PAX extended-header payloads and values, parsed exactly like Go's {@code archive/tar} ({@code
 * parsePAX}, {@code parsePAXRecord}, {@code validPAXRecord}, {@code parsePAXTime}, {@code
 * strconv.ParseInt}). Keys are held as ISO-8859-1 strings (one char per raw byte, so lossless),
 * values as raw bytes.
 */
final class PaxRecords {
  static final String PATH = "path";
  static final String LINKPATH = "linkpath";
  static final String UNAME = "uname";
  static final String GNAME = "gname";
  static final String UID = "uid";
  static final String GID = "gid";
  static final String ATIME = "atime";
  static final String MTIME = "mtime";
  static final String CTIME = "ctime";
  static final String SIZE = "size";
  static final String SPARSE_OFFSET = "GNU.sparse.offset";
  static final String SPARSE_NUMBYTES = "GNU.sparse.numbytes";
  static final String SPARSE_MAP = "GNU.sparse.map";
  static final String SPARSE_MAJOR = "GNU.sparse.major";
  static final String SPARSE_MINOR = "GNU.sparse.minor";
  static final String SPARSE_NAME = "GNU.sparse.name";

  private PaxRecords() {}

  /**
   * Parses the records {@code "<len> <key>=<value>\n"} in {@code buf[0..len)}. Later records with
   * the same key replace earlier ones; {@code GNU.sparse.offset}/{@code GNU.sparse.numbytes} pairs
   * are joined into one {@code GNU.sparse.map} record.
   *
   * @param payloadOffset offset of {@code buf[0]} in the uncompressed stream
   * @throws TarFormatException at the offset of the first invalid record
   */
  static Map<String, byte[]> parse(byte[] buf, int len, long payloadOffset)
      throws TarFormatException {
    Map<String, byte[]> records = new LinkedHashMap<>();
    List<byte[]> sparseMap = null;
    int pos = 0;
    while (pos < len) {
      int space = indexOf(buf, pos, len, (byte) ' ');
      if (space < 0) {
        throw invalid(payloadOffset + pos, "no space after the record length", buf, pos, len);
      }
      Long n = parseInt(buf, pos, space);
      if (n == null || n < 5 || n > len - pos) {
        throw invalid(payloadOffset + pos, "bad record length", buf, pos, len);
      }
      int end = pos + n.intValue(); // record is buf[pos..end), ends with '\n'
      int recStart = space + 1;
      if (end - 1 < recStart || buf[end - 1] != '\n') {
        throw invalid(payloadOffset + pos, "record does not end with a newline", buf, pos, len);
      }
      int eq = indexOf(buf, recStart, end - 1, (byte) '=');
      if (eq < 0) {
        throw invalid(payloadOffset + pos, "record has no '='", buf, pos, len);
      }
      String key = new String(buf, recStart, eq - recStart, StandardCharsets.ISO_8859_1);
      if (!isValid(key, buf, eq + 1, end - 1)) {
        throw invalid(
            payloadOffset + pos, "empty key or NUL in key or path/name value", buf, pos, len);
      }
      byte[] value = Arrays.copyOfRange(buf, eq + 1, end - 1);
      if (key.equals(SPARSE_OFFSET) || key.equals(SPARSE_NUMBYTES)) {
        if (sparseMap == null) {
          sparseMap = new ArrayList<>();
        }
        boolean expectOffset = sparseMap.size() % 2 == 0;
        if (key.equals(SPARSE_OFFSET) != expectOffset
            || indexOf(value, 0, value.length, (byte) ',') >= 0) {
          throw invalid(
              payloadOffset + pos, "GNU.sparse.offset/numbytes out of order", buf, pos, len);
        }
        sparseMap.add(value);
      } else {
        records.put(key, value);
      }
      pos = end;
    }
    if (sparseMap != null) {
      records.put(SPARSE_MAP, join(sparseMap));
    }
    return records;
  }

  private static boolean isValid(String key, byte[] buf, int valueStart, int valueEnd) {
    if (key.isEmpty()) {
      return false;
    }
    switch (key) {
      case PATH:
      case LINKPATH:
      case UNAME:
      case GNAME:
        return indexOf(buf, valueStart, valueEnd, (byte) 0) < 0;
      default:
        return key.indexOf('\0') < 0;
    }
  }

  private static byte[] join(List<byte[]> parts) {
    int size = parts.size() - 1;
    for (byte[] p : parts) {
      size += p.length;
    }
    byte[] out = new byte[size];
    int o = 0;
    for (int i = 0; i < parts.size(); i++) {
      if (i > 0) {
        out[o++] = ',';
      }
      byte[] p = parts.get(i);
      System.arraycopy(p, 0, out, o, p.length);
      o += p.length;
    }
    return out;
  }

  private static TarFormatException invalid(long offset, String why, byte[] buf, int pos, int len) {
    int shown = Math.min(len - pos, 40);
    return new TarFormatException(
        offset,
        null,
        "invalid PAX record",
        why + "; record starts with \"" + TarHeader.escape(buf, pos, shown) + "\"");
  }

  static int indexOf(byte[] b, int from, int to, byte c) {
    for (int i = from; i < to; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Go's {@code strconv.ParseInt(s, 10, 64)} on {@code b[from..to)}: optional sign, at least one
   * decimal digit, nothing else, within int64. Returns {@code null} when invalid.
   */
  static Long parseInt(byte[] b, int from, int to) {
    if (from >= to) {
      return null;
    }
    boolean negative = false;
    if (b[from] == '+' || b[from] == '-') {
      negative = b[from] == '-';
      from++;
      if (from == to) {
        return null;
      }
    }
    long limit = negative ? Long.MIN_VALUE : -Long.MAX_VALUE;
    long multMin = limit / 10;
    long x = 0; // accumulated negatively so that Long.MIN_VALUE is reachable
    for (int i = from; i < to; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9 || x < multMin) {
        return null;
      }
      x *= 10;
      if (x < limit + d) {
        return null;
      }
      x -= d;
    }
    return negative ? x : -x;
  }

  /** Convenience overload of {@link #parseInt(byte[], int, int)} for a whole value. */
  static Long parseInt(byte[] v) {
    return parseInt(v, 0, v.length);
  }

  /**
   * Go's {@code parsePAXTime}: {@code [sign]seconds[.fraction]}; the fraction is right-padded or
   * truncated to 9 digits and must be all digits; with a leading {@code -} it is subtracted.
   * Normalizes like Go's {@code time.Unix}. Returns {@code {seconds, nanos}} or {@code null} when
   * invalid.
   */
  static long[] parseTime(byte[] v) {
    int dot = indexOf(v, 0, v.length, (byte) '.');
    int secEnd = dot < 0 ? v.length : dot;
    Long secs = parseInt(v, 0, secEnd);
    if (secs == null) {
      return null;
    }
    long s = secs;
    if (dot < 0 || dot == v.length - 1) {
      return new long[] {s, 0};
    }
    long nanos = 0;
    int digits = 0;
    for (int i = dot + 1; i < v.length; i++) {
      int d = v[i] - '0';
      if (d < 0 || d > 9) {
        return null;
      }
      if (digits < 9) {
        nanos = nanos * 10 + d;
        digits++;
      }
    }
    for (; digits < 9; digits++) {
      nanos *= 10;
    }
    if (secEnd > 0 && v[0] == '-' && nanos > 0) {
      // time.Unix(s, -nanos): borrow one second (wraps like Go's int64 at the extreme).
      s = s - 1;
      nanos = 1_000_000_000L - nanos;
    }
    return new long[] {s, nanos};
  }
}
