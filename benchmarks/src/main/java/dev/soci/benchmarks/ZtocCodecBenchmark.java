package dev.soci.benchmarks;

import dev.soci.ztoc.EntryType;
import dev.soci.ztoc.FileMetadata;
import dev.soci.ztoc.PaxRecord;
import dev.soci.ztoc.Ztoc;
import dev.soci.ztoc.zinfo.TarZinfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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

/** Encoding and decoding a large zTOC (36k entries by default), and looking files up by name. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ZtocCodecBenchmark {
  @Param({"36000"})
  public int entries;

  private Ztoc ztoc;
  private byte[] encoded;
  private List<String> names;
  private int next;

  @Setup
  public void setup() throws Exception {
    List<FileMetadata> files = new ArrayList<>(entries);
    names = new ArrayList<>(entries);
    long offset = 512;
    for (int i = 0; i < entries; i++) {
      String name = "usr/lib/python3/dist-packages/pkg" + (i / 100) + "/module_" + i + ".py";
      long size = 100 + (i * 7919L) % 20000;
      FileMetadata.Builder b =
          FileMetadata.builder()
              .name(name)
              .type(EntryType.REG)
              .uncompressedOffset(offset)
              .uncompressedSize(size)
              .mode(0644)
              .uid(0)
              .gid(0)
              .userName("root")
              .groupName("root")
              .modTime("2024-01-02T03:04:05Z");
      if (i % 10 == 0) {
        b.addPaxRecord(PaxRecord.of("SCHILY.xattr.user.x", "v" + i));
      }
      files.add(b.build());
      names.add(name);
      offset += 512 + ((size + 511) / 512) * 512;
    }
    long archive = offset + 1024;
    TarZinfo zinfo = TarZinfo.of(4 << 20, archive);
    List<String> digests = new ArrayList<>();
    for (int i = 0; i <= zinfo.maxSpanId(); i++) {
      digests.add("sha256:" + String.format("%064x", i));
    }
    ztoc =
        Ztoc.assembler()
            .files(files)
            .compressedArchiveSize(archive)
            .uncompressedArchiveSize(archive)
            .compressionAlgorithm(dev.soci.ztoc.CompressionAlgorithm.UNCOMPRESSED)
            .maxSpanId(zinfo.maxSpanId())
            .spanDigests(digests)
            .checkpoints(zinfo.toBytes())
            .build();
    encoded = ztoc.encode();
    Collections.shuffle(names, new java.util.Random(1));
  }

  @Benchmark
  public byte[] encode() {
    return ztoc.encode();
  }

  @Benchmark
  public Ztoc decode() throws Exception {
    return Ztoc.decode(encoded);
  }

  /** One lookup by name in a decoded zTOC (microseconds matter: O(1) expected). */
  @Benchmark
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public Object lookup() {
    String n = names.get(next++ % names.size());
    return ztoc.toc().find(n).orElseThrow();
  }
}
