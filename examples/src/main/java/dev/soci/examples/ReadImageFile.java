package dev.soci.examples;

import dev.soci.core.image.ImageStatistics;
import dev.soci.core.image.OciLayoutSource;
import dev.soci.core.image.SociImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Prints one file of an image in an OCI image layout, reading only what it needs: the image's SOCI
 * index is found, the path is resolved through the merged layers (deleted files gone, links
 * followed inside the image), and only the spans holding the file are fetched and verified. What
 * was fetched goes to stderr.
 *
 * <p>Usage: {@code ReadImageFile LAYOUT-DIR IMAGE-REF PATH}
 */
public final class ReadImageFile {
  private ReadImageFile() {}

  /**
   * Runs the example.
   *
   * @param args the layout directory, the image's tag (or digest), and the file's path
   * @throws IOException if the image or the file cannot be read
   */
  public static void main(String[] args) throws IOException {
    try (OciLayoutSource source = OciLayoutSource.open(Path.of(args[0]));
        SociImage image = SociImage.open(source, args[1]);
        InputStream file = image.open(args[2])) {
      file.transferTo(System.out);
      System.out.flush();
      ImageStatistics s = image.statistics();
      System.err.printf(
          "%s: SOCI index %s; fetched %d of the image's %d layer bytes in %d requests%n",
          args[2],
          image.sociIndex().map(i -> i.descriptor().digest().toString()).orElse("none"),
          s.layerBytesFetched(),
          s.imageLayerBytes(),
          s.layerRequests());
    }
  }
}
