package dev.soci.core.index;

import dev.soci.oci.Descriptor;
import dev.soci.oci.Platform;
import dev.soci.oci.SociIndex;
import java.io.IOException;
import java.time.ZoneId;
import java.util.List;

/**
 * The build and conversion algorithms of upstream {@code soci/soci_index.go} and {@code
 * soci/soci_convert.go} ({@code spec/index.md} sections 3 and 5), over a {@link Store}: one
 * operation's {@link PlatformResolver}, {@link PlatformIndexer} and {@link ImageConverter}, wired
 * together. One instance per operation: its indexer remembers the zTOCs it built so that a layer
 * shared by several platforms is indexed once.
 */
final class Engine {
  /**
   * Options of one build.
   *
   * @param force build zTOCs even when the store holds one for the same layer and span size
   * @param xattr upstream's {@code xattr} optimization: mark zTOCs without extended attributes
   * @param prefetchPaths files whose spans go into prefetch artifacts, as given (not yet cleaned)
   */
  record Options(
      long spanSize,
      long minLayerSize,
      String buildToolIdentifier,
      ZoneId zone,
      int parallelism,
      boolean force,
      boolean xattr,
      List<String> prefetchPaths) {
    Options {
      prefetchPaths = List.copyOf(prefetchPaths);
    }

    /** Options without force, optimizations or prefetch files. */
    Options(
        long spanSize,
        long minLayerSize,
        String buildToolIdentifier,
        ZoneId zone,
        int parallelism) {
      this(spanSize, minLayerSize, buildToolIdentifier, zone, parallelism, false, false, List.of());
    }

    /** Whether the build reads zTOCs back (for the xattr check or prefetch spans). */
    boolean readsZtocs() {
      return xattr || !prefetchPaths.isEmpty();
    }
  }

  private final PlatformResolver resolver;
  private final PlatformIndexer indexer;
  private final ImageConverter converter;

  Engine(Store store, Options options, BuildListener listener) {
    this.resolver = new PlatformResolver(store);
    this.indexer = new PlatformIndexer(store, options, listener, resolver);
    this.converter = new ImageConverter(store, resolver, indexer);
  }

  /** The platforms a selection stands for ({@link PlatformResolver#select}). */
  List<Platform> select(Descriptor target, PlatformSelection selection) throws IOException {
    return resolver.select(target, selection);
  }

  /** The image manifest of {@code platform} ({@link PlatformResolver#manifestFor}). */
  Descriptor manifestFor(Descriptor target, Platform platform) throws IOException {
    return resolver.manifestFor(target, platform);
  }

  /**
   * Builds (or reuses) the zTOCs of the manifest of {@code platform} and stores the index of {@code
   * version} ({@link PlatformIndexer#build}).
   */
  IndexResult build(Descriptor target, Platform platform, SociIndex.Version version)
      throws IOException {
    return indexer.build(target, platform, version);
  }

  /** The outcome of {@link #convert}. */
  record Converted(Descriptor imageIndex, List<IndexResult> indexes) {}

  /** Converts the image {@code target} ({@link ImageConverter#convert}). */
  Converted convert(Descriptor target, PlatformSelection selection) throws IOException {
    return converter.convert(target, selection);
  }

  /** The compression of a layer media type as soci names it ({@link PlatformIndexer}). */
  static String compressionOf(String mediaType) {
    return PlatformIndexer.compressionOf(mediaType);
  }

  /** Fails unless a document of {@code size} bytes can be read back under {@code limit}. */
  static void checkDocumentSize(long size, long limit, String what) throws SociIndexException {
    PlatformIndexer.checkDocumentSize(size, limit, what);
  }
}
