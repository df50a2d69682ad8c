package dev.soci.core.registry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One challenge of a {@code WWW-Authenticate} header (RFC 7235): a scheme (lower-cased) and its
 * parameters (names lower-cased, values unquoted). A header may hold several challenges separated
 * by commas; {@link #parse} reads them all and skips what it cannot read rather than failing, as a
 * registry's header is only a hint.
 */
record AuthChallenge(String scheme, Map<String, String> params) {
  AuthChallenge {
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
  }

  String param(String name) {
    return params.get(name);
  }

  /** Every challenge of the given header values, in order. */
  static List<AuthChallenge> parse(List<String> headerValues) {
    List<AuthChallenge> out = new ArrayList<>();
    for (String v : headerValues) {
      new Parser(v).challenges(out);
    }
    return out;
  }

  static List<AuthChallenge> parse(String headerValue) {
    return parse(List.of(headerValue));
  }

  private static final class Parser {
    private final String s;
    private int i;

    Parser(String s) {
      this.s = s;
    }

    void challenges(List<AuthChallenge> out) {
      while (true) {
        skip(" \t,");
        if (i >= s.length()) {
          return;
        }
        String scheme = token();
        if (scheme.isEmpty()) {
          i++; // not a token character: skip it so that parsing always moves on
          continue;
        }
        Map<String, String> params = new LinkedHashMap<>();
        while (true) {
          int save = i;
          skip(" \t");
          String name = token();
          skip(" \t");
          if (name.isEmpty() || !at('=')) {
            boolean token68 = !name.isEmpty() && params.isEmpty() && (i >= s.length() || at(','));
            if (!token68) {
              i = save;
            }
            break;
          }
          i++; // '='
          while (at('=')) {
            i++; // token68 padding ("Basic abc==") reads as an empty parameter
          }
          skip(" \t");
          String value = at('"') ? quoted() : unquoted();
          params.put(name.toLowerCase(Locale.ROOT), value);
          skip(" \t");
          if (!at(',')) {
            break;
          }
          i++;
          int afterComma = i;
          skip(" \t,");
          String next = token();
          skip(" \t");
          boolean isParam = !next.isEmpty() && at('=');
          i = afterComma;
          if (!isParam) {
            break;
          }
        }
        out.add(new AuthChallenge(scheme.toLowerCase(Locale.ROOT), params));
      }
    }

    private boolean at(char c) {
      return i < s.length() && s.charAt(i) == c;
    }

    private void skip(String chars) {
      while (i < s.length() && chars.indexOf(s.charAt(i)) >= 0) {
        i++;
      }
    }

    private String token() {
      int start = i;
      while (i < s.length() && isTokenChar(s.charAt(i))) {
        i++;
      }
      return s.substring(start, i);
    }

    /** An unquoted value, read leniently up to a comma or white space. */
    private String unquoted() {
      int start = i;
      while (i < s.length() && ", \t".indexOf(s.charAt(i)) < 0) {
        i++;
      }
      return s.substring(start, i);
    }

    private String quoted() {
      StringBuilder b = new StringBuilder();
      i++; // opening quote
      while (i < s.length()) {
        char c = s.charAt(i++);
        if (c == '"') {
          return b.toString();
        }
        if (c == '\\' && i < s.length()) {
          c = s.charAt(i++);
        }
        b.append(c);
      }
      return b.toString(); // unterminated: take what there is
    }

    private static boolean isTokenChar(char c) {
      return c > ' ' && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
    }
  }
}
