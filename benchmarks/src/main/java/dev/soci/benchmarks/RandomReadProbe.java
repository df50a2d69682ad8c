package dev.soci.benchmarks;

import dev.soci.core.BlobSource;
import dev.soci.core.SeekableLayer;
import dev.soci.ztoc.Ztoc;
import dev.soci.ztoc.ZtocBuilder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * Whole-process companion of {@code compare.sh}: median latency of 1 MiB reads at random offsets
 * (the same seeded offsets as {@code random_read_indexed_gzip.py}), after a warm-up. Usage: {@code
 * RandomReadProbe LAYER SPAN_SIZE READS VERIFY}.
 */
public final class RandomReadProbe {
  private RandomReadProbe() {}

  /** Prints the median and 90th percentile in milliseconds. */
  public static void main(String[] args) throws Exception {
    Path layer = Path.of(args[0]);
    long span = Long.parseLong(args[1]);
    int reads = Integer.parseInt(args[2]);
    boolean verify = Boolean.parseBoolean(args[3]);
    Ztoc ztoc = ZtocBuilder.withDefaults().spanSize(span).build(layer);
    long size = ztoc.uncompressedArchiveSize();
    try (SeekableLayer l =
        SeekableLayer.open(
            BlobSource.of(layer),
            ztoc,
            SeekableLayer.Options.defaults().withVerifySpanDigests(verify))) {
      Random warm = new Random(7);
      for (int i = 0; i < 100; i++) {
        l.readRange((long) (warm.nextDouble() * (size - (1 << 20))), 1 << 20);
      }
      long[] offsets = offsets(size, reads);
      double[] ms = new double[reads];
      for (int i = 0; i < reads; i++) {
        long t0 = System.nanoTime();
        l.readRange(offsets[i], 1 << 20);
        ms[i] = (System.nanoTime() - t0) / 1e6;
      }
      Arrays.sort(ms);
      System.out.printf("median %.2f ms p90 %.2f ms%n", ms[reads / 2], ms[reads * 9 / 10]);
    }
  }

  /** Offsets k * 7919 * 4099 mod (size - 1 MiB): simple, and the same in the Python script. */
  static long[] offsets(long size, int n) {
    long[] o = new long[n];
    long range = size - (1 << 20);
    for (int k = 0; k < n; k++) {
      o[k] = Math.floorMod((k + 1) * 7919L * 1_000_003L, range);
    }
    return o;
  }
}
