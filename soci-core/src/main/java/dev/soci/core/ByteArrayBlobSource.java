package dev.soci.core;

import java.io.EOFException;

/** A blob held in memory. Thread-safe (the array is not copied: do not change it). */
final class ByteArrayBlobSource implements BlobSource {
  private final byte[] data;

  /** Wraps {@code data}. */
  ByteArrayBlobSource(byte[] data) {
    this.data = data;
  }

  @Override
  public long size() {
    return data.length;
  }

  @Override
  public void readFully(long offset, byte[] dst, int dstOffset, int length) throws EOFException {
    if (offset < 0 || offset + length > data.length) {
      throw new EOFException(
          "blob of "
              + data.length
              + " bytes has no range ["
              + offset
              + ", "
              + (offset + length)
              + ")");
    }
    System.arraycopy(data, (int) offset, dst, dstOffset, length);
  }
}
