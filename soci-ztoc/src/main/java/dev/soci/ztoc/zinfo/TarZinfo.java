package dev.soci.ztoc.zinfo;

import dev.soci.ztoc.MalformedZtocException;
import dev.soci.ztoc.internal.flatbuffers.FlatBufferWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Span arithmetic for an uncompressed (plain tar) layer: span {@code i} is simply bytes {@code [i *
 * spanSize, (i + 1) * spanSize)} of the blob. Stored as the flatbuffers table {@code zinfo.TarZinfo
 * {version: int, span_size: long, size: long}}.
 *
 * <p>Immutable and thread-safe.
 */
public final class TarZinfo implements Zinfo {
  /** The version every new blob is written with. */
  public static final int CURRENT_VERSION = 2;

  private final int version;
  private final long spanSize;
  private final long size;

  private TarZinfo(int version, long spanSize, long size) {
    this.version = version;
    this.spanSize = spanSize;
    this.size = size;
  }

  /** Creates the zinfo of a plain tar blob of {@code size} bytes. */
  public static TarZinfo of(long spanSize, long size) {
    if (spanSize <= 0 || size < 0) {
      throw new IllegalArgumentException(
          "span size must be > 0 and size >= 0: " + spanSize + ", " + size);
    }
    if (spanCount(spanSize, size) > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "a "
              + size
              + "-byte blob in "
              + spanSize
              + "-byte spans has more than "
              + Integer.MAX_VALUE
              + " spans");
    }
    return new TarZinfo(CURRENT_VERSION, spanSize, size);
  }

  /** Parses a {@code TarZinfo} flatbuffer, checking every offset it follows. */
  public static TarZinfo fromBytes(byte[] blob) throws MalformedZtocException {
    try {
      ByteBuffer bb = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
      int table = checkedOffset(bb, 0, 4);
      table += bb.getInt(0);
      checkedOffset(bb, table, 4);
      int vtable = table - bb.getInt(table);
      checkedOffset(bb, vtable, 4);
      int vtLen = Short.toUnsignedInt(bb.getShort(vtable));
      int objLen = Short.toUnsignedInt(bb.getShort(vtable + 2));
      checkedOffset(bb, vtable, vtLen);
      checkedOffset(bb, table, objLen);
      int version = (int) field(bb, table, vtable, vtLen, objLen, 0, 4);
      long spanSize = field(bb, table, vtable, vtLen, objLen, 1, 8);
      long size = field(bb, table, vtable, vtLen, objLen, 2, 8);
      if (spanSize <= 0) {
        throw new MalformedZtocException(
            "tar zinfo has span size " + spanSize + "; it must be positive");
      }
      if (size < 0) {
        throw new MalformedZtocException("tar zinfo has a negative size " + size);
      }
      if (spanCount(spanSize, size) > Integer.MAX_VALUE) {
        throw new MalformedZtocException(
            "tar zinfo claims "
                + spanCount(spanSize, size)
                + " spans (size "
                + size
                + ", span size "
                + spanSize
                + "); span ids are 32-bit");
      }
      return new TarZinfo(version, spanSize, size);
    } catch (IndexOutOfBoundsException e) {
      throw new MalformedZtocException(
          "cannot read tar zinfo: an offset points outside its " + blob.length + " bytes", e);
    }
  }

  /** Number of spans of a blob of {@code size} bytes; may exceed an int. */
  private static long spanCount(long spanSize, long size) {
    return size == 0 ? 0 : (size - 1) / spanSize + 1;
  }

  private static int checkedOffset(ByteBuffer bb, int at, int len) {
    if (at < 0 || len < 0 || at > bb.limit() - len) {
      throw new IndexOutOfBoundsException(at + "+" + len);
    }
    return at;
  }

  private static long field(
      ByteBuffer bb, int table, int vtable, int vtLen, int objLen, int slot, int width) {
    int vo = 4 + 2 * slot;
    if (vo + 2 > vtLen) {
      return 0;
    }
    int off = Short.toUnsignedInt(bb.getShort(vtable + vo));
    if (off == 0) {
      return 0;
    }
    if (off + width > objLen) {
      throw new IndexOutOfBoundsException("field " + slot);
    }
    checkedOffset(bb, table + off, width);
    return width == 4 ? bb.getInt(table + off) : bb.getLong(table + off);
  }

  /** The version stored in the blob. */
  public int version() {
    return version;
  }

  /** The size of the layer blob in bytes. */
  public long size() {
    return size;
  }

  @Override
  public long spanSize() {
    return spanSize;
  }

  @Override
  public int maxSpanId() {
    if (size == 0) {
      return -1;
    }
    long n = size / spanSize;
    return (int) (size % spanSize == 0 ? n - 1 : n);
  }

  @Override
  public long startCompressedOffset(int i) {
    return i * spanSize;
  }

  @Override
  public long endCompressedOffset(int i, long fileSize) {
    return i == maxSpanId() ? fileSize : (i + 1) * spanSize;
  }

  @Override
  public long startUncompressedOffset(int i) {
    return i * spanSize;
  }

  @Override
  public long endUncompressedOffset(int i, long uncompressedSize) {
    return i == maxSpanId() ? uncompressedSize : (i + 1) * spanSize;
  }

  @Override
  public int spanOf(long offset) {
    // Upstream does not clamp; we do, so an offset at the very end maps to the last span.
    long span = offset / spanSize;
    return (int) Math.max(0, Math.min(span, Math.max(maxSpanId(), 0)));
  }

  @Override
  public byte[] toBytes() {
    FlatBufferWriter b = new FlatBufferWriter(64);
    b.startTable(3);
    b.addInt(0, version, 0);
    b.addLong(1, spanSize, 0);
    b.addLong(2, size, 0);
    int root = b.endTable();
    b.finish(root);
    return b.toByteArray();
  }

  @Override
  public int serializedSize() {
    return toBytes().length;
  }

  @Override
  public void writeTo(ByteBuffer out) {
    out.put(toBytes());
  }

  @Override
  public String toString() {
    return "TarZinfo[v" + version + ", spanSize=" + spanSize + ", size=" + size + "]";
  }
}
