package dev.soci.examples;

import dev.soci.ztoc.Ztoc;
import dev.soci.ztoc.ZtocBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Indexes a gzip layer: builds its zTOC in one pass (upstream's defaults, 4 MiB spans) and writes
 * it next to the layer, byte for byte what upstream {@code soci ztoc create} writes.
 *
 * <p>Usage: {@code IndexLayer LAYER.tar.gz [OUT.ztoc]}
 */
public final class IndexLayer {
  private IndexLayer() {}

  /**
   * Runs the example.
   *
   * @param args the layer, and optionally where to write the zTOC
   * @throws IOException if the layer cannot be read or is not a gzip tar
   */
  public static void main(String[] args) throws IOException {
    Path layer = Path.of(args[0]);
    Path out = args.length > 1 ? Path.of(args[1]) : Path.of(args[0] + ".ztoc");
    Ztoc ztoc = ZtocBuilder.withDefaults().build(layer);
    ztoc.write(out);
    System.out.printf(
        "%s: %d files, %d spans, zTOC %d bytes -> %s%n",
        layer.getFileName(), ztoc.files().size(), ztoc.maxSpanId() + 1, Files.size(out), out);
  }
}
