package dev.soci.ztoc;

import dev.soci.common.internal.GoText;
import dev.soci.ztoc.zinfo.GzipZinfo;
import dev.soci.ztoc.zinfo.TarZinfo;
import dev.soci.ztoc.zinfo.Zinfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What {@code soci ztoc info} reports about a zTOC, and the exact JSON it prints (Go {@code
 * json.MarshalIndent} with a two-space indent, then a newline; spec {@code cli.md}).
 *
 * <p>Spans follow upstream's {@code UncompressedOffsetToSpanID}: for gzip the last checkpoint at or
 * before the offset (clamped to the last span); for uncompressed layers the plain division {@code
 * offset / span_size}, <em>not</em> clamped, so a file that ends at the end of the last span
 * reports {@code end_span = num_spans}. {@code end_span} uses the exclusive end offset {@code
 * offset + size}.
 *
 * <p>Immutable and thread-safe.
 */
public final class ZtocInfo {
  private final Ztoc ztoc;
  private final long size;
  private final long spanSize;
  private final List<FileSpans> files;
  private final int multiSpanFiles;

  /**
   * One TOC entry with the spans its data touches.
   *
   * @param file the entry
   * @param startSpan span of the entry's first byte
   * @param endSpan span of the offset just after its last byte
   */
  public record FileSpans(FileMetadata file, long startSpan, long endSpan) {}

  private ZtocInfo(Ztoc ztoc, long size, long spanSize, List<FileSpans> files, int multiSpanFiles) {
    this.ztoc = ztoc;
    this.size = size;
    this.spanSize = spanSize;
    this.files = files;
    this.multiSpanFiles = multiSpanFiles;
  }

  /**
   * Computes the info of {@code ztoc}.
   *
   * @param ztoc the zTOC
   * @param ztocSize size in bytes of the zTOC blob (what the info reports as {@code size})
   * @throws MalformedZtocException if the zTOC's checkpoints blob cannot be parsed
   */
  public static ZtocInfo of(Ztoc ztoc, long ztocSize) throws MalformedZtocException {
    Zinfo zinfo = ztoc.zinfo();
    List<FileMetadata> entries = ztoc.files();
    List<FileSpans> spans = new ArrayList<>(entries.size());
    int multi = 0;
    for (FileMetadata f : entries) {
      long start = spanOf(zinfo, f.uncompressedOffset());
      long end = spanOf(zinfo, f.uncompressedOffset() + f.uncompressedSize());
      if (start != end) {
        multi++;
      }
      spans.add(new FileSpans(f, start, end));
    }
    return new ZtocInfo(
        ztoc, ztocSize, zinfo.spanSize(), Collections.unmodifiableList(spans), multi);
  }

  /** Upstream's {@code UncompressedOffsetToSpanID}, unclamped for uncompressed layers. */
  private static long spanOf(Zinfo zinfo, long offset) {
    if (zinfo instanceof TarZinfo tar) {
      return offset / tar.spanSize();
    }
    return ((GzipZinfo) zinfo).spanOf(offset);
  }

  /** The zTOC version. */
  public String version() {
    return ztoc.version();
  }

  /** The build tool identifier. */
  public String buildTool() {
    return ztoc.buildToolIdentifier();
  }

  /** Size in bytes of the zTOC blob, as given. */
  public long size() {
    return size;
  }

  /** Span size from the checkpoints blob. */
  public long spanSize() {
    return spanSize;
  }

  /** Number of spans: {@code max_span_id + 1}. */
  public long numSpans() {
    return (long) ztoc.maxSpanId() + 1;
  }

  /** Number of TOC entries. */
  public int numFiles() {
    return files.size();
  }

  /** Number of entries whose start and end spans differ. */
  public int numMultiSpanFiles() {
    return multiSpanFiles;
  }

  /** Every TOC entry, in TOC order, with its spans. */
  public List<FileSpans> files() {
    return files;
  }

  /** The JSON {@code soci ztoc info} prints, including the final newline. */
  public String toJson() {
    StringBuilder sb = new StringBuilder(256 + files.size() * 192);
    sb.append("{\n");
    sb.append("  \"version\": ");
    GoText.appendJsonString(sb, ztoc.version());
    sb.append(",\n  \"build_tool\": ");
    GoText.appendJsonString(sb, ztoc.buildToolIdentifier());
    sb.append(",\n  \"size\": ").append(size);
    sb.append(",\n  \"span_size\": ").append(spanSize);
    sb.append(",\n  \"num_spans\": ").append(numSpans());
    sb.append(",\n  \"num_files\": ").append(files.size());
    sb.append(",\n  \"num_multi_span_files\": ").append(multiSpanFiles);
    sb.append(",\n  \"files\": ");
    if (files.isEmpty()) {
      sb.append("null");
    } else {
      sb.append('[');
      for (int i = 0; i < files.size(); i++) {
        FileSpans s = files.get(i);
        FileMetadata f = s.file();
        sb.append(i == 0 ? "\n" : ",\n");
        sb.append("    {\n      \"filename\": ");
        GoText.appendJsonString(sb, f.nameBytes());
        sb.append(",\n      \"offset\": ").append(f.uncompressedOffset());
        sb.append(",\n      \"size\": ").append(f.uncompressedSize());
        sb.append(",\n      \"type\": ");
        GoText.appendJsonString(sb, f.type().wireName());
        sb.append(",\n      \"start_span\": ").append(s.startSpan());
        sb.append(",\n      \"end_span\": ").append(s.endSpan());
        sb.append("\n    }");
      }
      sb.append("\n  ]");
    }
    sb.append("\n}\n");
    return sb.toString();
  }
}
