package dev.soci.ztoc;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.soci.ztoc.zinfo.Zinfo;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The zTOC encoder as it was on flatbuffers-java's {@code FlatBufferBuilder} (whose bytes spec
 * {@code ztoc.md} section 4.5 verified against the Go runtime), kept as the reference that {@link
 * ZtocEncoder} on our own writer is compared with.
 */
final class ReferenceFlatbuffersEncoder {
  private static final int OFFSET_SIZE = 4;

  private ReferenceFlatbuffersEncoder() {}

  static byte[] encode(Ztoc ztoc) {
    ByteBuffer data = encodeToBuffer(ztoc);
    byte[] out = new byte[data.remaining()];
    data.get(out);
    return out;
  }

  /** The encoded bytes, between the returned buffer's position and limit (no final copy). */
  private static ByteBuffer encodeToBuffer(Ztoc ztoc) {
    // The initial capacity does not change the bytes (offsets are relative to the buffer end);
    // a good estimate only saves the copies of repeated doubling.
    FlatBufferBuilder b = new FlatBufferBuilder(estimateSize(ztoc));
    int version = string(b, ztoc.version());
    int buildTool = string(b, ztoc.buildToolIdentifier());
    int toc = toc(b, ztoc.toc().entries());

    byte[] blob = ztoc.checkpointBytesOrNull();
    int checkpoints;
    if (blob != null) {
      checkpoints = b.createByteVector(blob);
    } else {
      // Serialize the zinfo straight into the buffer: no intermediate copy of the windows.
      Zinfo zinfo = ztoc.zinfoOrNull();
      ByteBuffer v = b.createUnintializedVector(1, zinfo.serializedSize(), 1);
      zinfo.writeTo(v);
      checkpoints = b.endVector();
    }
    List<String> digests = ztoc.spanDigests();
    int[] digestOffsets = new int[digests.size()];
    for (int i = 0; i < digestOffsets.length; i++) {
      digestOffsets[i] = string(b, digests.get(i));
    }
    int digestVector = offsetVector(b, digestOffsets, digestOffsets.length);

    b.startTable(ZtocEncoder.CI_FIELDS);
    b.addInt(ZtocEncoder.CI_MAX_SPAN_ID, ztoc.maxSpanId(), 0);
    b.addOffset(ZtocEncoder.CI_SPAN_DIGESTS, digestVector, 0);
    b.addOffset(ZtocEncoder.CI_CHECKPOINTS, checkpoints, 0);
    b.addByte(
        ZtocEncoder.CI_COMPRESSION_ALGORITHM,
        (byte) ztoc.compressionAlgorithm().wireValue(),
        ZtocEncoder.CI_COMPRESSION_ALGORITHM_DEFAULT);
    int compressionInfo = b.endTable();

    b.startTable(ZtocEncoder.ZTOC_FIELDS);
    b.addOffset(ZtocEncoder.ZTOC_VERSION, version, 0);
    b.addOffset(ZtocEncoder.ZTOC_BUILD_TOOL_IDENTIFIER, buildTool, 0);
    b.addOffset(ZtocEncoder.ZTOC_TOC, toc, 0);
    b.addLong(ZtocEncoder.ZTOC_COMPRESSED_ARCHIVE_SIZE, ztoc.compressedArchiveSize(), 0);
    b.addLong(ZtocEncoder.ZTOC_UNCOMPRESSED_ARCHIVE_SIZE, ztoc.uncompressedArchiveSize(), 0);
    b.addOffset(ZtocEncoder.ZTOC_COMPRESSION_INFO, compressionInfo, 0);
    int root = b.endTable();
    b.finish(root);
    return b.dataBuffer();
  }

  private static int toc(FlatBufferBuilder b, List<FileMetadata> files) {
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
        b.startTable(ZtocEncoder.XATTR_FIELDS);
        b.addOffset(ZtocEncoder.XATTR_KEY, key, 0);
        b.addOffset(ZtocEncoder.XATTR_VALUE, value, 0);
        xattrScratch[k] = b.endTable();
      }
      int xattrs = offsetVector(b, xattrScratch, count);

      b.startTable(ZtocEncoder.FM_FIELDS);
      b.addOffset(ZtocEncoder.FM_NAME, name, 0);
      b.addOffset(ZtocEncoder.FM_TYPE, type, 0);
      b.addLong(ZtocEncoder.FM_UNCOMPRESSED_OFFSET, f.uncompressedOffset(), 0);
      b.addLong(ZtocEncoder.FM_UNCOMPRESSED_SIZE, f.uncompressedSize(), 0);
      b.addOffset(ZtocEncoder.FM_LINKNAME, linkName, 0);
      b.addLong(ZtocEncoder.FM_MODE, f.mode(), 0);
      b.addInt(ZtocEncoder.FM_UID, (int) f.uid(), 0);
      b.addInt(ZtocEncoder.FM_GID, (int) f.gid(), 0);
      b.addOffset(ZtocEncoder.FM_UNAME, userName, 0);
      b.addOffset(ZtocEncoder.FM_GNAME, groupName, 0);
      b.addOffset(ZtocEncoder.FM_MOD_TIME, modTime, 0);
      b.addLong(ZtocEncoder.FM_DEVMAJOR, f.devMajor(), 0);
      b.addLong(ZtocEncoder.FM_DEVMINOR, f.devMinor(), 0);
      b.addOffset(ZtocEncoder.FM_XATTRS, xattrs, 0);
      offsets[i] = b.endTable();
    }
    int metadata = offsetVector(b, offsets, n);
    b.startTable(ZtocEncoder.TOC_FIELDS);
    b.addOffset(ZtocEncoder.TOC_METADATA, metadata, 0);
    return b.endTable();
  }

  /** A vector of offsets that reads {@code offsets[0..count)} in order (prepended last first). */
  private static int offsetVector(FlatBufferBuilder b, int[] offsets, int count) {
    b.startVector(OFFSET_SIZE, count, OFFSET_SIZE);
    for (int i = count - 1; i >= 0; i--) {
      b.addOffset(offsets[i]);
    }
    return b.endVector();
  }

  private static int string(FlatBufferBuilder b, byte[] raw) {
    return b.createString(ByteBuffer.wrap(raw));
  }

  private static int string(FlatBufferBuilder b, String s) {
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
