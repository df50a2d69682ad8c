package dev.soci.oci;

import java.util.Collections;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/** Immutable string maps sorted as Go sorts map keys when it encodes JSON (by UTF-8 bytes). */
final class Maps {
  private Maps() {}

  /** Code point order, which is the byte order of the UTF-8 encodings. */
  static final Comparator<String> GO_ORDER =
      (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
          int ca = a.codePointAt(i);
          int cb = b.codePointAt(j);
          if (ca != cb) {
            return Integer.compare(ca, cb);
          }
          i += Character.charCount(ca);
          j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
      };

  private static final SortedMap<String, String> EMPTY =
      Collections.unmodifiableSortedMap(new TreeMap<>(GO_ORDER));

  static SortedMap<String, String> copyOf(Map<String, String> map, String what) {
    if (map == null || map.isEmpty()) {
      return EMPTY;
    }
    TreeMap<String, String> copy = new TreeMap<>(GO_ORDER);
    for (Map.Entry<String, String> e : map.entrySet()) {
      copy.put(
          Objects.requireNonNull(e.getKey(), what + " key"),
          Objects.requireNonNull(e.getValue(), what + " value of " + e.getKey()));
    }
    return Collections.unmodifiableSortedMap(copy);
  }

  static SortedMap<String, String> with(Map<String, String> map, String key, String value) {
    TreeMap<String, String> copy = new TreeMap<>(GO_ORDER);
    copy.putAll(map);
    copy.put(key, value);
    return Collections.unmodifiableSortedMap(copy);
  }
}
