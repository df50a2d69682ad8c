package dev.soci.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes output files atomically: a temporary file beside the target, then a rename. */
final class Files2 {
  private Files2() {}

  static Path tempBeside(Path target) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    return Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
  }

  static void writeAtomically(Path target, byte[] bytes, boolean overwrite) throws IOException {
    Path tmp = tempBeside(target);
    try {
      Files.write(tmp, bytes);
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
