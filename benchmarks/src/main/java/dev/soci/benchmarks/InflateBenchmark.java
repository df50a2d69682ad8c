package dev.soci.benchmarks;

import dev.soci.ztoc.gzip.GzipDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decompressing a whole layer: our pure-Java decoder (which also reports every block boundary and
 * keeps the window) against the JDK's native zlib, on the same bytes in the same run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx1g"})
public class InflateBenchmark {
  @Param({"gzip6", "pigz"})
  public String dataset;

  private Path layer;

  @Setup
  public void setup() {
    layer = Datasets.layer(dataset);
  }

  /** Pure-Java decode with block boundaries. Returns the uncompressed size. */
  @Benchmark
  public long pureJava() throws IOException {
    long[] n = {0};
    try (InputStream in = Files.newInputStream(layer)) {
      new GzipDecoder(in).decode((b, off, len) -> n[0] += len);
    }
    return n[0];
  }

  /** Baseline: the JDK's GZIPInputStream (native zlib). */
  @Benchmark
  public long jdkGzipInputStream() throws IOException {
    return JdkGunzip.decompress(layer);
  }
}
