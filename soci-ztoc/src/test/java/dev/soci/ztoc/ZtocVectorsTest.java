package dev.soci.ztoc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The five flatbuffer-layer vectors of spec {@code ztoc.md} section 9. */
class ZtocVectorsTest {
  private static final String ZERO_TIME = "0001-01-01T00:00:00Z";

  static FileMetadata r1() {
    return FileMetadata.builder()
        .name("etc/")
        .type(EntryType.DIR)
        .uncompressedOffset(512)
        .mode(0755)
        .userName("root")
        .groupName("root")
        .modTime("2023-01-02T03:04:05Z")
        .build();
  }

  static FileMetadata r2() {
    return FileMetadata.builder()
        .name("etc/passwd")
        .type(EntryType.REG)
        .uncompressedOffset(1536)
        .uncompressedSize(1234)
        .mode(0644)
        .uid(1000)
        .gid(1000)
        .userName("u")
        .groupName("g")
        .modTime("2023-01-02T03:04:05.123456789Z")
        .addPaxRecord(PaxRecord.of("mtime", "1672628645.123456789"))
        .addPaxRecord(PaxRecord.of("SCHILY.xattr.user.a", "v1"))
        .addPaxRecord(PaxRecord.of("path", "etc/passwd"))
        .addPaxRecord(PaxRecord.of("atime", "1"))
        .build();
  }

  static FileMetadata r3() {
    return FileMetadata.builder()
        .name("bin/sh")
        .type(EntryType.SYMLINK)
        .uncompressedOffset(3584)
        .linkName("busybox")
        .mode(0777)
        .modTime("1970-01-01T00:00:00Z")
        .build();
  }

  static FileMetadata r4() {
    return FileMetadata.builder()
        .name("dev/null")
        .type(EntryType.CHAR)
        .uncompressedOffset(4096)
        .mode(0666)
        .modTime("2020-02-29T23:59:59.5Z")
        .devMajor(1)
        .devMinor(3)
        .addPaxRecord(
            new PaxRecord(
                "SCHILY.xattr.security.capability"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8),
                new byte[] {1, 0, 0, 2}))
        .build();
  }

  static FileMetadata r5() {
    return FileMetadata.builder()
        .name("héllo/世界.txt")
        .type(EntryType.HARDLINK)
        .uncompressedOffset(5120)
        .linkName("etc/passwd")
        .mode(0644)
        .modTime("2023-01-02T03:04:05+02:00")
        .build();
  }

  static String digest(int n) {
    return "sha256:" + String.format("%064x", n);
  }

  /** Case 0 with type "reg" instead of upstream's "" (our model has no empty type; see below). */
  static Ztoc case0WithRegType() {
    FileMetadata zero = FileMetadata.builder().modTime(ZERO_TIME).build();
    return Ztoc.assembler()
        .buildToolIdentifier("AWS SOCI CLI")
        .files(List.of(zero, zero))
        .checkpoints(new byte[65536])
        .maxSpanId(3)
        .compressedArchiveSize(2000000)
        .uncompressedArchiveSize(2500000)
        .build();
  }

  static Ztoc buildCase1() {
    byte[] cp = new byte[98367];
    for (int k = 0; k < cp.length; k++) {
      cp[k] = (byte) (7 * k);
    }
    return Ztoc.assembler()
        .buildToolIdentifier("AWS SOCI CLI v0.2")
        .files(List.of(r1(), r2(), r3(), r4(), r5()))
        .checkpoints(cp)
        .spanDigests(List.of(digest(1), digest(2), digest(3)))
        .maxSpanId(2)
        .compressionAlgorithm(CompressionAlgorithm.GZIP)
        .compressedArchiveSize(123457)
        .uncompressedArchiveSize(987654)
        .build();
  }

  static Ztoc buildCase2() {
    return Ztoc.assembler()
        .buildToolIdentifier("x")
        .files(List.of(r1(), r2(), r3()))
        .checkpoints(new byte[] {1, 2, 3})
        .spanDigests(List.of(digest(1)))
        .maxSpanId(0)
        .compressionAlgorithm(CompressionAlgorithm.UNCOMPRESSED)
        .compressedArchiveSize(5121)
        .uncompressedArchiveSize(5121)
        .build();
  }

  static Ztoc buildCase3() {
    return Ztoc.assembler().buildToolIdentifier("").build();
  }

  static Ztoc buildCase4() {
    return Ztoc.assembler()
        .buildToolIdentifier("odd")
        .files(List.of(r3(), r4(), r5()))
        .checkpoints(new byte[] {9})
        .maxSpanId(-1)
        .compressionAlgorithm(CompressionAlgorithm.UNCOMPRESSED)
        .uncompressedArchiveSize(7)
        .build();
  }

  /** Vector 0: two zero files, 64 KiB of zero checkpoints; upstream's own golden digest. */
  @Test
  void twoZeroFilesMatchUpstreamsGoldenDigest() {
    byte[] bytes = case0WithRegType().encode();
    // "" and "reg" are both 8-byte flatbuffer strings (length, text, NUL, padding), so the layouts
    // are identical and upstream's bytes are ours with each "reg" string zeroed.
    byte[] reg = {3, 0, 0, 0, 'r', 'e', 'g', 0};
    List<Integer> at = indexesOf(bytes, reg);
    assertThat(at).hasSize(2);
    for (int i : at) {
      java.util.Arrays.fill(bytes, i, i + reg.length, (byte) 0);
    }
    assertThat(bytes).hasSize(65928);
    assertThat(TestData.sha256(bytes))
        .isEqualTo("eba28fdf50b1b57543f57dd051b2468c1d4f57b64d2006c75aa4de1d03e6c7ec");
  }

  /** Vector 0 as upstream wrote it (empty type strings) is not a zTOC we accept. */
  @Test
  void zeroFilesWithAnEmptyTypeAreRejectedByDecode() {
    byte[] bytes = case0WithRegType().encode();
    for (int i : indexesOf(bytes, new byte[] {3, 0, 0, 0, 'r', 'e', 'g', 0})) {
      java.util.Arrays.fill(bytes, i, i + 8, (byte) 0);
    }
    assertThatThrownBy(() -> ZtocDecoder.decode(bytes, false))
        .isInstanceOf(MalformedZtocException.class)
        .hasMessageContaining("toc.metadata[0]")
        .hasMessageContaining("unknown type \"\"");
  }

  /** Vector 1: the five rich files, three digests, 98,367 checkpoint bytes, gzip. */
  @Test
  void richFilesWithDigestsAndCheckpoints() throws Exception {
    check(buildCase1(), 99928, "846da160e40b0b31f46aa08c5287271f1809cbf74cde393e59260d886d4db951");
  }

  /** Vector 2: three rich files, one digest, a 3-byte blob, uncompressed. */
  @Test
  void uncompressedWithOneDigestAndATinyBlob() throws Exception {
    check(buildCase2(), 952, "fb62827c03a268a0b74168ff4deabc2ea4c2eb982969523f5218674da81baed0");
  }

  /** Vector 3: no files, digests or checkpoints; the annotated example of section 5. */
  @Test
  void emptyZtocIsTheAnnotatedExample() throws Exception {
    byte[] bytes =
        check(
            buildCase3(), 108, "b58a83d17af0fdbdb8615044a275ad60440743f226762941382f8d3f140a1f08");
    // ztoc.md section 5: root offset 20, Ztoc vtable [16, 20, 16, 12, 0, 0, 8, 4].
    assertThat(java.util.Arrays.copyOfRange(bytes, 0, 20))
        .containsExactly(0x14, 0, 0, 0, 0x10, 0, 0x14, 0, 0x10, 0, 0x0c, 0, 0, 0, 0, 0, 8, 0, 4, 0);
    assertThat(java.util.Arrays.copyOfRange(bytes, 100, 108))
        .containsExactly(3, 0, 0, 0, '0', '.', '9', 0);
  }

  /** Vector 4: max span id -1, no digests, a 1-byte blob, uncompressed. */
  @Test
  void negativeMaxSpanIdWithoutDigests() throws Exception {
    check(buildCase4(), 744, "eeef656dca5831ae59a9f5fffd532a1d55d9d9283cc3aa8971f48a3835020d79");
  }

  @Test
  void decodedVectorHoldsWhatWasWritten() throws Exception {
    Ztoc original = buildCase1();
    Ztoc decoded = ZtocDecoder.decode(original.encode(), false);
    assertThat(decoded.files()).containsExactlyElementsOf(original.files());
    assertThat(decoded.files().get(1).paxRecords())
        .extracting(PaxRecord::key)
        .containsExactly("SCHILY.xattr.user.a", "atime", "mtime", "path");
    assertThat(decoded.files().get(3).paxRecords().get(0).rawValue()).containsExactly(1, 0, 0, 2);
    assertThat(decoded.files().get(4).rawName())
        .isEqualTo("héllo/世界.txt".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(decoded.spanDigests()).containsExactly(digest(1), digest(2), digest(3));
    assertThat(decoded.checkpoints()).isEqualTo(original.checkpoints());
    assertThat(decoded.compressedArchiveSize()).isEqualTo(123457);
    assertThat(decoded.uncompressedArchiveSize()).isEqualTo(987654);
    assertThat(decoded.compressionAlgorithm()).isEqualTo(CompressionAlgorithm.GZIP);
    assertThat(ZtocDecoder.decode(buildCase4().encode(), false).maxSpanId()).isEqualTo(-1);
    assertThat(ZtocDecoder.decode(buildCase4().encode(), false).compressionAlgorithm())
        .isEqualTo(CompressionAlgorithm.UNCOMPRESSED);
  }

  @Test
  void vectorsFailTheConsistencyChecksOfFullDecode() {
    // Their checkpoints are not real zinfo blobs, so the strict decoder refuses them.
    assertThatThrownBy(() -> Ztoc.decode(buildCase1().encode()))
        .isInstanceOf(MalformedZtocException.class)
        .hasMessageContaining("checkpoints");
    assertThatThrownBy(() -> Ztoc.decode(buildCase2().encode()))
        .isInstanceOf(MalformedZtocException.class)
        .hasMessageContaining("checkpoints");
    assertThatThrownBy(() -> Ztoc.decode(buildCase3().encode()))
        .isInstanceOf(MalformedZtocException.class)
        .hasMessageContaining("span digests");
  }

  @Test
  void duplicatePaxKeysKeepTheLastValue() throws Exception {
    FileMetadata f =
        r1().toBuilder()
            .paxRecords(
                List.of(PaxRecord.of("b", "1"), PaxRecord.of("a", "2"), PaxRecord.of("b", "3")))
            .build();
    assertThat(f.paxRecords()).containsExactly(PaxRecord.of("a", "2"), PaxRecord.of("b", "3"));
  }

  private static byte[] check(Ztoc ztoc, int size, String sha256) throws MalformedZtocException {
    byte[] bytes = ztoc.encode();
    assertThat(bytes).hasSize(size);
    assertThat(TestData.sha256(bytes)).isEqualTo(sha256);
    assertThat(ZtocDecoder.decode(bytes, false).encode()).isEqualTo(bytes);
    return bytes;
  }

  private static List<Integer> indexesOf(byte[] haystack, byte[] needle) {
    List<Integer> out = new ArrayList<>();
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      out.add(i);
    }
    return out;
  }
}
