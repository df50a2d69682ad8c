package dev.soci.ztoc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.ztoc.zinfo.GzipZinfo;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gzip streams whose block structure is degenerate (issue 11, cause 5): millions of empty deflate
 * blocks or empty gzip members before the first output byte. Upstream's checkpoint rule puts a
 * checkpoint at every such boundary; the builder must stay within its window, buffers and the zTOC
 * being built (the test JVM runs with {@code -Xmx64m}, see the {@code low-memory} surefire
 * execution) and fail with the zTOC size limit instead of an {@link OutOfMemoryError}.
 */
@Tag("low-memory")
class DegenerateGzipTest {
  @TempDir Path tmp;

  @BeforeAll
  static void runsInASmallHeap() {
    assertThat(Runtime.getRuntime().maxMemory())
        .as("run in the low-memory surefire execution (-Xmx64m)")
        .isLessThanOrEqualTo(96L << 20);
  }

  private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

  /** Writes deflate bits least significant first, as RFC 1951 packs them. */
  private static final class BitWriter {
    final OutputStream out;
    int acc;
    int n;

    BitWriter(OutputStream out) {
      this.out = out;
    }

    void bits(int value, int count) throws IOException {
      for (int i = 0; i < count; i++) {
        acc |= ((value >>> i) & 1) << n;
        if (++n == 8) {
          out.write(acc);
          acc = 0;
          n = 0;
        }
      }
    }

    void align() throws IOException {
      if (n > 0) {
        out.write(acc);
        acc = 0;
        n = 0;
      }
    }
  }

  private static byte[] tar() throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(bos)) {
      byte[] data = "hello, degenerate gzip\n".getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry e = new TarArchiveEntry("hello.txt");
      e.setSize(data.length);
      t.putArchiveEntry(e);
      t.write(data);
      t.closeArchiveEntry();
    }
    return bos.toByteArray();
  }

  private static void trailer(OutputStream out, byte[] data) throws IOException {
    CRC32 crc = new CRC32();
    crc.update(data);
    long c = crc.getValue();
    for (int i = 0; i < 4; i++) {
      out.write((int) (c >>> (8 * i)));
    }
    for (int i = 0; i < 4; i++) {
      out.write(data.length >>> (8 * i));
    }
  }

  /** One member: {@code empty} empty fixed-Huffman blocks, then the tar as a final stored block. */
  private Path emptyBlocksThenTar(int empty, byte[] tar) throws IOException {
    Path f = tmp.resolve("blocks-" + empty + ".gz");
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(f), 1 << 16)) {
      out.write(HEADER);
      BitWriter w = new BitWriter(out);
      for (int i = 0; i < empty; i++) {
        w.bits(0, 1); // BFINAL = 0
        w.bits(1, 2); // BTYPE = 01, fixed Huffman codes
        w.bits(0, 7); // end of block: code 256 is seven zero bits
      }
      w.bits(1, 1); // BFINAL = 1
      w.bits(0, 2); // BTYPE = 00, stored
      w.align();
      out.write(tar.length);
      out.write(tar.length >>> 8);
      out.write(~tar.length);
      out.write(~tar.length >>> 8);
      out.write(tar);
      trailer(out, tar);
    }
    return f;
  }

  /** {@code empty} empty gzip members, then one holding the tar. */
  private Path emptyMembersThenTar(int empty, byte[] tar) throws IOException {
    Path f = tmp.resolve("members-" + empty + ".gz");
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(f), 1 << 16)) {
      for (int i = 0; i < empty; i++) {
        out.write(HEADER);
        out.write(new byte[] {3, 0}); // BFINAL = 1, fixed, end of block
        trailer(out, new byte[0]);
      }
      byte[] one = emptyBlocksThenTarBytes(tar);
      out.write(one);
    }
    return f;
  }

  private static byte[] emptyBlocksThenTarBytes(byte[] tar) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream g = new java.util.zip.GZIPOutputStream(out)) {
      g.write(tar);
    }
    return out.toByteArray();
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void twoMillionEmptyBlocksFailOnTheZtocSizeLimitInBoundedMemory() throws IOException {
    Path layer = emptyBlocksThenTar(2_000_000, tar());
    assertThat(Files.size(layer)).isGreaterThan(2_400_000);
    assertThatThrownBy(() -> ZtocBuilder.withDefaults().parallelism(1).build(layer))
        .isExactlyInstanceOf(ZtocException.class)
        .hasMessageStartingWith(
            "the gzip stream has more than "
                + (ZtocLimits.DEFAULT_MAX_ZTOC_SIZE - GzipZinfo.HEADER_SIZE) / GzipZinfo.RECORD_SIZE
                + " deflate blocks or members before its first output byte")
        .hasMessageContaining("over the limit of " + ZtocLimits.DEFAULT_MAX_ZTOC_SIZE + " bytes")
        .hasMessageContaining("ZtocLimits.maxZtocSize");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void oneMillionEmptyMembersFailOnTheZtocSizeLimitInBoundedMemory() throws IOException {
    Path layer = emptyMembersThenTar(1_000_000, tar());
    assertThatThrownBy(() -> ZtocBuilder.withDefaults().parallelism(1).build(layer))
        .isExactlyInstanceOf(ZtocException.class)
        .hasMessageContaining("deflate blocks or members before its first output byte")
        .hasMessageContaining("ZtocLimits.maxZtocSize");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aFewEmptyBlocksKeepUpstreamsCheckpointsAndReadBack() throws IOException {
    byte[] tar = tar();
    Path layer = emptyBlocksThenTar(100, tar);
    Ztoc z = ZtocBuilder.withDefaults().build(layer);
    // upstream (zran): a checkpoint at every boundary before the first output byte: 100 empty
    // blocks and the stored block make 101 boundaries at uncompressed offset 0
    GzipZinfo zinfo = (GzipZinfo) z.zinfo();
    assertThat(zinfo.checkpoints()).hasSize(101).allMatch(c -> c.out() == 0);
    assertThat(z.files()).extracting(FileMetadata::name).containsExactly("hello.txt");
    Ztoc again = Ztoc.decode(z.encode());
    assertThat(again.encode()).isEqualTo(z.encode());
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aZtocOverTheLimitFailsAsSoonAsItIsPassed() throws IOException {
    byte[] data = new byte[4 << 20];
    new java.util.Random(5).nextBytes(data);
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(tar)) {
      TarArchiveEntry e = new TarArchiveEntry("random.bin");
      e.setSize(data.length);
      t.putArchiveEntry(e);
      t.write(data);
      t.closeArchiveEntry();
    }
    Path layer = tmp.resolve("random.tar.gz");
    Files.write(layer, emptyBlocksThenTarBytes(tar.toByteArray()));
    assertThatThrownBy(
            () ->
                ZtocBuilder.withDefaults()
                    .spanSize(1024)
                    .limits(ZtocLimits.defaults().withMaxZtocSize(1 << 20))
                    .build(layer))
        .isExactlyInstanceOf(ZtocException.class)
        .hasMessageStartingWith("the zTOC would be ")
        .hasMessageContaining("over the limit of 1048576 bytes")
        .hasMessageContaining("larger span size");
  }
}
