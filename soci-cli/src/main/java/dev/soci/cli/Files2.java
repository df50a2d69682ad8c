package dev.soci.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes output files atomically: a temporary file beside the target, then a rename. */
final class Files2 {
  private Files2() {}

  /** Writes content to an output stream. */
  @FunctionalInterface
  interface Writer {
    void writeTo(OutputStream out) throws IOException;
  }

  static Path tempBeside(Path target) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      // createTempFile makes the file private (0600); an output file is an ordinary 0644 file.
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
    }
    return tmp;
  }

  /**
   * Writes {@code target} through {@code writer}; an existing target is replaced only if {@code
   * overwrite}.
   */
  static void writeAtomically(Path target, boolean overwrite, Writer writer) throws IOException {
    Path tmp = tempBeside(target);
    try {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        writer.writeTo(out);
      }
      moveIntoPlace(tmp, target, overwrite);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  static void moveIntoPlace(Path tmp, Path target, boolean overwrite) throws IOException {
    if (overwrite) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } else {
      Files.move(tmp, target); // fails if the target exists: nothing is overwritten
    }
  }
}
