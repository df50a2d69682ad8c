package dev.soci.examples;

import dev.soci.core.index.ConvertResult;
import dev.soci.core.index.CreateResult;
import dev.soci.core.index.IndexResult;
import dev.soci.core.index.PlatformSelection;
import dev.soci.core.index.SociIndexBuilder;
import dev.soci.oci.layout.OciLayout;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Makes an image in an OCI image layout (a directory as {@code skopeo copy ... oci:DIR:TAG} or
 * {@code umoci} write it) lazily loadable: {@code create} builds a SOCI index (v1) of the image and
 * lists it in {@code index.json}; {@code convert} builds a SOCI-enabled image (v2 index) tagged
 * {@code TO}, leaving {@code REF} as it was.
 *
 * <p>Usage: {@code IndexImage LAYOUT REF TO}
 */
public final class IndexImage {
  private IndexImage() {}

  /**
   * Runs the example.
   *
   * @param args the layout directory, the image (a tag or a digest) and the tag to convert it to
   * @throws IOException if the layout cannot be read or written, or the image has nothing to index
   */
  public static void main(String[] args) throws IOException {
    OciLayout layout = OciLayout.open(Path.of(args[0]));
    // Upstream's defaults (4 MiB spans), but index every layer: upstream skips those under 10 MiB.
    SociIndexBuilder builder = SociIndexBuilder.withDefaults().minLayerSize(0);

    CreateResult created = builder.create(layout, args[1], PlatformSelection.defaultPlatform());
    for (IndexResult index : created.indexes()) {
      index.layers().forEach(layer -> System.out.println(layer.message()));
      System.out.println("soci index v1 " + index.descriptor().digest());
    }

    ConvertResult converted = builder.convert(layout, args[1], args[2], PlatformSelection.all());
    for (IndexResult index : converted.indexes()) {
      index.layers().forEach(layer -> System.out.println(layer.message()));
      System.out.println("soci index v2 " + index.descriptor().digest());
    }
    System.out.println(converted.tag() + " -> " + converted.imageIndex().digest());
  }
}
