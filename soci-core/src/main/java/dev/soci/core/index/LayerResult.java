package dev.soci.core.index;

import dev.soci.oci.Descriptor;
import dev.soci.oci.Platform;
import java.util.Objects;

/**
 * What happened to one layer of an image during a build.
 *
 * @param platform the platform whose index was being built
 * @param layer the layer's descriptor in the image manifest
 * @param status what was done
 * @param ztoc the zTOC descriptor (media type {@code application/octet-stream}, digest, size), or
 *     {@code null} for a skipped layer
 * @param minLayerSize the minimum layer size of the build (for the message)
 */
public record LayerResult(
    Platform platform, Descriptor layer, Status status, Descriptor ztoc, long minLayerSize) {

  /** What was done with a layer. */
  public enum Status {
    /** A zTOC was built and stored. */
    CREATED,
    /** A zTOC stored earlier for the same layer and span size was used. */
    REUSED,
    /** The layer is smaller than the minimum layer size. */
    SKIPPED_TOO_SMALL,
    /** The layer's compression is not gzip or none (zstd, or wrapped such as encrypted). */
    SKIPPED_UNSUPPORTED
  }

  /** Checks the fields. */
  public LayerResult {
    Objects.requireNonNull(layer, "layer");
    Objects.requireNonNull(status, "status");
  }

  /** Whether the layer got a zTOC in the index. */
  public boolean indexed() {
    return status == Status.CREATED || status == Status.REUSED;
  }

  /** The line upstream {@code soci create} prints for this layer. */
  public String message() {
    return switch (status) {
      case CREATED -> "layer " + layer.digest() + " -> ztoc " + ztoc.digest();
      case REUSED -> "layer " + layer.digest() + " -> ztoc " + ztoc.digest() + " (already exists)";
      case SKIPPED_TOO_SMALL ->
          "ztoc skipped - layer "
              + layer.digest()
              + " ("
              + layer.mediaType()
              + ") size "
              + layer.size()
              + " is less than min-layer-size "
              + minLayerSize;
      case SKIPPED_UNSUPPORTED ->
          "ztoc skipped - layer "
              + layer.digest()
              + " ("
              + layer.mediaType()
              + ") is compressed in an unsupported format. expect: [tar, gzip, unknown] but got \""
              + Engine.compressionOf(layer.mediaType())
              + "\"";
    };
  }
}
