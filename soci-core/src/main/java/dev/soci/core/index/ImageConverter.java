package dev.soci.core.index;

import dev.soci.oci.Annotations;
import dev.soci.oci.Descriptor;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciJson;
import dev.soci.oci.Platform;
import dev.soci.oci.SociIndex;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Converts an image (upstream {@code IndexBuilder.Convert}): a v2 SOCI index per platform, the
 * image manifests re-encoded as OCI (the indexed ones annotated with their index), and the
 * SOCI-enabled image index stored.
 */
final class ImageConverter {
  private final Store store;
  private final PlatformResolver resolver;
  private final PlatformIndexer indexer;

  ImageConverter(Store store, PlatformResolver resolver, PlatformIndexer indexer) {
    this.store = store;
    this.resolver = resolver;
    this.indexer = indexer;
  }

  /**
   * Upstream {@code IndexBuilder.Convert}: builds a v2 index per platform, re-encodes the image
   * manifests (annotating the indexed ones), and stores the SOCI-enabled image index.
   */
  Engine.Converted convert(Descriptor target, PlatformSelection selection) throws IOException {
    List<Platform> all = resolver.platforms(target);
    if (all.isEmpty()) {
      throw new SociIndexException(
          "image " + store.describe(target) + " does not support any platforms");
    }
    Descriptor image = target;
    if (MediaTypes.isManifest(target.mediaType())) {
      image = target.withPlatform(all.get(0));
    }
    List<Platform> platforms = resolver.select(image, selection);

    ImageIndex ociIndex;
    if (MediaTypes.isIndex(image.mediaType())) {
      ociIndex = store.index(image).withMediaType(MediaTypes.OCI_INDEX);
    } else if (MediaTypes.isManifest(image.mediaType())) {
      ociIndex = ImageIndex.of(MediaTypes.OCI_INDEX, List.of(image));
    } else {
      throw new SociIndexException(
          "image "
              + target.digest()
              + " has media type \""
              + target.mediaType()
              + "\", which is neither an image manifest nor an image index");
    }

    List<IndexResult> built = new ArrayList<>();
    for (Platform p : platforms) {
      try {
        built.add(indexer.build(image, p, SociIndex.Version.V2));
      } catch (SociIndexException e) {
        if (!e.isEmptyIndex()) {
          throw e;
        }
      }
    }
    if (built.isEmpty()) {
      throw SociIndexException.emptyIndex("image " + store.describe(target));
    }

    // annotateImages
    List<Descriptor> manifests = new ArrayList<>(ociIndex.manifests());
    Descriptor[] sociDescs = new Descriptor[built.size()];
    for (int i = 0; i < built.size(); i++) {
      sociDescs[i] = built.get(i).descriptor();
    }
    for (int i = 0; i < manifests.size(); i++) {
      Descriptor desc = manifests.get(i);
      int idx = -1;
      for (int k = 0; k < built.size(); k++) {
        if (built.get(k).manifest().digest().equals(desc.digest())) {
          idx = k;
          break;
        }
      }
      if (!MediaTypes.isManifest(desc.mediaType())
          || MediaTypes.SOCI_INDEX_V2.equals(desc.artifactType())) {
        continue; // nested indexes, other artifacts, and SOCI indexes of an earlier conversion stay
        // as they are
      }
      if (!store.exists(desc)) {
        if (idx < 0) {
          continue; // a platform that was not pulled: left untouched
        }
        store.manifest(desc); // reports the missing blob
      }
      ImageManifest m = store.manifest(desc);
      m =
          m.withMediaType(MediaTypes.OCI_MANIFEST)
              .withConfig(m.config().withMediaType(MediaTypes.OCI_CONFIG));
      if (idx >= 0) {
        m =
            m.withAnnotation(
                Annotations.SOCI_INDEX_DIGEST, built.get(idx).descriptor().digest().toString());
      }
      Descriptor written =
          indexer.writeDocument(
              MediaTypes.OCI_MANIFEST, OciJson.encode(m), "image manifest " + desc.digest());
      Descriptor updated =
          desc.toBuilder()
              .digest(written.digest())
              .size(written.size())
              .mediaType(MediaTypes.OCI_MANIFEST)
              .annotations(m.annotations())
              .build();
      manifests.set(i, updated);
      if (idx >= 0) {
        sociDescs[idx] =
            sociDescs[idx].withAnnotation(
                Annotations.SOCI_IMAGE_MANIFEST_DIGEST, updated.digest().toString());
      }
    }

    // addSociIndexes
    for (int k = 0; k < built.size(); k++) {
      Platform p = built.get(k).platform();
      Descriptor d = sociDescs[k].withPlatform(p);
      Platform normalized = p.normalize();
      int existing = -1;
      for (int i = 0; i < manifests.size(); i++) {
        Descriptor m = manifests.get(i);
        if (MediaTypes.SOCI_INDEX_V2.equals(m.artifactType())
            && m.platform() != null
            && normalized.matches(m.platform())) {
          existing = i;
          break;
        }
      }
      if (existing >= 0) {
        manifests.set(existing, d);
      } else {
        manifests.add(d);
      }
      sociDescs[k] = d;
    }
    ImageIndex result = ociIndex.withManifests(manifests);
    Descriptor written =
        indexer.writeDocument(
            MediaTypes.OCI_INDEX, OciJson.encode(result), "the SOCI-enabled image index");
    List<IndexResult> results = new ArrayList<>();
    for (int k = 0; k < built.size(); k++) {
      IndexResult r = built.get(k);
      results.add(new IndexResult(r.platform(), r.manifest(), sociDescs[k], r.index(), r.layers()));
    }
    return new Engine.Converted(
        Descriptor.of(MediaTypes.OCI_INDEX, written.digest(), written.size()), results);
  }
}
