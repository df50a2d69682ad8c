package dev.soci.ztoc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Locates the shared test data ({@code -Dsoci.testdata}, set by surefire to {@code
 * <repo>/testdata}).
 */
public final class TestData {
  private TestData() {}

  /** The repository's {@code testdata} directory. */
  public static Path root() {
    String dir = System.getProperty("soci.testdata");
    if (dir == null) {
      throw new IllegalStateException("system property soci.testdata is not set");
    }
    return Path.of(dir);
  }

  static Path path(String first, String... more) {
    return root().resolve(Path.of(first, more));
  }

  static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String readString(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Files directly in {@code dir} whose names end with {@code suffix}, sorted by name. */
  static List<Path> list(Path dir, String suffix) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** A file under the test data directory. */
  public static Path file(String relative) {
    return root().resolve(relative);
  }
}
