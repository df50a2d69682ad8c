package dev.soci.ztoc;

import java.nio.charset.StandardCharsets;

/**
 * Go {@code encoding/json} string encoding (Go 1.22 and later, HTML escaping on, as {@code
 * json.Marshal} does): the input bytes are decoded rune by rune with Go's {@code utf8.DecodeRune};
 * every byte that does not start a valid UTF-8 sequence becomes the escape of U+FFFD; the quote and
 * the backslash are backslash-escaped; backspace, form feed, newline, carriage return and tab use
 * their short escapes and other control characters a six-character escape with lowercase hex; the
 * HTML characters less-than, greater-than and ampersand are escaped the same way, and so are U+2028
 * and U+2029; everything else is copied.
 */
final class GoJson {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private GoJson() {}

  static void appendString(StringBuilder sb, String s) {
    appendString(sb, s.getBytes(StandardCharsets.UTF_8));
  }

  static void appendString(StringBuilder sb, byte[] s) {
    sb.append('"');
    int i = 0;
    int n = s.length;
    while (i < n) {
      int b = s[i] & 0xFF;
      if (b < 0x80) {
        switch (b) {
          case '"' -> sb.append("\\\"");
          case '\\' -> sb.append("\\\\");
          case '\b' -> sb.append("\\b");
          case '\f' -> sb.append("\\f");
          case '\n' -> sb.append("\\n");
          case '\r' -> sb.append("\\r");
          case '\t' -> sb.append("\\t");
          case '<', '>', '&' -> sb.append("\\u00").append(HEX[b >> 4]).append(HEX[b & 0xF]);
          default -> {
            if (b < 0x20) {
              sb.append("\\u00").append(HEX[b >> 4]).append(HEX[b & 0xF]);
            } else {
              sb.append((char) b);
            }
          }
        }
        i++;
        continue;
      }
      int size = runeSize(s, i);
      if (size == 0) {
        sb.append("\\ufffd");
        i++;
        continue;
      }
      int cp = decode(s, i, size);
      if (cp == 0x2028 || cp == 0x2029) {
        sb.append("\\u202").append(HEX[cp & 0xF]);
      } else {
        sb.appendCodePoint(cp);
      }
      i += size;
    }
    sb.append('"');
  }

  /** Length of the valid UTF-8 sequence at {@code i} (lead byte >= 0x80), or 0 if invalid. */
  private static int runeSize(byte[] s, int i) {
    int b0 = s[i] & 0xFF;
    int n = s.length - i;
    int lo = 0x80;
    int hi = 0xBF;
    int size;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      size = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      size = 3;
      if (b0 == 0xE0) {
        lo = 0xA0;
      } else if (b0 == 0xED) {
        hi = 0x9F; // no surrogates
      }
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      size = 4;
      if (b0 == 0xF0) {
        lo = 0x90;
      } else if (b0 == 0xF4) {
        hi = 0x8F; // nothing above U+10FFFF
      }
    } else {
      return 0;
    }
    if (n < size) {
      return 0;
    }
    int b1 = s[i + 1] & 0xFF;
    if (b1 < lo || b1 > hi) {
      return 0;
    }
    for (int k = 2; k < size; k++) {
      int bk = s[i + k] & 0xFF;
      if (bk < 0x80 || bk > 0xBF) {
        return 0;
      }
    }
    return size;
  }

  private static int decode(byte[] s, int i, int size) {
    int b0 = s[i] & 0xFF;
    int cp =
        switch (size) {
          case 2 -> b0 & 0x1F;
          case 3 -> b0 & 0x0F;
          default -> b0 & 0x07;
        };
    for (int k = 1; k < size; k++) {
      cp = cp << 6 | (s[i + k] & 0x3F);
    }
    return cp;
  }
}
