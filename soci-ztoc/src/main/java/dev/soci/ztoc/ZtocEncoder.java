package dev.soci.ztoc;

import dev.soci.ztoc.internal.flatbuffers.FlatBufferWriter;
import dev.soci.ztoc.zinfo.Zinfo;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;

/**
 * Writes a {@link Ztoc} as the flatbuffers bytes upstream's {@code ztoc.Marshal} writes ({@code
 * ztoc/ztoc_marshaler.go}). Objects are created in upstream's order and tables are filled field by
 * field in upstream's order, because both decide the layout (spec {@code ztoc.md} sections 3 and
 * 4); {@link FlatBufferWriter} lays them out by the Go runtime's rules.
 */
final class ZtocEncoder {
  // Slots of table Ztoc.
  static final int ZTOC_VERSION = 0;
  static final int ZTOC_BUILD_TOOL_IDENTIFIER = 1;
  static final int ZTOC_COMPRESSED_ARCHIVE_SIZE = 2;
  static final int ZTOC_UNCOMPRESSED_ARCHIVE_SIZE = 3;
  static final int ZTOC_TOC = 4;
  static final int ZTOC_COMPRESSION_INFO = 5;
  static final int ZTOC_FIELDS = 6;
  // Slots of table TOC.
  static final int TOC_METADATA = 0;
  static final int TOC_FIELDS = 1;
  // Slots of table CompressionInfo.
  static final int CI_COMPRESSION_ALGORITHM = 0;
  static final int CI_MAX_SPAN_ID = 1;
  static final int CI_SPAN_DIGESTS = 2;
  static final int CI_CHECKPOINTS = 3;
  static final int CI_FIELDS = 4;

  /** The schema default of {@code compression_algorithm} ({@code Gzip}). */
  static final byte CI_COMPRESSION_ALGORITHM_DEFAULT = 1;

  // Slots of table FileMetadata.
  static final int FM_NAME = 0;
  static final int FM_TYPE = 1;
  static final int FM_UNCOMPRESSED_OFFSET = 2;
  static final int FM_UNCOMPRESSED_SIZE = 3;
  static final int FM_LINKNAME = 4;
  static final int FM_MODE = 5;
  static final int FM_UID = 6;
  static final int FM_GID = 7;
  static final int FM_UNAME = 8;
  static final int FM_GNAME = 9;
  static final int FM_MOD_TIME = 10;
  static final int FM_DEVMAJOR = 11;
  static final int FM_DEVMINOR = 12;
  static final int FM_XATTRS = 13;
  static final int FM_FIELDS = 14;
  // Slots of table Xattr.
  static final int XATTR_KEY = 0;
  static final int XATTR_VALUE = 1;
  static final int XATTR_FIELDS = 2;

  private static final int OFFSET_SIZE = 4;

  private ZtocEncoder() {}

  static byte[] encode(Ztoc ztoc) {
    ByteBuffer data = encodeToBuffer(ztoc);
    byte[] out = new byte[data.remaining()];
    data.get(out);
    return out;
  }

  /** The encoded bytes, between the returned buffer's position and limit (no final copy). */
  static ByteBuffer encodeToBuffer(Ztoc ztoc) {
    return write(ztoc, false).dataBuffer();
  }

  /**
   * {@link #encode}'s bytes as a stream made as it is read: the buffer before the checkpoints blob,
   * the blob (read from the zTOC's zinfo a record at a time, never copied into the buffer), the
   * buffer after it. A zTOC decoded from bytes keeps its blob, which is then in the one buffer.
   */
  static InputStream encodedStream(Ztoc ztoc) {
    if (ztoc.checkpointBytesOrNull() != null) {
      return streamOf(write(ztoc, false).dataBuffer());
    }
    FlatBufferWriter b = write(ztoc, true);
    return new SequenceInputStream(
        Collections.enumeration(
            List.of(streamOf(b.front()), ztoc.zinfoOrNull().newInputStream(), streamOf(b.back()))));
  }

  /** The bytes of a heap buffer between its position and limit, not copied. */
  private static InputStream streamOf(ByteBuffer buf) {
    return new ByteArrayInputStream(
        buf.array(), buf.arrayOffset() + buf.position(), buf.remaining());
  }

  /**
   * Writes {@code ztoc} into a new writer; with {@code hole}, a built zTOC's checkpoints blob is
   * left out of the buffer (see {@link FlatBufferWriter#startByteVectorHole}).
   */
  private static FlatBufferWriter write(Ztoc ztoc, boolean hole) {
    byte[] blob = ztoc.checkpointBytesOrNull();
    boolean leaveOut = hole && blob == null;
    // The initial capacity does not change the bytes (offsets are relative to the buffer end);
    // a good estimate only saves the copies of repeated doubling.
    FlatBufferWriter b =
        new FlatBufferWriter(
            Math.max(64, estimateSize(ztoc) - (leaveOut ? ztoc.checkpointsSize() : 0)));
    int version = string(b, ztoc.version());
    int buildTool = string(b, ztoc.buildToolIdentifier());
    int toc = toc(b, ztoc.toc().entries());

    int checkpoints;
    if (blob != null) {
      checkpoints = b.createByteVector(blob);
    } else if (leaveOut) {
      int size = ztoc.zinfoOrNull().serializedSize();
      b.startByteVectorHole(size);
      checkpoints = b.endVector(size);
    } else {
      // Serialize the zinfo straight into the buffer: no intermediate copy of the windows.
      Zinfo zinfo = ztoc.zinfoOrNull();
      int size = zinfo.serializedSize();
      zinfo.writeTo(b.startByteVector(size));
      checkpoints = b.endVector(size);
    }
    List<String> digests = ztoc.spanDigests();
    int[] digestOffsets = new int[digests.size()];
    for (int i = 0; i < digestOffsets.length; i++) {
      digestOffsets[i] = string(b, digests.get(i));
    }
    int digestVector = offsetVector(b, digestOffsets, digestOffsets.length);

    b.startTable(CI_FIELDS);
    b.addInt(CI_MAX_SPAN_ID, ztoc.maxSpanId(), 0);
    b.addOffset(CI_SPAN_DIGESTS, digestVector, 0);
    b.addOffset(CI_CHECKPOINTS, checkpoints, 0);
    b.addByte(
        CI_COMPRESSION_ALGORITHM,
        (byte) ztoc.compressionAlgorithm().wireValue(),
        CI_COMPRESSION_ALGORITHM_DEFAULT);
    int compressionInfo = b.endTable();

    b.startTable(ZTOC_FIELDS);
    b.addOffset(ZTOC_VERSION, version, 0);
    b.addOffset(ZTOC_BUILD_TOOL_IDENTIFIER, buildTool, 0);
    b.addOffset(ZTOC_TOC, toc, 0);
    b.addLong(ZTOC_COMPRESSED_ARCHIVE_SIZE, ztoc.compressedArchiveSize(), 0);
    b.addLong(ZTOC_UNCOMPRESSED_ARCHIVE_SIZE, ztoc.uncompressedArchiveSize(), 0);
    b.addOffset(ZTOC_COMPRESSION_INFO, compressionInfo, 0);
    int root = b.endTable();
    b.finish(root);
    return b;
  }

  private static int toc(FlatBufferWriter b, List<FileMetadata> files) {
    int n = files.size();
    int[] offsets = new int[n];
    int[] xattrScratch = new int[8];
    for (int i = n - 1; i >= 0; i--) {
      FileMetadata f = files.get(i);
      int name = string(b, f.nameBytes());
      int type = string(b, f.type().wireName());
      int linkName = string(b, f.linkNameBytes());
      int userName = string(b, f.userNameBytes());
      int groupName = string(b, f.groupNameBytes());
      int modTime = string(b, f.modTime());

      List<PaxRecord> pax = f.paxRecords(); // sorted by unsigned key bytes, one per key
      int count = pax.size();
      if (xattrScratch.length < count) {
        xattrScratch = new int[count];
      }
      for (int k = 0; k < count; k++) {
        PaxRecord r = pax.get(k);
        int key = string(b, r.keyBytes());
        int value = string(b, r.valueBytes());
        b.startTable(XATTR_FIELDS);
        b.addOffset(XATTR_KEY, key, 0);
        b.addOffset(XATTR_VALUE, value, 0);
        xattrScratch[k] = b.endTable();
      }
      int xattrs = offsetVector(b, xattrScratch, count);

      b.startTable(FM_FIELDS);
      b.addOffset(FM_NAME, name, 0);
      b.addOffset(FM_TYPE, type, 0);
      b.addLong(FM_UNCOMPRESSED_OFFSET, f.uncompressedOffset(), 0);
      b.addLong(FM_UNCOMPRESSED_SIZE, f.uncompressedSize(), 0);
      b.addOffset(FM_LINKNAME, linkName, 0);
      b.addLong(FM_MODE, f.mode(), 0);
      b.addInt(FM_UID, (int) f.uid(), 0);
      b.addInt(FM_GID, (int) f.gid(), 0);
      b.addOffset(FM_UNAME, userName, 0);
      b.addOffset(FM_GNAME, groupName, 0);
      b.addOffset(FM_MOD_TIME, modTime, 0);
      b.addLong(FM_DEVMAJOR, f.devMajor(), 0);
      b.addLong(FM_DEVMINOR, f.devMinor(), 0);
      b.addOffset(FM_XATTRS, xattrs, 0);
      offsets[i] = b.endTable();
    }
    int metadata = offsetVector(b, offsets, n);
    b.startTable(TOC_FIELDS);
    b.addOffset(TOC_METADATA, metadata, 0);
    return b.endTable();
  }

  /** A vector of offsets that reads {@code offsets[0..count)} in order (prepended last first). */
  private static int offsetVector(FlatBufferWriter b, int[] offsets, int count) {
    b.startVector(OFFSET_SIZE, count, OFFSET_SIZE);
    for (int i = count - 1; i >= 0; i--) {
      b.addOffset(offsets[i]);
    }
    return b.endVector(count);
  }

  private static int string(FlatBufferWriter b, byte[] raw) {
    return b.createString(raw);
  }

  private static int string(FlatBufferWriter b, String s) {
    return string(b, s.getBytes(StandardCharsets.UTF_8));
  }

  private static int estimateSize(Ztoc ztoc) {
    long size =
        256L
            + ztoc.checkpointsSize()
            + 80L * ztoc.spanDigests().size()
            + ztoc.version().length() * 4L
            + ztoc.buildToolIdentifier().length() * 4L;
    for (FileMetadata f : ztoc.toc().entries()) {
      size +=
          160
              + f.nameBytes().length
              + f.linkNameBytes().length
              + f.userNameBytes().length
              + f.groupNameBytes().length
              + f.modTime().length();
      for (PaxRecord r : f.paxRecords()) {
        size += 40 + r.keyBytes().length + r.valueBytes().length;
      }
    }
    return (int) Math.min(size, Integer.MAX_VALUE - 16);
  }
}
