package dev.soci.oci;

/**
 * UTF-8 decoding with Go's replacement rule: every byte that does not start a valid sequence
 * becomes U+FFFD.
 */
final class GoUtf8 {
  private GoUtf8() {}

  static char[] decode(byte[] s) {
    char[] out = new char[s.length];
    int o = 0;
    int i = 0;
    int n = s.length;
    while (i < n) {
      int b0 = s[i] & 0xFF;
      if (b0 < 0x80) {
        out[o++] = (char) b0;
        i++;
        continue;
      }
      int size = runeSize(s, i);
      if (size == 0) {
        out[o++] = '\uFFFD';
        i++;
        continue;
      }
      int cp =
          switch (size) {
            case 2 -> b0 & 0x1F;
            case 3 -> b0 & 0x0F;
            default -> b0 & 0x07;
          };
      for (int k = 1; k < size; k++) {
        cp = cp << 6 | (s[i + k] & 0x3F);
      }
      if (cp >= 0x10000) {
        out[o++] = Character.highSurrogate(cp);
        out[o++] = Character.lowSurrogate(cp);
      } else {
        out[o++] = (char) cp;
      }
      i += size;
    }
    return o == out.length ? out : java.util.Arrays.copyOf(out, o);
  }

  /** Length of the valid UTF-8 sequence at {@code i} (lead byte >= 0x80), or 0 if invalid. */
  private static int runeSize(byte[] s, int i) {
    int b0 = s[i] & 0xFF;
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
        hi = 0x9F;
      }
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      size = 4;
      if (b0 == 0xF0) {
        lo = 0x90;
      } else if (b0 == 0xF4) {
        hi = 0x8F;
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

  /**
   * Replaces unpaired surrogates (from escapes of lone surrogates) with U+FFFD, as Go's decoder
   * does.
   */
  static String replaceLoneSurrogates(String s) {
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
        sb.append('\uFFFD');
      } else if (sb != null) {
        sb.append(c);
      }
    }
    return sb == null ? s : sb.toString();
  }
}
