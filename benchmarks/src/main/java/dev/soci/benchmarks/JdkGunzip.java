package dev.soci.benchmarks;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Whole-process baseline for {@code compare.sh}: decompress a gzip file with the JDK, discard it. */
public final class JdkGunzip {
  private JdkGunzip() {}

  /** Decompresses {@code args[0]} and prints the uncompressed size. */
  public static void main(String[] args) throws Exception {
    long n = 0;
    byte[] buf = new byte[1 << 18];
    try (InputStream in = new GZIPInputStream(Files.newInputStream(Path.of(args[0])), 1 << 16)) {
      int k;
      while ((k = in.read(buf)) > 0) {
        n += k;
      }
    }
    System.out.println(n);
  }
}
