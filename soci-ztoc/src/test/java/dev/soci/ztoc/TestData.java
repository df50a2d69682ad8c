package dev.soci.ztoc;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the shared test vectors (upstream references and spec vectors) for tests. */
public final class TestData {
  private TestData() {}

  /** The repository's {@code testdata} directory. */
  public static Path root() {
    String dir = System.getProperty("soci.testdata");
    Path p = dir != null ? Path.of(dir) : Path.of("../testdata");
    if (!Files.isDirectory(p)) {
      throw new IllegalStateException("test data not found at " + p.toAbsolutePath());
    }
    return p;
  }

  /** A file under the test data directory. */
  public static Path file(String relative) {
    return root().resolve(relative);
  }
}
