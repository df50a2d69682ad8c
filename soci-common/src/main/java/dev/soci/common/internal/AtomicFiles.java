package dev.soci.common.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The library's one way to write a file: into a temporary file beside the target, synced to disk,
 * then renamed into place. A reader sees the old file or the whole new one, never a part; a crash
 * leaves at most a hidden {@code .<name>.*.part} file; a failed write leaves the target untouched.
 * The new file gets the ordinary permissions {@code rw-r--r--} (where the file system has POSIX
 * permissions), not the private ones of a temporary file.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Writes a file's content to a stream (which the writer does not close). */
  @FunctionalInterface
  public interface Content {
    /** Writes the content to {@code out}. */
    void writeTo(OutputStream out) throws IOException;
  }

  /** Writes {@code bytes} as {@code target}, replacing a file that is there. */
  public static void write(Path target, byte[] bytes) throws IOException {
    write(target, true, out -> out.write(bytes));
  }

  /**
   * Writes what {@code content} writes as {@code target}. If {@code replace} is false and {@code
   * target} exists (even if it appears meanwhile), fails with {@link
   * java.nio.file.FileAlreadyExistsException} and leaves it as it is.
   */
  public static void write(Path target, boolean replace, Content content) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".part");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
          OutputStream out = Channels.newOutputStream(ch)) {
        content.writeTo(out);
        out.flush();
        ch.force(true);
      }
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: keep the default permissions
      }
      if (replace) {
        try {
          Files.move(
              tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
      } else {
        linkNew(tmp, target);
      }
      syncDirectory(dir);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Makes {@code tmp} appear as {@code target} unless {@code target} exists. A hard link, unlike a
   * rename, fails when the target exists, also when it appears between a check and the rename; a
   * plain move (check, then rename) is the fallback where the file system has no hard links.
   */
  private static void linkNew(Path tmp, Path target) throws IOException {
    try {
      Files.createLink(target, tmp);
    } catch (FileAlreadyExistsException e) {
      throw e;
    } catch (IOException | UnsupportedOperationException e) {
      Files.move(tmp, target);
    }
  }

  /** Makes the rename durable where the platform can sync a directory (Linux can, Windows not). */
  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // best effort: the file itself is synced
    }
  }
}
