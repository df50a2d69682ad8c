package dev.soci.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.ztoc.EntryNotFoundException;
import dev.soci.ztoc.Ztoc;
import dev.soci.ztoc.ZtocBuilder;
import dev.soci.ztoc.ZtocException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SeekableLayerTest {

  static byte[] gunzip(byte[] gz) throws Exception {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "spans.gnutar.gzip6.tar.gz",
        "basic.gnutar.pigz-multimember.tar.gz",
        "basic.gnutar.gzip6-fname.tar.gz",
        "lodash-4.17.21.tgz",
        "small.gnutar.uncompressed.tar"
      })
  void randomRangesEqualFullDecompression(String name) throws Exception {
    Path blob = TestData.file("upstream/layers/" + name);
    byte[] raw = Files.readAllBytes(blob);
    byte[] tar = name.endsWith(".tar") ? raw : gunzip(raw);
    for (long span : new long[] {65536, 1 << 20}) {
      Ztoc ztoc = ZtocBuilder.withDefaults().spanSize(span).build(blob);
      try (SeekableLayer l = SeekableLayer.open(blob, ztoc)) {
        Random r = new Random(span ^ name.hashCode());
        long size = ztoc.uncompressedArchiveSize();
        for (int i = 0; i < 60; i++) {
          long off = (long) (r.nextDouble() * size);
          int len = (int) Math.min(size - off, r.nextInt(i % 3 == 0 ? 300_000 : 5000));
          assertThat(l.readRange(off, len))
              .as("[%d, +%d) span %d", off, len, span)
              .isEqualTo(Arrays.copyOfRange(tar, (int) off, (int) off + len));
        }
        assertThat(l.readRange(0, (int) size)).isEqualTo(Arrays.copyOf(tar, (int) size));
      }
    }
  }

  @Test
  void readsOnlyTheSpansItNeeds() throws Exception {
    Path blob = TestData.file("upstream/layers/spans.gnutar.gzip6.tar.gz");
    Ztoc ztoc = ZtocBuilder.withDefaults().spanSize(65536).build(blob);
    try (SeekableLayer l = SeekableLayer.open(blob, ztoc)) {
      var small =
          ztoc.files().stream()
              .filter(f -> f.uncompressedSize() > 0 && f.uncompressedSize() < 20000)
              .findFirst()
              .orElseThrow();
      l.readFile(small.name());
      ReadStatistics s = l.statistics();
      assertThat(s.spansInflated()).isBetween(1L, 2L);
      assertThat(s.compressedBytesRead()).isLessThan(Files.size(blob) / 4);
    }
  }

  @Test
  void concurrentReadersGetTheSameBytes() throws Exception {
    Path blob = TestData.file("upstream/layers/spans.gnutar.gzip6.tar.gz");
    byte[] tar = gunzip(Files.readAllBytes(blob));
    Ztoc ztoc = ZtocBuilder.withDefaults().spanSize(65536).build(blob);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (SeekableLayer l = SeekableLayer.open(blob, ztoc)) {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int seed = t;
        futures.add(
            pool.submit(
                () -> {
                  Random r = new Random(seed);
                  for (int i = 0; i < 40; i++) {
                    var f = ztoc.files().get(r.nextInt(ztoc.files().size()));
                    if (f.type() != dev.soci.ztoc.EntryType.REG) {
                      continue;
                    }
                    byte[] got = l.readFile(f.name());
                    int off = (int) f.uncompressedOffset();
                    assertThat(got)
                        .isEqualTo(Arrays.copyOfRange(tar, off, off + (int) f.uncompressedSize()));
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void tamperedSpanIsNeverReturned() throws Exception {
    Path blob = TestData.file("upstream/layers/spans.gnutar.gzip6.tar.gz");
    byte[] raw = Files.readAllBytes(blob);
    Ztoc ztoc = ZtocBuilder.withDefaults().spanSize(65536).build(blob);
    var target =
        ztoc.files().stream().filter(f -> f.uncompressedSize() > 100_000).findFirst().orElseThrow();
    int span = ztoc.zinfo().spanOf(target.uncompressedOffset());
    byte[] bad = raw.clone();
    bad[(int) ztoc.zinfo().startCompressedOffset(span) + 100] ^= 0x40;
    try (SeekableLayer l = SeekableLayer.open(BlobSource.of(bad), ztoc)) {
      assertThatThrownBy(() -> l.readFile(target.name()))
          .isInstanceOf(SpanVerificationException.class)
          .hasMessageContaining("span " + span);
    }
  }

  @Test
  void blobOfTheWrongSizeIsRefused() throws Exception {
    Path blob = TestData.file("upstream/layers/basic.gnutar.gzip6.tar.gz");
    Ztoc ztoc = ZtocBuilder.withDefaults().build(blob);
    byte[] raw = Files.readAllBytes(blob);
    assertThatThrownBy(
            () -> SeekableLayer.open(BlobSource.of(Arrays.copyOf(raw, raw.length + 1)), ztoc))
        .isInstanceOf(ZtocException.class)
        .hasMessageContaining("bytes");
  }

  @Test
  void missingNamesAndLoopsFailCleanly() throws Exception {
    Path blob = TestData.file("upstream/layers/basic.gnutar.gzip6.tar.gz");
    try (SeekableLayer l = SeekableLayer.open(blob, ZtocBuilder.withDefaults().build(blob))) {
      assertThatThrownBy(() -> l.readFile("no/such/file"))
          .isInstanceOf(EntryNotFoundException.class)
          .hasMessageContaining("does not exist");
    }
  }

  @Test
  void readsLegacyV1ZtocsEvenWithALongGzipHeader() throws Exception {
    Path v1 = TestData.file("upstream-v1");
    try (var s = Files.list(v1)) {
      for (Path z : s.filter(p -> p.toString().endsWith(".ztoc")).toList()) {
        String n = z.getFileName().toString();
        String layer = n.substring(0, n.lastIndexOf('.', n.length() - 6));
        Path blob = TestData.file("upstream/layers/" + layer);
        byte[] tar = gunzip(Files.readAllBytes(blob));
        Ztoc ztoc = Ztoc.decode(Files.readAllBytes(z));
        try (SeekableLayer l = SeekableLayer.open(blob, ztoc)) {
          for (var f : ztoc.files()) {
            if (f.type() == dev.soci.ztoc.EntryType.REG) {
              int off = (int) f.uncompressedOffset();
              assertThat(l.readFile(f.name()))
                  .as(n + " " + f.name())
                  .isEqualTo(Arrays.copyOfRange(tar, off, off + (int) f.uncompressedSize()));
            }
          }
        }
      }
    }
  }
}
