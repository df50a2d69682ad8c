package dev.soci.oci.layout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** Words what kind of file a path is, for messages about files that should be regular. */
final class FileKind {
  private FileKind() {}

  /**
   * What {@code f} is: "a directory", "a FIFO", "a character device" ..., or "a symbolic link to T,
   * which is ..." for a link (followed to its end).
   */
  static String describe(Path f) {
    try {
      BasicFileAttributes own =
          Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (own.isSymbolicLink()) {
        String target = String.valueOf(Files.readSymbolicLink(f));
        String end;
        try {
          end = kind(f, Files.readAttributes(f, BasicFileAttributes.class));
        } catch (IOException e) {
          end = "missing or unreachable";
        }
        return "a symbolic link to " + target + ", which is " + end;
      }
      return kind(f, own);
    } catch (IOException e) {
      return "not accessible (" + e.getClass().getSimpleName() + ")";
    }
  }

  private static String kind(Path f, BasicFileAttributes a) {
    if (a.isRegularFile()) {
      return "a regular file";
    }
    if (a.isDirectory()) {
      return "a directory";
    }
    if (a.isSymbolicLink()) {
      return "a symbolic link";
    }
    try {
      // The "unix" view exists on Linux and macOS; elsewhere the generic wording below is used.
      int mode = (Integer) Files.getAttribute(f, "unix:mode");
      switch (mode & 0170000) {
        case 0010000:
          return "a FIFO";
        case 0020000:
          return "a character device";
        case 0060000:
          return "a block device";
        case 0140000:
          return "a socket";
        default:
          break;
      }
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      // fall through
    }
    return "a special file";
  }
}
