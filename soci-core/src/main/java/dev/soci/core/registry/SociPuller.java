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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pulls an image and its SOCI artifacts from a registry into an OCI image layout: the image (one
 * platform, chosen ones or all of an index), every blob verified by digest and size as it streams
 * to disk, v2 SOCI indexes through the SOCI-enabled image index, v1 ones through the referrers API
 * or the fallback tag. Everything is written through one {@link OciLayout.Transaction}: a failure
 * leaves no new blob behind and {@code index.json} untouched; success tags the image in the layout.
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
    FetchedManifest root = repo.getManifest(source.reference());
    Map<Digest, FetchedManifest> manifests = new LinkedHashMap<>();
    Map<Digest, Descriptor> blobs = new LinkedHashMap<>();
    List<Descriptor> images = new ArrayList<>();
    List<Descriptor> socis = new ArrayList<>();
    Map<Digest, Platform> platformOf = new LinkedHashMap<>();
    if (MediaTypes.isIndex(root.mediaType())) {
      ImageIndex index = decodeIndex(root);
      for (Descriptor child : index.manifests()) {
        if (!wanted(child)) {
          continue;
        }
        FetchedManifest m = repo.getManifest(child.digest().toString());
        if (!MediaTypes.isManifest(m.mediaType())) {
          continue; // nested indexes are not followed
        }
        addManifest(m, manifests, blobs);
        if (isSoci(child)) {
          socis.add(m.descriptor());
        } else {
          images.add(m.descriptor());
          if (child.platform() != null) {
            platformOf.put(child.digest(), child.platform());
          }
        }
      }
    } else {
      addManifest(root, manifests, blobs);
      images.add(root.descriptor());
    }
    manifests.put(root.descriptor().digest(), root);
    // v1 SOCI indexes: referrers of each image manifest
    List<Descriptor> v1 = new ArrayList<>();
    for (Descriptor image : images) {
      for (Descriptor r : repo.referrers(image.digest(), MediaTypes.SOCI_INDEX_V1)) {
        FetchedManifest m = repo.getManifest(r.digest().toString());
        addManifest(m, manifests, blobs);
        Descriptor entry =
            Descriptor.builder()
                .mediaType(m.mediaType())
                .digest(r.digest())
                .size(m.descriptor().size())
                .artifactType(MediaTypes.SOCI_INDEX_V1)
                .platform(platformOf.get(image.digest()))
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

  private boolean wanted(Descriptor child) {
    Platform p = child.platform();
    if (p == null || platforms.isAll()) {
      return p == null || !p.os().equals("unknown") || isSoci(child);
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
