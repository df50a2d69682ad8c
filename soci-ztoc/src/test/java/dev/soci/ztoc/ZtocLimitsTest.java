package dev.soci.ztoc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.ztoc.zinfo.Checkpoint;
import dev.soci.ztoc.zinfo.GzipZinfo;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Limits and impossible sizes: checked before allocating, named in the message. */
class ZtocLimitsTest {
  private static final String T = "2023-11-14T22:13:20Z";

  @TempDir Path tmp;

  private static FileMetadata file(String name, long offset, long size) {
    return FileMetadata.builder()
        .name(name)
        .uncompressedOffset(offset)
        .uncompressedSize(size)
        .modTime(T)
        .build();
  }

  private static byte[] threeEntries() {
    return ZtocDecoderValidationTest.valid(
            List.of(file("a", 512, 10), file("bb", 1536, 10), file("c".repeat(100), 2560, 10)))
        .build()
        .encode();
  }

  @Test
  void defaultsAreDocumentedAndChangeable() {
    ZtocLimits d = ZtocLimits.defaults();
    assertThat(d.maxEntries()).isEqualTo(ZtocLimits.DEFAULT_MAX_ENTRIES);
    assertThat(d.maxZtocSize()).isEqualTo(256L << 20);
    ZtocLimits l =
        d.withMaxEntries(7)
            .withMaxNameLength(8)
            .withMaxPaxRecordSize(9)
            .withMaxTotalMetadataBytes(10)
            .withMaxZtocSize(11)
            .withMaxSpanCompressedSize(12);
    assertThat(l).isEqualTo(new ZtocLimits(7, 8, 9, 10, 11, 12));
    assertThat(d.maxHeaderChainLength()).isBetween(4L << 20, 5L << 20);
    assertThatThrownBy(() -> d.withMaxEntries(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withMaxZtocSize(Integer.MAX_VALUE))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void decodeHoldsTheZtocToItsLimits() throws Exception {
    byte[] bytes = threeEntries();
    assertThat(Ztoc.decode(bytes).files()).hasSize(3);
    assertThatThrownBy(() -> Ztoc.decode(bytes, ZtocLimits.defaults().withMaxEntries(2)))
        .isInstanceOf(MalformedZtocException.class)
        .hasMessageContaining("3 TOC entries")
        .hasMessageContaining("maxEntries");
    assertThatThrownBy(() -> Ztoc.decode(bytes, ZtocLimits.defaults().withMaxNameLength(99)))
        .isInstanceOf(MalformedZtocException.class)
        .hasMessageContaining("100 bytes long")
        .hasMessageContaining("maxNameLength")
        .hasMessageContaining("metadata[2].name");
    assertThatThrownBy(
            () -> Ztoc.decode(bytes, ZtocLimits.defaults().withMaxZtocSize(bytes.length - 1)))
        .isInstanceOf(MalformedZtocException.class)
        .hasMessageContaining("maxZtocSize");
    assertThatThrownBy(
            () -> Ztoc.decode(bytes, ZtocLimits.defaults().withMaxTotalMetadataBytes(50)))
        .isInstanceOf(MalformedZtocException.class)
        .hasMessageContaining("maxTotalMetadataBytes");
  }

  @Test
  void paxRecordsAreLimited() throws Exception {
    FileMetadata f =
        file("a", 512, 10).toBuilder()
            .addPaxRecord(PaxRecord.of("SCHILY.xattr.user.x", "v".repeat(500)))
            .build();
    byte[] bytes = ZtocDecoderValidationTest.valid(List.of(f)).build().encode();
    assertThat(Ztoc.decode(bytes).files().get(0).paxRecords()).hasSize(1);
    assertThatThrownBy(() -> Ztoc.decode(bytes, ZtocLimits.defaults().withMaxPaxRecordSize(499)))
        .isInstanceOf(MalformedZtocException.class)
        .hasMessageContaining("maxPaxRecordSize");
  }

  @Test
  void readChecksTheFileSizeBeforeReadingIt() throws Exception {
    byte[] bytes = threeEntries();
    Path p = tmp.resolve("z.ztoc");
    Files.write(p, bytes);
    assertThat(Ztoc.read(p).files()).hasSize(3);
    assertThatThrownBy(() -> Ztoc.read(p, ZtocLimits.defaults().withMaxZtocSize(100)))
        .isInstanceOf(MalformedZtocException.class)
        .hasMessageContaining(p.toString())
        .hasMessageContaining(bytes.length + " bytes")
        .hasMessageContaining("maxZtocSize");
  }

  @Test
  @Timeout(10)
  void readFromAnEndlessStreamStopsAtTheLimit() {
    InputStream endless =
        new InputStream() {
          @Override
          public int read() {
            return 0;
          }

          @Override
          public int read(byte[] b, int off, int len) {
            return len;
          }
        };
    assertThatThrownBy(() -> Ztoc.read(endless, ZtocLimits.defaults().withMaxZtocSize(1 << 20)))
        .isInstanceOf(MalformedZtocException.class)
        .hasMessageContaining("more than 1048576 bytes");
  }

  @Test
  void aCheckpointBeyondTheBlobIsRefused() {
    List<Checkpoint> cps =
        List.of(
            new Checkpoint(10, 0, 0, new byte[Checkpoint.WINDOW_SIZE]),
            new Checkpoint(5000, 70000, 3, new byte[Checkpoint.WINDOW_SIZE]));
    Ztoc.Assembler b =
        Ztoc.assembler()
            .compressionAlgorithm(CompressionAlgorithm.GZIP)
            .checkpoints(GzipZinfo.of(65536, cps).toBytes())
            .maxSpanId(1)
            .spanDigests(
                List.of(ZtocDecoderValidationTest.digest(0), ZtocDecoderValidationTest.digest(1)))
            .uncompressedArchiveSize(100_000);
    assertThatThrownBy(() -> Ztoc.decode(b.compressedArchiveSize(4999).build().encode()))
        .isInstanceOf(MalformedZtocException.class)
        .hasMessageContaining("checkpoint 1 is at compressed offset 5000")
        .hasMessageContaining("4999-byte blob");
  }

  @Test
  void impossibleSizesAreRefused() {
    List<Checkpoint> cps = List.of(new Checkpoint(10, 0, 0, new byte[Checkpoint.WINDOW_SIZE]));
    Ztoc.Assembler gz =
        Ztoc.assembler()
            .compressionAlgorithm(CompressionAlgorithm.GZIP)
            .checkpoints(GzipZinfo.of(65536, cps).toBytes())
            .maxSpanId(0)
            .spanDigests(List.of(ZtocDecoderValidationTest.digest(0)))
            .compressedArchiveSize(1000);
    assertThatThrownBy(
            () -> Ztoc.decode(gz.uncompressedArchiveSize(1_001L * 1032).build().encode()))
        .isInstanceOf(MalformedZtocException.class)
        .hasMessageContaining("deflate expands at most 1032 times");
    List<Checkpoint> far =
        List.of(
            new Checkpoint(10, 0, 0, new byte[Checkpoint.WINDOW_SIZE]),
            new Checkpoint(500, Long.MAX_VALUE, 0, new byte[Checkpoint.WINDOW_SIZE]));
    assertThatThrownBy(
            () ->
                Ztoc.decode(
                    gz.checkpoints(GzipZinfo.of(65536, far).toBytes())
                        .maxSpanId(1)
                        .spanDigests(
                            List.of(
                                ZtocDecoderValidationTest.digest(0),
                                ZtocDecoderValidationTest.digest(1)))
                        .uncompressedArchiveSize(1000)
                        .build()
                        .encode()))
        .isInstanceOf(MalformedZtocException.class)
        .hasMessageContaining("checkpoint 1 claims uncompressed offset");
    Ztoc.Assembler tar = ZtocDecoderValidationTest.valid(List.of()).uncompressedArchiveSize(4097);
    assertThatThrownBy(() -> Ztoc.decode(tar.build().encode()))
        .isInstanceOf(MalformedZtocException.class)
        .hasMessageContaining("larger than the 4096-byte uncompressed blob");
  }

  @Test
  void theBuilderHoldsTheLayerToItsLimits() throws Exception {
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    List<String> names = new ArrayList<>(List.of("a", "b", "c"));
    for (String n : names) {
      tar.writeBytes(TarHeaderVerifierTest.header(n, '0', 0, 0644));
    }
    tar.writeBytes(new byte[1024]);
    byte[] layer = tar.toByteArray();
    assertThat(ZtocBuilder.withDefaults().build(new ByteArrayInputStream(layer)).files())
        .hasSize(3);
    assertThatThrownBy(
            () ->
                ZtocBuilder.withDefaults()
                    .limits(ZtocLimits.defaults().withMaxEntries(2))
                    .build(new ByteArrayInputStream(layer)))
        .isInstanceOf(TarFormatException.class)
        .hasMessageContaining("too many tar entries")
        .hasMessageContaining("limit 2");
  }
}
