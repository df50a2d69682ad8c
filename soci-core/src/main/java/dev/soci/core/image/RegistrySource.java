package dev.soci.core.image;

import dev.soci.core.BlobSource;
import dev.soci.core.registry.ImageReference;
import dev.soci.core.registry.Registry;
import dev.soci.core.registry.RegistryBlobSource;
import dev.soci.core.registry.RegistryException;
import dev.soci.core.registry.Repository;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.MediaTypes;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The content of one repository of a registry, for {@link SociImage}: references are its tags and
 * digests, documents are fetched and checked against their descriptors, layers are read by range
 * through {@link RegistryBlobSource} (one single-range {@code GET} per span fetch), and referrers
 * come from the referrers API or, on registries without it, the {@code <alg>-<hex>} fallback tag.
 * Thread-safe; closing it releases nothing the {@link Registry} does not own.
 *
 * <pre>{@code
 * Registry registry = Registry.builder().build();
 * ImageReference ref = ImageReference.parse("127.0.0.1:5000/team/app:v1");
 * try (RegistrySource source = RegistrySource.of(registry, ref);
 *     SociImage image = SociImage.open(source, ref.reference())) {
 *   byte[] passwd = image.readAllBytes("/etc/passwd");
 * }
 * }</pre>
 */
public final class RegistrySource implements ContentSource {
  private final Repository repository;
  private final RegistryBlobSource.Options blobOptions;

  private RegistrySource(Repository repository, RegistryBlobSource.Options blobOptions) {
    this.repository = repository;
    this.blobOptions = blobOptions;
  }

  /** The repository {@code reference} names (its tag or digest is not used here). */
  public static RegistrySource of(Registry registry, ImageReference reference) {
    return of(registry.repository(reference));
  }

  /** The content of {@code repository}, layers read with default blob options. */
  public static RegistrySource of(Repository repository) {
    return of(repository, RegistryBlobSource.Options.defaults());
  }

  /** The content of {@code repository}, layers read with {@code blobOptions}. */
  public static RegistrySource of(Repository repository, RegistryBlobSource.Options blobOptions) {
    return new RegistrySource(
        Objects.requireNonNull(repository, "repository"),
        Objects.requireNonNull(blobOptions, "blobOptions"));
  }

  /** The repository read. */
  public Repository repository() {
    return repository;
  }

  /**
   * A tag or digest: the manifest's descriptor from a {@code HEAD} (or a GET when it says less).
   */
  @Override
  public Descriptor resolve(String reference) throws IOException {
    Optional<Descriptor> d;
    try {
      d = repository.headManifest(reference);
    } catch (IllegalArgumentException e) {
      throw new ContentNotFoundException(
          "\"" + reference + "\" is not a tag or digest of " + where());
    } catch (RegistryException e) {
      throw notFound(e, "no manifest " + reference + " in " + where());
    }
    if (d.isEmpty()) {
      throw new ContentNotFoundException("no manifest " + reference + " in " + where());
    }
    return d.get();
  }

  @Override
  public byte[] fetch(Descriptor descriptor, long maxSize) throws IOException {
    String what = describe(descriptor);
    if (descriptor.size() > maxSize) {
      throw new SociImageException(
          what + " is " + descriptor.size() + " bytes, over the limit of " + maxSize);
    }
    byte[] bytes;
    try {
      if (MediaTypes.isManifest(descriptor.mediaType())
          || MediaTypes.isIndex(descriptor.mediaType())) {
        bytes = repository.getManifest(descriptor.digest().toString()).content();
      } else {
        try (InputStream in = repository.getBlob(descriptor.digest(), descriptor.size())) {
          bytes = in.readNBytes((int) descriptor.size());
          if (in.read() != -1) { // reaching the end checks size and digest
            throw new SociImageException(what + " is longer than its descriptor says");
          }
        }
      }
    } catch (RegistryException e) {
      throw notFound(e, what + " is not in " + where());
    }
    if (bytes.length != descriptor.size() || !Digest.sha256(bytes).equals(descriptor.digest())) {
      throw new SociImageException(
          what
              + ": the registry sent "
              + bytes.length
              + " bytes that are not the content its descriptor names");
    }
    return bytes;
  }

  @Override
  public BlobSource openBlob(Descriptor descriptor) throws IOException {
    return repository.openBlob(descriptor.digest(), descriptor.size(), blobOptions);
  }

  @Override
  public InputStream streamBlob(Descriptor descriptor) throws IOException {
    try {
      return repository.getBlob(descriptor.digest(), descriptor.size());
    } catch (RegistryException e) {
      throw notFound(e, describe(descriptor) + " is not in " + where());
    }
  }

  @Override
  public List<Descriptor> referrers(Digest subject, String artifactType) throws IOException {
    return repository.referrers(subject, artifactType);
  }

  private String where() {
    return repository.registry() + "/" + repository.name();
  }

  private static String describe(Descriptor d) {
    return "blob " + d.digest() + " (" + d.mediaType() + ")";
  }

  /** A 404 as {@link ContentNotFoundException} (keeping the registry's error), else as is. */
  private static IOException notFound(RegistryException e, String message) {
    if (e.status() == 404) {
      return new ContentNotFoundException(message + ": " + e.getMessage(), e);
    }
    return e;
  }

  @Override
  public String toString() {
    return "registry repository " + where();
  }
}
