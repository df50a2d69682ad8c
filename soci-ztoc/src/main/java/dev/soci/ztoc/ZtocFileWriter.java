package dev.soci.ztoc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Writes a new file atomically without ever replacing an existing one (for {@link
 * Ztoc#write(Path)}). The content goes to a temporary file beside the target and is forced to disk;
 * a hard link then makes it appear at the target in one step, and a link, unlike a rename, fails
 * when the target exists, so a file created meanwhile by someone else is never overwritten. Where
 * hard links are not supported, a plain move (which also refuses an existing target) is used.
 */
final class ZtocFileWriter {
  private ZtocFileWriter() {}

  static void writeNew(Path target, byte[] content) throws IOException {
    Path abs = target.toAbsolutePath();
    if (Files.exists(abs)) {
      refuseUnlessSame(abs, content);
      return;
    }
    Path dir = abs.getParent();
    Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      try {
        Files.createLink(abs, tmp);
      } catch (FileAlreadyExistsException e) {
        refuseUnlessSame(abs, content);
      } catch (UnsupportedOperationException e) {
        Files.move(tmp, abs);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void refuseUnlessSame(Path target, byte[] content) throws IOException {
    if (!Files.isRegularFile(target)
        || Files.size(target) != content.length
        || !Arrays.equals(Files.readAllBytes(target), content)) {
      throw new FileAlreadyExistsException(
          target.toString(), null, "exists with other content; not overwritten");
    }
  }
}
