package dev.soci.benchmarks;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Whole-process baseline for {@code compare.sh}: decompress a gzip file with the JDK, discard it.
 */
public final class JdkGunzip {
  private JdkGunzip() {}

  /** Decompresses {@code args[0]} and prints the uncompressed size. */
  public static void main(String[] args) throws Exception {
    System.out.println(decompress(Path.of(args[0])));
  }

  /**
   * The baseline every benchmark compares with: GZIPInputStream (native zlib), 64 KiB input buffer.
   */
  static long decompress(Path layer) throws java.io.IOException {
    long n = 0;
    byte[] buf = new byte[1 << 18];
    try (InputStream in = new GZIPInputStream(Files.newInputStream(layer), 1 << 16)) {
      int k;
      while ((k = in.read(buf)) > 0) {
        n += k;
      }
    }
    return n;
  }
}
