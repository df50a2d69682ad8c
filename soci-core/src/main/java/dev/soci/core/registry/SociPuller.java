package dev.soci.core.registry;

import dev.soci.core.index.PlatformSelection;
import dev.soci.oci.Annotations;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.InvalidDocumentException;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciJson;
import dev.soci.oci.Platform;
import dev.soci.oci.layout.OciLayout;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Pulls an image and its SOCI artifacts from a registry into an OCI image layout: the image (one
 * platform, chosen ones or all of an index), every blob verified by digest and size as it streams
 * to disk, v2 SOCI indexes through the SOCI-enabled image index, v1 ones through the referrers API
 * or the fallback tag. Everything is written through one {@link OciLayout.Transaction}: a failure
 * leaves no new blob behind and {@code index.json} untouched; success tags the image in the layout.
 *
 * <p>Image indexes nested in the pulled one (an index listing an index) are followed down to {@link
 * #MAX_INDEX_DEPTH} levels; deeper nesting fails the pull with a {@link RegistryException} naming
 * the chain of digests. The platform selection applies to image manifests (and v2 SOCI indexes) at
 * every level, v1 SOCI indexes are pulled for every image manifest pulled, and every nested image
 * index is pulled whatever its platforms: the index above it keeps listing it, so leaving it out
 * would leave a descriptor in the layout that resolves to nothing. An index none of whose manifests
 * is selected is thus pulled as a document, without its manifests, just as the root index is
 * written without the manifests of the platforms not selected (pull all platforms for a layout in
 * which every descriptor resolves). Every manifest and index is fetched and checked (digest, size,
 * manifest or index as its descriptor says) before the transaction begins, and blobs are verified
 * as they stream, so a document or blob that cannot be fetched fails the pull and leaves the layout
 * as it was: never a descriptor without its content. A pull fetches at most 10,000 manifests and
 * indexes (128 MiB of them).
 *
 * <pre>{@code
 * SociPuller.Result r = SociPuller.from(registry)
 *     .pull(ImageReference.parse("127.0.0.1:5000/app:v1"), Path.of("layout"), "app:v1");
 * }</pre>
 */
public final class SociPuller {
  /** Progress callbacks (called from download threads too). */
  public interface Listener {
    /** A blob was downloaded ({@code downloaded}) or found in the layout. */
    default void blob(Descriptor blob, boolean downloaded) {}
  }

  /**
   * What a pull did.
   *
   * @param image the descriptor of the pulled image (index or manifest)
   * @param manifests the image manifests pulled
   * @param sociIndexes the SOCI index manifests pulled (v1 and v2)
   * @param blobsDownloaded blobs downloaded
   * @param blobsExisting blobs the layout already had
   * @param bytesDownloaded bytes of the downloaded blobs
   */
  public record Result(
      Descriptor image,
      List<Descriptor> manifests,
      List<Descriptor> sociIndexes,
      int blobsDownloaded,
      int blobsExisting,
      long bytesDownloaded) {
    /** Copies the lists. */
    public Result {
      manifests = List.copyOf(manifests);
      sociIndexes = List.copyOf(sociIndexes);
    }
  }

  /**
   * How deep image indexes may nest: the pulled index and at most seven levels of indexes under it.
   * Deeper nesting fails the pull.
   */
  public static final int MAX_INDEX_DEPTH = 8;

  /** At most this many manifests and indexes are fetched by one pull. */
  static final int MAX_DOCUMENTS = 10_000;

  /** At most this many bytes of manifests and indexes are held by one pull. */
  static final long MAX_DOCUMENT_BYTES = 128L << 20;

  private final Registry registry;
  private PlatformSelection platforms = PlatformSelection.defaultPlatform();
  private int maxConcurrentDownloads = 3;
  private Listener listener = new Listener() {};

  private SociPuller(Registry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /** A puller from the registries of this client. */
  public static SociPuller from(Registry registry) {
    return new SociPuller(registry);
  }

  /** The platforms pulled from an image index (default: the host's). */
  public SociPuller platforms(PlatformSelection selection) {
    this.platforms = Objects.requireNonNull(selection, "selection");
    return this;
  }

  /** How many blobs are downloaded at once (default 3). */
  public SociPuller maxConcurrentDownloads(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("max concurrent downloads must be at least 1");
    }
    this.maxConcurrentDownloads = n;
    return this;
  }

  /** Progress callbacks. */
  public SociPuller listener(Listener l) {
    this.listener = Objects.requireNonNull(l, "listener");
    return this;
  }

  /**
   * Pulls {@code source} into the layout at {@code dir} (created when missing, added to when
   * present) and tags it {@code tag} there (an entry with the same tag is replaced).
   */
  public Result pull(ImageReference source, Path dir, String tag) throws IOException {
    Objects.requireNonNull(tag, "tag");
    boolean existed = Files.exists(dir);
    boolean isLayout = Files.exists(dir.resolve(OciLayout.LAYOUT_FILE));
    OciLayout layout = isLayout ? OciLayout.open(dir) : OciLayout.init(dir);
    try {
      return pull(source, layout, tag);
    } catch (IOException | RuntimeException e) {
      if (!isLayout) {
        removeEmptyLayout(dir, existed);
      }
      throw e;
    }
  }

  /** Undoes {@link OciLayout#init} after a failed pull: only the files init makes are removed. */
  private static void removeEmptyLayout(Path dir, boolean keepDir) {
    try {
      Files.deleteIfExists(dir.resolve(OciLayout.INDEX_FILE));
      Files.deleteIfExists(dir.resolve(OciLayout.LAYOUT_FILE));
      Files.deleteIfExists(dir.resolve(OciLayout.LOCK_FILE));
      Path blobs = dir.resolve(OciLayout.BLOBS_DIR);
      if (Files.isDirectory(blobs, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        try (var s = Files.list(blobs)) {
          for (Path p : (Iterable<Path>) s::iterator) {
            Files.deleteIfExists(p); // empty algorithm directories only: a non-empty one fails
          }
        }
        Files.deleteIfExists(blobs);
      }
      if (!keepDir) {
        Files.deleteIfExists(dir);
      }
    } catch (IOException e) {
      // something else is in there now: leave it
    }
  }

  private Result pull(ImageReference source, OciLayout layout, String tag) throws IOException {
    Repository repo = registry.repository(source);
    Graph graph = new Graph(repo, source);
    FetchedManifest root = repo.getManifest(source.reference());
    graph.count(root);
    if (MediaTypes.isIndex(root.mediaType())) {
      graph.index(root, List.of(root.descriptor().digest()));
    } else {
      graph.manifest(root, null);
    }
    Map<Digest, FetchedManifest> manifests = graph.manifests;
    Map<Digest, Descriptor> blobs = graph.blobs;
    List<Descriptor> images = graph.images;
    List<Descriptor> socis = graph.socis;
    manifests.put(root.descriptor().digest(), root);
    // v1 SOCI indexes: referrers of each image manifest, at any level of nesting
    List<Descriptor> v1 = new ArrayList<>();
    for (Descriptor image : images) {
      for (Descriptor r : repo.referrers(image.digest(), MediaTypes.SOCI_INDEX_V1)) {
        FetchedManifest m = repo.getManifest(r.digest().toString());
        graph.count(m);
        addManifest(m, manifests, blobs);
        Descriptor entry =
            Descriptor.builder()
                .mediaType(m.mediaType())
                .digest(r.digest())
                .size(m.descriptor().size())
                .artifactType(MediaTypes.SOCI_INDEX_V1)
                .platform(graph.platformOf.get(image.digest()))
                .build();
        v1.add(entry);
        socis.add(m.descriptor());
      }
    }
    AtomicInteger downloaded = new AtomicInteger();
    AtomicLong bytes = new AtomicLong();
    try (OciLayout.Transaction tx = layout.begin()) {
      download(repo, tx, blobs, downloaded, bytes);
      for (FetchedManifest m : manifests.values()) {
        Descriptor written = tx.writeBlob(m.mediaType(), m.content());
        if (!written.digest().equals(m.descriptor().digest())) {
          throw new IOException(
              "manifest "
                  + m.descriptor().digest()
                  + " was written with digest "
                  + written.digest());
        }
      }
      ImageIndex top = tx.index();
      List<Descriptor> entries = new ArrayList<>();
      for (Descriptor e : top.manifests()) {
        if (!tag.equals(e.annotation(Annotations.REF_NAME))) {
          entries.add(e);
        }
      }
      entries.add(root.descriptor().withAnnotations(Map.of(Annotations.REF_NAME, tag)));
      for (Descriptor e : v1) {
        if (entries.stream().noneMatch(x -> x.digest().equals(e.digest()))) {
          entries.add(e);
        }
      }
      tx.commit(top.withManifests(entries));
    }
    return new Result(
        root.descriptor(),
        images,
        socis,
        downloaded.get(),
        blobs.size() - downloaded.get(),
        bytes.get());
  }

  /**
   * The manifests, indexes and blobs a pull reaches from its root, fetched (documents) or listed
   * (blobs) before anything is written, so that a failure here changes nothing on disk.
   */
  private final class Graph {
    private final Repository repo;
    private final ImageReference source;
    final Map<Digest, FetchedManifest> manifests = new LinkedHashMap<>();
    final Map<Digest, Descriptor> blobs = new LinkedHashMap<>();
    final List<Descriptor> images = new ArrayList<>();
    final List<Descriptor> socis = new ArrayList<>();
    final Map<Digest, Platform> platformOf = new LinkedHashMap<>();
    private final Set<Digest> indexesSeen = new HashSet<>();
    private int documents;
    private long documentBytes;

    Graph(Repository repo, ImageReference source) {
      this.repo = repo;
      this.source = source;
    }

    /**
     * Adds an image index and what it reaches: every image index it lists (whatever its platform,
     * since this index keeps listing it) and the wanted image manifests, SOCI v2 indexes among
     * them. {@code chain} is the digests from the root down to this index.
     */
    void index(FetchedManifest m, List<Digest> chain) throws IOException {
      if (!indexesSeen.add(m.descriptor().digest())) {
        return; // listed twice (a lattice): fetched and followed once
      }
      manifests.put(m.descriptor().digest(), m);
      for (Descriptor child : decodeIndex(m).manifests()) {
        boolean isIndex = MediaTypes.isIndex(child.mediaType());
        if (!isIndex && !wanted(child)) {
          continue; // another platform's manifest: not pulled (see the class comment)
        }
        List<Digest> path = new ArrayList<>(chain);
        path.add(child.digest());
        if (isIndex) {
          checkDepth(path); // before fetching: a chain ends here whatever the registry serves
        }
        FetchedManifest c = fetch(child, path);
        if (MediaTypes.isIndex(c.mediaType())) {
          checkDepth(path);
          index(c, List.copyOf(path));
        } else if (MediaTypes.isManifest(c.mediaType())) {
          manifest(c, child);
        } else {
          throw failure(
              chainText(path)
                  + " has media type "
                  + c.mediaType()
                  + ": neither an image manifest nor an image index, so it cannot be pulled");
        }
      }
    }

    private void checkDepth(List<Digest> path) throws RegistryException {
      if (path.size() > MAX_INDEX_DEPTH) {
        throw failure(
            "its image indexes are nested deeper than "
                + MAX_INDEX_DEPTH
                + " levels: "
                + chainText(path));
      }
    }

    /** Adds an image manifest (or SOCI v2 index) {@code entry} lists, or the root when null. */
    void manifest(FetchedManifest m, Descriptor entry) throws IOException {
      addManifest(m, manifests, blobs);
      if (entry != null && isSoci(entry)) {
        if (!socis.contains(m.descriptor())) {
          socis.add(m.descriptor());
        }
        return;
      }
      if (!images.contains(m.descriptor())) {
        images.add(m.descriptor());
      }
      if (entry != null && entry.platform() != null) {
        platformOf.putIfAbsent(entry.digest(), entry.platform());
      }
    }

    /**
     * Fetches what {@code child} describes, checking that it is what the descriptor says (size, and
     * manifest or index when the media type tells).
     */
    private FetchedManifest fetch(Descriptor child, List<Digest> path) throws IOException {
      FetchedManifest m = manifests.get(child.digest()); // listed before: fetched once
      if (m == null) {
        m = get(child, path);
        count(m);
      }
      if (m.descriptor().size() != child.size()) {
        throw failure(
            chainText(path)
                + " is "
                + m.descriptor().size()
                + " bytes but its descriptor says "
                + child.size());
      }
      boolean saysIndex = MediaTypes.isIndex(child.mediaType());
      boolean saysManifest = MediaTypes.isManifest(child.mediaType());
      if ((saysIndex && !MediaTypes.isIndex(m.mediaType()))
          || (saysManifest && !MediaTypes.isManifest(m.mediaType()))) {
        throw failure(
            chainText(path)
                + " is listed with media type "
                + child.mediaType()
                + " but the registry serves it as "
                + m.mediaType());
      }
      return m;
    }

    private FetchedManifest get(Descriptor child, List<Digest> path) throws IOException {
      try {
        return repo.getManifest(child.digest().toString());
      } catch (RegistryException e) {
        throw new RegistryException(
            "pull " + source,
            chainText(path) + " could not be fetched: " + e.getMessage(),
            e.status(),
            e.errorCode(),
            e.errorMessage(),
            e.method(),
            e.url(),
            e);
      }
    }

    /** Counts a fetched document against the bounds of one pull. */
    void count(FetchedManifest m) throws RegistryException {
      documents++;
      documentBytes += m.descriptor().size();
      if (documents > MAX_DOCUMENTS || documentBytes > MAX_DOCUMENT_BYTES) {
        throw failure(
            "it reaches more than "
                + MAX_DOCUMENTS
                + " manifests and indexes or more than "
                + MAX_DOCUMENT_BYTES
                + " bytes of them");
      }
    }

    private RegistryException failure(String reason) {
      return new RegistryException(
          "pull " + source, reason, RegistryException.NO_STATUS, null, null, null, null, null);
    }
  }

  /** "sha256:a -> sha256:b -> sha256:c": the digests from the pulled root down to a document. */
  private static String chainText(List<Digest> path) {
    return path.stream().map(Digest::toString).collect(Collectors.joining(" -> "));
  }

  private static ImageIndex decodeIndex(FetchedManifest m) throws IOException {
    try {
      return OciJson.decoder().decodeIndex(m.content(), "index " + m.descriptor().digest());
    } catch (InvalidDocumentException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private static boolean isSoci(Descriptor d) {
    return MediaTypes.SOCI_INDEX_V2.equals(d.artifactType())
        || MediaTypes.SOCI_INDEX_V1.equals(d.artifactType());
  }

  /**
   * Whether a manifest an index lists is pulled: with all platforms, every one (attestation
   * manifests of platform {@code unknown/unknown} too, so that the layout is complete); otherwise
   * those without a platform and those of a chosen platform.
   */
  private boolean wanted(Descriptor child) {
    Platform p = child.platform();
    if (p == null || platforms.isAll()) {
      return true;
    }
    List<Platform> list = platforms.isDefault() ? List.of(Platform.host()) : platforms.platforms();
    return list.stream().anyMatch(q -> q.normalize().matches(p));
  }

  private static void addManifest(
      FetchedManifest m, Map<Digest, FetchedManifest> manifests, Map<Digest, Descriptor> blobs)
      throws IOException {
    ImageManifest manifest;
    try {
      manifest =
          OciJson.decoder().decodeManifest(m.content(), "manifest " + m.descriptor().digest());
    } catch (InvalidDocumentException e) {
      throw new IOException(e.getMessage(), e);
    }
    manifests.put(m.descriptor().digest(), m);
    blobs.putIfAbsent(manifest.config().digest(), manifest.config());
    for (Descriptor layer : manifest.layers()) {
      if (layer.urls().isEmpty()) {
        blobs.putIfAbsent(layer.digest(), layer);
      }
    }
  }

  private void download(
      Repository repo,
      OciLayout.Transaction tx,
      Map<Digest, Descriptor> blobs,
      AtomicInteger downloaded,
      AtomicLong bytes)
      throws IOException {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(maxConcurrentDownloads, Math.max(1, blobs.size())),
            r -> {
              Thread t = new Thread(r, "soci-pull");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<?>> futures = new ArrayList<>();
      OciLayout layout = tx.layout();
      for (Descriptor d : blobs.values()) {
        futures.add(
            pool.submit(
                () -> {
                  if (layout.exists(d)) {
                    listener.blob(d, false);
                    return null;
                  }
                  try (InputStream in = repo.getBlob(d.digest(), d.size())) {
                    tx.writeBlob(d, in);
                  }
                  downloaded.incrementAndGet();
                  bytes.addAndGet(d.size());
                  listener.blob(d, true);
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (ExecutionException e) {
          futures.forEach(x -> x.cancel(true));
          Throwable c = e.getCause();
          if (c instanceof IOException io) {
            throw io;
          }
          if (c instanceof RuntimeException re) {
            throw re;
          }
          throw new IOException(c);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          futures.forEach(x -> x.cancel(true));
          throw new InterruptedIOException("interrupted while downloading blobs");
        }
      }
    } finally {
      pool.shutdownNow();
      try {
        pool.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
