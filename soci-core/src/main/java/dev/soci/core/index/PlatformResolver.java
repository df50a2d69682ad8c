package dev.soci.core.index;

import dev.soci.oci.Descriptor;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.InvalidDocumentException;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciJson;
import dev.soci.oci.Platform;
import dev.soci.oci.internal.ImageGraphWalker;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Platform resolution of upstream's build and conversion (containerd's {@code images.Platforms} and
 * {@code ConfigPlatform}, soci's {@code GetImageManifestDescriptor}): which platforms an image
 * declares, which a {@link PlatformSelection} stands for, and the image manifest of each.
 */
final class PlatformResolver {
  private final Store store;

  PlatformResolver(Store store) {
    this.store = store;
  }

  /**
   * containerd {@code images.Platforms}: the platforms an image declares, unknown ones excluded.
   */
  List<Platform> platforms(Descriptor target) throws IOException {
    List<Platform> out = new ArrayList<>();
    ImageGraphWalker.withDefaults()
        .walk(
            target,
            d -> store.index(d).manifests(),
            (d, depth) -> {
              if (d.platform() != null) {
                if (!d.platform().os().equals("unknown")
                    && !d.platform().architecture().equals("unknown")) {
                  out.add(d.platform());
                }
                return false;
              }
              if (MediaTypes.isManifest(d.mediaType())) {
                ImageManifest m = store.manifest(d);
                if (MediaTypes.isConfig(m.config().mediaType())) {
                  out.add(configPlatform(m.config()));
                }
                return false;
              }
              return MediaTypes.isIndex(d.mediaType());
            });
    return out;
  }

  /** containerd {@code images.ConfigPlatform}: the config's platform members, normalized. */
  Platform configPlatform(Descriptor config) throws IOException {
    byte[] b = store.read(config, OciJson.decoder().maxDocumentSize());
    try {
      return OciJson.decoder().decodeConfigPlatform(b, store.describe(config)).normalize();
    } catch (InvalidDocumentException e) {
      throw new SociIndexException(
          "cannot read the platform of image config "
              + store.describe(config)
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** The default platform: a single manifest's own (from its config), else the host's. */
  Platform defaultPlatform(Descriptor target) throws IOException {
    if (MediaTypes.isManifest(target.mediaType())) {
      List<Platform> ps = platforms(target);
      if (!ps.isEmpty()) {
        return ps.get(0);
      }
    }
    return Platform.host();
  }

  /** The platforms a selection stands for, duplicates (by strict match) removed. */
  List<Platform> select(Descriptor target, PlatformSelection selection) throws IOException {
    List<Platform> requested;
    if (selection.isAll()) {
      requested = platforms(target);
      if (requested.isEmpty()) {
        throw new SociIndexException("image does not support any platforms");
      }
    } else if (selection.isDefault()) {
      requested = List.of(defaultPlatform(target));
    } else {
      requested = selection.platforms();
    }
    List<Platform> out = new ArrayList<>();
    next:
    for (Platform p : requested) {
      for (Platform q : out) {
        if (q.normalize().matches(p)) {
          continue next;
        }
      }
      out.add(p);
    }
    return out;
  }

  /** Upstream {@code GetImageManifestDescriptor}: the image manifest of {@code platform}. */
  Descriptor manifestFor(Descriptor target, Platform platform) throws IOException {
    if (MediaTypes.isIndex(target.mediaType())) {
      for (Descriptor child : store.index(target).manifests()) {
        if (child.platform() == null) {
          throw new SociIndexException(
              "image index "
                  + store.describe(target)
                  + ": manifest "
                  + child.digest()
                  + " should have proper platform");
        }
        if (platform.normalize().matches(child.platform())) {
          return child;
        }
      }
      throw new SociIndexException(
          "image manifest for " + platform + ": not found in " + store.describe(target));
    }
    if (MediaTypes.isManifest(target.mediaType())) {
      if (target.platform() != null && !platform.normalize().matches(target.platform())) {
        throw new SociIndexException(
            "image manifest for "
                + platform
                + ": not found (the image is "
                + target.platform()
                + ")");
      }
      return target;
    }
    throw new SociIndexException(
        "image "
            + target.digest()
            + " has media type \""
            + target.mediaType()
            + "\", which is neither an image manifest nor an image index");
  }
}
