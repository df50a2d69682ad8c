package dev.soci.ztoc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.ztoc.gzip.CheckpointInflater;
import dev.soci.ztoc.gzip.GzipProducers;
import dev.soci.ztoc.zinfo.GzipZinfo;
import dev.soci.ztoc.zinfo.Zinfo;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A tar layer compressed by every producer: the zTOC's TOC agrees with commons-compress, every span
 * decodes alone from its own compressed range to exactly its bytes, and every span digest is the
 * SHA-256 of that range.
 */
class ProducersEndToEndTest {
  @TempDir static Path tmp;
  static byte[] tar;
  static Map<String, byte[]> layers;

  @BeforeAll
  static void makeLayers() throws IOException {
    if (layers != null) {
      return;
    }
    tar = makeTar();
    layers = new LinkedHashMap<>(GzipProducers.all(tar, tmp));
    layers.put("uncompressed", tar);
  }

  static byte[] makeTar() throws IOException {
    Random r = new Random(99);
    byte[] pool = GzipProducers.payload(5, 2_500_000);
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(bos)) {
      t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      t.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      TarArchiveEntry dir = new TarArchiveEntry("usr/lib/");
      t.putArchiveEntry(dir);
      t.closeArchiveEntry();
      int used = 0;
      for (int i = 0; used < pool.length - 10; i++) {
        int size =
            i % 7 == 0 ? 0 : Math.min(pool.length - used, r.nextInt(i % 5 == 0 ? 600_000 : 20_000));
        String name =
            "usr/lib/"
                + (i % 11 == 0 ? "very-long-directory-name-".repeat(5) + "/" : "")
                + "file-"
                + i
                + ".bin";
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(size);
        e.setModTime(1_700_000_000_000L + i * 1000L);
        t.putArchiveEntry(e);
        t.write(pool, used, size);
        t.closeArchiveEntry();
        used += size;
      }
      TarArchiveEntry link = new TarArchiveEntry("usr/lib/link", TarArchiveEntry.LF_SYMLINK);
      link.setLinkName("file-1.bin");
      t.putArchiveEntry(link);
      t.closeArchiveEntry();
    }
    return bos.toByteArray();
  }

  static Stream<Arguments> layers() throws IOException {
    makeLayers();
    return layers.entrySet().stream()
        .flatMap(e -> Stream.of(65536L, 1L << 20).map(span -> Arguments.of(e.getKey(), span)));
  }

  static Stream<String> producers() throws IOException {
    makeLayers();
    return layers.keySet().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("producers")
  void aFileBuildsTheSameZtocAndTapsEveryByte(String producer) throws Exception {
    byte[] blob = layers.get(producer);
    Path file = Files.createTempFile(tmp, producer, ".layer");
    Files.write(file, blob);
    ByteArrayOutputStream tap = new ByteArrayOutputStream();
    byte[] fromFile = ZtocBuilder.withDefaults().spanSize(65536).build(file, tap).encode();
    assertThat(fromFile)
        .isEqualTo(
            ZtocBuilder.withDefaults()
                .spanSize(65536)
                .build(new ByteArrayInputStream(blob))
                .encode());
    assertThat(tap.toByteArray()).isEqualTo(blob);
  }

  @ParameterizedTest(name = "{0} span {1}")
  @MethodSource("layers")
  void everySpanStandsAlone(String producer, long spanSize) throws Exception {
    byte[] blob = layers.get(producer);
    Ztoc ztoc = ZtocBuilder.withDefaults().spanSize(spanSize).build(new ByteArrayInputStream(blob));
    ztoc = Ztoc.decode(ztoc.encode());
    assertThat(ztoc.compressedArchiveSize()).isEqualTo(blob.length);
    assertThat(ztoc.compressionAlgorithm())
        .isEqualTo(
            producer.equals("uncompressed")
                ? CompressionAlgorithm.UNCOMPRESSED
                : CompressionAlgorithm.GZIP);

    // The TOC agrees with commons-compress on names and sizes, and its offsets hold each file's
    // data.
    int i = 0;
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        FileMetadata f = ztoc.files().get(i++);
        assertThat(f.name()).isEqualTo(e.getName());
        assertThat(f.uncompressedSize()).isEqualTo(e.isSymbolicLink() ? 0 : e.getSize());
        byte[] content = in.readAllBytes();
        assertThat(
                Arrays.copyOfRange(
                    tar,
                    (int) f.uncompressedOffset(),
                    (int) (f.uncompressedOffset() + content.length)))
            .as(f.name())
            .isEqualTo(content);
      }
    }
    assertThat(ztoc.files()).hasSize(i);

    Zinfo zinfo = ztoc.zinfo();
    assertThat(ztoc.spanDigests()).hasSize(zinfo.maxSpanId() + 1);
    for (int s = 0; s <= zinfo.maxSpanId(); s++) {
      long from = zinfo.startCompressedOffset(s);
      long to = zinfo.endCompressedOffset(s, blob.length);
      byte[] range = Arrays.copyOfRange(blob, (int) from, (int) to);
      assertThat(
              "sha256:"
                  + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(range)))
          .as("digest of span %d", s)
          .isEqualTo(ztoc.spanDigests().get(s));
      long uFrom = zinfo.startUncompressedOffset(s);
      long uTo = zinfo.endUncompressedOffset(s, ztoc.uncompressedArchiveSize());
      byte[] expected = Arrays.copyOfRange(tar, (int) uFrom, (int) uTo);
      byte[] got =
          zinfo instanceof GzipZinfo g
              ? inflate(g, s, range, (int) (uTo - uFrom))
              : Arrays.copyOfRange(range, 0, (int) (uTo - uFrom));
      assertThat(got).as("span %d of %s", s, producer).isEqualTo(expected);
    }
  }

  static byte[] inflate(GzipZinfo zinfo, int span, byte[] range, int want) throws IOException {
    byte[] out = new byte[want];
    int filled = 0;
    try (CheckpointInflater inf = new CheckpointInflater(zinfo.checkpoint(span))) {
      inf.setInput(range, 0, range.length);
      while (filled < want) {
        int n = inf.inflate(out, filled, want - filled);
        if (n == 0) {
          break;
        }
        filled += n;
      }
    }
    return Arrays.copyOf(out, filled);
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
