package dev.soci.ztoc;

import dev.soci.ztoc.internal.tar.TarLimits;
import dev.soci.ztoc.internal.tar.TarTocParser;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Checks that the tar header chain in front of a file's data describes the TOC entry it is read for
 * ({@code lazy-loading.md} section 6). The chain is the uncompressed bytes {@code
 * [Toc.headerOffset(entry), entry.uncompressedOffset())}; parsed with the same tar rules as the TOC
 * builder, they must yield exactly one entry, end exactly where the entry's data starts, and agree
 * with the TOC on the name, type, size, link name, mode, owner ids, device numbers and PAX records.
 * The modification time is not compared (its text depends on the zone the zTOC was built in).
 *
 * <p>Span digests bind a zTOC's spans to the layer's compressed bytes; this check binds its TOC to
 * the tar headers in those bytes, so an altered or foreign TOC cannot make a reader return another
 * file's bytes. Stateless and thread-safe.
 */
public final class TarHeaderVerifier {
  private static final int SHOWN_NAME = 200;

  private TarHeaderVerifier() {}

  /**
   * Verifies {@code chain}, the bytes from {@code headerOffset} up to the entry's data.
   *
   * @param entry the TOC entry being read
   * @param headerOffset where the chain starts ({@link Toc#headerOffset})
   * @param chain the uncompressed bytes {@code [headerOffset, entry.uncompressedOffset())}
   * @throws TocMismatchException if the bytes are not a tar header chain for {@code entry}
   */
  public static void verify(FileMetadata entry, long headerOffset, byte[] chain)
      throws TocMismatchException {
    verify(entry, headerOffset, chain, ZtocLimits.defaults());
  }

  /**
   * Like {@link #verify(FileMetadata, long, byte[])}, parsing the chain with the tar limits of
   * {@code limits} (PAX payloads, name lengths) instead of the defaults.
   */
  public static void verify(FileMetadata entry, long headerOffset, byte[] chain, ZtocLimits limits)
      throws TocMismatchException {
    if (headerOffset + chain.length != entry.uncompressedOffset()) {
      throw mismatch(
          entry,
          headerOffset,
          "has "
              + chain.length
              + " bytes, which do not end where the entry's data starts ("
              + entry.uncompressedOffset()
              + ")");
    }
    if (chain.length == 0) {
      throw mismatch(
          entry, headerOffset, "leaves no room for a tar header before the entry's data");
    }
    TarTocParser parser =
        new TarTocParser(
            ZoneOffset.UTC,
            new TarLimits(
                2,
                limits.maxPaxRecordSize(),
                limits.maxNameLength(),
                limits.maxTotalMetadataBytes()));
    try {
      parser.write(chain, 0, chain.length);
    } catch (TarFormatException e) {
      throw mismatch(entry, headerOffset, "is not a tar header (" + e.getMessage() + ")");
    }
    List<FileMetadata> parsed = parser.entries();
    if (parsed.size() != 1 || parsed.get(0).uncompressedOffset() != chain.length) {
      String found =
          parsed.isEmpty()
              ? "no entry"
              : parsed.size()
                  + " entries, the first "
                  + describe(parsed.get(0))
                  + " with data at +"
                  + parsed.get(0).uncompressedOffset();
      throw mismatch(
          entry,
          headerOffset,
          "holds "
              + found
              + " in "
              + chain.length
              + " bytes, not exactly one header ending at the entry's data");
    }
    FileMetadata h = parsed.get(0);
    if (!h.hasName(entry.nameBytes())) {
      throw mismatch(entry, headerOffset, "names " + describe(h) + ", TOC says " + describe(entry));
    }
    String field = firstDifference(h, entry);
    if (field != null) {
      throw mismatch(
          entry,
          headerOffset,
          "is for " + describe(h) + ", which differs from the TOC entry in its " + field);
    }
  }

  private static String firstDifference(FileMetadata h, FileMetadata t) {
    if (h.type() != t.type()) {
      return "type";
    }
    if (h.uncompressedSize() != t.uncompressedSize()) {
      return "size";
    }
    if (!java.util.Arrays.equals(h.linkNameBytes(), t.linkNameBytes())) {
      return "link name (\"" + shown(h.linkName()) + "\" vs \"" + shown(t.linkName()) + "\")";
    }
    if (h.mode() != t.mode()) {
      return "mode (0"
          + Long.toOctalString(h.mode())
          + " vs 0"
          + Long.toOctalString(t.mode())
          + ")";
    }
    if (h.uid() != t.uid() || h.gid() != t.gid()) {
      return "owner (" + h.uid() + ":" + h.gid() + " vs " + t.uid() + ":" + t.gid() + ")";
    }
    if (h.devMajor() != t.devMajor() || h.devMinor() != t.devMinor()) {
      return "device numbers";
    }
    if (!h.paxRecords().equals(t.paxRecords())) {
      return "PAX records";
    }
    return null;
  }

  private static TocMismatchException mismatch(
      FileMetadata entry, long headerOffset, String detail) {
    return new TocMismatchException(
        headerOffset,
        entry.name(),
        "zTOC does not belong to this layer: header at"
            + " uncompressed offset "
            + headerOffset
            + " "
            + detail);
  }

  private static String describe(FileMetadata f) {
    return "\""
        + shown(f.name())
        + "\" ("
        + f.type().wireName()
        + ", "
        + f.uncompressedSize()
        + " bytes)";
  }

  private static String shown(String s) {
    return s.length() > SHOWN_NAME ? s.substring(0, SHOWN_NAME) + "..." : s;
  }
}
