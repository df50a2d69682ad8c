package dev.soci.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.soci.ztoc.CompressionAlgorithm;
import dev.soci.ztoc.GzipFormatException;
import dev.soci.ztoc.MalformedZtocException;
import dev.soci.ztoc.TarFormatException;
import dev.soci.ztoc.Ztoc;
import dev.soci.ztoc.ZtocBuilder;
import dev.soci.ztoc.ZtocException;
import dev.soci.ztoc.zinfo.Checkpoint;
import dev.soci.ztoc.zinfo.GzipZinfo;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The families of hostile input the issue names, each through the public API: a typed exception
 * (the {@link ZtocException} family) within a few seconds, never an unchecked exception, an {@code
 * OutOfMemoryError} or a hang.
 */
class HostileInputsTest {
  private static final Duration FEW_SECONDS = Duration.ofSeconds(5);
  private static final Path LAYER = TestData.file("upstream/layers/basic.gnutar.gzip6.tar.gz");

  @TempDir Path tmp;

  interface Action {
    void run() throws Exception;
  }

  /** Runs {@code action}; it must fail with {@code type} in a few seconds. */
  private static <T extends ZtocException> T failsCleanly(
      String what, Class<T> type, Action action) {
    Throwable t =
        assertTimeoutPreemptively(
            FEW_SECONDS,
            () -> {
              try {
                action.run();
                return null;
              } catch (Throwable e) {
                return e;
              }
            },
            what);
    assertThat(t).as(what).isInstanceOf(type);
    assertThat(t.getMessage()).as(what).isNotBlank();
    return type.cast(t);
  }

  /**
   * A truncated layer fails at the offset where its input ends (even where the missing bytes would
   * have been inside a block's tables); a corrupt one at an offset inside the layer that is exact
   * where the damage is in the header or trailer.
   */
  @Test
  void corruptAndTruncatedGzipLayers() throws Exception {
    byte[] gz = Files.readAllBytes(LAYER);
    for (int cut :
        new int[] {0, 1, 5, 9, 10, 11, 100, gz.length / 3, gz.length - 9, gz.length - 1}) {
      byte[] t = Arrays.copyOf(gz, cut);
      GzipFormatException e =
          failsCleanly(
              "cut at " + cut,
              GzipFormatException.class,
              () ->
                  ZtocBuilder.withDefaults()
                      .compression(CompressionAlgorithm.GZIP)
                      .build(new ByteArrayInputStream(t)));
      assertThat(e.offset()).as("offset of the cut at %d", cut).isEqualTo(cut);
      assertThat(e.getMessage())
          .as("cut at %d", cut)
          .containsAnyOf("unexpected end", "empty input");
    }
    int trailer = gz.length - 8;
    // the flags byte, inside the first block's tables, inside the data, the trailer's CRC
    int[][] corruptAtAndReportedFrom = {
      {3, 3, 3}, {12, 10, 12}, {200, 10, gz.length}, {gz.length - 6, trailer, trailer}
    };
    for (int[] c : corruptAtAndReportedFrom) {
      byte[] bad = gz.clone();
      bad[c[0]] ^= 0x5a;
      GzipFormatException e =
          failsCleanly(
              "corrupt byte " + c[0],
              GzipFormatException.class,
              () -> ZtocBuilder.withDefaults().build(new ByteArrayInputStream(bad)));
      assertThat(e.offset())
          .as("offset for corrupt byte %d", c[0])
          .isBetween((long) c[1], (long) c[2]);
    }
    // Damage deep in the data may decode to wrong bytes that the tar parser rejects first: then
    // the uncompressed offset of the header that fails its checksum.
    byte[] mid = gz.clone();
    mid[gz.length / 2] ^= 0x5a;
    ZtocException e =
        failsCleanly(
            "corrupt byte " + gz.length / 2,
            ZtocException.class,
            () -> ZtocBuilder.withDefaults().build(new ByteArrayInputStream(mid)));
    if (e instanceof TarFormatException tf) {
      assertThat(tf.offset() % 512).isZero();
    } else {
      assertThat(e).isInstanceOf(GzipFormatException.class);
      assertThat(((GzipFormatException) e).offset()).isBetween(10L, (long) gz.length);
    }
    byte[] garbage = Arrays.copyOf(gz, gz.length + 3);
    GzipFormatException g =
        failsCleanly(
            "trailing garbage",
            GzipFormatException.class,
            () -> ZtocBuilder.withDefaults().build(new ByteArrayInputStream(garbage)));
    assertThat(g.offset()).as("where the garbage starts").isEqualTo(gz.length);
  }

  /** A cut tar fails at the offset of the 512-byte header or record it cuts. */
  @Test
  void tarsCutMidHeaderOrData() throws Exception {
    byte[] tar = Files.readAllBytes(TestData.file("upstream/layers/small.gnutar.uncompressed.tar"));
    for (int cut : new int[] {1, 100, 511, 513, 1000, 1536 + 7}) {
      byte[] t = Arrays.copyOf(tar, cut);
      long record = cut / 512 * 512L;
      TarFormatException plain =
          failsCleanly(
              "tar cut at " + cut,
              TarFormatException.class,
              () -> ZtocBuilder.withDefaults().build(new ByteArrayInputStream(t)));
      assertThat(plain.offset()).as("tar cut at %d", cut).isEqualTo(record);
      ByteArrayOutputStream bos = new ByteArrayOutputStream();
      try (GZIPOutputStream g = new GZIPOutputStream(bos)) {
        g.write(t);
      }
      TarFormatException gzipped =
          failsCleanly(
              "gzipped tar cut at " + cut,
              TarFormatException.class,
              () -> ZtocBuilder.withDefaults().build(new ByteArrayInputStream(bos.toByteArray())));
      assertThat(gzipped.offset()).as("gzipped tar cut at %d", cut).isEqualTo(record);
    }
  }

  @Test
  void ztocsWithImpossibleCountsAndOffsets() throws Exception {
    // Every 4-byte field of a plain-tar layer's zTOC (no windows: every byte is structure) set to
    // huge values, one at a time: vector counts, offsets, sizes, span sizes.
    Path tarLayer = TestData.file("upstream/layers/small.gnutar.uncompressed.tar");
    byte[] good = ZtocBuilder.withDefaults().spanSize(4096).build(tarLayer).encode();
    List<byte[]> bad = new ArrayList<>();
    for (int at = 0; at + 4 <= good.length; at += 4) {
      for (int v : new int[] {0x7FFF_FFFF, 0xFFFF_FFFF, 0x4000_0000}) {
        byte[] b = good.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, v);
        bad.add(b);
      }
    }
    int accepted = readAll(tarLayer, bad);
    assertThat(accepted).as("variants accepted").isLessThan(bad.size() / 2);

    // A gzip layer's zTOC whose checkpoints blob claims 2^31-1 checkpoints, one whose last
    // checkpoint lies beyond the blob, impossible sizes.
    Ztoc z = ZtocBuilder.withDefaults().spanSize(1 << 20).build(LAYER);
    GzipZinfo g = (GzipZinfo) z.zinfo();
    List<byte[]> gz = new ArrayList<>();
    byte[] claim =
        ByteBuffer.allocate(12)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putInt(Integer.MAX_VALUE)
            .putLong(1)
            .array();
    gz.add(z.toAssembler().checkpoints(claim).build().encode());
    List<Checkpoint> cps = new ArrayList<>(g.checkpoints());
    Checkpoint last = cps.get(cps.size() - 1);
    cps.set(cps.size() - 1, new Checkpoint(1L << 40, last.out(), last.bits(), last.window()));
    gz.add(z.toAssembler().checkpoints(GzipZinfo.of(g.spanSize(), cps).toBytes()).build().encode());
    gz.add(z.toAssembler().uncompressedArchiveSize(Long.MAX_VALUE).build().encode());
    gz.add(z.toAssembler().compressedArchiveSize(-1).build().encode());
    gz.add(z.toAssembler().maxSpanId(Integer.MAX_VALUE).build().encode());
    assertThat(readAll(LAYER, gz)).isZero();
  }

  /** Decodes and reads every file through each zTOC; returns how many were accepted. */
  private static int readAll(Path layer, List<byte[]> ztocs) {
    int accepted = 0;
    for (int i = 0; i < ztocs.size(); i++) {
      byte[] b = ztocs.get(i);
      Throwable t =
          assertTimeoutPreemptively(
              FEW_SECONDS,
              () -> {
                try {
                  Ztoc d = Ztoc.decode(b);
                  try (SeekableLayer l = SeekableLayer.open(layer, d)) {
                    for (var f : d.files()) {
                      try (var in = l.openFile(f)) {
                        in.readAllBytes();
                      }
                    }
                  }
                  return null;
                } catch (Throwable e) {
                  return e;
                }
              },
              "variant " + i);
      if (t == null) {
        accepted++; // a field the checks accept (a mode, a time, a digest byte) changed
      } else {
        assertThat(t).as("variant %d", i).isInstanceOf(ZtocException.class);
      }
    }
    return accepted;
  }

  @Test
  void aHugeZtocFileIsRefusedBeforeItIsRead() throws Exception {
    Path huge = tmp.resolve("huge.ztoc");
    try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
      f.setLength(8L << 30); // sparse: 8 GiB that take no disk
    }
    failsCleanly("8 GiB zTOC", MalformedZtocException.class, () -> Ztoc.read(huge));
  }
}
