package dev.soci.oci.layout;

import dev.soci.oci.Descriptor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * A sink whose bytes are checked against a blob's descriptor; {@link #close()} does the final
 * check.
 */
final class CheckingOutputStream extends OutputStream {
  private final BlobCheck check;

  CheckingOutputStream(Descriptor expected, Path file) {
    this.check = new BlobCheck(expected, file);
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    check.update(b, off, len);
  }

  @Override
  public void close() throws IOException {
    check.verify();
  }
}
