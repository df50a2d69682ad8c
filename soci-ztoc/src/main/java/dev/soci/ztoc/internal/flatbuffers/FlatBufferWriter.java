package dev.soci.ztoc.internal.flatbuffers;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Writes a flatbuffers buffer back to front with the layout rules of the Go runtime upstream soci
 * uses ({@code github.com/google/flatbuffers/go}, spec {@code ztoc.md} section 4), so that the same
 * sequence of calls gives the same bytes as upstream's marshaler. Only what the zTOC and zinfo
 * schemas need: tables of scalars and offsets, strings of raw bytes, byte vectors and vectors of
 * offsets; no file identifier, no size prefix, defaults never forced.
 *
 * <p>The rules that decide the bytes: {@link #prep} pads so that the next {@code additional} bytes
 * end on a multiple of {@code size} and remembers the largest alignment for {@link #finish}; a
 * table's vtable has its trailing unset slots trimmed and is shared with an earlier vtable whose
 * slot entries are equal (searched from the most recently written, object size not compared, as Go
 * does).
 *
 * <p>An offset returned by this writer counts bytes from the end of the buffer. Not thread-safe;
 * one writer builds one buffer.
 *
 * <p>One byte vector may be left out of the buffer ({@link #startByteVectorHole}): the writer then
 * keeps the bytes written before it (the back of the buffer) and after it (the front) apart and
 * counts offsets as if the vector's bytes were between them, so a large vector can be written from
 * where it is kept straight into the output ({@link #front()}, the vector, {@link #back()}) instead
 * of being copied into the buffer.
 */
public final class FlatBufferWriter {
  private static final int SIZE_UOFFSET = 4;
  private static final int SIZE_VOFFSET = 2;
  private static final int VTABLE_METADATA_FIELDS = 2;

  private ByteBuffer bb;

  /** Index of the first written byte in {@link #bb}; the buffer is filled from the end. */
  private int head;

  private int minAlign = 1;
  private int[] vtable = new int[16];
  private int vtableFields = -1;
  private int objectEnd;
  private int[] vtables = new int[16];
  private int vtableCount;
  private boolean nested;

  /** Bytes at the end of the buffer written before the hole (all of them while there is none). */
  private int backLength = -1;

  /** Length of the byte vector left out, once there is one. */
  private int holeLength;

  /**
   * Creates a writer with room for {@code initialCapacity} bytes before it grows; the capacity
   * never changes the bytes written.
   */
  public FlatBufferWriter(int initialCapacity) {
    int capacity = Math.max(initialCapacity, 64);
    bb = ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
    head = capacity;
  }

  /** Bytes written so far (the hole's included): the offset of the most recently written object. */
  public int offset() {
    return bb.capacity() - head + holeLength;
  }

  /** Where in {@link #bb} the byte {@code off} bytes from the end of the output is. */
  private int position(int off) {
    return bb.capacity() - (backLength >= 0 && off > backLength ? off - holeLength : off);
  }

  /**
   * Pads with zero bytes so that, after {@code additional} more bytes are written, the offset is a
   * multiple of {@code size} (a power of two).
   */
  public void prep(int size, int additional) {
    if (size > minAlign) {
      minAlign = size;
    }
    int pad = (-(offset() + additional)) & (size - 1);
    ensure(pad + size + additional);
    for (int i = 0; i < pad; i++) {
      bb.put(--head, (byte) 0);
    }
  }

  private void ensure(int bytes) {
    if ((long) offset() + bytes > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("a flatbuffer cannot hold more than 2 GiB");
    }
    if (head >= bytes) {
      return;
    }
    int used = bb.capacity() - head;
    long wanted = (long) used + bytes;
    long capacity = Math.max((long) bb.capacity() * 2, wanted);
    if (capacity > Integer.MAX_VALUE - 8) {
      if (wanted > Integer.MAX_VALUE - 8) {
        throw new IllegalStateException("a flatbuffer cannot hold more than 2 GiB");
      }
      capacity = Integer.MAX_VALUE - 8;
    }
    ByteBuffer grown = ByteBuffer.allocate((int) capacity).order(ByteOrder.LITTLE_ENDIAN);
    int newHead = grown.capacity() - used;
    System.arraycopy(bb.array(), head, grown.array(), newHead, used);
    bb = grown;
    head = newHead;
  }

  private void putByte(byte x) {
    bb.put(--head, x);
  }

  private void putShort(short x) {
    head -= 2;
    bb.putShort(head, x);
  }

  private void putInt(int x) {
    head -= 4;
    bb.putInt(head, x);
  }

  private void putLong(long x) {
    head -= 8;
    bb.putLong(head, x);
  }

  /** Writes an offset to an object written earlier, relative to where it is stored. */
  public void addOffset(int off) {
    prep(SIZE_UOFFSET, 0);
    if (off > offset()) {
      throw new IllegalArgumentException("offset " + off + " is not behind " + offset());
    }
    putInt(offset() - off + SIZE_UOFFSET);
  }

  // ---- tables ----

  /** Starts a table of {@code fields} slots. */
  public void startTable(int fields) {
    if (nested) {
      throw new IllegalStateException("a table or vector is already open");
    }
    if (vtable.length < fields) {
      vtable = new int[fields];
    }
    Arrays.fill(vtable, 0, fields, 0);
    vtableFields = fields;
    objectEnd = offset();
    nested = true;
  }

  private void slot(int slot) {
    vtable[slot] = offset();
  }

  /** Adds a byte field unless it equals the schema default {@code def}. */
  public void addByte(int slot, byte x, byte def) {
    if (x != def) {
      prep(1, 0);
      putByte(x);
      slot(slot);
    }
  }

  /** Adds an int field unless it equals the schema default {@code def}. */
  public void addInt(int slot, int x, int def) {
    if (x != def) {
      prep(4, 0);
      putInt(x);
      slot(slot);
    }
  }

  /** Adds a long field unless it equals the schema default {@code def}. */
  public void addLong(int slot, long x, long def) {
    if (x != def) {
      prep(8, 0);
      putLong(x);
      slot(slot);
    }
  }

  /** Adds an offset field (to a string, vector or table) unless it equals {@code def}. */
  public void addOffset(int slot, int off, int def) {
    if (off != def) {
      addOffset(off);
      slot(slot);
    }
  }

  /** Ends the open table: writes its soffset and vtable (or reuses an equal one). */
  public int endTable() {
    if (!nested || vtableFields < 0) {
      throw new IllegalStateException("no table is open");
    }
    prep(SIZE_UOFFSET, 0);
    putInt(0);
    int objectOffset = offset();
    int n = vtableFields;
    while (n > 0 && vtable[n - 1] == 0) {
      n--;
    }
    int existing = 0;
    for (int i = vtableCount - 1; i >= 0 && existing == 0; i--) {
      if (sameEntries(vtables[i], objectOffset, n)) {
        existing = vtables[i];
      }
    }
    if (existing == 0) {
      for (int i = n - 1; i >= 0; i--) {
        prep(SIZE_VOFFSET, 0);
        putShort((short) (vtable[i] != 0 ? objectOffset - vtable[i] : 0));
      }
      prep(SIZE_VOFFSET, 0);
      putShort((short) (objectOffset - objectEnd));
      prep(SIZE_VOFFSET, 0);
      putShort((short) ((n + VTABLE_METADATA_FIELDS) * SIZE_VOFFSET));
      // The buffer may have grown while the vtable was written: index it from the end again.
      bb.putInt(position(objectOffset), offset() - objectOffset);
      if (vtableCount == vtables.length) {
        vtables = Arrays.copyOf(vtables, vtableCount * 2);
      }
      vtables[vtableCount++] = offset();
    } else {
      // Nothing was written after the soffset: it is at the head.
      bb.putInt(head, existing - objectOffset);
    }
    vtableFields = -1;
    nested = false;
    return objectOffset;
  }

  /** Whether the vtable at {@code vtOffset} has the entries of the open table (Go's rule). */
  private boolean sameEntries(int vtOffset, int objectOffset, int n) {
    int at = position(vtOffset);
    int bytes = Short.toUnsignedInt(bb.getShort(at));
    if (bytes != (n + VTABLE_METADATA_FIELDS) * SIZE_VOFFSET) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      int entry =
          Short.toUnsignedInt(bb.getShort(at + (VTABLE_METADATA_FIELDS + i) * SIZE_VOFFSET));
      int expected = vtable[i] != 0 ? objectOffset - vtable[i] : 0;
      if (entry != expected) {
        return false;
      }
    }
    return true;
  }

  // ---- vectors and strings ----

  /**
   * Starts a vector of {@code count} elements of {@code elemSize} bytes aligned to {@code align};
   * prepend the elements last first with {@link #addOffset(int)}, then call {@link
   * #endVector(int)}.
   */
  public void startVector(int elemSize, int count, int align) {
    if (nested) {
      throw new IllegalStateException("a table or vector is already open");
    }
    nested = true;
    prep(SIZE_UOFFSET, elemSize * count);
    prep(align, elemSize * count);
  }

  /** Ends the open vector by writing its element count; returns its offset. */
  public int endVector(int count) {
    if (!nested || vtableFields >= 0) {
      throw new IllegalStateException("no vector is open");
    }
    putInt(count);
    nested = false;
    return offset();
  }

  /** Writes a string of raw bytes (any bytes, not only UTF-8) with its closing NUL. */
  public int createString(byte[] bytes) {
    if (nested) {
      throw new IllegalStateException("a table or vector is already open");
    }
    prep(SIZE_UOFFSET, bytes.length + 1);
    putByte((byte) 0);
    head -= bytes.length;
    bb.put(head, bytes);
    putInt(bytes.length);
    return offset();
  }

  /** Writes a vector of bytes. */
  public int createByteVector(byte[] bytes) {
    ByteBuffer slot = startByteVector(bytes.length);
    slot.put(bytes);
    return endVector(bytes.length);
  }

  /**
   * Reserves a byte vector of {@code length} bytes and returns a little-endian view of them (from
   * position 0) for the caller to fill before it calls {@link #endVector(int)} with the same
   * length.
   */
  public ByteBuffer startByteVector(int length) {
    if (nested) {
      throw new IllegalStateException("a table or vector is already open");
    }
    prep(SIZE_UOFFSET, length);
    nested = true;
    head -= length;
    return bb.duplicate()
        .position(head)
        .limit(head + length)
        .slice()
        .order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * Reserves a byte vector of {@code length} bytes that is not written into the buffer (at most one
   * per buffer); call {@link #endVector(int)} with the same length next. The output is then {@link
   * #front()}, the vector's bytes, {@link #back()}; {@link #dataBuffer()} and {@link
   * #toByteArray()} are no longer available.
   */
  public void startByteVectorHole(int length) {
    if (nested) {
      throw new IllegalStateException("a table or vector is already open");
    }
    if (backLength >= 0) {
      throw new IllegalStateException("a buffer has at most one hole");
    }
    if (length < 0) {
      throw new IllegalArgumentException("negative length");
    }
    if ((long) offset() + length + 2 * SIZE_UOFFSET > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("a flatbuffer cannot hold more than 2 GiB");
    }
    // prep(SIZE_UOFFSET, length) without making room for the vector's bytes
    minAlign = Math.max(minAlign, SIZE_UOFFSET);
    int pad = (-(offset() + length)) & (SIZE_UOFFSET - 1);
    ensure(pad + SIZE_UOFFSET);
    for (int i = 0; i < pad; i++) {
      bb.put(--head, (byte) 0);
    }
    nested = true;
    backLength = offset();
    holeLength = length;
  }

  /** The output before the hole: from the root offset to the hole's vector length included. */
  public ByteBuffer front() {
    requireHole();
    return bb.duplicate()
        .position(head)
        .limit(bb.capacity() - backLength)
        .slice()
        .order(ByteOrder.LITTLE_ENDIAN);
  }

  /** The output after the hole: the objects written before the vector. */
  public ByteBuffer back() {
    requireHole();
    return bb.duplicate()
        .position(bb.capacity() - backLength)
        .slice()
        .order(ByteOrder.LITTLE_ENDIAN);
  }

  private void requireHole() {
    if (backLength < 0) {
      throw new IllegalStateException("the buffer has no hole");
    }
  }

  private void requireNoHole() {
    if (backLength >= 0) {
      throw new IllegalStateException("the buffer has a hole: read front() and back()");
    }
  }

  // ---- finishing ----

  /** Writes the root offset, aligned to the largest alignment used. */
  public void finish(int root) {
    if (nested) {
      throw new IllegalStateException("a table or vector is still open");
    }
    prep(minAlign, SIZE_UOFFSET);
    addOffset(root);
  }

  /** The finished bytes between the returned buffer's position and limit (no copy). */
  public ByteBuffer dataBuffer() {
    requireNoHole();
    return bb.duplicate().position(head).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** A copy of the finished bytes. */
  public byte[] toByteArray() {
    requireNoHole();
    return Arrays.copyOfRange(bb.array(), head, bb.capacity());
  }
}
