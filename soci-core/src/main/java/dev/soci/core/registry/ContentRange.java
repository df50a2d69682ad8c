package dev.soci.core.registry;

/**
 * A {@code Content-Range: bytes first-last/total} header (RFC 9110), {@code total} -1 when the
 * server wrote {@code *}. {@code bytes *}{@code /total} (unsatisfied range) parses with {@code
 * first} and {@code last} -1.
 */
record ContentRange(long first, long last, long total) {
  /** Parses the header, or returns null when it is not a valid byte range. */
  static ContentRange parse(String value) {
    if (value == null) {
      return null;
    }
    String v = value.trim();
    if (!v.regionMatches(true, 0, "bytes", 0, 5) || v.length() < 7 || v.charAt(5) != ' ') {
      return null;
    }
    v = v.substring(6).trim();
    int slash = v.indexOf('/');
    if (slash < 0) {
      return null;
    }
    String range = v.substring(0, slash).trim();
    String size = v.substring(slash + 1).trim();
    long total;
    if (size.equals("*")) {
      total = -1;
    } else {
      total = number(size);
      if (total < 0) {
        return null;
      }
    }
    if (range.equals("*")) {
      return total < 0 ? null : new ContentRange(-1, -1, total);
    }
    int dash = range.indexOf('-');
    if (dash < 0) {
      return null;
    }
    long first = number(range.substring(0, dash));
    long last = number(range.substring(dash + 1));
    if (first < 0 || last < first || (total >= 0 && last >= total)) {
      return null;
    }
    return new ContentRange(first, last, total);
  }

  /** A non-negative decimal without sign, or -1 (overflow too). */
  static long number(String s) {
    if (s.isEmpty() || s.length() > 19) {
      return -1;
    }
    long n = 0;
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (c < '0' || c > '9') {
        return -1;
      }
      if (n > (Long.MAX_VALUE - (c - '0')) / 10) {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }

  /** The number of bytes in the range. */
  long length() {
    return first < 0 ? 0 : last - first + 1;
  }
}
