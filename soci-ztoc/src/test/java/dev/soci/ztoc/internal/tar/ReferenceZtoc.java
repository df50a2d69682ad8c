package dev.soci.ztoc.internal.tar;

import dev.soci.ztoc.EntryType;
import dev.soci.ztoc.FileMetadata;
import dev.soci.ztoc.PaxRecord;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal, independent reader of the TOC part of a zTOC flatbuffer (schema in {@code ztoc.md}
 * section 1), used as an oracle: it decodes upstream's reference zTOCs into {@link FileMetadata} so
 * that every field can be compared with the parser's output.
 */
final class ReferenceZtoc {
  final long uncompressedArchiveSize;
  final List<FileMetadata> entries;

  private ReferenceZtoc(long size, List<FileMetadata> entries) {
    this.uncompressedArchiveSize = size;
    this.entries = entries;
  }

  static ReferenceZtoc decode(byte[] bytes) {
    ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int root = bb.getInt(0);
    long archiveSize = longField(bb, root, 3);
    int toc = tableField(bb, root, 4);
    List<FileMetadata> entries = new ArrayList<>();
    int vec = vectorField(bb, toc, 0);
    int n = vec < 0 ? 0 : bb.getInt(vec);
    for (int i = 0; i < n; i++) {
      int elem = vec + 4 + 4 * i;
      int fm = elem + bb.getInt(elem);
      FileMetadata.Builder b =
          FileMetadata.builder()
              .name(bytesField(bb, fm, 0))
              .type(EntryType.fromWireName(new String(bytesField(bb, fm, 1))))
              .uncompressedOffset(longField(bb, fm, 2))
              .uncompressedSize(longField(bb, fm, 3))
              .linkName(bytesField(bb, fm, 4))
              .mode(longField(bb, fm, 5))
              .uid(intField(bb, fm, 6) & 0xFFFF_FFFFL)
              .gid(intField(bb, fm, 7) & 0xFFFF_FFFFL)
              .userName(bytesField(bb, fm, 8))
              .groupName(bytesField(bb, fm, 9))
              .modTime(new String(bytesField(bb, fm, 10), java.nio.charset.StandardCharsets.UTF_8))
              .devMajor(longField(bb, fm, 11))
              .devMinor(longField(bb, fm, 12));
      int xv = vectorField(bb, fm, 13);
      int xn = xv < 0 ? 0 : bb.getInt(xv);
      for (int j = 0; j < xn; j++) {
        int xe = xv + 4 + 4 * j;
        int x = xe + bb.getInt(xe);
        b.addPaxRecord(new PaxRecord(bytesField(bb, x, 0), bytesField(bb, x, 1)));
      }
      entries.add(b.build());
    }
    return new ReferenceZtoc(archiveSize, entries);
  }

  private static int fieldOffset(ByteBuffer bb, int table, int slot) {
    int vt = table - bb.getInt(table);
    int vtLen = bb.getShort(vt) & 0xFFFF;
    int o = 4 + 2 * slot;
    return o < vtLen ? bb.getShort(vt + o) & 0xFFFF : 0;
  }

  private static long longField(ByteBuffer bb, int table, int slot) {
    int o = fieldOffset(bb, table, slot);
    return o == 0 ? 0 : bb.getLong(table + o);
  }

  private static int intField(ByteBuffer bb, int table, int slot) {
    int o = fieldOffset(bb, table, slot);
    return o == 0 ? 0 : bb.getInt(table + o);
  }

  private static int tableField(ByteBuffer bb, int table, int slot) {
    int p = table + fieldOffset(bb, table, slot);
    return p + bb.getInt(p);
  }

  private static int vectorField(ByteBuffer bb, int table, int slot) {
    int o = fieldOffset(bb, table, slot);
    if (o == 0) {
      return -1;
    }
    int p = table + o;
    return p + bb.getInt(p);
  }

  private static byte[] bytesField(ByteBuffer bb, int table, int slot) {
    int p = vectorField(bb, table, slot);
    if (p < 0) {
      return new byte[0];
    }
    byte[] out = new byte[bb.getInt(p)];
    bb.get(p + 4, out);
    return out;
  }
}
