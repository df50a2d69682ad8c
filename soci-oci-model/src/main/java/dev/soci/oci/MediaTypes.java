package dev.soci.oci;

import java.util.Arrays;

/**
 * Media types of OCI and Docker (v2 schema 2) images and of SOCI artifacts, and the classification
 * rules containerd (v2.2) applies to them, which upstream soci relies on.
 */
public final class MediaTypes {
  private MediaTypes() {}

  /** OCI image manifest. */
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

  /** OCI image index. */
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";

  /** OCI image config. */
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";

  /** OCI empty descriptor content ({@code {}}). */
  public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";

  /** OCI uncompressed tar layer. */
  public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";

  /** OCI gzip layer. */
  public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

  /** OCI zstd layer. */
  public static final String OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";

  /** OCI non-distributable uncompressed layer (deprecated by the spec). */
  public static final String OCI_LAYER_NONDISTRIBUTABLE =
      "application/vnd.oci.image.layer.nondistributable.v1.tar";

  /** OCI non-distributable gzip layer (deprecated by the spec). */
  public static final String OCI_LAYER_NONDISTRIBUTABLE_GZIP =
      "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";

  /** Docker v2 schema 2 manifest. */
  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";

  /** Docker manifest list. */
  public static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";

  /** Docker image config. */
  public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";

  /** Docker uncompressed layer. */
  public static final String DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar";

  /** Docker gzip layer. */
  public static final String DOCKER_LAYER_GZIP =
      "application/vnd.docker.image.rootfs.diff.tar.gzip";

  /** Docker zstd layer. */
  public static final String DOCKER_LAYER_ZSTD =
      "application/vnd.docker.image.rootfs.diff.tar.zstd";

  /** Docker foreign uncompressed layer. */
  public static final String DOCKER_FOREIGN_LAYER =
      "application/vnd.docker.image.rootfs.foreign.diff.tar";

  /** Docker foreign gzip layer. */
  public static final String DOCKER_FOREIGN_LAYER_GZIP =
      "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

  /** Artifact type (and config media type) of a SOCI index manifest v1. */
  public static final String SOCI_INDEX_V1 = "application/vnd.amazon.soci.index.v1+json";

  /** Artifact type (and config media type) of a SOCI index manifest v2. */
  public static final String SOCI_INDEX_V2 = "application/vnd.amazon.soci.index.v2+json";

  /** Media type of a zTOC blob inside a SOCI index. */
  public static final String SOCI_ZTOC = "application/octet-stream";

  /** Media type of a SOCI prefetch artifact. */
  public static final String SOCI_PREFETCH = "application/vnd.amazon.soci.prefetch.v1+json";

  /**
   * Compression of a layer media type as containerd's {@code images.DiffCompression} reports it.
   */
  public static final String COMPRESSION_GZIP = "gzip";

  /** See {@link #COMPRESSION_GZIP}. */
  public static final String COMPRESSION_ZSTD = "zstd";

  /** A Docker uncompressed type that may nevertheless hold compressed bytes. */
  public static final String COMPRESSION_UNKNOWN = "unknown";

  /** No recognised compression (uncompressed, or wrapped in something else such as encryption). */
  public static final String COMPRESSION_NONE = "";

  /** An image manifest, OCI or Docker (containerd {@code images.IsManifestType}). */
  public static boolean isManifest(String mediaType) {
    return OCI_MANIFEST.equals(mediaType) || DOCKER_MANIFEST.equals(mediaType);
  }

  /** An image index or Docker manifest list (containerd {@code images.IsIndexType}). */
  public static boolean isIndex(String mediaType) {
    return OCI_INDEX.equals(mediaType) || DOCKER_MANIFEST_LIST.equals(mediaType);
  }

  /** An image config, OCI or Docker (containerd {@code images.IsConfigType}). */
  public static boolean isConfig(String mediaType) {
    return OCI_CONFIG.equals(mediaType) || DOCKER_CONFIG.equals(mediaType);
  }

  /**
   * A layer (containerd {@code images.IsLayerType}): any type starting with {@code
   * application/vnd.oci.image.layer.}, or a Docker layer type with any {@code +suffix}.
   */
  public static boolean isLayer(String mediaType) {
    if (mediaType == null) {
      return false;
    }
    if (mediaType.startsWith("application/vnd.oci.image.layer.")) {
      return true;
    }
    return switch (base(mediaType)) {
      case DOCKER_LAYER,
          DOCKER_LAYER_GZIP,
          DOCKER_FOREIGN_LAYER,
          DOCKER_FOREIGN_LAYER_GZIP,
          DOCKER_LAYER_ZSTD ->
          true;
      default -> false;
    };
  }

  /**
   * The compression of a layer media type, as containerd's {@code images.DiffCompression} (v2.2)
   * decides it: the type is split at its first {@code +} into a base and suffixes, which are
   * sorted; for the OCI bases the last sorted suffix decides ({@code gzip}, {@code zstd}, else
   * {@code ""}); Docker gzip/zstd types give {@code gzip}/{@code zstd}, Docker plain tar types
   * {@code unknown}, and any Docker type with a suffix {@code ""}.
   *
   * @return one of {@link #COMPRESSION_GZIP}, {@link #COMPRESSION_ZSTD}, {@link
   *     #COMPRESSION_UNKNOWN}, {@link #COMPRESSION_NONE}
   * @throws IllegalArgumentException for a media type that is not a recognised layer base
   */
  public static String diffCompression(String mediaType) {
    String base = base(mediaType);
    String[] ext = suffixes(mediaType);
    switch (base) {
      case DOCKER_LAYER, DOCKER_FOREIGN_LAYER:
        return ext.length > 0 ? COMPRESSION_NONE : COMPRESSION_UNKNOWN;
      case DOCKER_LAYER_GZIP, DOCKER_FOREIGN_LAYER_GZIP:
        return ext.length > 0 ? COMPRESSION_NONE : COMPRESSION_GZIP;
      case DOCKER_LAYER_ZSTD:
        return ext.length > 0 ? COMPRESSION_NONE : COMPRESSION_ZSTD;
      case OCI_LAYER, OCI_LAYER_NONDISTRIBUTABLE:
        if (ext.length > 0) {
          switch (ext[ext.length - 1]) {
            case "gzip":
              return COMPRESSION_GZIP;
            case "zstd":
              return COMPRESSION_ZSTD;
            default:
              break;
          }
        }
        return COMPRESSION_NONE;
      default:
        throw new IllegalArgumentException("unrecognised layer media type " + mediaType);
    }
  }

  private static String base(String mediaType) {
    int plus = mediaType.indexOf('+');
    return plus < 0 ? mediaType : mediaType.substring(0, plus);
  }

  private static String[] suffixes(String mediaType) {
    int plus = mediaType.indexOf('+');
    if (plus < 0) {
      return new String[0];
    }
    String[] ext = mediaType.substring(plus + 1).split("\\+", -1);
    Arrays.sort(ext); // Go sort.Strings: byte order, which for these ASCII names is String order
    return ext;
  }
}
