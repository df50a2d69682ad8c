package dev.soci.examples;

import dev.soci.core.ReadStatistics;
import dev.soci.core.SeekableLayer;
import dev.soci.ztoc.Ztoc;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Reads one file out of a compressed layer through the layer's zTOC, without decompressing the rest
 * of the layer, and writes its bytes to standard output. Only the spans that hold the file are read
 * and inflated; each is checked against the span digest the zTOC records, and the file's tar header
 * against its TOC entry.
 *
 * <p>Usage: {@code ReadFile LAYER.tar.gz LAYER.ztoc NAME}
 */
public final class ReadFile {
  private ReadFile() {}

  /**
   * Runs the example.
   *
   * @param args the layer, its zTOC and the name of a file in the layer
   * @throws IOException if a file cannot be read, or the zTOC does not belong to the layer
   */
  public static void main(String[] args) throws IOException {
    Path blob = Path.of(args[0]);
    Ztoc ztoc = Ztoc.read(Path.of(args[1])); // checks the size limits before decoding
    try (SeekableLayer layer = SeekableLayer.open(blob, ztoc);
        InputStream file = layer.openFile(args[2])) {
      file.transferTo(System.out);
      System.out.flush();
      ReadStatistics read = layer.statistics();
      System.err.printf(
          "read %d of %d compressed bytes, %d spans inflated%n",
          read.compressedBytesRead(), ztoc.compressedArchiveSize(), read.spansInflated());
    }
  }
}
