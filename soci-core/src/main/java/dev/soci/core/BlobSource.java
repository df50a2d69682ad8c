package dev.soci.core;

import java.io.Closeable;
import java.io.IOException;

/**
 * Random access to the bytes of a (compressed) layer blob: a local file, a byte array, or a blob in
 * a registry. Spans are fetched through it. Implementations are thread-safe.
 *
 * <p>Nothing a source returns is trusted: {@link SeekableLayer} checks every span against its
 * digest before use. Implementations must not block forever: every network read and every wait has
 * a timeout, and an interrupted read fails with an {@link java.io.InterruptedIOException} without
 * breaking the source for other threads (see {@link FileBlobSource}).
 */
public interface BlobSource extends Closeable {

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
