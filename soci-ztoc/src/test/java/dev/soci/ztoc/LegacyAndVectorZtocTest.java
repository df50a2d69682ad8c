package dev.soci.ztoc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.ztoc.zinfo.Checkpoint;
import dev.soci.ztoc.zinfo.GzipZinfo;
import dev.soci.ztoc.zinfo.TarZinfo;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * zTOCs with version-1 zinfo blobs written by an old upstream build ({@code testdata/upstream-v1})
 * and the spec's end-to-end vectors ({@code testdata/vectors/expected-*.ztoc}).
 */
class LegacyAndVectorZtocTest {
  static List<Path> legacyZtocs() {
    return TestData.list(TestData.path("upstream-v1"), ".ztoc");
  }

  static List<Path> vectorZtocs() {
    return TestData.list(TestData.path("vectors"), ".ztoc");
  }

  @ParameterizedTest
  @MethodSource("legacyZtocs")
  void legacyZtocsDecodeWithASynthesizedCheckpointZero(Path file) throws Exception {
    byte[] bytes = TestData.read(file);
    Ztoc ztoc = Ztoc.decode(bytes);
    assertThat(ztoc.buildToolIdentifier()).isEqualTo("AWS SOCI CLI v0.1");
    assertThat(ztoc.compressionAlgorithm()).isEqualTo(CompressionAlgorithm.GZIP);
    GzipZinfo zinfo = (GzipZinfo) ztoc.zinfo();
    assertThat(zinfo.version()).isEqualTo(1);
    Checkpoint c0 = zinfo.checkpoint(0);
    assertThat(c0.in()).isEqualTo(GzipZinfo.V1_FIRST_IN);
    assertThat(c0.out()).isZero();
    assertThat(c0.bits()).isZero();
    assertThat(ztoc.checkpoints())
        .hasSize(GzipZinfo.HEADER_SIZE + zinfo.maxSpanId() * GzipZinfo.RECORD_SIZE);
    assertThat(zinfo.toBytes()).isEqualTo(ztoc.checkpoints());
    assertThat(ztoc.encode()).isEqualTo(bytes);

    String name = file.getFileName().toString();
    Path info =
        file.resolveSibling(name.substring(0, name.length() - ".ztoc".length()) + ".info.json");
    assertThat(ZtocInfo.of(ztoc, bytes.length).toJson()).isEqualTo(TestData.readString(info));
  }

  @Test
  void legacyBasicAtDefaultSpanHoldsTheSmallestVersion1Blob() throws Exception {
    Ztoc ztoc =
        Ztoc.decode(
            TestData.read(TestData.path("upstream-v1", "basic.gnutar.gzip6.tar.gz.4194304.ztoc")));
    assertThat(ztoc.checkpoints()).hasSize(12);
    assertThat(ztoc.maxSpanId()).isZero();
    assertThat(ztoc.uncompressedArchiveSize()).isEqualTo(2191360);
    assertThat(ztoc.compressedArchiveSize()).isEqualTo(573375);
  }

  @ParameterizedTest
  @MethodSource("vectorZtocs")
  void vectorZtocsDecodeAndEncodeIdentically(Path file) throws Exception {
    byte[] bytes = TestData.read(file);
    assertThat(Ztoc.decode(bytes).encode()).isEqualTo(bytes);
  }

  @Test
  void textTarGzVector() throws Exception {
    byte[] bytes = TestData.read(TestData.path("vectors", "expected-text.tar.gz.ztoc"));
    assertThat(TestData.sha256(bytes))
        .isEqualTo("d84cedb44223626951f7ff6bac25b3f12db45a284672260ecc623b2b58a9256c");
    Ztoc ztoc = Ztoc.decode(bytes);
    assertThat(ztoc.compressedArchiveSize()).isEqualTo(158970);
    assertThat(ztoc.uncompressedArchiveSize()).isEqualTo(252928);
    assertThat(ztoc.maxSpanId()).isEqualTo(10);
    assertThat(ztoc.checkpoints()).hasSize(360647);
    assertThat(TestData.sha256(ztoc.checkpoints()))
        .isEqualTo("6165514e0bc92ade244e53f8ac0a25ac66a063d95b0d8927f275a88275fb55b8");
    assertThat(ztoc.spanDigests().get(1))
        .isEqualTo("sha256:df6de74e168fba2d99dfd2941d73cd205ecd714114a44cec3f632e4af06ee69f");
    GzipZinfo zinfo = (GzipZinfo) ztoc.zinfo();
    assertThat(zinfo.spanSize()).isEqualTo(16384);
    assertThat(zinfo.checkpoint(1))
        .extracting(Checkpoint::in, Checkpoint::out, Checkpoint::bits)
        .containsExactly(14064L, 22484L, 1);
    assertThat(zinfo.checkpoint(2))
        .extracting(Checkpoint::in, Checkpoint::out, Checkpoint::bits)
        .containsExactly(29604L, 46601L, 5);
    assertThat(ztoc.files())
        .extracting(FileMetadata::name)
        .containsExactly(
            "docs/file0.txt",
            "docs/file1.txt",
            "docs/file2.txt",
            "docs/file3.txt",
            "deep/" + "x".repeat(120) + "/name.txt");

    ZtocInfo info = ZtocInfo.of(ztoc, bytes.length);
    assertThat(info.numSpans()).isEqualTo(11);
    assertThat(info.numFiles()).isEqualTo(5);
    assertThat(info.numMultiSpanFiles()).isEqualTo(4);
    assertThat(info.files())
        .extracting(ZtocInfo.FileSpans::startSpan, ZtocInfo.FileSpans::endSpan)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(0L, 2L),
            org.assertj.core.groups.Tuple.tuple(2L, 5L),
            org.assertj.core.groups.Tuple.tuple(5L, 7L),
            org.assertj.core.groups.Tuple.tuple(7L, 10L),
            org.assertj.core.groups.Tuple.tuple(10L, 10L));
  }

  @Test
  void basicTarVectorIsUncompressedWithUnclampedInfoSpans() throws Exception {
    byte[] bytes = TestData.read(TestData.path("vectors", "expected-basic.tar.ztoc"));
    assertThat(TestData.sha256(bytes))
        .isEqualTo("1bdd61160568656daca53de20563b1337b2c6caef92dfcba665f1b64b0bfb2e3");
    Ztoc ztoc = Ztoc.decode(bytes);
    assertThat(ztoc.compressionAlgorithm()).isEqualTo(CompressionAlgorithm.UNCOMPRESSED);
    assertThat(ztoc.maxSpanId()).isEqualTo(3);
    assertThat(TestData.sha256(ztoc.checkpoints()))
        .isEqualTo("4ff1550fcba6f29f20f858a166111e409d56754a07f977e540736de3b6cd369e");
    TarZinfo zinfo = (TarZinfo) ztoc.zinfo();
    assertThat(zinfo.spanSize()).isEqualTo(65536);
    assertThat(zinfo.size()).isEqualTo(245760);
    assertThat(ztoc.files()).hasSize(9);
    assertThat(ztoc.files().get(2).paxRecords())
        .containsExactly(PaxRecord.of("mtime", "1700000000.25"));
    assertThat(ztoc.files().get(6))
        .extracting(FileMetadata::devMajor, FileMetadata::devMinor)
        .containsExactly(1L, 3L);

    ZtocInfo info = ZtocInfo.of(ztoc, bytes.length);
    // data/random.bin [8192, 208192): 8192/65536 = 0 .. 208192/65536 = 3.
    assertThat(info.files().get(2))
        .extracting(ZtocInfo.FileSpans::startSpan, ZtocInfo.FileSpans::endSpan)
        .containsExactly(0L, 3L);
  }

  @Test
  void tarInfoSpansAreNotClamped() throws Exception {
    // A file that ends exactly at the end of the last span reports end_span = num_spans, as
    // upstream's plain division does (TarZinfo.spanOf, used by readers, clamps instead).
    FileMetadata f =
        FileMetadata.builder()
            .name("f")
            .uncompressedOffset(512)
            .uncompressedSize(1024 - 512)
            .modTime("2023-11-14T22:13:20Z")
            .build();
    Ztoc ztoc =
        Ztoc.assembler()
            .files(List.of(f))
            .compressionAlgorithm(CompressionAlgorithm.UNCOMPRESSED)
            .checkpoints(TarZinfo.of(512, 1024).toBytes())
            .maxSpanId(1)
            .spanDigests(List.of("sha256:" + "0".repeat(64), "sha256:" + "1".repeat(64)))
            .compressedArchiveSize(1024)
            .uncompressedArchiveSize(1024)
            .build();
    ZtocInfo info = ZtocInfo.of(Ztoc.decode(ztoc.encode()), 1);
    assertThat(info.numSpans()).isEqualTo(2);
    assertThat(info.files().get(0).startSpan()).isEqualTo(1);
    assertThat(info.files().get(0).endSpan()).isEqualTo(2);
    assertThat(((TarZinfo) ztoc.zinfo()).spanOf(1024)).isEqualTo(1);
    assertThat(info.numMultiSpanFiles()).isEqualTo(1);
  }
}
