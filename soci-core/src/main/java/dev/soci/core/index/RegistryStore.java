package dev.soci.core.index;

import dev.soci.core.registry.BlobContent;
import dev.soci.core.registry.RegistryException;
import dev.soci.core.registry.Repository;
import dev.soci.oci.Annotations;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.InvalidDocumentException;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciJson;
import dev.soci.oci.SociIndex;
import dev.soci.ztoc.ZtocLimits;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link Store} over an image in a registry repository, for building where the image lives:
 * manifests and configs are fetched (and verified) by digest, layers are streamed once and checked
 * against their digest at their end, and nothing touches a file. Blobs the build writes (zTOCs, the
 * {@code {}} config, prefetch artifacts) are uploaded as they are written, when the registry lacks
 * them; the manifests it writes (SOCI indexes, re-encoded image manifests, the SOCI-enabled image
 * index) are kept in memory (they are small and bounded by the document limit) for {@code
 * SociPusher.pushDocuments} to push in a safe order once the build succeeded.
 */
final class RegistryStore implements Store {
  private final Repository repo;

  /** Manifests and indexes written by the build, by digest, in the order written. */
  private final Map<Digest, byte[]> documents = new LinkedHashMap<>();

  /** Fetched manifests by digest (documents are small; an image reads each a few times). */
  private final Map<Digest, byte[]> fetched = new ConcurrentHashMap<>();

  /** Image manifests the build read, whose existing SOCI indexes may hold zTOCs to reuse. */
  private final Set<Digest> imageManifests = new HashSet<>();

  /** SOCI indexes listed by image indexes the build read (v2 indexes of an earlier convert). */
  private final Set<Descriptor> listedIndexes = new HashSet<>();

  private final Set<Digest> scanned = new HashSet<>();

  /** zTOCs found in the image's existing SOCI indexes, by layer digest and span size. */
  private final Map<String, Descriptor> knownZtocs = new HashMap<>();

  RegistryStore(Repository repo) {
    this.repo = repo;
  }

  /** The manifests and indexes the build wrote, by digest, in the order written. */
  synchronized Map<Digest, byte[]> documents() {
    return new LinkedHashMap<>(documents);
  }

  private byte[] document(Descriptor d) throws IOException {
    synchronized (this) {
      byte[] mine = documents.get(d.digest());
      if (mine != null) {
        return mine;
      }
    }
    byte[] b = fetched.get(d.digest());
    if (b == null) {
      b = repo.getManifest(d.digest().toString()).content(); // digest checked by the client
      fetched.put(d.digest(), b);
    }
    return b;
  }

  @Override
  public byte[] read(Descriptor d, long maxSize) throws IOException {
    if (d.size() > maxSize) {
      throw new SociIndexException(
          describe(d) + " is " + d.size() + " bytes, more than the " + maxSize + " expected");
    }
    if (MediaTypes.isManifest(d.mediaType()) || MediaTypes.isIndex(d.mediaType())) {
      return document(d);
    }
    try (InputStream in = repo.getBlob(d.digest(), d.size())) {
      return in.readAllBytes(); // the stream checks size and digest at its end
    }
  }

  @Override
  public ImageManifest manifest(Descriptor d) throws IOException {
    ImageManifest m;
    try {
      m = OciJson.decoder().decodeManifest(document(d), describe(d));
    } catch (InvalidDocumentException e) {
      throw new SociIndexException(describe(d) + ": " + e.getMessage(), e);
    }
    synchronized (this) {
      if (SociIndex.Version.ofArtifactType(m.artifactType()) == null
          && SociIndex.Version.ofArtifactType(m.config().mediaType()) == null) {
        imageManifests.add(d.digest());
      }
    }
    return m;
  }

  @Override
  public ImageIndex index(Descriptor d) throws IOException {
    ImageIndex index;
    try {
      index = OciJson.decoder().decodeIndex(document(d), describe(d));
    } catch (InvalidDocumentException e) {
      throw new SociIndexException(describe(d) + ": " + e.getMessage(), e);
    }
    synchronized (this) {
      for (Descriptor child : index.manifests()) {
        if (MediaTypes.SOCI_INDEX_V2.equals(child.artifactType())) {
          listedIndexes.add(child);
        }
      }
    }
    return index;
  }

  @Override
  public boolean exists(Descriptor d) {
    synchronized (this) {
      if (documents.containsKey(d.digest())) {
        return true;
      }
    }
    try {
      if (MediaTypes.isManifest(d.mediaType()) || MediaTypes.isIndex(d.mediaType())) {
        return fetched.containsKey(d.digest())
            || repo.headManifest(d.digest().toString()).isPresent();
      }
      return repo.headBlob(d.digest()).isPresent();
    } catch (IOException e) {
      return false; // reading it reports the failure
    }
  }

  @Override
  public InputStream open(Descriptor d) throws IOException {
    return repo.getBlob(d.digest(), d.size());
  }

  @Override
  public Descriptor write(String mediaType, byte[] content) throws IOException {
    Descriptor d = Descriptor.of(mediaType, Digest.sha256(content), content.length);
    if (MediaTypes.isManifest(mediaType) || MediaTypes.isIndex(mediaType)) {
      synchronized (this) {
        documents.putIfAbsent(d.digest(), content.clone());
      }
      return d;
    }
    return write(d, BlobContent.of(content.clone()));
  }

  @Override
  public Descriptor write(Descriptor d, BlobContent content) throws IOException {
    var have = repo.headBlob(d.digest());
    if (have.isEmpty() || have.getAsLong() != d.size()) {
      repo.pushBlob(d.digest(), d.size(), content); // the registry checks size and digest
    }
    return d;
  }

  @Override
  public synchronized Descriptor existingZtoc(Digest layer, long spanSize) throws IOException {
    List<Descriptor> indexes = new ArrayList<>();
    for (Digest m : imageManifests) {
      if (scanned.add(m)) {
        try {
          indexes.addAll(repo.referrers(m, MediaTypes.SOCI_INDEX_V1));
        } catch (RegistryException e) {
          if (e.status() != 404) {
            throw e;
          }
        }
      }
    }
    for (Descriptor d : listedIndexes) {
      if (scanned.add(d.digest())) {
        indexes.add(d);
      }
    }
    for (Descriptor d : indexes) {
      ImageManifest index;
      try {
        index =
            OciJson.decoder()
                .decodeManifest(repo.getManifest(d.digest().toString()).content(), describe(d));
      } catch (InvalidDocumentException | RegistryException e) {
        continue; // an unreadable index offers nothing to reuse
      }
      for (Descriptor z : index.layers()) {
        String l = z.annotation(Annotations.SOCI_IMAGE_LAYER_DIGEST);
        String span = z.annotation(Annotations.SOCI_SPAN_SIZE);
        if (MediaTypes.SOCI_ZTOC.equals(z.mediaType()) && l != null && span != null) {
          knownZtocs.putIfAbsent(
              l + " " + span, Descriptor.of(MediaTypes.SOCI_ZTOC, z.digest(), z.size()));
        }
      }
    }
    Descriptor z = knownZtocs.get(layer + " " + spanSize);
    if (z == null || z.size() > ZtocLimits.defaults().maxZtocSize()) {
      return null;
    }
    try (InputStream in = repo.getBlob(z.digest(), z.size())) {
      in.transferTo(java.io.OutputStream.nullOutputStream()); // present and intact
    } catch (RegistryException e) {
      return null; // listed but gone or damaged: build it again
    }
    return z;
  }

  @Override
  public String describe(Descriptor d) {
    return repo.registry() + "/" + repo.name() + "@" + d.digest();
  }
}
