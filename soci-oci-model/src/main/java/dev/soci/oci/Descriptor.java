package dev.soci.oci;

import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An OCI content descriptor (image-spec v1.1.1 {@code Descriptor}): what a blob is, its digest and
 * size, and optional URLs, annotations, embedded data, platform and artifact type. Immutable: lists
 * and maps are copied (annotations sorted as Go writes them) and {@link #data()} returns a copy.
 * Empty strings, lists and maps stand for absent optional fields.
 *
 * @param mediaType the media type ({@code ""} if absent; Go always writes it)
 * @param digest the content digest
 * @param size the content size in bytes, at least 0
 * @param urls alternative download URLs
 * @param annotations annotations, sorted by key
 * @param data embedded content (written as base64)
 * @param platform the platform, or {@code null}
 * @param artifactType the artifact type, or {@code ""}
 */
public record Descriptor(
    String mediaType,
    Digest digest,
    long size,
    List<String> urls,
    Map<String, String> annotations,
    byte[] data,
    Platform platform,
    String artifactType) {

  /** Validates the digest and the size and copies the collections. */
  public Descriptor {
    mediaType = Objects.requireNonNullElse(mediaType, "");
    Objects.requireNonNull(digest, "digest");
    if (size < 0) {
      throw new IllegalArgumentException("descriptor size must be >= 0, got " + size);
    }
    urls = urls == null ? List.of() : List.copyOf(urls);
    annotations = Maps.copyOf(annotations, "annotation");
    data = data == null ? new byte[0] : data.clone();
    artifactType = Objects.requireNonNullElse(artifactType, "");
  }

  /** A descriptor with only media type, digest and size. */
  public static Descriptor of(String mediaType, Digest digest, long size) {
    return new Descriptor(mediaType, digest, size, null, null, null, null, null);
  }

  /** The descriptor of {@code content} (sha256) with the given media type. */
  public static Descriptor ofContent(String mediaType, byte[] content) {
    return of(mediaType, Digest.sha256(content), content.length);
  }

  /** A builder with no fields set. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this descriptor's fields. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.mediaType = mediaType;
    b.digest = digest;
    b.size = size;
    b.urls = urls;
    b.annotations = annotations;
    b.data = data;
    b.platform = platform;
    b.artifactType = artifactType;
    return b;
  }

  /** A copy of the embedded data. */
  @Override
  public byte[] data() {
    return data.clone();
  }

  /** This descriptor with another media type. */
  public Descriptor withMediaType(String mediaType) {
    return new Descriptor(mediaType, digest, size, urls, annotations, data, platform, artifactType);
  }

  /** This descriptor with other annotations (an empty map removes them). */
  public Descriptor withAnnotations(Map<String, String> annotations) {
    return new Descriptor(mediaType, digest, size, urls, annotations, data, platform, artifactType);
  }

  /** This descriptor with one annotation added or replaced. */
  public Descriptor withAnnotation(String key, String value) {
    return withAnnotations(Maps.with(annotations, key, value));
  }

  /** This descriptor with another platform ({@code null} removes it). */
  public Descriptor withPlatform(Platform platform) {
    return new Descriptor(mediaType, digest, size, urls, annotations, data, platform, artifactType);
  }

  /** This descriptor with another artifact type. */
  public Descriptor withArtifactType(String artifactType) {
    return new Descriptor(mediaType, digest, size, urls, annotations, data, platform, artifactType);
  }

  /** Only media type, digest and size: what a manifest's {@code subject} holds. */
  public Descriptor stripped() {
    return of(mediaType, digest, size);
  }

  /** The annotation {@code key}, or {@code null}. */
  public String annotation(String key) {
    return annotations.get(key);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Descriptor d
        && size == d.size
        && mediaType.equals(d.mediaType)
        && digest.equals(d.digest)
        && urls.equals(d.urls)
        && annotations.equals(d.annotations)
        && Arrays.equals(data, d.data)
        && Objects.equals(platform, d.platform)
        && artifactType.equals(d.artifactType);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        mediaType, digest, size, urls, annotations, Arrays.hashCode(data), platform, artifactType);
  }

  @Override
  public String toString() {
    return "Descriptor[mediaType="
        + mediaType
        + ", digest="
        + digest
        + ", size="
        + size
        + (urls.isEmpty() ? "" : ", urls=" + urls)
        + (annotations.isEmpty() ? "" : ", annotations=" + annotations)
        + (data.length == 0 ? "" : ", data=" + Base64.getEncoder().encodeToString(data))
        + (platform == null ? "" : ", platform=" + platform)
        + (artifactType.isEmpty() ? "" : ", artifactType=" + artifactType)
        + "]";
  }

  /** Builds a {@link Descriptor}; {@code digest} is required, the rest optional. */
  public static final class Builder {
    private String mediaType = "";
    private Digest digest;
    private long size;
    private List<String> urls = List.of();
    private Map<String, String> annotations = Map.of();
    private byte[] data;
    private Platform platform;
    private String artifactType = "";

    private Builder() {}

    /** Sets the media type. */
    public Builder mediaType(String mediaType) {
      this.mediaType = mediaType;
      return this;
    }

    /** Sets the digest. */
    public Builder digest(Digest digest) {
      this.digest = digest;
      return this;
    }

    /** Sets the size. */
    public Builder size(long size) {
      this.size = size;
      return this;
    }

    /** Sets the URLs. */
    public Builder urls(List<String> urls) {
      this.urls = urls;
      return this;
    }

    /** Sets the annotations. */
    public Builder annotations(Map<String, String> annotations) {
      this.annotations = annotations;
      return this;
    }

    /** Sets the embedded data. */
    public Builder data(byte[] data) {
      this.data = data;
      return this;
    }

    /** Sets the platform. */
    public Builder platform(Platform platform) {
      this.platform = platform;
      return this;
    }

    /** Sets the artifact type. */
    public Builder artifactType(String artifactType) {
      this.artifactType = artifactType;
      return this;
    }

    /** Builds the descriptor. */
    public Descriptor build() {
      return new Descriptor(
          mediaType, digest, size, urls, annotations, data, platform, artifactType);
    }
  }
}
