package dev.soci.benchmarks;

import dev.soci.ztoc.Ztoc;
import dev.soci.ztoc.ZtocBuilder;
import java.io.IOException;
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
 * Building a zTOC (TOC, checkpoints, span digests, encoding) against merely decompressing the same
 * layer with the JDK, in the same run. The target is a ratio of at most 1.0. {@code threads} is
 * {@link ZtocBuilder#parallelism}: 1 inflates on one thread, more adds speculative workers.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx1g"})
public class ZtocBuildBenchmark {
  @Param({"gzip6", "pigz"})
  public String dataset;

  @Param({"4194304"})
  public long spanSize;

  @Param({"1", "2"})
  public int threads;

  private Path layer;

  @Setup
  public void setup() {
    layer = Datasets.layer(dataset);
  }

  /** The whole zTOC build, encoded. */
  @Benchmark
  public byte[] ztocBuild() throws IOException {
    Ztoc z = ZtocBuilder.withDefaults().spanSize(spanSize).parallelism(threads).build(layer);
    return z.encode();
  }

  /**
   * Baseline: just decompressing the layer with the JDK's GZIPInputStream (one thread, whatever
   * {@code threads}).
   */
  @Benchmark
  public long jdkDecompressOnly() throws IOException {
    return JdkGunzip.decompress(layer);
  }
}
