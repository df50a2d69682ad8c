package dev.soci.core.registry;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * The bytes of a blob to upload, readable from any offset: uploads are retried and resumed from
 * where the registry says it stopped, so the content must be opened again, not streamed once.
 */
@FunctionalInterface
public interface BlobContent {
  /** A stream of the content from {@code offset} to its end; the caller closes it. */
  InputStream open(long offset) throws IOException;

  /** The content of a file. */
  static BlobContent of(Path file) {
    Objects.requireNonNull(file, "file");
    return offset -> {
      FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
      try {
        ch.position(offset);
      } catch (IOException e) {
        ch.close();
        throw e;
      }
      return Channels.newInputStream(ch);
    };
  }

  /** The content of an array (not copied: do not change it during the upload). */
  static BlobContent of(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    return offset -> {
      int off = (int) Math.min(offset, bytes.length);
      return new ByteArrayInputStream(bytes, off, bytes.length - off);
    };
  }
}
