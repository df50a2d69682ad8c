package dev.soci.benchmarks;

import dev.soci.core.SeekableLayer;
import dev.soci.ztoc.EntryType;
import dev.soci.ztoc.FileMetadata;
import dev.soci.ztoc.Ztoc;
import dev.soci.ztoc.ZtocBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Lazy reads through a zTOC: 1 MiB at a random offset, and a whole ~8 MB file, at several span
 * sizes, with and without span digest verification.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx1g"})
public class RandomReadBenchmark {
  @Param({"gzip6"})
  public String dataset;

  @Param({"1048576", "4194304"})
  public long spanSize;

  @Param({"true", "false"})
  public boolean verify;

  private SeekableLayer layer;
  private long size;
  private final Random random = new Random(42);
  private FileMetadata largeFile;

  @Setup(Level.Trial)
  public void setup() throws IOException {
    Path blob = Datasets.layer(dataset);
    Ztoc ztoc = ZtocBuilder.withDefaults().spanSize(spanSize).build(blob);
    layer =
        SeekableLayer.open(
            dev.soci.core.BlobSource.of(blob),
            ztoc,
            SeekableLayer.Options.defaults().withVerifySpanDigests(verify));
    size = ztoc.uncompressedArchiveSize();
    // The regular file closest to 8.4 MB, as in the measurement.
    largeFile =
        ztoc.files().stream()
            .filter(f -> f.type() == EntryType.REG)
            .min(Comparator.comparingLong(f -> Math.abs(f.uncompressedSize() - 8_400_000L)))
            .orElseThrow();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    layer.close();
  }

  /** 1 MiB of the uncompressed tar at a random offset. */
  @Benchmark
  public byte[] random1MiB() throws IOException {
    long off = (long) (random.nextDouble() * (size - (1 << 20)));
    return layer.readRange(off, 1 << 20);
  }

  /** The whole file nearest 8.4 MB. */
  @Benchmark
  public byte[] file8MB() throws IOException {
    return layer.readFile(largeFile.name());
  }
}
