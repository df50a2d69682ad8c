package dev.soci.core.registry;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Reads the {@code rel="next"} target of RFC 8288 {@code Link} headers, as registries paginate tag
 * lists and referrers: {@code </v2/repo/tags/list?last=b&n=2>; rel="next"}.
 */
final class LinkHeader {
  private LinkHeader() {}

  /**
   * The target of the first link whose {@code rel} includes {@code next}, as written (usually a
   * path with a query), or null when there is none or the header cannot be read.
   */
  static String next(List<String> headerValues) {
    for (String v : headerValues) {
      String found = next(v);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  static String next(String value) {
    int i = 0;
    int n = value.length();
    while (i < n) {
      int lt = value.indexOf('<', i);
      if (lt < 0) {
        return null;
      }
      int gt = value.indexOf('>', lt + 1);
      if (gt < 0) {
        return null;
      }
      String target = value.substring(lt + 1, gt).trim();
      // parameters up to the next link: a comma outside quotes
      int j = gt + 1;
      boolean next = false;
      StringBuilder param = new StringBuilder();
      boolean quoted = false;
      for (; j <= n; j++) {
        char c = j < n ? value.charAt(j) : ',';
        if (c == '"') {
          quoted = !quoted;
          param.append(c);
        } else if (!quoted && (c == ';' || c == ',')) {
          next |= isRelNext(param.toString());
          param.setLength(0);
          if (c == ',') {
            break;
          }
        } else {
          param.append(c);
        }
      }
      if (next && !target.isEmpty()) {
        return target;
      }
      i = j + 1;
    }
    return null;
  }

  private static boolean isRelNext(String param) {
    int eq = param.indexOf('=');
    if (eq < 0 || !param.substring(0, eq).trim().equalsIgnoreCase("rel")) {
      return false;
    }
    String v = param.substring(eq + 1).trim();
    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
      v = v.substring(1, v.length() - 1);
    }
    for (String rel : v.toLowerCase(Locale.ROOT).split("[ \t]+")) {
      if (rel.equals("next")) {
        return true;
      }
    }
    return false;
  }

  /** The next-page URI resolved against the request URI, or null (unparseable targets too). */
  static URI resolveNext(URI request, List<String> headerValues) {
    String target = next(headerValues);
    if (target == null) {
      return null;
    }
    try {
      return request.resolve(new URI(target));
    } catch (java.net.URISyntaxException | IllegalArgumentException e) {
      return null;
    }
  }
}
