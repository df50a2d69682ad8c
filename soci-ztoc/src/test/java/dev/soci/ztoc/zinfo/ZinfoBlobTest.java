package dev.soci.ztoc.zinfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.soci.ztoc.CompressionAlgorithm;
import dev.soci.ztoc.MalformedZtocException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The blob examples of spec {@code zinfo.md} sections 2 and 8. */
class ZinfoBlobTest {
  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  @Test
  void zeroCheckpointsIsAValidVersion2Blob() throws Exception {
    byte[] blob = hex("00000000 0000400000000000");
    GzipZinfo z = GzipZinfo.fromBytes(blob);
    assertThat(z.version()).isEqualTo(2);
    assertThat(z.checkpoints()).isEmpty();
    assertThat(z.maxSpanId()).isEqualTo(-1);
    assertThat(z.toBytes()).isEqualTo(blob);
  }

  @Test
  void oneCheckpointInTwelveBytesIsVersion1WithSynthesizedCheckpointZero() throws Exception {
    byte[] blob = hex("01000000 0000400000000000"); // N = 1, span 4194304
    GzipZinfo z = GzipZinfo.fromBytes(blob);
    assertThat(z.version()).isEqualTo(1);
    assertThat(z.spanSize()).isEqualTo(4194304);
    assertThat(z.maxSpanId()).isZero();
    Checkpoint c0 = z.checkpoint(0);
    assertThat(c0.in()).isEqualTo(10);
    assertThat(c0.out()).isZero();
    assertThat(c0.bits()).isZero();
    assertThat(c0.window()).hasSize(Checkpoint.WINDOW_SIZE).containsOnly(0);
    assertThat(z.toBytes()).isEqualTo(blob);
  }

  @Test
  void spanSizeZeroOrNegativeIsRefused() {
    assertThatThrownBy(() -> GzipZinfo.fromBytes(hex("00000000 0000000000000000")))
        .isInstanceOf(MalformedZtocException.class)
        .hasMessage("gzip zinfo span size is 0; a span size must be > 0");
    assertThatThrownBy(() -> GzipZinfo.fromBytes(hex("00000000 ffffffffffffffff")))
        .isInstanceOf(MalformedZtocException.class)
        .hasMessage("gzip zinfo span size is -1; a span size must be > 0");
  }

  @Test
  void countWithoutRecordsIsInvalid() {
    assertThatThrownBy(() -> GzipZinfo.fromBytes(hex("ff000000 0000000000000000")))
        .isInstanceOf(MalformedZtocException.class)
        .hasMessageContaining("255 checkpoints");
    assertThatThrownBy(() -> GzipZinfo.fromBytes(new byte[11]))
        .isInstanceOf(MalformedZtocException.class);
    assertThatThrownBy(() -> GzipZinfo.fromBytes(new byte[0]))
        .isInstanceOf(MalformedZtocException.class);
    assertThatThrownBy(() -> GzipZinfo.fromBytes(hex("ffffffff 0000000000000000")))
        .isInstanceOf(MalformedZtocException.class)
        .hasMessageContaining("negative");
  }

  @Test
  void version2RoundTripsAndVersion1DropsRecordZero() throws Exception {
    byte[] w1 = new byte[Checkpoint.WINDOW_SIZE];
    w1[Checkpoint.WINDOW_SIZE - 1] = 42;
    GzipZinfo v2 =
        GzipZinfo.of(
            65536,
            java.util.List.of(
                new Checkpoint(10, 0, 0, new byte[Checkpoint.WINDOW_SIZE]),
                new Checkpoint(65771, 73551, 3, w1)));
    byte[] blob = v2.toBytes();
    assertThat(blob).hasSize(GzipZinfo.HEADER_SIZE + 2 * GzipZinfo.RECORD_SIZE);
    GzipZinfo back = GzipZinfo.fromBytes(blob);
    assertThat(back.version()).isEqualTo(2);
    assertThat(back.checkpoints()).isEqualTo(v2.checkpoints());
    assertThat(back.spanOf(73550)).isZero();
    assertThat(back.spanOf(73551)).isEqualTo(1);
    assertThat(back.startCompressedOffset(1)).isEqualTo(65770);

    byte[] v1Blob = new byte[blob.length - GzipZinfo.RECORD_SIZE];
    System.arraycopy(blob, 0, v1Blob, 0, GzipZinfo.HEADER_SIZE);
    System.arraycopy(
        blob,
        GzipZinfo.HEADER_SIZE + GzipZinfo.RECORD_SIZE,
        v1Blob,
        GzipZinfo.HEADER_SIZE,
        GzipZinfo.RECORD_SIZE);
    GzipZinfo v1 = GzipZinfo.fromBytes(v1Blob);
    assertThat(v1.version()).isEqualTo(1);
    assertThat(v1.checkpoints()).isEqualTo(v2.checkpoints());
    assertThat(v1.toBytes()).isEqualTo(v1Blob);
    // streamed a record at a time: the same bytes
    assertThat(v1.newInputStream().readAllBytes()).isEqualTo(v1Blob);
    assertThat(v2.newInputStream().readAllBytes()).isEqualTo(blob);
    java.io.InputStream bytewise = v2.newInputStream();
    for (byte b : blob) {
      assertThat(bytewise.read()).isEqualTo(b & 0xff);
    }
    assertThat(bytewise.read()).isEqualTo(-1);
  }

  @ParameterizedTest
  @CsvSource({
    "2, 4194304, 10485760, 14000000 00000000 00000a00 1c001800 0c000400 0a000000 0000a000 00000000 00004000 00000000 00000000 02000000",
    "2, 65536, 0, 0c000000 08001400 10000400 08000000 00000100 00000000 00000000 02000000",
    "2, 1, 1, 14000000 00000000 00000a00 1c001800 0c000400 0a000000 01000000 00000000 01000000 00000000 00000000 02000000",
  })
  void tarZinfoBytes(int version, long spanSize, long size, String expectedHex) throws Exception {
    byte[] expected = hex(expectedHex);
    TarZinfo z = TarZinfo.of(spanSize, size);
    assertThat(z.version()).isEqualTo(version);
    assertThat(z.toBytes()).isEqualTo(expected);
    TarZinfo back = TarZinfo.fromBytes(expected);
    assertThat(back.version()).isEqualTo(version);
    assertThat(back.spanSize()).isEqualTo(spanSize);
    assertThat(back.size()).isEqualTo(size);
    assertThat(Zinfo.parse(CompressionAlgorithm.UNCOMPRESSED, expected))
        .isInstanceOf(TarZinfo.class);
  }

  @Test
  void tarZinfoArithmetic() {
    TarZinfo z = TarZinfo.of(4194304, 10485760);
    assertThat(z.maxSpanId()).isEqualTo(2);
    assertThat(TarZinfo.of(65536, 131072).maxSpanId()).isEqualTo(1);
    assertThat(TarZinfo.of(65536, 0).maxSpanId()).isEqualTo(-1);
    assertThat(z.endCompressedOffset(2, 10485760)).isEqualTo(10485760);
    assertThat(z.endCompressedOffset(0, 10485760)).isEqualTo(4194304);
  }

  @Test
  void brokenTarZinfoIsRejected() {
    assertThatThrownBy(() -> TarZinfo.fromBytes(new byte[] {1, 2, 3}))
        .isInstanceOf(MalformedZtocException.class);
    assertThatThrownBy(() -> TarZinfo.fromBytes(hex("ffffff7f 00000000")))
        .isInstanceOf(MalformedZtocException.class);
    // span_size absent (0): upstream would divide by zero.
    // Root at 12; vtable at 4 = [8, 12, version@+8, span_size absent]; table soffset 8.
    assertThatThrownBy(
            () -> TarZinfo.fromBytes(hex("0c000000 08000c00 08000000 08000000 00000000 02000000")))
        .isInstanceOf(MalformedZtocException.class)
        .hasMessageContaining("span size 0");
  }

  @Test
  void tarZinfoWithMoreThanIntSpansIsRefused() {
    assertThatThrownBy(() -> TarZinfo.of(1, 1L << 32)).isInstanceOf(IllegalArgumentException.class);
    // Found by TarZinfoFuzzer: 2^32 + 5 one-byte spans made maxSpanId() wrap around to 5.
    FlatBufferBuilder fb = new FlatBufferBuilder(0);
    fb.startTable(3);
    fb.addInt(0, 2, 0);
    fb.addLong(1, 1, 0);
    fb.addLong(2, (1L << 32) + 5, 0);
    fb.finish(fb.endTable());
    byte[] blob = fb.sizedByteArray();
    assertThatThrownBy(() -> TarZinfo.fromBytes(blob))
        .isInstanceOf(MalformedZtocException.class)
        .hasMessageContaining("4294967301 spans");
  }
}
