package dev.soci.core.image;

import dev.soci.core.ReadStatistics;
import dev.soci.core.SeekableLayer;
import dev.soci.oci.Annotations;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.InvalidDocumentException;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciJson;
import dev.soci.oci.Platform;
import dev.soci.oci.SociIndex;
import dev.soci.ztoc.EntryType;
import dev.soci.ztoc.MalformedZtocException;
import dev.soci.ztoc.Ztoc;
import dev.soci.ztoc.ZtocLimits;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An image opened for lazy reading: one platform's manifest, its SOCI index and zTOCs, and the
 * merged view of its layers.
 *
 * <p>{@link #open} resolves the reference through a {@link ContentSource}, picks the manifest of
 * the wanted platform (the host's by default) and finds its SOCI index: an explicit digest ({@link
 * Options#withIndexDigest}), else v2, the {@value Annotations#SOCI_INDEX_DIGEST} annotation of the
 * manifest, else v1, the referrers of the manifest with the v1 artifact type, or the {@code
 * <alg>-<hex>} fallback tag. The index and every zTOC of the image's layers are fetched at once,
 * each checked against its descriptor's size and digest before it is parsed; layers are matched to
 * zTOCs by {@value Annotations#SOCI_IMAGE_LAYER_DIGEST}. An image without a SOCI index opens too
 * ({@link #sociIndex()} is empty): then every layer is read whole.
 *
 * <p>Paths resolve through the merged view, top layer first: OCI whiteouts and opaque directories
 * hide lower layers, hard links name their target's data, symbolic links are followed in every
 * component, confined to the image root (an absolute target starts at the image root, {@code ..}
 * stops there) and at most 40 per lookup. A layer is touched only when a lookup reaches it; a layer
 * without zTOC (smaller than the index's minimum layer size) is then fetched whole and indexed in
 * memory. File bytes come through {@link SeekableLayer}, span by span, verified.
 *
 * <p>Failures: {@link java.nio.file.NoSuchFileException}, {@link
 * java.nio.file.NotDirectoryException} and {@link FileSystemException} for paths (as a {@code
 * java.nio} file system reports them), {@link ContentNotFoundException} for a reference or blob the
 * source lacks, {@link SociImageException} for an image, index or zTOC that is unusable.
 *
 * <p>Thread-safe. {@link #close()} closes the layers, not the content source.
 *
 * <pre>{@code
 * try (OciLayoutSource source = OciLayoutSource.open(Path.of("layout"));
 *     SociImage image = SociImage.open(source, "app:v1")) {
 *   byte[] passwd = image.readAllBytes("/etc/passwd");
 * }
 * }</pre>
 */
public final class SociImage implements Closeable {
  /** The most bytes a manifest, image index or SOCI index may have by default: 4 MiB. */
  public static final long DEFAULT_MAX_DOCUMENT_SIZE = OciJson.DEFAULT_MAX_DOCUMENT_SIZE;

  /** Layers without zTOC up to this size are held in memory, larger ones in a temporary file. */
  public static final long DEFAULT_MAX_IN_MEMORY_LAYER_SIZE = 64L << 20;

  /** How the SOCI index was found. */
  public enum Discovery {
    /** Given by digest ({@link Options#withIndexDigest}). */
    EXPLICIT,
    /** v2: the {@value Annotations#SOCI_INDEX_DIGEST} annotation of the image manifest. */
    MANIFEST_ANNOTATION,
    /** v1: a referrer of the image manifest with the v1 artifact type. */
    REFERRERS,
    /** v1: an entry of the image index tagged {@code <alg>-<hex>} of the manifest digest. */
    FALLBACK_TAG
  }

  /**
   * The SOCI index an image was opened with.
   *
   * @param descriptor its descriptor
   * @param index the decoded index
   * @param discovery how it was found
   */
  public record IndexInfo(Descriptor descriptor, SociIndex index, Discovery discovery) {}

  /**
   * A layer of the image.
   *
   * @param index its position, 0 the bottom layer
   * @param descriptor its descriptor in the manifest
   * @param ztoc the descriptor of its zTOC, or {@code null} when it is read whole
   */
  public record Layer(int index, Descriptor descriptor, Descriptor ztoc) {}

  /**
   * How an image is opened. Immutable.
   *
   * @param platform the platform whose manifest is read from a multi-platform image ({@code null}:
   *     the host's, {@link Platform#host()}); for a single-manifest image, a platform given here
   *     must match the image's
   * @param indexDigest a SOCI index to use instead of discovering one, or {@code null}
   * @param discoverV2 look for a v2 index (the manifest annotation); default true
   * @param discoverV1 look for a v1 index (referrers, fallback tag); default true
   * @param layerOptions how layers are read (verification, limits); default {@link
   *     SeekableLayer.Options#defaults()}; its {@link ZtocLimits} also bound the zTOCs fetched
   * @param maxDocumentSize the most bytes of a manifest, image index or SOCI index; default {@value
   *     #DEFAULT_MAX_DOCUMENT_SIZE}
   * @param maxInMemoryLayerSize layers fetched whole up to this size stay in memory, larger ones go
   *     to a temporary file; default {@value #DEFAULT_MAX_IN_MEMORY_LAYER_SIZE}
   * @param tempDirectory where those temporary files go ({@code null}, the default: the system's
   *     temporary directory); each is deleted when the image is closed
   */
  public record Options(
      Platform platform,
      Digest indexDigest,
      boolean discoverV2,
      boolean discoverV1,
      SeekableLayer.Options layerOptions,
      long maxDocumentSize,
      long maxInMemoryLayerSize,
      java.nio.file.Path tempDirectory,
      boolean prefetch) {
    private static final Options DEFAULTS =
        new Options(
            null,
            null,
            true,
            true,
            SeekableLayer.Options.defaults(),
            DEFAULT_MAX_DOCUMENT_SIZE,
            DEFAULT_MAX_IN_MEMORY_LAYER_SIZE,
            null,
            true);

    /** Checks the values. */
    public Options {
      Objects.requireNonNull(layerOptions, "layerOptions");
      if (maxDocumentSize <= 0 || maxInMemoryLayerSize < 0) {
        throw new IllegalArgumentException("sizes must be positive");
      }
      if (maxInMemoryLayerSize > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("maxInMemoryLayerSize must fit an array");
      }
    }

    /** The defaults described above. */
    public static Options defaults() {
      return DEFAULTS;
    }

    /** A copy for {@code platform} ({@code null}: the host's). */
    public Options withPlatform(Platform platform) {
      return new Options(
          platform,
          indexDigest,
          discoverV2,
          discoverV1,
          layerOptions,
          maxDocumentSize,
          maxInMemoryLayerSize,
          tempDirectory,
          prefetch);
    }

    /** A copy that uses the SOCI index {@code digest} ({@code null}: discover it). */
    public Options withIndexDigest(Digest digest) {
      return new Options(
          platform,
          digest,
          discoverV2,
          discoverV1,
          layerOptions,
          maxDocumentSize,
          maxInMemoryLayerSize,
          tempDirectory,
          prefetch);
    }

    /** A copy that looks for v2 and v1 indexes as told. */
    public Options withDiscovery(boolean v2, boolean v1) {
      return new Options(
          platform,
          indexDigest,
          v2,
          v1,
          layerOptions,
          maxDocumentSize,
          maxInMemoryLayerSize,
          tempDirectory,
          prefetch);
    }

    /** A copy with other layer options. */
    public Options withLayerOptions(SeekableLayer.Options options) {
      return new Options(
          platform,
          indexDigest,
          discoverV2,
          discoverV1,
          options,
          maxDocumentSize,
          maxInMemoryLayerSize,
          tempDirectory,
          prefetch);
    }

    /** A copy with another in-memory bound for layers read whole. */
    public Options withMaxInMemoryLayerSize(long bytes) {
      return new Options(
          platform,
          indexDigest,
          discoverV2,
          discoverV1,
          layerOptions,
          maxDocumentSize,
          bytes,
          tempDirectory,
          prefetch);
    }

    /** A copy whose temporary files go to {@code dir} ({@code null}: the system's). */
    public Options withTempDirectory(java.nio.file.Path dir) {
      return new Options(
          platform,
          indexDigest,
          discoverV2,
          discoverV1,
          layerOptions,
          maxDocumentSize,
          maxInMemoryLayerSize,
          dir,
          prefetch);
    }

    /** A copy that prefetches the spans of the index's prefetch artifacts, or not. */
    public Options withPrefetch(boolean prefetch) {
      return new Options(
          platform,
          indexDigest,
          discoverV2,
          discoverV1,
          layerOptions,
          maxDocumentSize,
          maxInMemoryLayerSize,
          tempDirectory,
          prefetch);
    }
  }

  private final String reference;
  private final Descriptor manifestDescriptor;
  private final ImageManifest manifest;
  private final Platform platform;
  private final IndexInfo index;
  private final List<ImageLayer> layers;
  private final List<Layer> layerInfo;
  private final Counters counters;
  private final long startNanos;
  private final MergedView view;
  private volatile Prefetcher prefetcher;

  private SociImage(
      String reference,
      Descriptor manifestDescriptor,
      ImageManifest manifest,
      Platform platform,
      IndexInfo index,
      List<ImageLayer> layers,
      List<Layer> layerInfo,
      Counters counters,
      long startNanos) {
    this.reference = reference;
    this.manifestDescriptor = manifestDescriptor;
    this.manifest = manifest;
    this.platform = platform;
    this.index = index;
    this.layers = layers;
    this.layerInfo = layerInfo;
    this.counters = counters;
    this.startNanos = startNanos;
    this.view =
        new MergedView(
            new MergedView.Layers() {
              @Override
              public int count() {
                return layers.size();
              }

              @Override
              public LayerTree tree(int layer) throws IOException {
                return layers.get(layer).tree();
              }
            });
  }

  /** Opens {@code reference} with {@link Options#defaults()}. */
  public static SociImage open(ContentSource source, String reference) throws IOException {
    return open(source, reference, Options.defaults());
  }

  /**
   * Opens the image {@code reference} (a tag or digest the source knows) for one platform: fetches
   * and checks its manifest, its SOCI index if it has one, and the zTOCs of its layers.
   *
   * @throws ContentNotFoundException if the source has no such reference
   * @throws SociImageException if no manifest matches the platform, or the SOCI index or a zTOC is
   *     missing, corrupt, too large or not for this image
   */
  public static SociImage open(ContentSource source, String reference, Options options)
      throws IOException {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(options, "options");
    long start = System.nanoTime();
    Counters counters = new Counters();
    Discoverer d = new Discoverer(source, reference, options, counters);
    d.chooseManifest();
    IndexInfo index = d.findIndex();
    Map<Digest, Ztoc> ztocs = new HashMap<>();
    Map<Digest, Descriptor> ztocDescriptors = new HashMap<>();
    if (index != null) {
      d.fetchZtocs(index, ztocs, ztocDescriptors);
    }
    List<ImageLayer> layers = new ArrayList<>();
    List<Layer> info = new ArrayList<>();
    List<Descriptor> ls = d.manifest.layers();
    for (int i = 0; i < ls.size(); i++) {
      Descriptor l = ls.get(i);
      layers.add(new ImageLayer(i, l, ztocs.get(l.digest()), source, counters, options));
      info.add(new Layer(i, l, ztocDescriptors.get(l.digest())));
    }
    SociImage image =
        new SociImage(
            reference,
            d.manifestDescriptor,
            d.manifest,
            d.platform,
            index,
            List.copyOf(layers),
            List.copyOf(info),
            counters,
            start);
    if (index != null && options.prefetch()) {
      image.prefetcher = Prefetcher.start(index, image.layers, source, counters, reference);
    }
    return image;
  }

  /**
   * The background prefetch of the spans named by the SOCI index's prefetch artifacts (started by
   * {@link #open} unless {@link Options#withPrefetch} turned it off): completes when they are all
   * in the span cache, exceptionally when an artifact is invalid or a span cannot be fetched (reads
   * are not affected). Already complete when there is nothing to prefetch.
   */
  public java.util.concurrent.CompletableFuture<Void> prefetchCompletion() {
    Prefetcher p = prefetcher;
    return p == null
        ? java.util.concurrent.CompletableFuture.completedFuture(null)
        : p.completion().copy();
  }

  /** The reference the image was opened by. */
  public String reference() {
    return reference;
  }

  /** The descriptor of the platform's image manifest. */
  public Descriptor manifestDescriptor() {
    return manifestDescriptor;
  }

  /** The platform's image manifest. */
  public ImageManifest manifest() {
    return manifest;
  }

  /**
   * The platform of the manifest read: from its descriptor in the image index, or, for a
   * single-manifest image opened for an explicit platform, from its config; else {@code null}.
   */
  public Platform platform() {
    return platform;
  }

  /** The SOCI index in use; empty when the image has none (layers are then read whole). */
  public Optional<IndexInfo> sociIndex() {
    return Optional.ofNullable(index);
  }

  /** The layers, bottom first, with their zTOCs. */
  public List<Layer> layers() {
    return layerInfo;
  }

  /**
   * What {@code path} is, not following a symbolic link in its last component ({@code lstat});
   * links in the other components are followed.
   *
   * @throws java.nio.file.NoSuchFileException if it does not exist (the message says when a
   *     whiteout deleted it)
   * @throws java.nio.file.NotDirectoryException if a component other than the last is a file
   * @throws FileSystemException for a symbolic link loop
   */
  public ImageEntry lookup(String path) throws IOException {
    return entry(view.lookup(path, false));
  }

  /** What {@code path} is, following symbolic links in every component ({@code stat}). */
  public ImageEntry resolve(String path) throws IOException {
    return entry(view.lookup(path, true));
  }

  private ImageEntry entry(MergedView.Node n) throws IOException {
    return ImageEntry.of(n, view.hardLinkTarget(n));
  }

  /**
   * The entries of the directory {@code dir} (links followed to reach it), sorted by name, as
   * {@link #lookup} gives them.
   *
   * @throws java.nio.file.NotDirectoryException if {@code dir} is not a directory
   */
  public List<ImageEntry> list(String dir) throws IOException {
    List<ImageEntry> out = new ArrayList<>();
    for (MergedView.Node n : view.list(dir)) {
      out.add(entry(n));
    }
    return out;
  }

  /** Streams the regular file {@code path} (links followed), its bytes verified as they come. */
  public InputStream open(String path) throws IOException {
    return open(resolve(path));
  }

  /**
   * Streams the data of a regular file of this image.
   *
   * @param file an entry of this image ({@link #resolve}, {@link #list})
   * @throws FileSystemException if it is not a regular file
   */
  public InputStream open(ImageEntry file) throws IOException {
    return layers.get(requireFile(file)).seekable().openFile(file.metadata());
  }

  /**
   * Streams bytes {@code [position, position + length)} of a regular file, for random access. The
   * file's tar header is checked against its entry once (on the first range read of the file), as
   * {@link #open(ImageEntry)} does, and the spans read are verified.
   *
   * @throws java.io.EOFException if the range does not lie inside the file
   */
  public InputStream openRange(ImageEntry file, long position, long length) throws IOException {
    int layer = requireFile(file);
    if (position < 0 || length < 0 || position > file.size() - length) {
      throw new java.io.EOFException(
          file.path()
              + ": range ["
              + position
              + ", "
              + (position + length)
              + ") is not inside the "
              + file.size()
              + "-byte file");
    }
    ImageLayer l = layers.get(layer);
    l.verifyHeader(file.metadata());
    return l.seekable().openRange(file.metadata().uncompressedOffset() + position, length);
  }

  /** The whole content of the regular file {@code path} (links followed). */
  public byte[] readAllBytes(String path) throws IOException {
    ImageEntry f = resolve(path);
    if (f.size() > Integer.MAX_VALUE - 8) {
      throw new FileSystemException(path, null, "file too large for an array; use open");
    }
    try (InputStream in = open(f)) {
      byte[] b = in.readNBytes((int) f.size());
      if (b.length != f.size()) {
        throw new java.io.EOFException(path + " ended after " + b.length + " bytes");
      }
      return b;
    }
  }

  private int requireFile(ImageEntry file) throws IOException {
    if (file.type() != EntryType.REG || file.metadata() == null) {
      throw new FileSystemException(
          file.path(),
          null,
          file.isDirectory() ? "is a directory" : "not a regular file (" + file.type() + ")");
    }
    if (file.dataLayer() < 0
        || file.dataLayer() >= layers.size()
        || !layers.get(file.dataLayer()).holds(file.metadata())) {
      throw new IllegalArgumentException(file.path() + " is not an entry of this image");
    }
    return file.dataLayer();
  }

  /** What has been fetched so far. */
  public ImageStatistics statistics() {
    long spans = 0;
    long fromCache = 0;
    long prefetched = 0;
    long layerBytes = 0;
    long ignoring = 0;
    for (ImageLayer l : layers) {
      if (l.rangesIgnored()) {
        ignoring++;
      }
      ReadStatistics s = l.statistics();
      if (s != null) {
        spans += s.spansFetched();
        fromCache += s.spansFromCache();
        prefetched += s.spansPrefetched();
      }
      layerBytes += l.descriptor().size();
    }
    long lb = counters.layerBytes.sum();
    long lr = counters.layerRequests.sum();
    return new ImageStatistics(
        counters.documentBytes.sum() + lb,
        counters.documentRequests.sum() + lr,
        lb,
        lr,
        spans,
        fromCache,
        layerBytes,
        Duration.ofNanos(System.nanoTime() - startNanos),
        ignoring,
        prefetched);
  }

  /** Closes the layers opened (and deletes temporary files); the content source stays open. */
  @Override
  public void close() throws IOException {
    Prefetcher p = prefetcher;
    if (p != null) {
      p.stop();
    }
    IOException first = null;
    for (ImageLayer l : layers) {
      try {
        l.close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  @Override
  public String toString() {
    return reference + "@" + manifestDescriptor.digest();
  }

  /** The steps of {@link #open}, sharing what they found. */
  private static final class Discoverer {
    private final ContentSource source;
    private final String reference;
    private final Options options;
    private final Counters counters;
    private final OciJson.Decoder decoder;
    ImageIndex parent;
    Descriptor manifestDescriptor;
    ImageManifest manifest;
    Platform platform;

    Discoverer(ContentSource source, String reference, Options options, Counters counters) {
      this.source = source;
      this.reference = reference;
      this.options = options;
      this.counters = counters;
      this.decoder = OciJson.decoder().maxDocumentSize(options.maxDocumentSize());
    }

    private byte[] fetch(Descriptor d, long max) throws IOException {
      byte[] b = source.fetch(d, max);
      counters.document(b.length);
      return b;
    }

    void chooseManifest() throws IOException {
      Descriptor target = source.resolve(reference);
      counters.document(0);
      if (MediaTypes.isIndex(target.mediaType())) {
        parent = decodeIndex(target);
        Platform want = options.platform() != null ? options.platform() : Platform.host();
        List<String> offered = new ArrayList<>();
        for (Descriptor c : parent.manifests()) {
          if (!MediaTypes.isManifest(c.mediaType())
              || SociIndex.Version.ofArtifactType(c.artifactType()) != null) {
            continue;
          }
          if (c.platform() == null) {
            offered.add("unknown");
            continue;
          }
          offered.add(c.platform().format());
          if (want.matches(c.platform())) {
            manifestDescriptor = c;
            platform = c.platform();
            break;
          }
        }
        if (manifestDescriptor == null) {
          throw new SociImageException(
              reference
                  + ": no manifest for platform "
                  + want.format()
                  + " (the image has: "
                  + (offered.isEmpty() ? "none" : String.join(", ", offered))
                  + ")");
        }
      } else if (MediaTypes.isManifest(target.mediaType())) {
        manifestDescriptor = target;
      } else {
        throw new SociImageException(
            reference
                + " is a "
                + (target.mediaType().isEmpty()
                    ? "descriptor without media type"
                    : target.mediaType())
                + ", not an image manifest or index");
      }
      manifest = decodeManifest(manifestDescriptor);
      if (SociIndex.Version.ofArtifactType(manifest.config().mediaType()) != null) {
        throw new SociImageException(
            reference + " (" + manifestDescriptor.digest() + ") is a SOCI index, not an image");
      }
      if (platform == null && options.platform() != null) {
        // Only asked for when it must be checked: one request less before the first file.
        platform = configPlatform();
        if (platform != null && !options.platform().matches(platform)) {
          throw new SociImageException(
              reference
                  + ": the image is for "
                  + platform.format()
                  + ", not "
                  + options.platform().format());
        }
      }
    }

    private Platform configPlatform() throws IOException {
      Descriptor c = manifest.config();
      if (!MediaTypes.isConfig(c.mediaType())) {
        return null;
      }
      try {
        return decoder.decodeConfigPlatform(fetch(c, options.maxDocumentSize()), describe(c));
      } catch (InvalidDocumentException e) {
        throw new SociImageException(
            reference + ": the image config is invalid: " + e.getMessage(), e);
      }
    }

    private ImageIndex decodeIndex(Descriptor d) throws IOException {
      try {
        return decoder.decodeIndex(fetch(d, options.maxDocumentSize()), describe(d));
      } catch (InvalidDocumentException e) {
        throw new SociImageException(e.getMessage(), e);
      }
    }

    private ImageManifest decodeManifest(Descriptor d) throws IOException {
      try {
        return decoder.decodeManifest(fetch(d, options.maxDocumentSize()), describe(d));
      } catch (InvalidDocumentException e) {
        throw new SociImageException(e.getMessage(), e);
      }
    }

    private String describe(Descriptor d) {
      return d.mediaType() + " " + d.digest() + " of " + reference;
    }

    IndexInfo findIndex() throws IOException {
      Digest m = manifestDescriptor.digest();
      if (options.indexDigest() != null) {
        return load(descriptorOf(options.indexDigest(), "given"), Discovery.EXPLICIT);
      }
      if (options.discoverV2()) {
        String a = manifest.annotations().get(Annotations.SOCI_INDEX_DIGEST);
        if (a != null) {
          if (!Digest.isValid(a)) {
            throw new SociImageException(
                reference
                    + ": manifest "
                    + m
                    + " has an invalid "
                    + Annotations.SOCI_INDEX_DIGEST
                    + " annotation: \""
                    + a
                    + "\"");
          }
          return load(
              descriptorOf(Digest.parse(a), "named by manifest " + m),
              Discovery.MANIFEST_ANNOTATION);
        }
      }
      if (options.discoverV1()) {
        List<Descriptor> referrers = source.referrers(m, MediaTypes.SOCI_INDEX_V1);
        counters.document(0);
        for (Descriptor r : referrers) {
          return load(r, Discovery.REFERRERS);
        }
        Descriptor tagged;
        try {
          counters.document(0);
          tagged = source.resolve(m.algorithm() + "-" + m.hex());
        } catch (ContentNotFoundException e) {
          tagged = null;
        }
        if (tagged != null && MediaTypes.isIndex(tagged.mediaType())) {
          for (Descriptor r : decodeIndex(tagged).manifests()) {
            if (MediaTypes.SOCI_INDEX_V1.equals(r.artifactType())) {
              return load(r, Discovery.FALLBACK_TAG);
            }
          }
        }
      }
      return null;
    }

    /** The descriptor of a SOCI index known by digest: from the image index, else the source. */
    private Descriptor descriptorOf(Digest d, String how) throws IOException {
      if (parent != null) {
        for (Descriptor c : parent.manifests()) {
          if (c.digest().equals(d)) {
            return c;
          }
        }
      }
      try {
        counters.document(0);
        return source.resolve(d.toString());
      } catch (ContentNotFoundException e) {
        throw new SociImageException(
            reference
                + ": the SOCI index "
                + d
                + " ("
                + how
                + ") is not available: "
                + e.getMessage(),
            e);
      }
    }

    private IndexInfo load(Descriptor d, Discovery how) throws IOException {
      byte[] bytes;
      try {
        bytes = fetch(d, options.maxDocumentSize());
      } catch (ContentNotFoundException e) {
        throw new SociImageException(
            reference + ": the SOCI index " + d.digest() + " is not available: " + e.getMessage(),
            e);
      }
      SociIndex index;
      try {
        index =
            SociIndex.fromManifest(
                decoder.decodeManifest(bytes, "SOCI index " + d.digest()),
                "SOCI index " + d.digest());
      } catch (InvalidDocumentException e) {
        throw new SociImageException(reference + ": " + e.getMessage(), e);
      }
      if (index.subject() != null
          && !index.subject().digest().equals(manifestDescriptor.digest())) {
        throw new SociImageException(
            reference
                + ": the SOCI index "
                + d.digest()
                + " is for the image manifest "
                + index.subject().digest()
                + ", not "
                + manifestDescriptor.digest());
      }
      Descriptor desc = d.artifactType().isEmpty() ? d.withArtifactType(index.artifactType()) : d;
      return new IndexInfo(desc, index, how);
    }

    void fetchZtocs(IndexInfo info, Map<Digest, Ztoc> ztocs, Map<Digest, Descriptor> descriptors)
        throws IOException {
      Map<Digest, Descriptor> layers = new HashMap<>();
      for (Descriptor l : manifest.layers()) {
        layers.putIfAbsent(l.digest(), l);
      }
      ZtocLimits limits = options.layerOptions().limits();
      for (Descriptor z : info.index().ztocs()) {
        String a = z.annotation(Annotations.SOCI_IMAGE_LAYER_DIGEST);
        if (a == null || !Digest.isValid(a)) {
          continue; // a prefetch artifact or an entry for no layer
        }
        Digest layerDigest = Digest.parse(a);
        Descriptor layer = layers.get(layerDigest);
        if (layer == null || ztocs.containsKey(layerDigest)) {
          continue; // for a layer of another image, or a second zTOC for the same layer
        }
        String what =
            "zTOC "
                + z.digest()
                + " of layer "
                + layerDigest
                + " (SOCI index "
                + info.descriptor().digest()
                + ")";
        if (z.size() > limits.maxZtocSize()) {
          throw new SociImageException(
              what
                  + " is "
                  + z.size()
                  + " bytes, over the limit of "
                  + limits.maxZtocSize()
                  + " (ZtocLimits.maxZtocSize)");
        }
        byte[] bytes;
        try {
          bytes = fetch(z, limits.maxZtocSize());
        } catch (ContentNotFoundException e) {
          throw new SociImageException(what + " is not available: " + e.getMessage(), e);
        } catch (IOException e) {
          throw new SociImageException(what + " cannot be fetched: " + e.getMessage(), e);
        }
        Ztoc ztoc;
        try {
          ztoc = Ztoc.decode(bytes, limits);
        } catch (MalformedZtocException e) {
          throw new SociImageException(what + " is malformed: " + e.getMessage(), e);
        }
        if (ztoc.compressedArchiveSize() != layer.size()) {
          throw new SociImageException(
              what
                  + " was built for a "
                  + ztoc.compressedArchiveSize()
                  + "-byte blob, but the layer is "
                  + layer.size()
                  + " bytes");
        }
        ztocs.put(layerDigest, ztoc);
        descriptors.put(layerDigest, z);
      }
    }
  }
}
