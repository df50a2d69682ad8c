package dev.soci.ztoc;

import static dev.soci.ztoc.ZtocEncoder.CI_CHECKPOINTS;
import static dev.soci.ztoc.ZtocEncoder.CI_COMPRESSION_ALGORITHM;
import static dev.soci.ztoc.ZtocEncoder.CI_COMPRESSION_ALGORITHM_DEFAULT;
import static dev.soci.ztoc.ZtocEncoder.CI_MAX_SPAN_ID;
import static dev.soci.ztoc.ZtocEncoder.CI_SPAN_DIGESTS;
import static dev.soci.ztoc.ZtocEncoder.FM_DEVMAJOR;
import static dev.soci.ztoc.ZtocEncoder.FM_DEVMINOR;
import static dev.soci.ztoc.ZtocEncoder.FM_GID;
import static dev.soci.ztoc.ZtocEncoder.FM_GNAME;
import static dev.soci.ztoc.ZtocEncoder.FM_LINKNAME;
import static dev.soci.ztoc.ZtocEncoder.FM_MODE;
import static dev.soci.ztoc.ZtocEncoder.FM_MOD_TIME;
import static dev.soci.ztoc.ZtocEncoder.FM_NAME;
import static dev.soci.ztoc.ZtocEncoder.FM_TYPE;
import static dev.soci.ztoc.ZtocEncoder.FM_UID;
import static dev.soci.ztoc.ZtocEncoder.FM_UNAME;
import static dev.soci.ztoc.ZtocEncoder.FM_UNCOMPRESSED_OFFSET;
import static dev.soci.ztoc.ZtocEncoder.FM_UNCOMPRESSED_SIZE;
import static dev.soci.ztoc.ZtocEncoder.FM_XATTRS;
import static dev.soci.ztoc.ZtocEncoder.TOC_METADATA;
import static dev.soci.ztoc.ZtocEncoder.XATTR_KEY;
import static dev.soci.ztoc.ZtocEncoder.XATTR_VALUE;
import static dev.soci.ztoc.ZtocEncoder.ZTOC_BUILD_TOOL_IDENTIFIER;
import static dev.soci.ztoc.ZtocEncoder.ZTOC_COMPRESSED_ARCHIVE_SIZE;
import static dev.soci.ztoc.ZtocEncoder.ZTOC_COMPRESSION_INFO;
import static dev.soci.ztoc.ZtocEncoder.ZTOC_TOC;
import static dev.soci.ztoc.ZtocEncoder.ZTOC_UNCOMPRESSED_ARCHIVE_SIZE;
import static dev.soci.ztoc.ZtocEncoder.ZTOC_VERSION;

import dev.soci.ztoc.FlatBufferReader.Table;
import dev.soci.ztoc.FlatBufferReader.Vector;
import dev.soci.ztoc.zinfo.Checkpoint;
import dev.soci.ztoc.zinfo.GzipZinfo;
import dev.soci.ztoc.zinfo.Zinfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads a zTOC flatbuffer the way upstream's {@code ztoc.Unmarshal} does (spec {@code ztoc.md}
 * section 7) and validates it more strictly than upstream:
 *
 * <ul>
 *   <li>every offset and length is bounds-checked ({@link FlatBufferReader});
 *   <li>{@code toc} and {@code compression_info} are required; absent strings read as empty, absent
 *       scalars as 0 (absent {@code compression_algorithm} as gzip);
 *   <li>entries are sorted by uncompressed offset (stable) and checked with upstream's
 *       tar-header-offset rule: an entry may not start before the 512-aligned end of the previous
 *       one ("invalid toc entry");
 *   <li>unknown entry types and compression algorithms are rejected;
 *   <li>added here: offsets and sizes are non-negative and inside {@code
 *       uncompressed_archive_size}; there are exactly {@code max_span_id + 1} span digests, each
 *       {@code sha256:} and 64 lowercase hex digits; the checkpoints blob parses and has {@code
 *       max_span_id + 1} spans.
 * </ul>
 *
 * <p>Text fields ({@code version}, {@code build_tool_identifier}, {@code mod_time}, span digests)
 * are decoded as UTF-8; names and PAX records stay raw bytes, so a zTOC written by upstream
 * re-encodes to identical bytes.
 */
final class ZtocDecoder {
  private static final int OFFSET_SIZE = 4;
  private static final byte[] EMPTY = new byte[0];
  private static final int TAR_BLOCK = 512;
  private static final String DIGEST_PREFIX = "sha256:";
  private static final int DIGEST_HEX_LENGTH = 64;

  private ZtocDecoder() {}

  /** Deflate expands at most 1032 times (258-byte matches coded in 2 bits each). */
  private static final long MAX_DEFLATE_RATIO = 1032;

  static Ztoc decode(byte[] bytes) throws MalformedZtocException {
    return decode(bytes, true, ZtocLimits.defaults());
  }

  static Ztoc decode(byte[] bytes, ZtocLimits limits) throws MalformedZtocException {
    return decode(bytes, true, limits);
  }

  static Ztoc decode(byte[] bytes, boolean checkConsistency) throws MalformedZtocException {
    return decode(bytes, checkConsistency, ZtocLimits.defaults());
  }

  /**
   * Decodes; with {@code checkConsistency == false} only the flatbuffer structure, entry types, the
   * algorithm and the entry order rule are checked (span digests, the checkpoints blob and sizes
   * are taken as they are). For tests of the flatbuffer layer alone.
   */
  static Ztoc decode(byte[] bytes, boolean checkConsistency, ZtocLimits limits)
      throws MalformedZtocException {
    if (bytes == null) {
      throw new MalformedZtocException("malformed zTOC: no bytes");
    }
    if (bytes.length > limits.maxZtocSize()) {
      throw new MalformedZtocException(
          "zTOC of "
              + bytes.length
              + " bytes is over the limit of "
              + limits.maxZtocSize()
              + " bytes (ZtocLimits.maxZtocSize)");
    }
    FlatBufferReader reader = new FlatBufferReader(bytes);
    Table root = reader.root("ztoc");
    Ztoc.Assembler b = Ztoc.assembler();
    b.version(text(root.getString(ZTOC_VERSION, "version")));
    b.buildToolIdentifier(
        text(root.getString(ZTOC_BUILD_TOOL_IDENTIFIER, "build_tool_identifier")));
    long compressedSize = root.getLong(ZTOC_COMPRESSED_ARCHIVE_SIZE, "compressed_archive_size", 0);
    long uncompressedSize =
        root.getLong(ZTOC_UNCOMPRESSED_ARCHIVE_SIZE, "uncompressed_archive_size", 0);
    b.compressedArchiveSize(compressedSize);
    b.uncompressedArchiveSize(uncompressedSize);

    Table toc = root.getTable(ZTOC_TOC, "toc");
    if (toc == null) {
      throw new MalformedZtocException("malformed zTOC: the required field ztoc.toc is absent");
    }
    Table ci = root.getTable(ZTOC_COMPRESSION_INFO, "compression_info");
    if (ci == null) {
      throw new MalformedZtocException(
          "malformed zTOC: the required field ztoc.compression_info is absent");
    }
    List<FileMetadata> files = readFiles(toc, limits);
    files.sort(Comparator.comparingLong(FileMetadata::uncompressedOffset)); // stable
    checkEntries(files, uncompressedSize, checkConsistency);
    b.files(files);

    int algorithmValue =
        ci.getByte(
            CI_COMPRESSION_ALGORITHM, "compression_algorithm", CI_COMPRESSION_ALGORITHM_DEFAULT);
    CompressionAlgorithm algorithm = CompressionAlgorithm.fromWireValue(algorithmValue);
    if (algorithm == null) {
      throw new MalformedZtocException(
          "malformed zTOC: ztoc.compression_info.compression_algorithm is "
              + algorithmValue
              + "; only 1 (gzip) and 2 (uncompressed) exist");
    }
    b.compressionAlgorithm(algorithm);
    int maxSpanId = ci.getInt(CI_MAX_SPAN_ID, "max_span_id", 0);
    b.maxSpanId(maxSpanId);

    Vector digestVector = ci.getVector(CI_SPAN_DIGESTS, "span_digests", OFFSET_SIZE);
    int digestCount = digestVector == null ? 0 : digestVector.length();
    if (checkConsistency && (long) digestCount != (long) maxSpanId + 1) {
      throw new MalformedZtocException(
          "malformed zTOC: ztoc.compression_info has "
              + digestCount
              + " span digests but max_span_id "
              + maxSpanId
              + " means "
              + ((long) maxSpanId + 1)
              + " spans");
    }
    List<String> digests = new ArrayList<>(digestCount);
    for (int i = 0; i < digestCount; i++) {
      String d = text(digestVector.stringAt(i));
      if (checkConsistency && !isSha256Digest(d)) {
        throw new MalformedZtocException(
            "malformed zTOC: ztoc.compression_info.span_digests["
                + i
                + "] \""
                + d
                + "\" is not sha256: followed by 64 lowercase hex digits");
      }
      digests.add(d);
    }
    b.spanDigests(digests);

    Vector cpVector = ci.getVector(CI_CHECKPOINTS, "checkpoints", 1);
    byte[] checkpoints = cpVector == null ? new byte[0] : cpVector.bytes();
    b.checkpointsOwned(checkpoints);
    Ztoc ztoc = b.build();

    if (checkConsistency) {
      Zinfo zinfo;
      try {
        zinfo = Zinfo.parse(algorithm, checkpoints);
      } catch (MalformedZtocException e) {
        throw new MalformedZtocException(
            "malformed zTOC: ztoc.compression_info.checkpoints: " + e.getMessage(), e);
      }
      if (zinfo.maxSpanId() != maxSpanId) {
        throw new MalformedZtocException(
            "malformed zTOC: ztoc.compression_info.max_span_id is "
                + maxSpanId
                + " but the checkpoints blob holds "
                + ((long) zinfo.maxSpanId() + 1)
                + " spans");
      }
      checkSizes(zinfo, algorithm, compressedSize, uncompressedSize);
      ztoc.cacheZinfo(zinfo);
    }
    return ztoc;
  }

  private static List<FileMetadata> readFiles(Table toc, ZtocLimits limits)
      throws MalformedZtocException {
    Vector metadata = toc.getVector(TOC_METADATA, "metadata", OFFSET_SIZE);
    int n = metadata == null ? 0 : metadata.length();
    if (n > limits.maxEntries()) {
      throw new MalformedZtocException(
          "zTOC has "
              + n
              + " TOC entries, over the limit of "
              + limits.maxEntries()
              + " (ZtocLimits.maxEntries)");
    }
    List<FileMetadata> files = new ArrayList<>(n);
    long[] metadataBytes = new long[1];
    for (int i = 0; i < n; i++) {
      files.add(readFile(metadata.tableAt(i), limits, metadataBytes));
    }
    return files;
  }

  private static FileMetadata readFile(Table t, ZtocLimits limits, long[] metadataBytes)
      throws MalformedZtocException {
    FileMetadata.Builder f = FileMetadata.builder();
    byte[] name = orEmpty(t.getString(FM_NAME, "name", limits.maxNameLength(), "maxNameLength"));
    f.nameBytes(name);
    byte[] typeBytes = orEmpty(t.getString(FM_TYPE, "type"));
    EntryType type = EntryType.fromWireName(new String(typeBytes, StandardCharsets.ISO_8859_1));
    if (type == null) {
      throw new MalformedZtocException(
          "malformed zTOC: "
              + t.path()
              + " ("
              + display(name)
              + ") has unknown type \""
              + new String(typeBytes, StandardCharsets.UTF_8)
              + "\"");
    }
    f.type(type);
    f.uncompressedOffset(t.getLong(FM_UNCOMPRESSED_OFFSET, "uncompressed_offset", 0));
    f.uncompressedSize(t.getLong(FM_UNCOMPRESSED_SIZE, "uncompressed_size", 0));
    byte[] linkName =
        orEmpty(t.getString(FM_LINKNAME, "linkname", limits.maxNameLength(), "maxNameLength"));
    f.linkNameBytes(linkName);
    long bytes = (long) name.length + linkName.length;
    f.mode(t.getLong(FM_MODE, "mode", 0));
    f.uid(t.getUint32(FM_UID, "uid", 0));
    f.gid(t.getUint32(FM_GID, "gid", 0));
    byte[] uname = orEmpty(t.getString(FM_UNAME, "uname", limits.maxNameLength(), "maxNameLength"));
    byte[] gname = orEmpty(t.getString(FM_GNAME, "gname", limits.maxNameLength(), "maxNameLength"));
    f.userNameBytes(uname);
    f.groupNameBytes(gname);
    bytes += uname.length + gname.length;
    f.modTime(text(t.getString(FM_MOD_TIME, "mod_time")));
    f.devMajor(t.getLong(FM_DEVMAJOR, "devmajor", 0));
    f.devMinor(t.getLong(FM_DEVMINOR, "devminor", 0));
    Vector xattrs = t.getVector(FM_XATTRS, "xattrs", OFFSET_SIZE);
    if (xattrs != null && xattrs.length() > 0) {
      List<PaxRecord> records = new ArrayList<>(xattrs.length());
      for (int k = 0; k < xattrs.length(); k++) {
        Table x = xattrs.tableAt(k);
        byte[] key =
            orEmpty(x.getString(XATTR_KEY, "key", limits.maxPaxRecordSize(), "maxPaxRecordSize"));
        byte[] value =
            orEmpty(
                x.getString(XATTR_VALUE, "value", limits.maxPaxRecordSize(), "maxPaxRecordSize"));
        bytes += key.length + value.length + 64;
        records.add(PaxRecord.ofOwned(key, value));
      }
      f.paxRecords(records); // a repeated key: the last one wins, as in upstream's map
    }
    metadataBytes[0] += bytes;
    if (metadataBytes[0] > limits.maxTotalMetadataBytes()) {
      throw new MalformedZtocException(
          "zTOC entries up to "
              + t.path()
              + " hold more than "
              + limits.maxTotalMetadataBytes()
              + " bytes of names and PAX records (ZtocLimits.maxTotalMetadataBytes)");
    }
    return f.build();
  }

  /** Upstream's rule (TarHeaderOffset recomputation), plus our range checks. */
  private static void checkEntries(List<FileMetadata> sorted, long archiveSize, boolean checkRanges)
      throws MalformedZtocException {
    long next = 0;
    for (int i = 0; i < sorted.size(); i++) {
      FileMetadata f = sorted.get(i);
      long offset = f.uncompressedOffset();
      long size = f.uncompressedSize();
      if (offset < 0 || size < 0) {
        throw new MalformedZtocException(
            "invalid toc entry "
                + display(f.nameBytes())
                + ": negative offset "
                + offset
                + " or size "
                + size);
      }
      if (next > offset) {
        throw new MalformedZtocException(
            "invalid toc entry "
                + display(f.nameBytes())
                + ": its data at offset "
                + offset
                + " starts before the end of the previous entry's data ("
                + next
                + ")");
      }
      if (size > Long.MAX_VALUE - TAR_BLOCK - offset) {
        throw new MalformedZtocException(
            "invalid toc entry "
                + display(f.nameBytes())
                + ": offset "
                + offset
                + " plus size "
                + size
                + " overflows");
      }
      if (checkRanges && offset + size > archiveSize) {
        throw new MalformedZtocException(
            "invalid toc entry "
                + display(f.nameBytes())
                + ": data ["
                + offset
                + ", "
                + (offset + size)
                + ") ends beyond uncompressed_archive_size "
                + archiveSize);
      }
      next = (offset + size + TAR_BLOCK - 1) & -TAR_BLOCK;
    }
  }

  /**
   * Sizes and checkpoints that no layer can have: negative sizes, a checkpoint beyond the blob, an
   * uncompressed size deflate cannot reach from the compressed size, or a plain tar whose archive
   * is larger than its blob.
   */
  private static void checkSizes(
      Zinfo zinfo, CompressionAlgorithm algorithm, long compressedSize, long uncompressedSize)
      throws MalformedZtocException {
    if (compressedSize < 0 || uncompressedSize < 0) {
      throw new MalformedZtocException(
          "malformed zTOC: negative compressed_archive_size "
              + compressedSize
              + " or uncompressed_archive_size "
              + uncompressedSize);
    }
    if (zinfo instanceof GzipZinfo g) {
      int max = g.maxSpanId();
      for (int i = 0; i <= max; i++) {
        Checkpoint c = g.checkpoint(i);
        if (c.out() / MAX_DEFLATE_RATIO > c.in()) {
          throw new MalformedZtocException(
              "malformed zTOC: checkpoint "
                  + i
                  + " claims uncompressed offset "
                  + c.out()
                  + " after only "
                  + c.in()
                  + " compressed bytes (deflate expands at most "
                  + MAX_DEFLATE_RATIO
                  + " times)");
        }
      }
      if (max >= 0 && g.checkpoint(max).in() > compressedSize) {
        throw new MalformedZtocException(
            "malformed zTOC: checkpoint "
                + max
                + " is at compressed offset "
                + g.checkpoint(max).in()
                + ", beyond the "
                + compressedSize
                + "-byte blob (compressed_archive_size)");
      }
      if (uncompressedSize / MAX_DEFLATE_RATIO > compressedSize) {
        throw new MalformedZtocException(
            "malformed zTOC: uncompressed_archive_size "
                + uncompressedSize
                + " is impossible for a "
                + compressedSize
                + "-byte gzip blob (deflate expands at most "
                + MAX_DEFLATE_RATIO
                + " times)");
      }
    } else if (uncompressedSize > compressedSize) {
      throw new MalformedZtocException(
          "malformed zTOC: uncompressed_archive_size "
              + uncompressedSize
              + " is larger than the "
              + compressedSize
              + "-byte uncompressed blob");
    }
  }

  private static boolean isSha256Digest(String d) {
    if (d.length() != DIGEST_PREFIX.length() + DIGEST_HEX_LENGTH || !d.startsWith(DIGEST_PREFIX)) {
      return false;
    }
    for (int i = DIGEST_PREFIX.length(); i < d.length(); i++) {
      char c = d.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  private static byte[] orEmpty(byte[] b) {
    return b == null ? EMPTY : b; // a zero-length array cannot be modified, so sharing it is safe
  }

  private static String text(byte[] b) {
    return b == null ? "" : new String(b, StandardCharsets.UTF_8);
  }

  private static String display(byte[] name) {
    return "\"" + new String(name, StandardCharsets.UTF_8) + "\"";
  }
}
