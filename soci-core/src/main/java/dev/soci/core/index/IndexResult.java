package dev.soci.core.index;

import dev.soci.oci.Descriptor;
import dev.soci.oci.Platform;
import dev.soci.oci.SociIndex;
import java.util.List;
import java.util.Objects;

/**
 * One SOCI index built for one platform of an image.
 *
 * @param platform the platform it was built for (as requested)
 * @param manifest the image manifest it indexes, as found in the image
 * @param descriptor the index's descriptor: OCI manifest media type, digest, size, artifact type
 * @param index the index itself
 * @param layers what happened to each layer, in layer order
 */
public record IndexResult(
    Platform platform,
    Descriptor manifest,
    Descriptor descriptor,
    SociIndex index,
    List<LayerResult> layers) {
  /** Checks and copies the fields. */
  public IndexResult {
    Objects.requireNonNull(platform, "platform");
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(descriptor, "descriptor");
    Objects.requireNonNull(index, "index");
    layers = List.copyOf(layers);
  }

  /** A short summary (the full contents are in the accessors). */
  @Override
  public String toString() {
    return "IndexResult["
        + platform
        + ", index "
        + descriptor.digest()
        + " for manifest "
        + manifest.digest()
        + ", "
        + layers.size()
        + " layers]";
  }
}
