package dev.soci.core.nio;

import java.util.regex.PatternSyntaxException;

/**
 * Unix glob patterns as {@link java.nio.file.FileSystem#getPathMatcher} documents them: {@code *}
 * (within a name), {@code **} (across names), {@code ?}, {@code [...]} with {@code !} negation and
 * ranges, {@code {a,b}} (not nested), and {@code \} escapes.
 */
final class Globs {
  private static final String META = "\\^$.|?*+()[]{}";

  private Globs() {}

  static String toRegex(String glob) {
    StringBuilder r = new StringBuilder("^");
    boolean inGroup = false;
    int i = 0;
    while (i < glob.length()) {
      char c = glob.charAt(i++);
      switch (c) {
        case '\\' -> {
          if (i == glob.length()) {
            throw new PatternSyntaxException("no character to escape", glob, i - 1);
          }
          literal(r, glob.charAt(i++));
        }
        case '/' -> r.append('/');
        case '[' -> {
          r.append("[[^/]&&[");
          if (i < glob.length() && glob.charAt(i) == '^') {
            r.append("\\^");
            i++;
          } else if (i < glob.length() && glob.charAt(i) == '!') {
            r.append('^');
            i++;
          }
          boolean closed = false;
          while (i < glob.length()) {
            c = glob.charAt(i++);
            if (c == ']') {
              closed = true;
              break;
            }
            if (c == '/') {
              throw new PatternSyntaxException("explicit '/' in a class", glob, i - 1);
            }
            if (c == '[' || c == '&' || (c == '\\' && i < glob.length())) {
              r.append('\\');
              if (c == '\\') {
                c = glob.charAt(i++);
              }
            }
            r.append(c);
          }
          if (!closed) {
            throw new PatternSyntaxException("missing ']'", glob, i - 1);
          }
          r.append("]]");
        }
        case '{' -> {
          if (inGroup) {
            throw new PatternSyntaxException("nested groups are not supported", glob, i - 1);
          }
          r.append("(?:(?:");
          inGroup = true;
        }
        case '}' -> {
          if (inGroup) {
            r.append("))");
            inGroup = false;
          } else {
            r.append("\\}");
          }
        }
        case ',' -> r.append(inGroup ? ")|(?:" : ",");
        case '*' -> {
          if (i < glob.length() && glob.charAt(i) == '*') {
            r.append(".*");
            i++;
          } else {
            r.append("[^/]*");
          }
        }
        case '?' -> r.append("[^/]");
        default -> literal(r, c);
      }
    }
    if (inGroup) {
      throw new PatternSyntaxException("missing '}'", glob, glob.length() - 1);
    }
    return r.append('$').toString();
  }

  private static void literal(StringBuilder r, char c) {
    if (META.indexOf(c) >= 0) {
      r.append('\\');
    }
    r.append(c);
  }
}
