package dev.soci.core.registry;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/** URL helpers: redaction for messages and logs, origin comparison, query building. */
final class Urls {
  /** Query parameters whose values are never secret: kept in messages. */
  private static final Set<String> SAFE_PARAMS =
      Set.of("n", "last", "artifacttype", "digest", "mount", "from", "service", "scope");

  static final String REDACTED = "REDACTED";

  private Urls() {}

  /**
   * The URL as it may appear in a message or a log line: no user info, no fragment, and every query
   * value replaced by {@code REDACTED} except those of a few known harmless parameters (presigned
   * URLs carry their signature and credentials in the query).
   */
  static String redact(URI uri) {
    if (uri == null) {
      return null;
    }
    StringBuilder b = new StringBuilder();
    if (uri.getScheme() != null) {
      b.append(uri.getScheme()).append("://");
    }
    if (uri.getHost() != null) {
      b.append(uri.getHost());
      if (uri.getPort() >= 0) {
        b.append(':').append(uri.getPort());
      }
    } else if (uri.getRawAuthority() != null) {
      String a = uri.getRawAuthority();
      b.append(a.substring(a.lastIndexOf('@') + 1));
    }
    if (uri.getRawPath() != null) {
      b.append(uri.getRawPath());
    }
    String q = uri.getRawQuery();
    if (q != null) {
      b.append('?');
      String sep = "";
      for (String part : q.split("&", -1)) {
        int eq = part.indexOf('=');
        String name = eq < 0 ? part : part.substring(0, eq);
        b.append(sep);
        sep = "&";
        if (eq < 0) {
          b.append(SAFE_PARAMS.contains(name.toLowerCase(Locale.ROOT)) ? name : REDACTED);
        } else {
          b.append(name)
              .append('=')
              .append(
                  SAFE_PARAMS.contains(name.toLowerCase(Locale.ROOT))
                      ? part.substring(eq + 1)
                      : REDACTED);
        }
      }
    }
    return b.toString();
  }

  /** Whether two URIs have the same scheme, host and (effective) port. */
  static boolean sameOrigin(URI a, URI b) {
    return a.getScheme() != null
        && a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getHost() != null
        && a.getHost().equalsIgnoreCase(b.getHost())
        && port(a) == port(b);
  }

  static int port(URI u) {
    if (u.getPort() >= 0) {
      return u.getPort();
    }
    return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
  }

  /** The URI with {@code name=value} appended to its query (any existing query kept). */
  static URI withParam(URI uri, String name, String value) {
    String q = uri.getRawQuery();
    String add = encode(name) + "=" + encode(value);
    String s = uri.toString();
    int hash = s.indexOf('#');
    if (hash >= 0) {
      s = s.substring(0, hash);
    }
    return URI.create(s + (q == null || q.isEmpty() ? (s.endsWith("?") ? "" : "?") : "&") + add);
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  /** Whether the host names the local machine (a loopback address or {@code localhost}). */
  static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      h = h.substring(1, h.indexOf(']') < 0 ? h.length() : h.indexOf(']'));
    } else if (h.indexOf(':') >= 0 && h.indexOf(':') == h.lastIndexOf(':')) {
      h = h.substring(0, h.indexOf(':'));
    }
    return h.equals("localhost")
        || h.endsWith(".localhost")
        || h.matches("127\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}")
        || h.equals("::1")
        || h.equals("0:0:0:0:0:0:0:1");
  }
}
