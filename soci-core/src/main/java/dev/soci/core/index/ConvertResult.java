package dev.soci.core.index;

import dev.soci.oci.Descriptor;
import java.util.List;
import java.util.Objects;

/**
 * What {@link SociIndexBuilder#convert} stored: the SOCI-enabled image index, tagged, and the v2
 * SOCI indexes it links.
 *
 * @param imageIndex the SOCI-enabled image index ({@code mediaType}, {@code digest}, {@code size})
 * @param tag the tag it was given in the layout
 * @param indexes the v2 indexes, in platform order (platforms without an indexable layer left out)
 */
public record ConvertResult(Descriptor imageIndex, String tag, List<IndexResult> indexes) {
  /** Checks and copies the fields. */
  public ConvertResult {
    Objects.requireNonNull(imageIndex, "imageIndex");
    Objects.requireNonNull(tag, "tag");
    indexes = List.copyOf(indexes);
  }

  /** A short summary (the full contents are in the accessors). */
  @Override
  public String toString() {
    return "ConvertResult["
        + tag
        + ", image index "
        + imageIndex.digest()
        + ", "
        + indexes.size()
        + " indexes]";
  }
}
