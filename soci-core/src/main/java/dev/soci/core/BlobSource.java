package dev.soci.core;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Random access to the bytes of a (compressed) layer blob: a local file, a byte array, or a blob in
 * a registry. Spans are fetched through it. Implementations are thread-safe.
 *
 * <p>Nothing a source returns is trusted: {@link SeekableLayer} checks every span against its
 * digest before use. Implementations must not block forever: every network read and every wait has
 * a timeout, and an interrupted read fails with an {@link java.io.InterruptedIOException} without
 * breaking the source for other threads (see {@link #of(Path)}).
 */
public interface BlobSource extends Closeable {

  /**
   * A blob in a local file, read with positional reads. Thread-safe.
   *
   * <p>A thread interrupted while reading fails with an {@link java.io.InterruptedIOException}
   * (keeping its interrupt status) and costs no other thread its read: the file is reopened, and
   * must still be the same file (same file key and size), or reads fail. After {@link #close()},
   * reads fail.
   *
   * @throws IOException if the file cannot be opened
   */
  static BlobSource of(Path file) throws IOException {
    return new FileBlobSource(file);
  }

  /**
   * A blob held in memory. Thread-safe. The array is not copied: do not change it while the source
   * is in use.
   */
  static BlobSource of(byte[] data) {
    return new ByteArrayBlobSource(data);
  }

  /** The blob size in bytes. */
  long size() throws IOException;

  /**
   * Reads exactly {@code length} bytes starting at {@code offset} into {@code dst[dstOffset..]}.
   * Fails with an {@link IOException} naming the range when the blob is shorter.
   */
  void readFully(long offset, byte[] dst, int dstOffset, int length) throws IOException;

  /** Reads {@code [offset, offset + length)} into a new array. */
  default byte[] read(long offset, int length) throws IOException {
    byte[] b = new byte[length];
    readFully(offset, b, 0, length);
    return b;
  }

  /**
   * Whether the server behind this source was found to ignore range requests (answering with the
   * whole blob, so each read costs the blob up to the range's end); always false for local sources.
   */
  default boolean rangesIgnored() {
    return false;
  }

  @Override
  default void close() throws IOException {}
}
