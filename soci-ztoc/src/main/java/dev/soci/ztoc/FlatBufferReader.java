package dev.soci.ztoc;

/**
 * A bounds-checked reader of a flatbuffers buffer, for input nobody vouches for. Every uoffset,
 * soffset, vtable, field, string and vector length is checked against the buffer before it is
 * followed, read or used to size an allocation; a violation is a {@link MalformedZtocException}
 * that names the field (as a path such as {@code toc.metadata[3].name}) and the byte offset.
 *
 * <p>Unlike the flatbuffers verifier it does not insist on alignment or on the NUL after a string,
 * because upstream's Go reader does not either. It does keep an expansion budget: a hostile buffer
 * can make many vector elements point at the same large object, so the total number of bytes handed
 * out (strings, byte vectors, vector slots, tables) is capped at a small multiple of the buffer
 * size.
 *
 * <p>Little-endian throughout. Not thread-safe (the budget is mutable state).
 */
final class FlatBufferReader {
  private static final int SIZE_UOFFSET = 4;
  private static final int TABLE_COST = 16;

  private final byte[] buf;
  private long budget;

  FlatBufferReader(byte[] buf) {
    this.buf = buf;
    this.budget = 4L * buf.length + (1 << 20);
  }

  /** The root table: the uoffset at byte 0 points at it. */
  Table root(String name) throws MalformedZtocException {
    if (buf.length < SIZE_UOFFSET) {
      throw fail(
          null, name, -1, 0, "the buffer is " + buf.length + " bytes, too short for a root offset");
    }
    return table(follow(0, null, name, -1), null, name, -1);
  }

  // ---- primitive reads (callers have checked the range) ----

  private int u16(int at) {
    return (buf[at] & 0xFF) | (buf[at + 1] & 0xFF) << 8;
  }

  private int i32(int at) {
    return (buf[at] & 0xFF)
        | (buf[at + 1] & 0xFF) << 8
        | (buf[at + 2] & 0xFF) << 16
        | buf[at + 3] << 24;
  }

  private long u32(int at) {
    return i32(at) & 0xFFFF_FFFFL;
  }

  private long i64(int at) {
    return (u32(at) & 0xFFFF_FFFFL) | (long) i32(at + 4) << 32;
  }

  private boolean inBounds(long at, long len) {
    return at >= 0 && len >= 0 && at <= buf.length - len;
  }

  /** Follows the uoffset stored at {@code at} (already checked to be in bounds). */
  private int follow(int at, Table parent, String field, int index) throws MalformedZtocException {
    long target = at + u32(at);
    if (!inBounds(target, SIZE_UOFFSET)) {
      throw fail(
          parent,
          field,
          index,
          at,
          "offset points to " + target + ", outside the " + buf.length + "-byte buffer");
    }
    return (int) target;
  }

  private void spend(long cost, Table parent, String field, int index, int at)
      throws MalformedZtocException {
    budget -= cost;
    if (budget < 0) {
      throw fail(
          parent,
          field,
          index,
          at,
          "the buffer refers to the same data too many times (it would expand"
              + " far beyond its "
              + buf.length
              + " bytes)");
    }
  }

  private Table table(int at, Table parent, String field, int index) throws MalformedZtocException {
    spend(TABLE_COST, parent, field, index, at);
    long vtable = (long) at - i32(at);
    if (!inBounds(vtable, 4)) {
      throw fail(
          parent,
          field,
          index,
          at,
          "table's vtable offset points to "
              + vtable
              + ", outside the "
              + buf.length
              + "-byte buffer");
    }
    int vtLen = u16((int) vtable);
    int objLen = u16((int) vtable + 2);
    if (vtLen < 4 || !inBounds(vtable, vtLen)) {
      throw fail(
          parent,
          field,
          index,
          at,
          "table's vtable at " + vtable + " has an invalid length " + vtLen);
    }
    if (objLen < 4 || !inBounds(at, objLen)) {
      throw fail(
          parent,
          field,
          index,
          at,
          "table claims "
              + objLen
              + " bytes, which do not fit in the "
              + buf.length
              + "-byte buffer");
    }
    return new Table(at, (int) vtable, vtLen, objLen, parent, field, index);
  }

  private static MalformedZtocException fail(
      Table parent, String field, int index, long at, String reason) {
    return new MalformedZtocException(
        "malformed zTOC: " + path(parent, field, index) + " at offset " + at + ": " + reason);
  }

  /** The path of a field, such as {@code ztoc.toc.metadata[3].name}; built only for messages. */
  private static String path(Table parent, String field, int index) {
    StringBuilder sb = new StringBuilder();
    if (parent != null) {
      sb.append(parent.path()).append('.');
    }
    sb.append(field);
    if (index >= 0) {
      sb.append('[').append(index).append(']');
    }
    return sb.toString();
  }

  /** A table: its position and validated vtable. Field reads check against the object size. */
  final class Table {
    private final int pos;
    private final int vtable;
    private final int vtLen;
    private final int objLen;
    private final Table parent;
    private final String field;
    private final int index;

    private Table(
        int pos, int vtable, int vtLen, int objLen, Table parent, String field, int index) {
      this.pos = pos;
      this.vtable = vtable;
      this.vtLen = vtLen;
      this.objLen = objLen;
      this.parent = parent;
      this.field = field;
      this.index = index;
    }

    /** This table's path, such as {@code toc.metadata[3]}; built only when needed. */
    String path() {
      return FlatBufferReader.path(parent, field, index);
    }

    /** Byte position of the table in the buffer. */
    int position() {
      return pos;
    }

    /** Position of a field of {@code width} bytes, or -1 when the field is absent. */
    private int fieldPos(int slot, int width, String name) throws MalformedZtocException {
      int vo = 4 + 2 * slot;
      if (vo + 2 > vtLen) {
        return -1;
      }
      int off = u16(vtable + vo);
      if (off == 0) {
        return -1;
      }
      if (off < 4 || off + width > objLen) {
        throw fail(
            this,
            name,
            -1,
            pos,
            "field offset "
                + off
                + " (+"
                + width
                + " bytes) is outside the table's "
                + objLen
                + " bytes");
      }
      return pos + off;
    }

    long getLong(int slot, String name, long dflt) throws MalformedZtocException {
      int at = fieldPos(slot, 8, name);
      return at < 0 ? dflt : i64(at);
    }

    int getInt(int slot, String name, int dflt) throws MalformedZtocException {
      int at = fieldPos(slot, 4, name);
      return at < 0 ? dflt : i32(at);
    }

    long getUint32(int slot, String name, long dflt) throws MalformedZtocException {
      int at = fieldPos(slot, 4, name);
      return at < 0 ? dflt : u32(at);
    }

    int getByte(int slot, String name, int dflt) throws MalformedZtocException {
      int at = fieldPos(slot, 1, name);
      return at < 0 ? dflt : buf[at];
    }

    /** A string field's raw bytes, or {@code null} when absent. */
    byte[] getString(int slot, String name) throws MalformedZtocException {
      int at = fieldPos(slot, SIZE_UOFFSET, name);
      if (at < 0) {
        return null;
      }
      return bytesAt(follow(at, this, name, -1), this, name, -1);
    }

    /**
     * A string field's raw bytes, or {@code null} when absent; a string longer than {@code
     * maxLength} is refused before it is copied, naming {@code limit}.
     */
    byte[] getString(int slot, String name, int maxLength, String limit)
        throws MalformedZtocException {
      int at = fieldPos(slot, SIZE_UOFFSET, name);
      if (at < 0) {
        return null;
      }
      int str = follow(at, this, name, -1);
      long length = u32(str);
      if (length > maxLength) {
        throw fail(
            this,
            name,
            -1,
            str,
            "is "
                + length
                + " bytes long, over the limit of "
                + maxLength
                + " (ZtocLimits."
                + limit
                + ")");
      }
      return bytesAt(str, this, name, -1);
    }

    /** A sub-table, or {@code null} when absent. */
    Table getTable(int slot, String name) throws MalformedZtocException {
      int at = fieldPos(slot, SIZE_UOFFSET, name);
      if (at < 0) {
        return null;
      }
      return table(follow(at, this, name, -1), this, name, -1);
    }

    /** A vector of {@code elementSize}-byte elements, or {@code null} when absent. */
    Vector getVector(int slot, String name, int elementSize) throws MalformedZtocException {
      int at = fieldPos(slot, SIZE_UOFFSET, name);
      if (at < 0) {
        return null;
      }
      int start = follow(at, this, name, -1);
      long length = u32(start);
      if (length * elementSize > buf.length - (start + (long) SIZE_UOFFSET)) {
        throw fail(
            this,
            name,
            -1,
            start,
            "vector claims "
                + length
                + " elements of "
                + elementSize
                + " bytes, more than the "
                + (buf.length - start - SIZE_UOFFSET)
                + " bytes left in the buffer");
      }
      spend(length * Math.max(elementSize, 1), this, name, -1, start);
      return new Vector(start + SIZE_UOFFSET, (int) length, this, name);
    }
  }

  /** A length-prefixed byte sequence (string or {@code [ubyte]}) at {@code at}, copied. */
  private byte[] bytesAt(int at, Table parent, String field, int index)
      throws MalformedZtocException {
    long length = u32(at);
    if (length > buf.length - (at + (long) SIZE_UOFFSET)) {
      throw fail(
          parent,
          field,
          index,
          at,
          "claims "
              + length
              + " bytes, more than the "
              + (buf.length - at - SIZE_UOFFSET)
              + " bytes left in the buffer");
    }
    spend(length, parent, field, index, at);
    byte[] out = new byte[(int) length];
    System.arraycopy(buf, at + SIZE_UOFFSET, out, 0, (int) length);
    return out;
  }

  /** A vector whose length has been checked against the buffer. */
  final class Vector {
    private final int data;
    private final int length;
    private final Table parent;
    private final String field;

    private Vector(int data, int length, Table parent, String field) {
      this.data = data;
      this.length = length;
      this.parent = parent;
      this.field = field;
    }

    int length() {
      return length;
    }

    /** Element {@code i} of a vector of tables. */
    Table tableAt(int i) throws MalformedZtocException {
      return table(follow(data + 4 * i, parent, field, i), parent, field, i);
    }

    /** Element {@code i} of a vector of strings, as raw bytes. */
    byte[] stringAt(int i) throws MalformedZtocException {
      return bytesAt(follow(data + 4 * i, parent, field, i), parent, field, i);
    }

    /** The content of a {@code [ubyte]} vector, copied. */
    byte[] bytes() {
      byte[] out = new byte[length];
      System.arraycopy(buf, data, out, 0, length);
      return out;
    }
  }
}
