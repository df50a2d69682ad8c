package dev.soci.core.registry;

import dev.soci.oci.Descriptor;
import java.util.Objects;

/**
 * A manifest or index read from a registry: its descriptor (media type from the response, digest
 * checked against the content and the registry's {@code Docker-Content-Digest}, size) and its exact
 * bytes.
 *
 * @param descriptor what the content is
 * @param content the bytes as the registry sent them (the accessor returns a copy)
 */
public record FetchedManifest(Descriptor descriptor, byte[] content) {
  /** Copies the content. */
  public FetchedManifest {
    Objects.requireNonNull(descriptor, "descriptor");
    content = content.clone();
  }

  /** A copy of the content. */
  @Override
  public byte[] content() {
    return content.clone();
  }

  /** The media type (from the response's {@code Content-Type} or the document). */
  public String mediaType() {
    return descriptor.mediaType();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FetchedManifest f
        && f.descriptor.equals(descriptor)
        && java.util.Arrays.equals(f.content, content);
  }

  @Override
  public int hashCode() {
    return descriptor.hashCode();
  }

  @Override
  public String toString() {
    return "FetchedManifest[" + descriptor + "]";
  }
}
