package dev.soci.oci;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A SOCI index manifest: the zTOCs of an image's layers, serialized as an OCI image manifest whose
 * config media type names the version ({@code spec/index.md} section 2). Version 1 points at its
 * image manifest through {@code subject}; version 2 has no subject and is linked from a
 * SOCI-enabled image index instead. Immutable.
 *
 * <pre>{@code
 * SociIndex index = SociIndex.v1(ztocDescriptors, imageManifest.stripped(), "AWS SOCI CLI v0.2");
 * byte[] json = index.encode();         // upstream's exact bytes
 * Descriptor d = index.descriptor();    // mediaType, digest, size, artifactType
 * }</pre>
 *
 * @param version v1 or v2
 * @param config the config descriptor (normally {@link #config(Version)})
 * @param blobs the zTOC descriptors (then prefetch descriptors), in image layer order
 * @param subject the image manifest (v1), or {@code null}
 * @param annotations the index annotations (normally only the build tool identifier)
 */
public record SociIndex(
    Version version,
    Descriptor config,
    List<Descriptor> blobs,
    Descriptor subject,
    Map<String, String> annotations) {

  /** The bytes of the config blob stored next to every index: {@code {}}. */
  public static final String CONFIG_CONTENT = "{}";

  /** The digest of {@link #CONFIG_CONTENT}. */
  public static final Digest CONFIG_DIGEST =
      Digest.sha256(CONFIG_CONTENT.getBytes(StandardCharsets.UTF_8));

  /** The SOCI index manifest versions. */
  public enum Version {
    /** Version 1: {@code subject} points at the image manifest; found through the referrers API. */
    V1(MediaTypes.SOCI_INDEX_V1),
    /** Version 2: no subject; the image manifest is annotated with the index digest. */
    V2(MediaTypes.SOCI_INDEX_V2);

    private final String artifactType;

    Version(String artifactType) {
      this.artifactType = artifactType;
    }

    /** The artifact type (and config media type) of this version. */
    public String artifactType() {
      return artifactType;
    }

    /** The version with this artifact type, or {@code null}. */
    public static Version ofArtifactType(String artifactType) {
      for (Version v : values()) {
        if (v.artifactType.equals(artifactType)) {
          return v;
        }
      }
      return null;
    }

    /** {@code v1} or {@code v2}, as {@code soci index list} prints it. */
    @Override
    public String toString() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Checks the required fields and copies the collections. */
  public SociIndex {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(config, "config");
    blobs = List.copyOf(Objects.requireNonNull(blobs, "blobs"));
    annotations = Maps.copyOf(annotations, "annotation");
  }

  /** The {@code {}} config descriptor of a version. */
  public static Descriptor config(Version version) {
    return Descriptor.of(version.artifactType(), CONFIG_DIGEST, CONFIG_CONTENT.length());
  }

  /**
   * A v1 index for the image manifest {@code subject} (only its media type, digest and size are
   * kept).
   */
  public static SociIndex v1(
      List<Descriptor> blobs, Descriptor subject, String buildToolIdentifier) {
    Objects.requireNonNull(subject, "a v1 SOCI index needs a subject");
    return new SociIndex(
        Version.V1,
        config(Version.V1),
        blobs,
        subject.stripped(),
        Map.of(Annotations.SOCI_BUILD_TOOL_IDENTIFIER, buildToolIdentifier));
  }

  /** A v2 index (no subject). */
  public static SociIndex v2(List<Descriptor> blobs, String buildToolIdentifier) {
    return new SociIndex(
        Version.V2,
        config(Version.V2),
        blobs,
        null,
        Map.of(Annotations.SOCI_BUILD_TOOL_IDENTIFIER, buildToolIdentifier));
  }

  /**
   * Reads an index from its manifest form (upstream {@code UnmarshalIndex}).
   *
   * @throws InvalidDocumentException {@code unknown index version: <type>} when the config media
   *     type is neither version's artifact type
   */
  public static SociIndex fromManifest(ImageManifest manifest, String document)
      throws InvalidDocumentException {
    Version v = Version.ofArtifactType(manifest.config().mediaType());
    if (v == null) {
      throw new InvalidDocumentException(
          document, "config.mediaType", "unknown index version: " + manifest.config().mediaType());
    }
    return new SociIndex(
        v, manifest.config(), manifest.layers(), manifest.subject(), manifest.annotations());
  }

  /** Decodes index bytes (strictly; see {@link OciJson}). */
  public static SociIndex decode(byte[] json, String document) throws InvalidDocumentException {
    return fromManifest(OciJson.decoder().decodeManifest(json, document), document);
  }

  /**
   * The manifest form upstream's {@code MarshalIndex} writes (no top-level {@code artifactType}).
   */
  public ImageManifest toManifest() {
    return new ImageManifest(2, MediaTypes.OCI_MANIFEST, "", config, blobs, subject, annotations);
  }

  /** The exact bytes of the index (Go {@code encoding/json} of {@link #toManifest()}). */
  public byte[] encode() {
    return OciJson.encode(toManifest());
  }

  /** The descriptor of the encoded index: OCI manifest media type, digest, size, artifact type. */
  public Descriptor descriptor() {
    byte[] b = encode();
    return Descriptor.ofContent(MediaTypes.OCI_MANIFEST, b)
        .withArtifactType(version.artifactType());
  }

  /** The artifact type of this index's version. */
  public String artifactType() {
    return version.artifactType();
  }

  /** The build tool identifier annotation, or {@code ""}. */
  public String buildToolIdentifier() {
    return annotations.getOrDefault(Annotations.SOCI_BUILD_TOOL_IDENTIFIER, "");
  }

  /** The zTOC descriptors: the blobs with media type {@value MediaTypes#SOCI_ZTOC}. */
  public List<Descriptor> ztocs() {
    return blobs.stream().filter(d -> MediaTypes.SOCI_ZTOC.equals(d.mediaType())).toList();
  }

  /**
   * The prefetch artifact descriptors: the blobs with media type {@value MediaTypes#SOCI_PREFETCH},
   * each naming its layer in {@value Annotations#SOCI_IMAGE_LAYER_DIGEST}.
   */
  public List<Descriptor> prefetchArtifacts() {
    return blobs.stream().filter(d -> MediaTypes.SOCI_PREFETCH.equals(d.mediaType())).toList();
  }

  /**
   * The prefetch artifact of the image layer {@code layer}, as a lazy loader picks it (the first
   * whose layer digest annotation names the layer), or {@code null}.
   */
  public Descriptor prefetchArtifact(Digest layer) {
    String want = layer.toString();
    for (Descriptor d : prefetchArtifacts()) {
      if (want.equals(d.annotation(Annotations.SOCI_IMAGE_LAYER_DIGEST))) {
        return d;
      }
    }
    return null;
  }

  /**
   * The zTOC of the image layer {@code layer} (the first whose layer digest annotation names it),
   * or {@code null}.
   */
  public Descriptor ztoc(Digest layer) {
    String want = layer.toString();
    for (Descriptor d : ztocs()) {
      if (want.equals(d.annotation(Annotations.SOCI_IMAGE_LAYER_DIGEST))) {
        return d;
      }
    }
    return null;
  }

  /** A short summary (the full contents are in the accessors). */
  @Override
  public String toString() {
    return "SociIndex["
        + version
        + ", "
        + blobs.size()
        + " blobs"
        + (subject == null ? "" : ", subject " + subject.digest())
        + "]";
  }
}
