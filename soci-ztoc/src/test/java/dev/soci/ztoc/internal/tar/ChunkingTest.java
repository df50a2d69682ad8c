package dev.soci.ztoc.internal.tar;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The result never depends on how the stream is cut into chunks. */
class ChunkingTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "vectors/basic.tar",
        "vectors/text.tar",
        "upstream/layers/special.rawtar.pygzip6.tar.gz",
        "upstream/layers/gitarchive.tar.gz",
        "upstream/layers/basic.gotar-pax.go-default.tar.gz",
        "upstream/layers/spans.gnutar.gzip6.tar.gz",
        "upstream/layers/empty.gnutar.gzip6.tar.gz",
      })
  void sameResultForAnyChunking(String layer) throws Exception {
    byte[] tar = TestData.uncompressedLayer(layer);
    TarToc whole = TestData.parse(tar);
    assertThat(whole.entries()).isNotNull();
    assertThat(TestData.parseByteAtATime(tar)).isEqualTo(whole);
    for (long seed = 1; seed <= 5; seed++) {
      assertThat(TestData.parseRandomChunks(tar, seed, 1 + (int) (seed * seed * 997)))
          .as("seed %d", seed)
          .isEqualTo(whole);
    }
    // Chunks aligned to blocks, and chunks straddling every block boundary by one byte.
    assertThat(chunked(tar, 512)).isEqualTo(whole);
    assertThat(chunked(tar, 513)).isEqualTo(whole);
    assertThat(chunked(tar, 511)).isEqualTo(whole);
  }

  private static TarToc chunked(byte[] tar, int size) throws Exception {
    TarTocParser p = new TarTocParser();
    for (int off = 0; off < tar.length; off += size) {
      p.write(tar, off, Math.min(size, tar.length - off));
    }
    return p.finish();
  }
}
