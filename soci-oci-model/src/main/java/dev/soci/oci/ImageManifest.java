package dev.soci.oci;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An image manifest (image-spec v1.1.1 {@code Manifest}); Docker v2 schema 2 manifests decode into
 * the same shape, as they do in Go. Immutable. Encode it with {@link
 * OciJson#encode(ImageManifest)}.
 *
 * @param schemaVersion always 2
 * @param mediaType the manifest's own media type, or {@code ""} if absent
 * @param artifactType the artifact type, or {@code ""}
 * @param config the config descriptor
 * @param layers the layer descriptors (a SOCI index keeps its zTOCs here)
 * @param subject the manifest this one refers to, or {@code null}
 * @param annotations annotations, sorted by key
 */
public record ImageManifest(
    int schemaVersion,
    String mediaType,
    String artifactType,
    Descriptor config,
    List<Descriptor> layers,
    Descriptor subject,
    Map<String, String> annotations) {

  /** Copies the collections and checks the required fields. */
  public ImageManifest {
    mediaType = Objects.requireNonNullElse(mediaType, "");
    artifactType = Objects.requireNonNullElse(artifactType, "");
    Objects.requireNonNull(config, "config");
    layers = List.copyOf(Objects.requireNonNull(layers, "layers"));
    annotations = Maps.copyOf(annotations, "annotation");
  }

  /** A schema 2 manifest with the given media type, config and layers and nothing else. */
  public static ImageManifest of(String mediaType, Descriptor config, List<Descriptor> layers) {
    return new ImageManifest(2, mediaType, "", config, layers, null, null);
  }

  /** This manifest with another media type. */
  public ImageManifest withMediaType(String mediaType) {
    return new ImageManifest(
        schemaVersion, mediaType, artifactType, config, layers, subject, annotations);
  }

  /** This manifest with another config descriptor. */
  public ImageManifest withConfig(Descriptor config) {
    return new ImageManifest(
        schemaVersion, mediaType, artifactType, config, layers, subject, annotations);
  }

  /** This manifest with other layers. */
  public ImageManifest withLayers(List<Descriptor> layers) {
    return new ImageManifest(
        schemaVersion, mediaType, artifactType, config, layers, subject, annotations);
  }

  /** This manifest with another subject ({@code null} removes it). */
  public ImageManifest withSubject(Descriptor subject) {
    return new ImageManifest(
        schemaVersion, mediaType, artifactType, config, layers, subject, annotations);
  }

  /** This manifest with other annotations. */
  public ImageManifest withAnnotations(Map<String, String> annotations) {
    return new ImageManifest(
        schemaVersion, mediaType, artifactType, config, layers, subject, annotations);
  }

  /** This manifest with one annotation added or replaced. */
  public ImageManifest withAnnotation(String key, String value) {
    return withAnnotations(Maps.with(annotations, key, value));
  }

  /** A short summary (the full contents are in the accessors). */
  @Override
  public String toString() {
    return "ImageManifest["
        + mediaType
        + ", config "
        + (config == null ? "none" : config.digest())
        + ", "
        + layers.size()
        + " layers]";
  }
}
