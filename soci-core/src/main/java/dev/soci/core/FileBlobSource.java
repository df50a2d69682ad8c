package dev.soci.core;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A blob in a local file, read with positional reads. Thread-safe. */
public final class FileBlobSource implements BlobSource {
  private final Path path;
  private final FileChannel channel;

  /** Opens {@code path} for reading. */
  public FileBlobSource(Path path) throws IOException {
    this.path = path;
    this.channel = FileChannel.open(path, StandardOpenOption.READ);
  }

  @Override
  public long size() throws IOException {
    return channel.size();
  }

  @Override
  public void readFully(long offset, byte[] dst, int dstOffset, int length) throws IOException {
    ByteBuffer bb = ByteBuffer.wrap(dst, dstOffset, length);
    long pos = offset;
    while (bb.hasRemaining()) {
      int n = channel.read(bb, pos);
      if (n < 0) {
        throw new EOFException(path + " ends at byte " + pos + ", but bytes [" + offset + ", "
            + (offset + length) + ") were needed");
      }
      pos += n;
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  @Override
  public String toString() {
    return path.toString();
  }
}
