package dev.soci.core.registry.testing;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Just enough JSON writing for the fixtures' responses (token replies, error bodies, lists). */
final class Json {
  private Json() {}

  static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  static String array(List<String> values) {
    return values.stream().map(Json::quote).collect(Collectors.joining(",", "[", "]"));
  }

  /** An object whose values are already JSON (use {@link #quote} for strings). */
  static String object(Map<String, String> rawValues) {
    return rawValues.entrySet().stream()
        .map(e -> quote(e.getKey()) + ":" + e.getValue())
        .collect(Collectors.joining(",", "{", "}"));
  }

  /** A distribution-spec error body: {@code {"errors":[{"code":..,"message":..}]}}. */
  static String errors(String code, String message) {
    return "{\"errors\":[{\"code\":" + quote(code) + ",\"message\":" + quote(message) + "}]}";
  }
}
