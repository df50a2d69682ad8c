package dev.soci.ztoc.internal.flatbuffers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The layout rules of {@link FlatBufferWriter} that differ from a naive writer. */
class FlatBufferWriterTest {

  /** Spec {@code ztoc.md} section 5: the 108-byte zTOC with no files, digests or checkpoints. */
  @Test
  void writesTheAnnotatedExampleOfTheSpec() {
    FlatBufferWriter w = new FlatBufferWriter(1);
    int version = w.createString("0.9".getBytes());
    int tool = w.createString(new byte[0]);
    w.startVector(4, 0, 4);
    int metadata = w.endVector(0);
    w.startTable(1);
    w.addOffset(0, metadata, 0);
    int toc = w.endTable();
    int checkpoints = w.createByteVector(new byte[0]);
    w.startVector(4, 0, 4);
    int digests = w.endVector(0);
    w.startTable(4);
    w.addInt(1, 0, 0);
    w.addOffset(2, digests, 0);
    w.addOffset(3, checkpoints, 0);
    int ci = w.endTable();
    w.startTable(6);
    w.addOffset(0, version, 0);
    w.addOffset(1, tool, 0);
    w.addOffset(4, toc, 0);
    w.addLong(2, 0, 0);
    w.addLong(3, 0, 0);
    w.addOffset(5, ci, 0);
    w.finish(w.endTable());
    assertThat(w.toByteArray())
        .isEqualTo(
            hex(
                "14000000 10001400 10000c00 00000000 08000400 10000000 1c000000 34000000"
                    + " 3c000000 40000000 0c000c00 00000000 08000400 0c000000 0c000000 04000000"
                    + " 00000000 00000000 0000 0600 08000400 06000000 04000000 00000000"
                    + " 00000000 00000000 03000000 302e3900"));
  }

  /**
   * Go's builder shares a vtable whose slot entries are equal even when the object sizes differ
   * (padding after the first field); flatbuffers-java would write a second vtable.
   */
  @Test
  void sharesAVtableWithEqualEntriesWhateverTheObjectSize() {
    FlatBufferWriter w = new FlatBufferWriter(1);
    w.startTable(1);
    w.addInt(0, 7, 0);
    int first = w.endTable();
    w.createByteVector(new byte[] {1}); // leaves the offset at 1 mod 4: the next int is padded
    w.startTable(1);
    w.addInt(0, 9, 0);
    int second = w.endTable();
    w.finish(second);
    ByteBuffer bb = w.dataBuffer().slice().order(ByteOrder.LITTLE_ENDIAN);
    int size = bb.remaining();
    int firstAt = size - first;
    int secondAt = size - second;
    int firstVtable = firstAt - bb.getInt(firstAt);
    int secondVtable = secondAt - bb.getInt(secondAt);
    assertThat(secondVtable).isEqualTo(firstVtable);
    assertThat(bb.getInt(secondAt + 4)).isEqualTo(9);
  }

  @Test
  void trimsTrailingUnsetSlotsAndSkipsDefaults() {
    FlatBufferWriter w = new FlatBufferWriter(1);
    w.startTable(5);
    w.addInt(0, 3, 0);
    w.addLong(4, 0, 0); // default: not written, trailing: trimmed
    w.addByte(2, (byte) 1, (byte) 1); // default
    w.finish(w.endTable());
    ByteBuffer bb = w.dataBuffer().slice().order(ByteOrder.LITTLE_ENDIAN);
    int table = bb.getInt(0);
    int vtable = table - bb.getInt(table);
    assertThat(bb.getShort(vtable)).isEqualTo((short) 6);
    assertThat(bb.getInt(table + bb.getShort(vtable + 4))).isEqualTo(3);
  }

  @Test
  void growsWithoutChangingTheBytes() {
    byte[] small = build(new FlatBufferWriter(1));
    byte[] large = build(new FlatBufferWriter(1 << 16));
    assertThat(small).isEqualTo(large);
  }

  @Test
  void refusesNestedObjects() {
    FlatBufferWriter w = new FlatBufferWriter(1);
    w.startTable(1);
    assertThatThrownBy(() -> w.createString(new byte[1])).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> w.endVector(0)).isInstanceOf(IllegalStateException.class);
  }

  private static byte[] build(FlatBufferWriter w) {
    int[] strings = new int[50];
    for (int i = 0; i < strings.length; i++) {
      strings[i] = w.createString(new byte[i * 3]);
    }
    w.startVector(4, strings.length, 4);
    for (int i = strings.length - 1; i >= 0; i--) {
      w.addOffset(strings[i]);
    }
    int v = w.endVector(strings.length);
    w.startTable(2);
    w.addOffset(0, v, 0);
    w.addLong(1, 42, 0);
    w.finish(w.endTable());
    return w.toByteArray();
  }

  private static byte[] hex(String s) {
    return java.util.HexFormat.of().parseHex(s.replace(" ", ""));
  }

  /** The calls of a small two-table buffer around a byte vector, with or without the hole. */
  private static FlatBufferWriter tablesAround(byte[] vector, boolean hole, int capacity) {
    FlatBufferWriter b = new FlatBufferWriter(capacity);
    int s = b.createString(new byte[] {'a', 'b', 'c'});
    b.startTable(3);
    b.addOffset(0, s, 0);
    b.addInt(1, 7, 0);
    b.addByte(2, (byte) 3, (byte) 0);
    int inner = b.endTable();
    int v;
    if (hole) {
      b.startByteVectorHole(vector.length);
      v = b.endVector(vector.length);
    } else {
      v = b.createByteVector(vector);
    }
    b.startTable(3); // the same slots as the inner table: its vtable, behind the hole, is shared
    b.addOffset(0, v, 0);
    b.addInt(1, 9, 0);
    b.addByte(2, (byte) 1, (byte) 0);
    int outer = b.endTable();
    b.startTable(2);
    b.addOffset(0, inner, 0);
    b.addOffset(1, outer, 0);
    b.addLong(1, 1L << 40, 0);
    b.finish(b.endTable());
    return b;
  }

  @Test
  void aHoleLeavesTheVectorOutAndTheBytesAroundItUnchanged() {
    for (int length = 0; length < 12; length++) {
      byte[] vector = new byte[length * 7 + length % 3];
      for (int i = 0; i < vector.length; i++) {
        vector[i] = (byte) (i * 31 + 1);
      }
      byte[] whole = tablesAround(vector, false, 64).toByteArray();
      FlatBufferWriter b = tablesAround(vector, true, 16); // grows across the hole
      ByteBuffer out = ByteBuffer.allocate(whole.length);
      out.put(b.front()).put(vector).put(b.back());
      assertThat(out.array()).as("vector of %d bytes", vector.length).isEqualTo(whole);
      assertThat(b.front().remaining() + vector.length + b.back().remaining())
          .isEqualTo(whole.length);
      assertThatThrownBy(b::toByteArray).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(b::dataBuffer).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void aBufferHasAtMostOneHoleAndItsFrontNeedsOne() {
    FlatBufferWriter b = new FlatBufferWriter(64);
    assertThatThrownBy(b::front).isInstanceOf(IllegalStateException.class);
    b.startByteVectorHole(100);
    b.endVector(100);
    assertThatThrownBy(() -> b.startByteVectorHole(1)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> new FlatBufferWriter(64).startByteVectorHole(Integer.MAX_VALUE - 8))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("2 GiB");
  }
}
