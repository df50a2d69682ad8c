package dev.soci.examples;

import dev.soci.core.SeekableLayer;
import dev.soci.core.extract.ExtractionResult;
import dev.soci.core.extract.LayerExtractor;
import dev.soci.ztoc.Ztoc;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Extracts a layer into a directory, safely: nothing is written outside the directory (no {@code
 * ..} names, no writing through links that lead out), no existing file is overwritten, and device
 * files and setuid bits are left out. An entry that cannot be extracted safely stops the extraction
 * with an {@link dev.soci.core.extract.ExtractionException} naming it.
 *
 * <p>Usage: {@code ExtractLayer LAYER.tar.gz LAYER.ztoc DIR}
 */
public final class ExtractLayer {
  private ExtractLayer() {}

  /**
   * Runs the example.
   *
   * @param args the layer, its zTOC and the directory to extract into
   * @throws IOException if the layer cannot be read or an entry cannot be extracted safely
   */
  public static void main(String[] args) throws IOException {
    Path blob = Path.of(args[0]);
    Ztoc ztoc = Ztoc.read(Path.of(args[1]));
    Path rootfs = Path.of(args[2]);
    try (SeekableLayer layer = SeekableLayer.open(blob, ztoc)) {
      ExtractionResult r = LayerExtractor.withDefaults().extract(layer, rootfs);
      System.out.printf(
          "%d files, %d directories, %d symlinks, %d hard links%n",
          r.files(), r.directories(), r.symlinks(), r.hardLinks());
      r.skipped().forEach(s -> System.out.println("skipped " + s));
    }
  }
}
