package dev.soci.oci;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An image index (image-spec v1.1.1 {@code Index}), also the form of an image layout's {@code
 * index.json} and of a Docker manifest list. Immutable. Encode it with {@link
 * OciJson#encode(ImageIndex)}.
 *
 * @param schemaVersion always 2
 * @param mediaType the index's own media type, or {@code ""} if absent
 * @param artifactType the artifact type, or {@code ""}
 * @param manifests the descriptors it lists, in order
 * @param subject the manifest this one refers to, or {@code null}
 * @param annotations annotations, sorted by key
 */
public record ImageIndex(
    int schemaVersion,
    String mediaType,
    String artifactType,
    List<Descriptor> manifests,
    Descriptor subject,
    Map<String, String> annotations) {

  /** Copies the collections and checks the required fields. */
  public ImageIndex {
    mediaType = Objects.requireNonNullElse(mediaType, "");
    artifactType = Objects.requireNonNullElse(artifactType, "");
    manifests = List.copyOf(Objects.requireNonNull(manifests, "manifests"));
    annotations = Maps.copyOf(annotations, "annotation");
  }

  /** A schema 2 index with the given media type and entries and nothing else. */
  public static ImageIndex of(String mediaType, List<Descriptor> manifests) {
    return new ImageIndex(2, mediaType, "", manifests, null, null);
  }

  /** This index with another media type. */
  public ImageIndex withMediaType(String mediaType) {
    return new ImageIndex(schemaVersion, mediaType, artifactType, manifests, subject, annotations);
  }

  /** This index with other entries. */
  public ImageIndex withManifests(List<Descriptor> manifests) {
    return new ImageIndex(schemaVersion, mediaType, artifactType, manifests, subject, annotations);
  }

  /** This index with {@code d} appended. */
  public ImageIndex withManifest(Descriptor d) {
    List<Descriptor> list = new ArrayList<>(manifests);
    list.add(d);
    return withManifests(list);
  }

  /** This index with other annotations. */
  public ImageIndex withAnnotations(Map<String, String> annotations) {
    return new ImageIndex(schemaVersion, mediaType, artifactType, manifests, subject, annotations);
  }

  /** A short summary (the full contents are in the accessors). */
  @Override
  public String toString() {
    return "ImageIndex[" + mediaType + ", " + manifests.size() + " manifests]";
  }
}
