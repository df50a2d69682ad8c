package dev.soci.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the datasets made by {@code benchmarks/datasets.sh} are. */
final class Datasets {
  private Datasets() {}

  static Path layer(String name) {
    String dir =
        System.getProperty(
            "soci.bench.data",
            System.getenv().getOrDefault("SOCI_BENCH_DATA", "benchmarks/target/datasets"));
    Path p = Path.of(dir, "jdk-docs." + name + ".tar.gz");
    if (!Files.isRegularFile(p)) {
      throw new IllegalStateException(
          "dataset " + p.toAbsolutePath() + " is missing: run benchmarks/datasets.sh");
    }
    return p;
  }
}
