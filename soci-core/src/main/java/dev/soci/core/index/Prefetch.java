package dev.soci.core.index;

import dev.soci.oci.PrefetchArtifact;
import dev.soci.ztoc.FileMetadata;
import dev.soci.ztoc.MalformedZtocException;
import dev.soci.ztoc.PaxRecord;
import dev.soci.ztoc.Ztoc;
import dev.soci.ztoc.zinfo.TarZinfo;
import dev.soci.ztoc.zinfo.Zinfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;

/**
 * The per-zTOC rules of upstream's builder options ({@code spec/index.md} sections 3 step 4 and 4):
 * prefetch paths cleaned, looked up and merged into span ranges, and the {@code xattr}
 * optimization's test. Stateless.
 */
final class Prefetch {
  private static final String XATTR_PREFIX = "SCHILY.xattr.";
  private static final byte[] OPAQUE_WHITEOUT = ".wh..wh..opq".getBytes(StandardCharsets.UTF_8);

  private Prefetch() {}

  /**
   * The paths to look up: each trimmed (Go's {@code strings.TrimSpace}), empty ones dropped,
   * cleaned.
   */
  static List<String> paths(List<String> given) {
    List<String> out = new ArrayList<>();
    for (String p : given) {
      String t = trimSpace(p);
      if (!t.isEmpty()) {
        out.add(clean(t));
      }
    }
    return out;
  }

  /**
   * Upstream's cleaning: {@code "/" + p}, Go's {@code path.Clean}, the leading {@code /} removed.
   */
  static String clean(String p) {
    Deque<String> parts = new ArrayDeque<>();
    for (String seg : p.split("/", -1)) {
      if (seg.isEmpty() || seg.equals(".")) {
        continue;
      }
      if (seg.equals("..")) {
        parts.pollLast(); // ".." at the root stays at the root
      } else {
        parts.addLast(seg);
      }
    }
    return String.join("/", parts);
  }

  /** Go's {@code strings.TrimSpace}: Unicode white space ({@code unicode.IsSpace}) at both ends. */
  static String trimSpace(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && isGoSpace(s.charAt(start))) {
      start++;
    }
    while (end > start && isGoSpace(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(start, end);
  }

  private static boolean isGoSpace(char c) {
    return switch (c) {
      case '\t', '\n', '\u000B', '\f', '\r', ' ', '\u0085', '\u00A0' -> true;
      default -> c > '\u00FF' && Character.isSpaceChar(c);
    };
  }

  /**
   * The spans of the first TOC entry of {@code ztoc} whose raw name is {@code name}, or {@code
   * null}: from the span of its first byte to the span of the offset just after its last byte, with
   * upstream's {@code UncompressedOffsetToSpanID} (not clamped for uncompressed layers).
   */
  static PrefetchArtifact.Span spansOf(Ztoc ztoc, byte[] name) throws MalformedZtocException {
    for (FileMetadata f : ztoc.files()) {
      if (f.hasName(name)) {
        Zinfo zinfo = ztoc.zinfo();
        long start = spanOf(zinfo, f.uncompressedOffset());
        long end = spanOf(zinfo, f.uncompressedOffset() + f.uncompressedSize());
        return new PrefetchArtifact.Span(
            (int) Math.min(start, Integer.MAX_VALUE), (int) Math.min(end, Integer.MAX_VALUE));
      }
    }
    return null;
  }

  private static long spanOf(Zinfo zinfo, long offset) {
    if (zinfo instanceof TarZinfo tar && tar.spanSize() > 0) {
      return offset / tar.spanSize();
    }
    return zinfo.spanOf(offset);
  }

  /**
   * Upstream's {@code normalizePrefetchSpans}: sorted by (start, end), ranges that overlap or touch
   * ({@code next.start <= current.end + 1}) merged.
   */
  static List<PrefetchArtifact.Span> merge(List<PrefetchArtifact.Span> spans) {
    List<PrefetchArtifact.Span> sorted = new ArrayList<>(spans);
    sorted.sort(
        Comparator.comparingInt(PrefetchArtifact.Span::startSpan)
            .thenComparingInt(PrefetchArtifact.Span::endSpan));
    List<PrefetchArtifact.Span> out = new ArrayList<>();
    PrefetchArtifact.Span cur = null;
    for (PrefetchArtifact.Span s : sorted) {
      if (cur != null && (long) s.startSpan() <= (long) cur.endSpan() + 1) {
        cur = new PrefetchArtifact.Span(cur.startSpan(), Math.max(cur.endSpan(), s.endSpan()));
      } else {
        if (cur != null) {
          out.add(cur);
        }
        cur = s;
      }
    }
    if (cur != null) {
      out.add(cur);
    }
    return out;
  }

  /**
   * Upstream's {@code shouldDisableXattrs}: no entry has a {@code SCHILY.xattr.*} PAX record and no
   * entry name ends with the opaque-whiteout marker {@code .wh..wh..opq}.
   */
  static boolean shouldDisableXattrs(Ztoc ztoc) {
    for (FileMetadata f : ztoc.files()) {
      byte[] name = f.rawName();
      if (name.length >= OPAQUE_WHITEOUT.length
          && Arrays.equals(
              name,
              name.length - OPAQUE_WHITEOUT.length,
              name.length,
              OPAQUE_WHITEOUT,
              0,
              OPAQUE_WHITEOUT.length)) {
        return false;
      }
      for (PaxRecord r : f.paxRecords()) {
        if (r.key().startsWith(XATTR_PREFIX)) {
          return false;
        }
      }
    }
    return true;
  }
}
