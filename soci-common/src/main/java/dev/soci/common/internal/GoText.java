package dev.soci.common.internal;

import java.util.Arrays;

/**
 * Go's string rules, in one place for every module that must match Go byte for byte.
 *
 * <p>UTF-8 ({@code unicode/utf8.DecodeRune}): a valid sequence is the shortest form of a code point
 * up to U+10FFFF that is not a surrogate; every byte that does not start a valid sequence stands
 * for U+FFFD on its own, and decoding resumes at the next byte.
 *
 * <p>JSON strings ({@code encoding/json}, Go 1.22 and later, HTML escaping on as {@code
 * json.Marshal} does): the quote and the backslash get a backslash; backspace, form feed, newline,
 * carriage return and tab their short escapes; other characters below U+0020 and the HTML
 * characters {@code <}, {@code >}, {@code &} a six-character escape with lowercase hex; U+2028 and
 * U+2029 their six-character escapes; invalid UTF-8 (or, in a Java string, an unpaired surrogate)
 * the escape of U+FFFD; everything else, DEL and non-ASCII included, as it is.
 */
public final class GoText {
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final char REPLACEMENT = '\uFFFD';

  private GoText() {}

  // ---- UTF-8 ----

  /**
   * Length of the valid UTF-8 sequence that starts at {@code s[i]} (a byte of 0x80 or more), or 0
   * if none does.
   */
  public static int runeSize(byte[] s, int i) {
    int b0 = s[i] & 0xFF;
    int lo = 0x80;
    int hi = 0xBF;
    int size;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      size = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      size = 3;
      if (b0 == 0xE0) {
        lo = 0xA0; // no overlong forms
      } else if (b0 == 0xED) {
        hi = 0x9F; // no surrogates
      }
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      size = 4;
      if (b0 == 0xF0) {
        lo = 0x90; // no overlong forms
      } else if (b0 == 0xF4) {
        hi = 0x8F; // nothing above U+10FFFF
      }
    } else {
      return 0;
    }
    if (s.length - i < size) {
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

  /** The code point of the valid {@code size}-byte sequence at {@code s[i]} ({@link #runeSize}). */
  public static int decodeRune(byte[] s, int i, int size) {
    int b0 = s[i] & 0xFF;
    int cp =
        switch (size) {
          case 1 -> b0;
          case 2 -> b0 & 0x1F;
          case 3 -> b0 & 0x0F;
          default -> b0 & 0x07;
        };
    for (int k = 1; k < size; k++) {
      cp = cp << 6 | (s[i + k] & 0x3F);
    }
    return cp;
  }

  /** Decodes {@code s} as Go does: each byte that starts no valid sequence becomes U+FFFD. */
  public static char[] decodeUtf8(byte[] s) {
    char[] out = new char[s.length];
    int o = 0;
    int i = 0;
    while (i < s.length) {
      int b0 = s[i] & 0xFF;
      if (b0 < 0x80) {
        out[o++] = (char) b0;
        i++;
        continue;
      }
      int size = runeSize(s, i);
      if (size == 0) {
        out[o++] = REPLACEMENT;
        i++;
        continue;
      }
      int cp = decodeRune(s, i, size);
      if (cp >= 0x10000) {
        out[o++] = Character.highSurrogate(cp);
        out[o++] = Character.lowSurrogate(cp);
      } else {
        out[o++] = (char) cp;
      }
      i += size;
    }
    return o == out.length ? out : Arrays.copyOf(out, o);
  }

  /**
   * Replaces unpaired surrogates (which JSON escapes of lone surrogates produce) with U+FFFD, as
   * Go's JSON decoder does.
   */
  public static String replaceLoneSurrogates(String s) {
    int n = s.length();
    StringBuilder sb = null;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        if (sb != null) {
          sb.append(c).append(s.charAt(i + 1));
        }
        i++;
      } else if (Character.isSurrogate(c)) {
        if (sb == null) {
          sb = new StringBuilder(n).append(s, 0, i);
        }
        sb.append(REPLACEMENT);
      } else if (sb != null) {
        sb.append(c);
      }
    }
    return sb == null ? s : sb.toString();
  }

  // ---- JSON ----

  /** Appends the Go JSON string (quotes included) of the bytes {@code s}, valid UTF-8 or not. */
  public static void appendJsonString(StringBuilder sb, byte[] s) {
    sb.append('"');
    int i = 0;
    while (i < s.length) {
      int b = s[i] & 0xFF;
      int size = b < 0x80 ? 1 : runeSize(s, i);
      if (size == 0) {
        unicodeEscape(sb, REPLACEMENT); // a valid U+FFFD is copied, an invalid byte escaped
        i++;
      } else {
        appendJsonRune(sb, decodeRune(s, i, size));
        i += size;
      }
    }
    sb.append('"');
  }

  /**
   * Appends the Go JSON string (quotes included) of {@code s}; an unpaired surrogate is written as
   * the escape of U+FFFD, as Go writes the invalid UTF-8 it stands for.
   */
  public static void appendJsonString(StringBuilder sb, String s) {
    sb.append('"');
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        appendJsonRune(sb, Character.toCodePoint(c, s.charAt(i + 1)));
        i++;
      } else if (Character.isSurrogate(c)) {
        unicodeEscape(sb, REPLACEMENT);
      } else {
        appendJsonRune(sb, c);
      }
    }
    sb.append('"');
  }

  private static void appendJsonRune(StringBuilder sb, int cp) {
    switch (cp) {
      case '"' -> sb.append("\\\"");
      case '\\' -> sb.append("\\\\");
      case '\b' -> sb.append("\\b");
      case '\f' -> sb.append("\\f");
      case '\n' -> sb.append("\\n");
      case '\r' -> sb.append("\\r");
      case '\t' -> sb.append("\\t");
      case '<', '>', '&', 0x2028, 0x2029 -> unicodeEscape(sb, cp);
      default -> {
        if (cp < 0x20) {
          unicodeEscape(sb, cp);
        } else {
          sb.appendCodePoint(cp);
        }
      }
    }
  }

  private static void unicodeEscape(StringBuilder sb, int cp) {
    sb.append("\\u")
        .append(HEX[cp >> 12 & 0xF])
        .append(HEX[cp >> 8 & 0xF])
        .append(HEX[cp >> 4 & 0xF])
        .append(HEX[cp & 0xF]);
  }
}
