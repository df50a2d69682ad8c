package dev.soci.ztoc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tar header verification: the chain in front of each entry's data must describe it. */
class TarHeaderVerifierTest {

  /** A ustar header block for {@code name}. */
  static byte[] header(String name, char type, long size, int mode) {
    byte[] h = new byte[512];
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(n, 0, h, 0, n.length);
    put(h, 100, String.format("%07o", mode));
    put(h, 108, "0000000");
    put(h, 116, "0000000");
    put(h, 124, String.format("%011o", size));
    put(h, 136, "14525301160");
    h[156] = (byte) type;
    put(h, 257, "ustar");
    put(h, 263, "00");
    Arrays.fill(h, 148, 156, (byte) ' ');
    int sum = 0;
    for (byte b : h) {
      sum += b & 0xFF;
    }
    put(h, 148, String.format("%06o", sum));
    h[154] = 0;
    return h;
  }

  private static void put(byte[] h, int off, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, off, b.length);
  }

  private static byte[] chain(byte[] tar, Toc toc, FileMetadata f) {
    return Arrays.copyOfRange(tar, (int) toc.headerOffset(f), (int) f.uncompressedOffset());
  }

  @Test
  void headerOffsetsAreUpstreamsTarHeaderOffsets() throws Exception {
    // toc.md section 9: the worked example.
    byte[] tar = TestData.read(TestData.path("vectors", "basic.tar"));
    Ztoc z = ZtocBuilder.withDefaults().build(new ByteArrayInputStream(tar));
    assertThat(z.files())
        .extracting(f -> z.toc().headerOffset(f))
        .containsExactly(0L, 512L, 6656L, 208384L, 208896L, 209408L, 211456L, 211968L, 212480L);
    assertThatThrownBy(() -> z.toc().headerOffset(z.files().get(1).toBuilder().build()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void everyEntryOfRealLayersVerifies() throws Exception {
    for (String layer :
        List.of("vectors/basic.tar", "upstream/layers/small.gnutar.uncompressed.tar")) {
      byte[] tar = TestData.read(TestData.file(layer));
      Ztoc z = ZtocBuilder.withDefaults().build(new ByteArrayInputStream(tar));
      for (FileMetadata f : z.files()) {
        TarHeaderVerifier.verify(f, z.toc().headerOffset(f), chain(tar, z.toc(), f));
      }
    }
  }

  @Test
  void aTocThatDoesNotMatchTheHeadersIsNamed() throws Exception {
    byte[] tar = TestData.read(TestData.path("vectors", "basic.tar"));
    Toc toc = ZtocBuilder.withDefaults().build(new ByteArrayInputStream(tar)).toc();
    FileMetadata hello = toc.find("etc/hello.txt").orElseThrow();
    long h = toc.headerOffset(hello);
    byte[] chain = chain(tar, toc, hello);

    FileMetadata renamed = hello.toBuilder().name("etc/shadow").build();
    assertThatThrownBy(() -> TarHeaderVerifier.verify(renamed, h, chain))
        .isInstanceOf(TocMismatchException.class)
        .hasMessage(
            "zTOC does not belong to this layer: header at uncompressed offset 512 names"
                + " \"etc/hello.txt\" (reg, 5500 bytes), TOC says \"etc/shadow\" (reg, 5500 bytes)");
    assertThatThrownBy(
            () ->
                TarHeaderVerifier.verify(
                    hello.toBuilder().uncompressedSize(9999).build(), h, chain))
        .isInstanceOf(TocMismatchException.class)
        .hasMessageContaining("in its size");
    assertThatThrownBy(
            () -> TarHeaderVerifier.verify(hello.toBuilder().mode(04755).build(), h, chain))
        .isInstanceOf(TocMismatchException.class)
        .hasMessageContaining("in its mode (0644 vs 04755)");
    assertThatThrownBy(
            () ->
                TarHeaderVerifier.verify(
                    hello.toBuilder().type(EntryType.SYMLINK).build(), h, chain))
        .isInstanceOf(TocMismatchException.class)
        .hasMessageContaining("in its type");
    assertThatThrownBy(
            () ->
                TarHeaderVerifier.verify(
                    hello.toBuilder().linkName("/etc/passwd").build(), h, chain))
        .isInstanceOf(TocMismatchException.class)
        .hasMessageContaining("link name");
    // The chain of another entry, or bytes from inside file data.
    FileMetadata random = toc.find("data/random.bin").orElseThrow();
    assertThatThrownBy(() -> TarHeaderVerifier.verify(hello, h, chain(tar, toc, random)))
        .isInstanceOf(TocMismatchException.class)
        .hasMessageContaining("do not end where the entry's data starts");
    byte[] data =
        Arrays.copyOfRange(
            tar, (int) random.uncompressedOffset(), (int) random.uncompressedOffset() + 512);
    FileMetadata shifted =
        hello.toBuilder().uncompressedOffset(random.uncompressedOffset() + 512).build();
    assertThatThrownBy(() -> TarHeaderVerifier.verify(shifted, random.uncompressedOffset(), data))
        .isInstanceOf(TocMismatchException.class)
        .hasMessageContaining("is not a tar header");
    assertThatThrownBy(() -> TarHeaderVerifier.verify(hello, 1024, new byte[0]))
        .isInstanceOf(TocMismatchException.class)
        .hasMessageContaining("no room for a tar header");
  }

  @Test
  void aChainWithTwoEntriesIsNotOneHeader() {
    byte[] two = new byte[1024];
    System.arraycopy(header("a", '5', 0, 0755), 0, two, 0, 512);
    System.arraycopy(header("b", '0', 0, 0644), 0, two, 512, 512);
    FileMetadata b =
        FileMetadata.builder()
            .name("b")
            .type(EntryType.REG)
            .uncompressedOffset(1024)
            .mode(0644)
            .modTime("2023-11-14T22:13:20Z")
            .build();
    assertThatThrownBy(() -> TarHeaderVerifier.verify(b, 0, two))
        .isInstanceOf(TocMismatchException.class)
        .hasMessageContaining("holds 2 entries");
  }
}
