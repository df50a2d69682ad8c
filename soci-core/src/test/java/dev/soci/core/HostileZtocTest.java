package dev.soci.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.ztoc.FileMetadata;
import dev.soci.ztoc.Toc;
import dev.soci.ztoc.TocMismatchException;
import dev.soci.ztoc.Ztoc;
import dev.soci.ztoc.ZtocBuilder;
import dev.soci.ztoc.ZtocException;
import dev.soci.ztoc.ZtocLimits;
import dev.soci.ztoc.zinfo.Checkpoint;
import dev.soci.ztoc.zinfo.GzipZinfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A zTOC that does not belong to the layer, or whose TOC or checkpoints were altered, never yields
 * a wrong byte: the read fails with a typed exception that says where.
 */
@Timeout(60)
class HostileZtocTest {
  private static final Path BASIC = TestData.file("vectors/basic.tar.gz");

  private static Ztoc withFiles(Ztoc z, List<FileMetadata> files) {
    return z.toAssembler().files(files).build();
  }

  private static List<FileMetadata> replace(
      List<FileMetadata> files, String name, FileMetadata by) {
    List<FileMetadata> out = new ArrayList<>(files);
    out.replaceAll(f -> f.name().equals(name) ? by : f);
    return out;
  }

  @Test
  void aRenamedEntryIsCaughtByItsHeader() throws Exception {
    Ztoc z = ZtocBuilder.withDefaults().build(BASIC);
    FileMetadata random = z.toc().find("data/random.bin").orElseThrow();
    Ztoc forged =
        withFiles(
            z,
            replace(z.files(), "data/random.bin", random.toBuilder().name("etc/shadow").build()));
    try (SeekableLayer l = SeekableLayer.open(BASIC, forged)) {
      assertThatThrownBy(() -> l.readFile("etc/shadow"))
          .isInstanceOf(TocMismatchException.class)
          .hasMessage(
              "zTOC does not belong to this layer: header at uncompressed offset 6656 names"
                  + " \"data/random.bin\" (reg, 200000 bytes), TOC says \"etc/shadow\" (reg, 200000 bytes)");
      assertThat(l.readFile("etc/hello.txt")).hasSize(5500); // the other entries still read
    }
    // The check is what stops it: without it, another file's bytes come back.
    try (SeekableLayer l =
        SeekableLayer.open(
            BASIC, forged, SeekableLayer.Options.defaults().withVerifyTarHeaders(false))) {
      assertThat(l.readFile("etc/shadow")).hasSize(200_000);
    }
  }

  @Test
  void aShiftedOffsetOrAlteredSizeIsCaught() throws Exception {
    Ztoc z = ZtocBuilder.withDefaults().build(BASIC);
    FileMetadata hello = z.toc().find("etc/hello.txt").orElseThrow();
    Ztoc shifted =
        withFiles(
            z,
            replace(
                z.files(),
                "etc/hello.txt",
                hello.toBuilder()
                    .uncompressedOffset(hello.uncompressedOffset() + 512)
                    .uncompressedSize(4988)
                    .build()));
    Ztoc resized =
        withFiles(
            z,
            replace(z.files(), "etc/hello.txt", hello.toBuilder().uncompressedSize(100).build()));
    for (Ztoc forged : List.of(shifted, resized)) {
      try (SeekableLayer l = SeekableLayer.open(BASIC, forged)) {
        assertThatThrownBy(() -> l.readFile("etc/hello.txt"))
            .isInstanceOf(TocMismatchException.class)
            .hasMessageStartingWith(
                "zTOC does not belong to this layer: header at uncompressed offset 512");
      }
    }
  }

  @Test
  void aForeignZtocIsRefused() throws Exception {
    Path other = TestData.file("vectors/fname.tar.gz"); // the same tar, gzipped with a file name
    Ztoc z = ZtocBuilder.withDefaults().build(BASIC);
    assertThatThrownBy(() -> SeekableLayer.open(other, z))
        .isInstanceOf(ZtocException.class)
        .hasMessageContaining("201238 bytes")
        .hasMessageContaining("201228 bytes");
    byte[] same = Files.readAllBytes(BASIC);
    same[same.length / 2] ^= 1;
    try (SeekableLayer l = SeekableLayer.open(BlobSource.of(same), z)) {
      assertThatThrownBy(() -> l.readFile("data/random.bin"))
          .isInstanceOf(SpanVerificationException.class);
    }
  }

  @Test
  void aSpanThatInflatesBeyondItsDeclaredSizeFails() throws Exception {
    Path blob = TestData.file("upstream/layers/spans.gnutar.gzip6.tar.gz");
    Ztoc z = ZtocBuilder.withDefaults().spanSize(65536).build(blob);
    GzipZinfo g = (GzipZinfo) z.zinfo();
    // Claim that span 5 ends 4096 bytes earlier than it does.
    List<Checkpoint> cps = new ArrayList<>(g.checkpoints());
    Checkpoint c6 = cps.get(6);
    cps.set(6, new Checkpoint(c6.in(), c6.out() - 4096, c6.bits(), c6.window()));
    Ztoc forged = z.toAssembler().checkpoints(GzipZinfo.of(g.spanSize(), cps).toBytes()).build();
    long from = g.checkpoint(5).out();
    try (SeekableLayer l = SeekableLayer.open(blob, forged)) {
      assertThatThrownBy(() -> l.readRange(from, 400_000))
          .isInstanceOf(ZtocException.class)
          .hasMessageContaining("span 5 ")
          .hasMessageContaining("inflates past uncompressed offset " + (c6.out() - 4096));
    }
  }

  @Test
  void spansOutsideTheBlobOrOverTheLimitAreRefusedAtOpen() throws Exception {
    Path blob = TestData.file("upstream/layers/spans.gnutar.gzip6.tar.gz");
    Ztoc z = ZtocBuilder.withDefaults().spanSize(1 << 20).build(blob);
    assertThatThrownBy(
            () ->
                SeekableLayer.open(
                    blob,
                    z,
                    SeekableLayer.Options.defaults()
                        .withLimits(ZtocLimits.defaults().withMaxSpanCompressedSize(100_000))))
        .isInstanceOf(ZtocException.class)
        .hasMessageContaining("maxSpanCompressedSize");
    GzipZinfo g = (GzipZinfo) z.zinfo();
    List<Checkpoint> cps = new ArrayList<>(g.checkpoints());
    Checkpoint last = cps.get(cps.size() - 1);
    cps.set(
        cps.size() - 1,
        new Checkpoint(Files.size(blob) + 10, last.out(), last.bits(), last.window()));
    Ztoc beyond = z.toAssembler().checkpoints(GzipZinfo.of(g.spanSize(), cps).toBytes()).build();
    assertThatThrownBy(() -> SeekableLayer.open(blob, beyond))
        .isInstanceOf(ZtocException.class)
        .hasMessageContaining("not inside the " + Files.size(blob) + "-byte blob");
  }

  @Test
  void everyFileOfEveryLayerStillReadsWithVerification() throws Exception {
    for (String name :
        List.of(
            "basic.gnutar.go-default.tar.gz",
            "basic.gotar-pax.go-default.tar.gz",
            "gitarchive.tar.gz",
            "special.rawtar.pygzip6.tar.gz",
            "small.gnutar.uncompressed.tar")) {
      Path blob = TestData.file("upstream/layers/" + name);
      Ztoc z = ZtocBuilder.withDefaults().spanSize(65536).build(blob);
      byte[] tar =
          name.endsWith(".tar")
              ? Files.readAllBytes(blob)
              : SeekableLayerTest.gunzip(Files.readAllBytes(blob));
      try (SeekableLayer l = SeekableLayer.open(blob, z)) {
        Toc toc = l.toc();
        for (FileMetadata f : toc.entries()) {
          try (var in = l.openFile(f)) {
            byte[] got = in.readAllBytes();
            if (f.type() == dev.soci.ztoc.EntryType.REG) {
              int off = (int) f.uncompressedOffset();
              assertThat(got)
                  .as(name + " " + f.name())
                  .isEqualTo(Arrays.copyOfRange(tar, off, off + (int) f.uncompressedSize()));
            }
          }
        }
      }
    }
  }
}
