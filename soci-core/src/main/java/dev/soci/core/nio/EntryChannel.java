package dev.soci.core.nio;

import dev.soci.core.image.ImageEntry;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * A read-only {@link SeekableByteChannel} over a regular file of the image. Setting the position
 * reads nothing; a read at a position streams a range of the file from there, so only the spans
 * holding the bytes read are fetched. The range opened starts at what one read asks for (at least
 * {@value #MIN_WINDOW} bytes) and doubles while reads continue where the last one ended, so random
 * reads fetch little and sequential reads stream. Thread-safe (reads are serialized).
 */
final class EntryChannel implements SeekableByteChannel {
  /** The smallest range opened for a read. */
  static final int MIN_WINDOW = 8192;

  private static final int MAX_CHUNK = 1 << 16;

  private final SociFileSystem fs;
  private final ImageEntry file;
  private long position;
  private InputStream stream; // positioned at streamPosition, ending at streamEnd
  private long streamPosition;
  private long streamEnd;
  private long window = MIN_WINDOW;
  private volatile boolean open = true;

  EntryChannel(SociFileSystem fs, ImageEntry file) {
    this.fs = fs;
    this.file = file;
  }

  @Override
  public synchronized int read(ByteBuffer dst) throws IOException {
    ensureOpen();
    if (position >= file.size()) {
      return -1;
    }
    if (!dst.hasRemaining()) {
      return 0;
    }
    if (stream == null || streamPosition != position || streamPosition >= streamEnd) {
      boolean sequential = stream != null && streamPosition == position;
      closeStream();
      window = sequential ? Math.min(window * 2, 1L << 30) : Math.max(MIN_WINDOW, dst.remaining());
      long length = Math.min(file.size() - position, Math.max(window, dst.remaining()));
      stream = fs.openRange(file, position, length);
      streamPosition = position;
      streamEnd = position + length;
    }
    int want = (int) Math.min(Math.min(dst.remaining(), MAX_CHUNK), streamEnd - streamPosition);
    byte[] buf = new byte[want];
    int n = stream.read(buf, 0, want);
    if (n < 0) {
      throw new EOFException(
          file.path() + ": the data ended at " + streamPosition + " of " + file.size() + " bytes");
    }
    dst.put(buf, 0, n);
    position += n;
    streamPosition += n;
    return n;
  }

  private void closeStream() throws IOException {
    if (stream != null) {
      InputStream s = stream;
      stream = null;
      s.close();
    }
  }

  private void ensureOpen() throws ClosedChannelException {
    if (!open || !fs.isOpen()) {
      throw new ClosedChannelException();
    }
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    ensureOpen();
    throw new NonWritableChannelException();
  }

  @Override
  public synchronized long position() throws IOException {
    ensureOpen();
    return position;
  }

  @Override
  public synchronized SeekableByteChannel position(long newPosition) throws IOException {
    ensureOpen();
    if (newPosition < 0) {
      throw new IllegalArgumentException("negative position: " + newPosition);
    }
    position = newPosition; // nothing is read: the next read opens a range here
    return this;
  }

  @Override
  public long size() throws IOException {
    ensureOpen();
    return file.size();
  }

  @Override
  public SeekableByteChannel truncate(long size) throws IOException {
    ensureOpen();
    throw new NonWritableChannelException();
  }

  @Override
  public boolean isOpen() {
    return open && fs.isOpen();
  }

  @Override
  public void close() throws IOException {
    open = false;
    fs.forget(this);
    synchronized (this) {
      closeStream();
    }
  }
}
