package dev.soci.core.image;

import dev.soci.core.BlobSource;
import dev.soci.oci.Annotations;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.layout.OciLayout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The content of an OCI image layout (a directory as {@code skopeo} and {@code umoci} write it).
 * References are the tags of {@code index.json} or digests of anything it reaches; referrers are
 * the manifests the layout reaches whose {@code subject} is the digest asked about, as {@code soci
 * create} records v1 SOCI indexes. Every document is verified against its descriptor ({@link
 * OciLayout#readBlob}); whole blobs are verified as they are streamed. Thread-safe; the layout is
 * read afresh on every call.
 */
public final class OciLayoutSource implements ContentSource {
  private final OciLayout layout;

  private OciLayoutSource(OciLayout layout) {
    this.layout = layout;
  }

  /** The content of {@code layout}. */
  public static OciLayoutSource of(OciLayout layout) {
    return new OciLayoutSource(Objects.requireNonNull(layout, "layout"));
  }

  /** Opens the layout in {@code dir} ({@link OciLayout#open(Path)}). */
  public static OciLayoutSource open(Path dir) throws IOException {
    return of(OciLayout.open(dir));
  }

  /** The layout read. */
  public OciLayout layout() {
    return layout;
  }

  /**
   * A tag of {@code index.json}, or a digest: the descriptor that names it in {@code index.json} or
   * in an image index it reaches, else, for a manifest blob present in the layout but listed
   * nowhere, a descriptor of it as an OCI manifest.
   */
  @Override
  public Descriptor resolve(String reference) throws IOException {
    Objects.requireNonNull(reference, "reference");
    if (!Digest.isValid(reference)) {
      if (!layout.tags().contains(reference)) {
        throw new ContentNotFoundException(
            "no image tagged \"" + reference + "\" in the OCI layout " + layout.root());
      }
      return layout.resolve(reference);
    }
    Digest d = Digest.parse(reference);
    Descriptor found = reachable().get(d);
    if (found != null) {
      return found;
    }
    Path blob = layout.blobPath(d);
    if (Files.isRegularFile(blob)) {
      return Descriptor.of(MediaTypes.OCI_MANIFEST, d, Files.size(blob));
    }
    throw new ContentNotFoundException(
        "no manifest or index with digest " + d + " in the OCI layout " + layout.root());
  }

  @Override
  public byte[] fetch(Descriptor descriptor, long maxSize) throws IOException {
    requireBlob(descriptor);
    return layout.readBlob(descriptor, maxSize);
  }

  @Override
  public BlobSource openBlob(Descriptor descriptor) throws IOException {
    requireBlob(descriptor);
    BlobSource source = BlobSource.of(layout.blobPath(descriptor.digest()));
    if (source.size() != descriptor.size()) {
      source.close();
      throw new SociImageException(
          layout.blobPath(descriptor.digest())
              + ": blob has "
              + source.size()
              + " bytes, its descriptor gives "
              + descriptor.size());
    }
    return source;
  }

  @Override
  public InputStream streamBlob(Descriptor descriptor) throws IOException {
    requireBlob(descriptor);
    return layout.openBlob(descriptor);
  }

  /**
   * Every manifest the layout reaches (through {@code index.json} and the image indexes it lists)
   * whose subject is {@code subject} and whose artifact type, or config media type when it has
   * none, is {@code artifactType}; in the order they are reached. The descriptors carry the
   * artifact type, as the referrers API gives them.
   */
  @Override
  public List<Descriptor> referrers(Digest subject, String artifactType) throws IOException {
    List<Descriptor> out = new ArrayList<>();
    for (Descriptor d : reachable().values()) {
      if (!MediaTypes.isManifest(d.mediaType()) || !layout.exists(d)) {
        continue;
      }
      ImageManifest m = layout.readManifest(d);
      if (m.subject() == null || !m.subject().digest().equals(subject)) {
        continue;
      }
      String type = !m.artifactType().isEmpty() ? m.artifactType() : m.config().mediaType();
      if (type.equals(artifactType)) {
        Map<String, String> annotations = new LinkedHashMap<>(m.annotations());
        annotations.remove(Annotations.REF_NAME);
        out.add(
            Descriptor.of(d.mediaType(), d.digest(), d.size())
                .withArtifactType(type)
                .withAnnotations(annotations));
      }
    }
    return out;
  }

  /** Every descriptor index.json reaches through image indexes, first occurrence of each digest. */
  private Map<Digest, Descriptor> reachable() throws IOException {
    Map<Digest, Descriptor> out = new LinkedHashMap<>();
    walk(layout.index().manifests(), out, new HashSet<>());
    return out;
  }

  private void walk(List<Descriptor> ds, Map<Digest, Descriptor> out, Set<Digest> visiting)
      throws IOException {
    for (Descriptor d : ds) {
      out.putIfAbsent(d.digest(), d);
    }
    for (Descriptor d : ds) {
      if (MediaTypes.isIndex(d.mediaType()) && layout.exists(d) && visiting.add(d.digest())) {
        walk(layout.readIndex(d).manifests(), out, visiting);
      }
    }
  }

  private void requireBlob(Descriptor d) throws ContentNotFoundException {
    if (!layout.exists(d)) {
      throw new ContentNotFoundException(
          "blob "
              + d.digest()
              + " ("
              + d.mediaType()
              + ") is not in the OCI layout "
              + layout.root()
              + ": "
              + layout.blobPath(d.digest())
              + " does not exist");
    }
  }

  @Override
  public String toString() {
    return "OCI layout " + layout.root();
  }
}
