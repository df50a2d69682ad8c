package dev.soci.core;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * A blob in a local file, read with positional reads. Thread-safe.
 *
 * <p>A {@link FileChannel} is closed for everyone when a thread blocked in it is interrupted. Here
 * that costs only the interrupted read: it fails with an {@link InterruptedIOException} (the thread
 * keeps its interrupt status), the channel is reopened, and reads of other threads caught by the
 * close are retried on the new channel. The reopened file must be the same file (same file key and
 * size), or reads fail. After {@link #close()}, reads fail.
 */
final class FileBlobSource implements BlobSource {
  private static final int MAX_REOPENS_PER_READ = 16;

  private final Path path;
  private final Object fileKey;
  private final long size;
  private volatile FileChannel channel;
  private volatile boolean closed;

  /** Opens {@code path} for reading. */
  FileBlobSource(Path path) throws IOException {
    this.path = path;
    this.channel = FileChannel.open(path, StandardOpenOption.READ);
    try {
      this.size = channel.size();
      this.fileKey = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public void readFully(long offset, byte[] dst, int dstOffset, int length) throws IOException {
    Objects.checkFromIndexSize(dstOffset, length, dst.length);
    if (offset < 0 || offset > size - length) {
      throw new EOFException(
          path
              + " is "
              + size
              + " bytes, but bytes ["
              + offset
              + ", "
              + (offset + length)
              + ") were needed");
    }
    ByteBuffer bb = ByteBuffer.wrap(dst, dstOffset, length);
    long pos = offset;
    int reopens = 0;
    while (bb.hasRemaining()) {
      if (Thread.currentThread().isInterrupted()) {
        throw interrupted(offset, length, null);
      }
      FileChannel ch = channel;
      int n;
      try {
        n = ch.read(bb, pos);
      } catch (ClosedByInterruptException e) {
        // This thread's interrupt closed the channel. It must not open the new one: I/O on it
        // would fail the same way while the interrupt status is set. Whoever reads next does.
        throw interrupted(offset, length, e);
      } catch (ClosedChannelException e) {
        // Closed under us: by close(), or because another thread's read was interrupted.
        if (closed || ++reopens > MAX_REOPENS_PER_READ) {
          throw new IOException(
              "blob "
                  + path
                  + " was closed while bytes ["
                  + offset
                  + ", "
                  + (offset + length)
                  + ") were read",
              e);
        }
        try {
          reopen(ch);
        } catch (ClosedByInterruptException e2) {
          throw interrupted(offset, length, e2); // interrupted while it opened the new channel
        }
        continue;
      }
      if (n < 0) {
        throw new EOFException(
            path
                + " ends at byte "
                + pos
                + ", but bytes ["
                + offset
                + ", "
                + (offset + length)
                + ") were needed");
      }
      pos += n;
    }
  }

  private InterruptedIOException interrupted(long offset, int length, Exception cause) {
    InterruptedIOException e =
        new InterruptedIOException(
            "read of bytes ["
                + offset
                + ", "
                + (offset + length)
                + ") of "
                + path
                + " interrupted");
    if (cause != null) {
      e.initCause(cause);
    }
    return e;
  }

  /** Replaces {@code stale} by a new channel on the same file, unless closed or done already. */
  private synchronized void reopen(FileChannel stale) throws IOException {
    if (closed || channel != stale) {
      return;
    }
    FileChannel fresh = FileChannel.open(path, StandardOpenOption.READ);
    try {
      Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
      if (!Objects.equals(key, fileKey) || fresh.size() != size) {
        throw new IOException(
            "blob "
                + path
                + " was replaced while it was read (file key "
                + key
                + ", size "
                + fresh.size()
                + "; was "
                + fileKey
                + ", "
                + size
                + ")");
      }
    } catch (IOException | RuntimeException e) {
      fresh.close();
      throw e;
    }
    channel = fresh;
  }

  @Override
  public synchronized void close() throws IOException {
    closed = true;
    channel.close();
  }

  @Override
  public String toString() {
    return path.toString();
  }
}
