package dev.soci.ztoc.internal.tar;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.soci.ztoc.TarFormatException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPInputStream;

/** Locates the shared test data and feeds byte arrays to a {@link TarTocParser}. */
final class TestData {
  private TestData() {}

  /** The repository's {@code testdata} directory (system property {@code soci.testdata}). */
  static Path root() {
    String dir = System.getProperty("soci.testdata");
    assertNotNull(dir, "system property soci.testdata is not set (run through Maven)");
    return Path.of(dir);
  }

  static byte[] read(String relative) {
    try {
      return Files.readAllBytes(root().resolve(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The uncompressed tar bytes of a layer (gzip layers are decompressed, multi-member too). */
  static byte[] uncompressedLayer(String relative) {
    byte[] raw = read(relative);
    if (raw.length < 2 || (raw[0] & 0xFF) != 0x1f || (raw[1] & 0xFF) != 0x8b) {
      return raw;
    }
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw), 65536)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses {@code tar} fed in one chunk. */
  static TarToc parse(byte[] tar) throws TarFormatException {
    TarTocParser p = new TarTocParser();
    p.write(tar, 0, tar.length);
    return p.finish();
  }

  /** Parses {@code tar} fed byte by byte. */
  static TarToc parseByteAtATime(byte[] tar) throws TarFormatException {
    TarTocParser p = new TarTocParser();
    for (int i = 0; i < tar.length; i++) {
      p.write(tar, i, 1);
    }
    return p.finish();
  }

  /** Parses {@code tar} fed in random chunk sizes (1..maxChunk, some empty chunks). */
  static TarToc parseRandomChunks(byte[] tar, long seed, int maxChunk) throws TarFormatException {
    Random random = new Random(seed);
    TarTocParser p = new TarTocParser();
    int off = 0;
    while (off < tar.length) {
      int n = Math.min(tar.length - off, random.nextInt(maxChunk + 1));
      // Use a shifted copy so that offsets into the caller's array are exercised too.
      byte[] chunk = new byte[n + 7];
      System.arraycopy(tar, off, chunk, 3, n);
      p.write(chunk, 3, n);
      off += n;
    }
    return p.finish();
  }
}
