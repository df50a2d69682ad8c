package dev.soci.ztoc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.soci.ztoc.zinfo.TarZinfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The decoder's checks: upstream's rules plus ours, on valid and hostile buffers. */
class ZtocDecoderValidationTest {
  private static final String T = "2023-11-14T22:13:20Z";

  static String digest(int n) {
    return "sha256:" + String.format("%064x", n);
  }

  static FileMetadata file(String name, long offset, long size) {
    return FileMetadata.builder()
        .name(name)
        .uncompressedOffset(offset)
        .uncompressedSize(size)
        .modTime(T)
        .build();
  }

  /** A valid uncompressed zTOC: span 1024 over a 4096-byte tar. */
  static Ztoc.Assembler valid(List<FileMetadata> files) {
    return Ztoc.assembler()
        .files(files)
        .compressionAlgorithm(CompressionAlgorithm.UNCOMPRESSED)
        .checkpoints(TarZinfo.of(1024, 4096).toBytes())
        .maxSpanId(3)
        .spanDigests(List.of(digest(0), digest(1), digest(2), digest(3)))
        .compressedArchiveSize(4096)
        .uncompressedArchiveSize(4096);
  }

  @Test
  void validZtocRoundTrips() throws Exception {
    Ztoc z = valid(List.of(file("a", 512, 100), file("b", 1536, 1000))).build();
    Ztoc back = Ztoc.decode(z.encode());
    assertThat(back.files()).isEqualTo(z.files());
    assertThat(back.encode()).isEqualTo(z.encode());
  }

  @Test
  void reorderedEntriesAreAcceptedAndSortedByOffset() throws Exception {
    FileMetadata a = file("a", 512, 100);
    FileMetadata b = file("b", 1536, 1000);
    Ztoc back = Ztoc.decode(valid(List.of(b, a)).build().encode());
    assertThat(back.files()).containsExactly(a, b);
    Ztoc equal =
        Ztoc.decode(valid(List.of(a, file("d", 3072, 0), file("e", 3072, 0))).build().encode());
    assertThat(equal.files())
        .extracting(FileMetadata::name)
        .containsExactly("a", "d", "e"); // stable
  }

  @Test
  void overlappingEntriesAreRejectedNamingTheEntry() {
    byte[] bytes = valid(List.of(file("a", 512, 1000), file("b", 1024, 10))).build().encode();
    assertThatThrownBy(() -> Ztoc.decode(bytes))
        .isInstanceOf(MalformedZtocException.class)
        .hasMessageStartingWith("invalid toc entry \"b\"")
        .hasMessageContaining("1536");
  }

  @Test
  void entriesMustLieInsideTheArchive() {
    byte[] beyond = valid(List.of(file("a", 4000, 200))).build().encode();
    assertThatThrownBy(() -> Ztoc.decode(beyond))
        .isInstanceOf(MalformedZtocException.class)
        .hasMessageContaining("\"a\"")
        .hasMessageContaining("uncompressed_archive_size 4096");
    byte[] negative = valid(List.of(file("n", 512, -1))).build().encode();
    assertThatThrownBy(() -> Ztoc.decode(negative))
        .isInstanceOf(MalformedZtocException.class)
        .hasMessageContaining("negative");
    byte[] overflow = valid(List.of(file("o", Long.MAX_VALUE - 10, 100))).build().encode();
    assertThatThrownBy(() -> Ztoc.decode(overflow))
        .isInstanceOf(MalformedZtocException.class)
        .hasMessageContaining("\"o\"");
  }

  @Test
  void spanDigestsMustMatchMaxSpanIdAndLookLikeSha256() {
    byte[] tooFew = valid(List.of()).spanDigests(List.of(digest(0))).build().encode();
    assertThatThrownBy(() -> Ztoc.decode(tooFew))
        .isInstanceOf(MalformedZtocException.class)
        .hasMessageContaining("1 span digests but max_span_id 3");
    byte[] upper =
        valid(List.of())
            .spanDigests(List.of(digest(0), digest(1), digest(2), "sha256:" + "A".repeat(64)))
            .build()
            .encode();
    assertThatThrownBy(() -> Ztoc.decode(upper))
        .isInstanceOf(MalformedZtocException.class)
        .hasMessageContaining("span_digests[3]");
    byte[] sha512 =
        valid(List.of())
            .spanDigests(List.of(digest(0), digest(1), digest(2), "sha512:" + "0".repeat(64)))
            .build()
            .encode();
    assertThatThrownBy(() -> Ztoc.decode(sha512))
        .isInstanceOf(MalformedZtocException.class)
        .hasMessageContaining("span_digests[3]");
  }

  @Test
  void checkpointsMustParseAndAgreeWithMaxSpanId() {
    byte[] wrongCount =
        valid(List.of()).checkpoints(TarZinfo.of(1024, 1024).toBytes()).build().encode();
    assertThatThrownBy(() -> Ztoc.decode(wrongCount))
        .isInstanceOf(MalformedZtocException.class)
        .hasMessageContaining("max_span_id is 3 but the checkpoints blob holds 1 spans");
    byte[] gzipWithTarBlob =
        valid(List.of()).compressionAlgorithm(CompressionAlgorithm.GZIP).build().encode();
    assertThatThrownBy(() -> Ztoc.decode(gzipWithTarBlob))
        .isInstanceOf(MalformedZtocException.class)
        .hasMessageContaining("checkpoints");
  }

  @Test
  void uidAndGidAreUnsigned32Bit() throws Exception {
    FileMetadata f = file("a", 512, 1).toBuilder().uid(5_000_000_000L).gid(0xFFFF_FFFFL).build();
    Ztoc back = Ztoc.decode(valid(List.of(f)).build().encode());
    assertThat(back.files().get(0).uid()).isEqualTo(705032704L);
    assertThat(back.files().get(0).gid()).isEqualTo(4294967295L);
  }

  @Test
  void notAZtoc() {
    for (byte[] junk :
        List.of(
            new byte[0],
            new byte[3],
            "this is not a ztoc".getBytes(StandardCharsets.US_ASCII),
            new byte[64],
            new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF})) {
      assertThatThrownBy(() -> Ztoc.decode(junk))
          .isInstanceOf(MalformedZtocException.class)
          .hasMessageContaining("offset");
    }
  }

  @Test
  void tocAndCompressionInfoAreRequired() {
    assertThatThrownBy(() -> Ztoc.decode(handMade(false, true, 1)))
        .isInstanceOf(MalformedZtocException.class)
        .hasMessageContaining("ztoc.toc is absent");
    assertThatThrownBy(() -> Ztoc.decode(handMade(true, false, 1)))
        .isInstanceOf(MalformedZtocException.class)
        .hasMessageContaining("ztoc.compression_info is absent");
  }

  @Test
  void unknownCompressionAlgorithmIsRejected() throws Exception {
    assertThatThrownBy(() -> ZtocDecoder.decode(handMade(true, true, 3), false))
        .isInstanceOf(MalformedZtocException.class)
        .hasMessageContaining("compression_algorithm is 3");
    assertThat(ZtocDecoder.decode(handMade(true, true, 1), false).compressionAlgorithm())
        .isEqualTo(CompressionAlgorithm.GZIP);
    assertThat(ZtocDecoder.decode(handMade(true, true, 2), false).compressionAlgorithm())
        .isEqualTo(CompressionAlgorithm.UNCOMPRESSED);
  }

  @Test
  void absentStringsAndScalarsReadAsEmptyAndZero() throws Exception {
    Ztoc z = ZtocDecoder.decode(handMade(true, true, 0), false);
    assertThat(z.version()).isEmpty();
    assertThat(z.buildToolIdentifier()).isEmpty();
    assertThat(z.files()).isEmpty();
    assertThat(z.spanDigests()).isEmpty();
    assertThat(z.checkpoints()).isEmpty();
    assertThat(z.maxSpanId()).isZero();
    assertThat(z.compressionAlgorithm()).isEqualTo(CompressionAlgorithm.GZIP); // absent = default 1
  }

  @Test
  void unknownEntryTypeIsRejected() {
    FlatBufferBuilder b = new FlatBufferBuilder(0);
    int type = b.createString("socket");
    b.startTable(14);
    b.addOffset(1, type, 0);
    int fm = b.endTable();
    byte[] bytes = wrapFiles(b, new int[] {fm});
    assertThatThrownBy(() -> ZtocDecoder.decode(bytes, false))
        .isInstanceOf(MalformedZtocException.class)
        .hasMessageContaining("toc.metadata[0]")
        .hasMessageContaining("unknown type \"socket\"");
  }

  @Test
  void hugeVectorLengthIsRejectedBeforeAllocating() {
    byte[] bytes = valid(List.of(file("a", 512, 1), file("b", 1024, 1))).build().encode();
    int vector = metadataVectorPosition(bytes);
    assertThat(u32(bytes, vector)).isEqualTo(2);
    for (int huge : new int[] {0x7FFF_FFFF, 0xFFFF_FFFF, 0x4000_0000, bytes.length}) {
      putU32(bytes, vector, huge);
      assertThatThrownBy(() -> Ztoc.decode(bytes))
          .isInstanceOf(MalformedZtocException.class)
          .hasMessageContaining("ztoc.toc.metadata at offset " + vector)
          .hasMessageContaining("vector claims");
    }
  }

  @Test
  void offsetsOutsideTheBufferNameTheField() {
    byte[] bytes = valid(List.of(file("a", 512, 1))).build().encode();
    int vector = metadataVectorPosition(bytes);
    putU32(bytes, vector + 4, 0x7FFF_0000); // element 0 points far away
    assertThatThrownBy(() -> Ztoc.decode(bytes))
        .isInstanceOf(MalformedZtocException.class)
        .hasMessageContaining("ztoc.toc.metadata[0] at offset " + (vector + 4))
        .hasMessageContaining("outside");
  }

  @Test
  @Timeout(10)
  void sharedObjectsCannotAmplifyTheWork() {
    // 200k vector elements all pointing at one entry with a 60 KiB name: 12 GB if copied naively.
    FlatBufferBuilder b = new FlatBufferBuilder(0);
    int name = b.createString(ByteBuffer.wrap(new byte[60 << 10]));
    int type = b.createString("reg");
    b.startTable(14);
    b.addOffset(0, name, 0);
    b.addOffset(1, type, 0);
    int fm = b.endTable();
    int[] same = new int[200_000];
    java.util.Arrays.fill(same, fm);
    byte[] bytes = wrapFiles(b, same);
    assertThatThrownBy(() -> ZtocDecoder.decode(bytes, false))
        .isInstanceOf(MalformedZtocException.class)
        .hasMessageContaining("too many times");
  }

  @Test
  @Timeout(30)
  void hundredThousandEntriesEncodeAndDecodeQuickly() throws Exception {
    List<FileMetadata> files = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      files.add(
          FileMetadata.builder()
              .name("dir" + (i % 100) + "/file-" + i)
              .uncompressedOffset(512L + 1024L * i)
              .uncompressedSize(i % 512)
              .mode(0644)
              .uid(i % 3)
              .userName("u")
              .groupName("g")
              .modTime(T)
              .addPaxRecord(PaxRecord.of("mtime", "1700000000." + i))
              .build());
    }
    long size = 512L + 1024L * 100_000;
    Ztoc z =
        Ztoc.assembler()
            .files(files)
            .compressionAlgorithm(CompressionAlgorithm.UNCOMPRESSED)
            .checkpoints(TarZinfo.of(size, size).toBytes())
            .maxSpanId(0)
            .spanDigests(List.of(digest(0)))
            .compressedArchiveSize(size)
            .uncompressedArchiveSize(size)
            .build();
    long t0 = System.nanoTime();
    byte[] bytes = z.encode();
    Ztoc back = Ztoc.decode(bytes);
    assertThat(back.encode()).isEqualTo(bytes);
    assertThat(back.toc().find("dir7/file-99907")).isPresent();
    assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(20_000);
  }

  // ---- helpers ----

  /** Ztoc{toc?, compression_info?{compression_algorithm = algo unless 0}}, nothing else. */
  private static byte[] handMade(boolean withToc, boolean withCi, int algo) {
    FlatBufferBuilder b = new FlatBufferBuilder(0);
    int toc = 0;
    if (withToc) {
      b.startTable(1);
      toc = b.endTable();
    }
    int ci = 0;
    if (withCi) {
      b.startTable(4);
      if (algo != 0) {
        b.addByte(0, (byte) algo, (byte) 0);
      }
      ci = b.endTable();
    }
    b.startTable(6);
    if (withToc) {
      b.addOffset(4, toc, 0);
    }
    if (withCi) {
      b.addOffset(5, ci, 0);
    }
    b.finish(b.endTable());
    return b.sizedByteArray();
  }

  private static byte[] wrapFiles(FlatBufferBuilder b, int[] tables) {
    b.startVector(4, tables.length, 4);
    for (int i = tables.length - 1; i >= 0; i--) {
      b.addOffset(tables[i]);
    }
    int vec = b.endVector();
    b.startTable(1);
    b.addOffset(0, vec, 0);
    int toc = b.endTable();
    b.startTable(4);
    int ci = b.endTable();
    b.startTable(6);
    b.addOffset(4, toc, 0);
    b.addOffset(5, ci, 0);
    b.finish(b.endTable());
    return b.sizedByteArray();
  }

  private static int u32(byte[] b, int at) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(at);
  }

  private static int u16(byte[] b, int at) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getShort(at) & 0xFFFF;
  }

  private static void putU32(byte[] b, int at, int v) {
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, v);
  }

  /** Position of the length word of toc.metadata, found by walking the buffer. */
  static int metadataVectorPosition(byte[] b) {
    int root = u32(b, 0);
    int vt = root - u32(b, root);
    int tocField = root + u16(b, vt + 4 + 2 * 4);
    int toc = tocField + u32(b, tocField);
    int vt2 = toc - u32(b, toc);
    int metaField = toc + u16(b, vt2 + 4);
    return metaField + u32(b, metaField);
  }
}
