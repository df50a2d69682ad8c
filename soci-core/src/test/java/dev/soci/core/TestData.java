package dev.soci.core;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the repository's shared test vectors. */
final class TestData {
  private TestData() {}

  static Path file(String relative) {
    String dir = System.getProperty("soci.testdata");
    Path root = dir != null ? Path.of(dir) : Path.of("../testdata");
    if (!Files.isDirectory(root)) {
      throw new IllegalStateException("test data not found at " + root.toAbsolutePath());
    }
    return root.resolve(relative);
  }
}
