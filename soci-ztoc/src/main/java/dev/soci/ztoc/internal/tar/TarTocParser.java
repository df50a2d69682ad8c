package dev.soci.ztoc.internal.tar;

import dev.soci.ztoc.EntryType;
import dev.soci.ztoc.FileMetadata;
import dev.soci.ztoc.PaxRecord;
import dev.soci.ztoc.TarFormatException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A push parser that builds a zTOC's table of contents from an uncompressed tar stream, fed chunk
 * by chunk (typically by the gzip decoder, on its thread). It looks only at header blocks and at
 * PAX / GNU long-name payloads; entry data is counted and skipped, never copied. The entries and
 * offsets are those upstream soci produces with Go's {@code archive/tar} (see {@code toc.md}):
 * offsets are counted in the uncompressed stream, an entry's offset is the position right after its
 * last header block, and {@link TarToc#archiveSize()} stops after the end-of-archive zero blocks.
 *
 * <p>Where upstream fails on valid tars, this parser does better, always producing zTOCs that
 * upstream can read back:
 *
 * <ul>
 *   <li>{@code g} (PAX global header, e.g. from {@code git archive}): not an entry; its records are
 *       validated and then ignored (not added to any entry's {@code xattrs}, so the zTOC is the one
 *       upstream would write for the same tar without it); its bytes are counted. As in Go, where
 *       it ends the meta-header chain, PAX/long-name headers before it do not apply to the next
 *       entry.
 *   <li>{@code 7} (contiguous file): a regular file ({@code reg}).
 *   <li>{@code D} (GNU dumpdir): a {@code dir} entry whose size is its (skipped) payload size, so
 *       the header-offset chain of the following entries stays correct.
 *   <li>{@code V} (volume label) and other vendor types {@code 'A'..'Z'} not listed here: not
 *       entries; skipped with their data, bytes counted; pending meta headers are dropped.
 *   <li>Header-only types (hardlink, symlink, char, block, dir, fifo) whose size field is non-zero:
 *       Go skips no data for them; this parser records {@code uncompressed_size} 0 (upstream
 *       records the size and then cannot read its own zTOC back).
 * </ul>
 *
 * <p>Rejected with a {@link TarFormatException} naming the offset (and the entry when known):
 * sparse files (old GNU {@code S}, PAX GNU.sparse 0.0/0.1/1.0; upstream writes zTOCs it cannot read
 * back), {@code M}/{@code N} (multi-volume, old GNU long names), other unknown types, bad checksums
 * or numbers, invalid PAX records or values, negative sizes, limits ({@link TarLimits}) exceeded, a
 * non-zero block after a zero block, and streams that end inside a header, a meta-header payload or
 * entry data. As with Go, a stream may end exactly at a header boundary (with zero, one or two zero
 * blocks) or inside the padding after the last entry's data; meta headers still pending at that
 * point are ignored.
 *
 * <p>After end-of-archive, further bytes are ignored and not counted. After a failure, every
 * further call throws the same exception. Not thread-safe.
 */
public final class TarTocParser {
  private static final int BLOCK = TarHeader.BLOCK_SIZE;
  private static final byte[] ZERO_BLOCK = new byte[BLOCK];
  private static final byte[] EMPTY = new byte[0];

  /** Charged per kept PAX record against {@link TarLimits#maxTotalMetadataBytes()}. */
  static final int PAX_RECORD_OVERHEAD = 64;

  private enum State {
    HEADER,
    SECOND_ZERO_BLOCK,
    META,
    DATA,
    PADDING,
    END
  }

  private final ZoneId zone;
  private final TarLimits limits;
  private final TarHeader header = new TarHeader();
  private final byte[] block = new byte[BLOCK];
  private int blockFill;

  private State state = State.HEADER;
  private long pos; // uncompressed bytes consumed so far
  private long remaining; // DATA, PADDING: bytes left to skip
  private int paddingAfterData;
  private long skipStart; // where the data being skipped (or the meta payload) starts
  private long skipHeaderOffset; // header of the entry whose data is being skipped
  private byte[] skipName;

  private byte[] meta = EMPTY;
  private int metaLength;
  private int metaFill;
  private byte metaType;
  private long metaHeaderOffset;

  // Meta-header state that applies to the next entry.
  private Map<String, byte[]> pendingPax;
  private long pendingPaxOffset;
  private byte[] pendingLongName;
  private byte[] pendingLongLink;

  private final List<FileMetadata> entries = new ArrayList<>();
  private long metadataBytes;
  private TarFormatException failure;
  private TarToc result;

  /** Creates a parser that formats modification times in UTC, with the default limits. */
  public TarTocParser() {
    this(ZoneOffset.UTC, TarLimits.defaults());
  }

  /**
   * Creates a parser.
   *
   * @param zone zone in which {@code mod_time} is formatted (upstream uses the build host's local
   *     zone; UTC reproduces builds in containers and CI)
   * @param limits resource limits
   */
  public TarTocParser(ZoneId zone, TarLimits limits) {
    this.zone = Objects.requireNonNull(zone, "zone");
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /**
   * Feeds the next {@code len} bytes of the uncompressed tar stream. Bytes after the end-of-archive
   * marker are ignored.
   *
   * @throws TarFormatException if the stream is not a valid tar (see the class description)
   * @throws IllegalStateException if {@link #finish()} was already called
   */
  public void write(byte[] b, int off, int len) throws TarFormatException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (failure != null) {
      throw failure;
    }
    if (result != null) {
      throw new IllegalStateException("write after finish()");
    }
    try {
      while (len > 0 && state != State.END) {
        int n;
        switch (state) {
          case HEADER:
          case SECOND_ZERO_BLOCK:
            n = Math.min(len, BLOCK - blockFill);
            System.arraycopy(b, off, block, blockFill, n);
            blockFill += n;
            pos += n;
            if (blockFill == BLOCK) {
              blockFill = 0;
              onBlock();
            }
            break;
          case META:
            n = Math.min(len, metaLength - metaFill);
            System.arraycopy(b, off, meta, metaFill, n);
            metaFill += n;
            pos += n;
            if (metaFill == metaLength) {
              onMetaPayload();
            }
            break;
          default: // DATA, PADDING
            n = (int) Math.min(len, remaining);
            remaining -= n;
            pos += n;
            if (remaining == 0) {
              if (state == State.DATA && paddingAfterData > 0) {
                state = State.PADDING;
                remaining = paddingAfterData;
              } else {
                state = State.HEADER;
              }
            }
            break;
        }
        off += n;
        len -= n;
      }
    } catch (TarFormatException e) {
      failure = e;
      throw e;
    }
  }

  /**
   * The entries parsed so far (an unmodifiable view), offsets relative to the first byte fed. Used
   * to check a single header chain without {@link #finish()}ing the stream.
   */
  public List<FileMetadata> entries() {
    return java.util.Collections.unmodifiableList(entries);
  }

  /** Whether the end-of-archive marker (two zero blocks) has been read. */
  public boolean isEndOfArchive() {
    return state == State.END;
  }

  /**
   * Signals the end of the input, checks that the stream did not end inside a header, a meta
   * payload or entry data, and returns the TOC. Idempotent.
   *
   * @throws TarFormatException if the stream is truncated
   */
  public TarToc finish() throws TarFormatException {
    if (failure != null) {
      throw failure;
    }
    if (result != null) {
      return result;
    }
    TarFormatException e = null;
    switch (state) {
      case HEADER:
      case SECOND_ZERO_BLOCK:
        if (blockFill != 0) {
          e =
              new TarFormatException(
                  pos - blockFill,
                  null,
                  "tar stream ends inside a header block",
                  "expected 512 bytes, found " + blockFill);
        }
        break;
      case META:
        e =
            new TarFormatException(
                metaHeaderOffset,
                null,
                "tar stream ends inside the payload of a '" + (char) metaType + "' header",
                "expected " + metaLength + " bytes, found " + metaFill);
        break;
      case DATA:
        e =
            new TarFormatException(
                skipHeaderOffset,
                display(skipName),
                "tar stream ends inside entry data",
                "expected " + (pos - skipStart + remaining) + " bytes, found " + (pos - skipStart));
        break;
      default: // PADDING (accepted, as Go does) or END
        break;
    }
    if (e != null) {
      failure = e;
      throw e;
    }
    result = new TarToc(entries, pos);
    return result;
  }

  private void onBlock() throws TarFormatException {
    long headerOffset = pos - BLOCK;
    boolean zero = Arrays.equals(block, ZERO_BLOCK);
    if (state == State.SECOND_ZERO_BLOCK) {
      if (!zero) {
        throw new TarFormatException(
            headerOffset,
            null,
            "invalid tar header: a non-zero block follows an all-zero block",
            "expected a second zero block (end of archive) or the end of the stream");
      }
      state = State.END;
      return;
    }
    if (zero) {
      state = State.SECOND_ZERO_BLOCK;
      return;
    }
    header.parse(block, headerOffset);
    byte type = header.typeflag;
    if (header.size < 0 && !isHeaderOnly(type)) {
      throw negativeSize(headerOffset, header.name, header.size);
    }
    switch (type) {
      case 'x':
      case 'g':
      case 'L':
      case 'K':
        startMeta(type, header.size, headerOffset);
        break;
      default:
        onEntryHeader(headerOffset);
        break;
    }
  }

  private void startMeta(byte type, long size, long headerOffset) throws TarFormatException {
    if (size > limits.maxMetaPayloadSize()) {
      throw new TarFormatException(
          headerOffset,
          null,
          "'" + (char) type + "' header payload too large",
          size + " bytes, limit " + limits.maxMetaPayloadSize());
    }
    metaType = type;
    metaHeaderOffset = headerOffset;
    metaLength = (int) size;
    metaFill = 0;
    if (meta.length < metaLength) {
      meta =
          new byte
              [Math.min(
                  limits.maxMetaPayloadSize(),
                  Math.max(metaLength, Math.min(2 * meta.length, 64 * 1024)))];
    }
    if (metaLength == 0) {
      onMetaPayload();
    } else {
      state = State.META;
    }
  }

  private void onMetaPayload() throws TarFormatException {
    long payloadOffset = metaHeaderOffset + BLOCK;
    switch (metaType) {
      case 'x':
        pendingPax = PaxRecords.parse(meta, metaLength, payloadOffset);
        pendingPaxOffset = metaHeaderOffset;
        break;
      case 'g':
        PaxRecords.parse(meta, metaLength, payloadOffset); // validated, then ignored
        clearPending();
        break;
      case 'L':
        pendingLongName = cString(meta, metaLength);
        break;
      default: // 'K'
        pendingLongLink = cString(meta, metaLength);
        break;
    }
    skip(0, padding(metaLength));
  }

  private static byte[] cString(byte[] b, int len) {
    int end = PaxRecords.indexOf(b, 0, len, (byte) 0);
    if (end < 0) {
      end = len;
    }
    return end == 0 ? null : Arrays.copyOf(b, end);
  }

  private void onEntryHeader(long headerOffset) throws TarFormatException {
    TarHeader h = header;
    byte[] name = h.name;
    byte[] linkName = h.linkName;
    byte[] userName = h.userName;
    byte[] groupName = h.groupName;
    long uid = h.uid;
    long gid = h.gid;
    long size = h.size;
    long mtimeSeconds = h.mtime;
    long mtimeNanos = 0;
    Map<String, byte[]> pax = pendingPax;
    if (pax != null) {
      for (Map.Entry<String, byte[]> r : pax.entrySet()) {
        byte[] v = r.getValue();
        if (v.length == 0) {
          continue; // keeps the header value
        }
        String key = r.getKey();
        switch (key) {
          case PaxRecords.PATH:
            name = v;
            break;
          case PaxRecords.LINKPATH:
            linkName = v;
            break;
          case PaxRecords.UNAME:
            userName = v;
            break;
          case PaxRecords.GNAME:
            groupName = v;
            break;
          case PaxRecords.UID:
            uid = paxInt(key, v, name);
            break;
          case PaxRecords.GID:
            gid = paxInt(key, v, name);
            break;
          case PaxRecords.SIZE:
            size = paxInt(key, v, name);
            break;
          case PaxRecords.ATIME:
          case PaxRecords.CTIME:
            paxTime(key, v, name);
            break;
          case PaxRecords.MTIME:
            long[] t = paxTime(key, v, name);
            mtimeSeconds = t[0];
            mtimeNanos = t[1];
            break;
          default:
            break;
        }
      }
    }
    if (pendingLongName != null) {
      name = pendingLongName;
    }
    if (pendingLongLink != null) {
      linkName = pendingLongLink;
    }
    byte type = h.typeflag;
    if (type == 0) {
      type = name.length > 0 && name[name.length - 1] == '/' ? (byte) '5' : (byte) '0';
    }
    boolean headerOnly = isHeaderOnly(type);
    if (size < 0 && !headerOnly) {
      throw negativeSize(headerOffset, name, size);
    }
    String sparse = sparseFormat(type, pax);
    if (sparse != null) {
      byte[] realName = pax != null ? pax.get(PaxRecords.SPARSE_NAME) : null;
      throw new TarFormatException(
          headerOffset,
          display(realName != null && realName.length > 0 ? realName : name),
          "sparse files are not supported",
          sparse);
    }
    EntryType entryType = entryType(type, headerOffset, name);
    long dataSize = headerOnly ? 0 : size;
    if (entryType == null) { // a skipped vendor meta type
      clearPending();
      skip(dataSize, padding(dataSize));
      skipHeaderOffset = headerOffset;
      skipName = name;
      return;
    }
    checkLength("name", name, headerOffset);
    checkLength("link name", linkName, headerOffset);
    if (entries.size() >= limits.maxEntries()) {
      throw new TarFormatException(
          headerOffset, display(name), "too many tar entries", "limit " + limits.maxEntries());
    }
    long bytes = (long) name.length + linkName.length + userName.length + groupName.length;
    if (pax != null) {
      for (Map.Entry<String, byte[]> r : pax.entrySet()) {
        bytes += r.getKey().length() + r.getValue().length + PAX_RECORD_OVERHEAD;
      }
    }
    metadataBytes += bytes;
    if (metadataBytes > limits.maxTotalMetadataBytes()) {
      throw new TarFormatException(
          headerOffset,
          display(name),
          "too much tar metadata",
          "names and PAX records exceed " + limits.maxTotalMetadataBytes() + " bytes");
    }
    FileMetadata.Builder b =
        FileMetadata.builder()
            .name(name)
            .type(entryType)
            .uncompressedOffset(pos)
            .uncompressedSize(dataSize)
            .linkName(linkName)
            .mode(h.mode)
            .uid(uid)
            .gid(gid)
            .userName(userName)
            .groupName(groupName)
            .modTime(GoTimeFormat.marshalText(mtimeSeconds, (int) mtimeNanos, zone))
            .devMajor(h.devMajor)
            .devMinor(h.devMinor);
    if (pax != null) {
      List<PaxRecord> records = new ArrayList<>(pax.size());
      for (Map.Entry<String, byte[]> r : pax.entrySet()) {
        records.add(new PaxRecord(r.getKey().getBytes(StandardCharsets.ISO_8859_1), r.getValue()));
      }
      b.paxRecords(records);
    }
    entries.add(b.build());
    clearPending();
    skip(dataSize, padding(dataSize));
    skipHeaderOffset = headerOffset;
    skipName = name;
  }

  /** Maps a (NUL-resolved) typeflag; null for skipped vendor types; throws for the rest. */
  private static EntryType entryType(byte type, long headerOffset, byte[] name)
      throws TarFormatException {
    switch (type) {
      case '0':
      case '7':
        return EntryType.REG;
      case '1':
        return EntryType.HARDLINK;
      case '2':
        return EntryType.SYMLINK;
      case '3':
        return EntryType.CHAR;
      case '4':
        return EntryType.BLOCK;
      case '5':
      case 'D':
        return EntryType.DIR;
      case '6':
        return EntryType.FIFO;
      case 'M':
      case 'N':
        throw new TarFormatException(
            headerOffset,
            display(name),
            "unsupported tar entry type '" + (char) type + "'",
            type == 'M' ? "GNU multi-volume continuation" : "old GNU long-name entry");
      default:
        if (type >= 'A' && type <= 'Z') {
          return null;
        }
        throw new TarFormatException(
            headerOffset, display(name), "unsupported tar entry type " + typeText(type), null);
    }
  }

  private static String typeText(byte type) {
    return type >= 0x20 && type < 0x7F
        ? "'" + (char) type + "'"
        : String.format("0x%02x", type & 0xFF);
  }

  /** The GNU sparse format of the entry, or null when it is not sparse (Go's rules). */
  private static String sparseFormat(byte type, Map<String, byte[]> pax) {
    if (type == 'S') {
      return "old GNU sparse entry 'S'";
    }
    if (pax == null) {
      return null;
    }
    String major = latin1(pax.get(PaxRecords.SPARSE_MAJOR));
    String minor = latin1(pax.get(PaxRecords.SPARSE_MINOR));
    if ((major.equals("0") && (minor.equals("0") || minor.equals("1")))
        || (major.equals("1") && minor.equals("0"))) {
      return "GNU sparse PAX format " + major + "." + minor;
    }
    if (!major.isEmpty() || !minor.isEmpty()) {
      return null; // unknown version: Go treats the entry as a regular one
    }
    byte[] map = pax.get(PaxRecords.SPARSE_MAP);
    return map != null && map.length > 0 ? "GNU sparse PAX format 0.0/0.1" : null;
  }

  private static String latin1(byte[] v) {
    return v == null ? "" : new String(v, StandardCharsets.ISO_8859_1);
  }

  private long paxInt(String key, byte[] v, byte[] name) throws TarFormatException {
    Long n = PaxRecords.parseInt(v);
    if (n == null) {
      throw badPaxValue(key, v, name);
    }
    return n;
  }

  private long[] paxTime(String key, byte[] v, byte[] name) throws TarFormatException {
    long[] t = PaxRecords.parseTime(v);
    if (t == null) {
      throw badPaxValue(key, v, name);
    }
    return t;
  }

  private TarFormatException badPaxValue(String key, byte[] v, byte[] name) {
    return new TarFormatException(
        pendingPaxOffset,
        display(name),
        "invalid PAX record value for '" + key + "'",
        "found \"" + TarHeader.escape(v, 0, Math.min(v.length, 40)) + "\"");
  }

  private void checkLength(String what, byte[] value, long headerOffset) throws TarFormatException {
    if (value.length > limits.maxNameLength()) {
      throw new TarFormatException(
          headerOffset,
          display(Arrays.copyOf(value, Math.min(value.length, 200))),
          "tar entry " + what + " too long",
          value.length + " bytes, limit " + limits.maxNameLength());
    }
  }

  private static TarFormatException negativeSize(long offset, byte[] name, long size) {
    return new TarFormatException(
        offset, display(name), "invalid tar header: negative size", "size " + size);
  }

  private void clearPending() {
    pendingPax = null;
    pendingLongName = null;
    pendingLongLink = null;
  }

  /** Skips {@code data} bytes and then {@code pad} padding bytes before the next header. */
  private void skip(long data, int pad) {
    skipStart = pos;
    if (data > 0) {
      state = State.DATA;
      remaining = data;
      paddingAfterData = pad;
    } else if (pad > 0) {
      state = State.PADDING;
      remaining = pad;
    } else {
      state = State.HEADER;
    }
  }

  private static int padding(long size) {
    return (int) (-size & (BLOCK - 1));
  }

  private static boolean isHeaderOnly(byte type) {
    return type >= '1' && type <= '6';
  }

  static String display(byte[] raw) {
    return raw == null ? null : new String(raw, StandardCharsets.UTF_8);
  }
}
