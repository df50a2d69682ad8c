package dev.soci.oci.layout;

import dev.soci.oci.Descriptor;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Passes a blob's bytes through while hashing and counting them; at the end of the stream checks
 * size and digest against the descriptor and throws instead of reporting the end when they differ,
 * so a consumer never completes on bad bytes. Too many bytes fail as soon as they are read.
 */
final class VerifyingInputStream extends FilterInputStream {
  private final BlobCheck check;

  VerifyingInputStream(InputStream in, Descriptor expected, Path file) {
    super(in);
    this.check = new BlobCheck(expected, file);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n < 0) {
      check.verify();
      return -1;
    }
    check.update(b, off, n);
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] buf = new byte[(int) Math.min(n, 8192)];
    long done = 0;
    while (done < n) {
      int r = read(buf, 0, (int) Math.min(buf.length, n - done));
      if (r < 0) {
        break;
      }
      done += r;
    }
    return done;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public synchronized void mark(int readlimit) {}

  @Override
  public synchronized void reset() throws IOException {
    throw new IOException("mark/reset not supported");
  }
}
