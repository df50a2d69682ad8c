package dev.soci.core.registry;

import dev.soci.core.index.PlatformSelection;
import dev.soci.core.index.SociIndexCatalog;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.Platform;
import dev.soci.oci.SociIndex;
import dev.soci.oci.layout.OciLayout;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pushes an image of an OCI image layout, with its SOCI artifacts, to a registry, in an order that
 * never shows a reader a dangling reference: every blob first (layers, configs, the {@code {}}
 * config, zTOCs; each checked with HEAD and uploaded only when missing, several at a time), then
 * the child manifests by digest, then the image index (which lists v2 SOCI indexes) or the image
 * manifest, then v1 SOCI index manifests (whose {@code subject} is the image manifest; on a
 * registry without the referrers API the fallback tag is updated), and the tag last. Pushing what
 * the registry already has uploads nothing.
 *
 * <pre>{@code
 * SociPusher.Result r = SociPusher.to(registry).maxConcurrentUploads(4)
 *     .push(OciLayout.open(dir), "app:v1", ImageReference.parse("127.0.0.1:5000/app:v1"));
 * }</pre>
 */
public final class SociPusher {
  /** What to do when the registry already has a v1 SOCI index for an image manifest. */
  public enum ExistingIndex {
    /** Push anyway and report a warning (upstream's default). */
    WARN,
    /** Do not push another one. */
    SKIP,
    /** Push anyway, silently. */
    ALLOW
  }

  /** Progress callbacks (called from upload threads too; implementations must be thread-safe). */
  public interface Listener {
    /** A blob was uploaded ({@code uploaded}) or found in the registry. */
    default void blob(Descriptor blob, boolean uploaded) {}

    /** A manifest or index was pushed ({@code uploaded}) or found in the registry. */
    default void manifest(Descriptor manifest, boolean uploaded) {}

    /** Something the user should know that does not stop the push. */
    default void warning(String message) {}
  }

  /**
   * What a push did.
   *
   * @param image the descriptor of the pushed image (index or manifest)
   * @param sociIndexes the v1 SOCI index manifests pushed with it (v2 ones are in the image index)
   * @param blobsUploaded blobs uploaded
   * @param blobsExisting blobs the registry already had
   * @param bytesUploaded bytes of the uploaded blobs
   * @param manifestsPushed manifests and indexes pushed (the tag included)
   * @param manifestsExisting manifests the registry already had
   */
  public record Result(
      Descriptor image,
      List<Descriptor> sociIndexes,
      int blobsUploaded,
      int blobsExisting,
      long bytesUploaded,
      int manifestsPushed,
      int manifestsExisting) {
    /** Copies the list. */
    public Result {
      sociIndexes = List.copyOf(sociIndexes);
    }

    /** Whether the registry had everything already. */
    public boolean upToDate() {
      return blobsUploaded == 0 && manifestsPushed == 0;
    }
  }

  private final Registry registry;
  private PlatformSelection platforms = PlatformSelection.defaultPlatform();
  private ExistingIndex existingIndex = ExistingIndex.WARN;
  private int maxConcurrentUploads = 3;
  private Listener listener = new Listener() {};

  private SociPusher(Registry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /** A pusher to the registries of this client. */
  public static SociPusher to(Registry registry) {
    return new SociPusher(registry);
  }

  /**
   * The platforms whose v1 SOCI indexes are pushed (default: the image's own for a single manifest,
   * the host's for an index). An image index is always pushed whole.
   */
  public SociPusher platforms(PlatformSelection selection) {
    this.platforms = Objects.requireNonNull(selection, "selection");
    return this;
  }

  /** What to do when the registry has a v1 SOCI index for the image already (default WARN). */
  public SociPusher existingIndex(ExistingIndex policy) {
    this.existingIndex = Objects.requireNonNull(policy, "policy");
    return this;
  }

  /** How many blobs are uploaded at once (default 3). */
  public SociPusher maxConcurrentUploads(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("max concurrent uploads must be at least 1");
    }
    this.maxConcurrentUploads = n;
    return this;
  }

  /** Progress callbacks. */
  public SociPusher listener(Listener l) {
    this.listener = Objects.requireNonNull(l, "listener");
    return this;
  }

  /**
   * Pushes the image the layout has under {@code imageRef} (a tag or digest of its {@code
   * index.json}) to {@code destination}, tagging it with the destination's tag.
   *
   * @throws IllegalArgumentException when {@code imageRef} names a v2 SOCI index (it is pushed with
   *     its SOCI-enabled image index) or the destination's digest is not the image's
   */
  public Result push(OciLayout layout, String imageRef, ImageReference destination)
      throws IOException {
    Descriptor image = layout.resolve(imageRef);
    if (SociIndex.Version.ofArtifactType(image.artifactType()) == SociIndex.Version.V2
        || isV2Index(layout, image)) {
      throw new IllegalArgumentException(
          "\""
              + imageRef
              + "\" is a v2 SOCI index; it is pushed with its SOCI-enabled image index: push that"
              + " image's tag instead");
    }
    image = image.toBuilder().annotations(null).platform(null).build();
    if (destination.digest() != null && !destination.digest().equals(image.digest())) {
      throw new IllegalArgumentException(
          "the destination's digest "
              + destination.digest()
              + " is not the image's digest "
              + image.digest());
    }
    Repository repo = registry.repository(destination);
    Graph graph = new Graph(Source.of(layout), repo);
    graph.visit(image);

    // v1 SOCI indexes of the selected image manifests, most recent per manifest
    SociIndexCatalog catalog = SociIndexCatalog.scan(layout);
    Set<Digest> selected = selectedManifests(catalog, layout, imageRef, image);
    Map<Digest, SociIndexCatalog.IndexEntry> newest = new LinkedHashMap<>();
    for (SociIndexCatalog.IndexEntry e : catalog.indexes()) {
      if (e.version() != SociIndex.Version.V1 || !selected.contains(e.imageManifest())) {
        continue;
      }
      newest.merge(
          e.imageManifest(),
          e,
          (a, b) ->
              Comparator.nullsFirst(Comparator.<java.time.Instant>naturalOrder())
                          .compare(a.created(), b.created())
                      >= 0
                  ? a
                  : b);
    }
    Map<Descriptor, Digest> v1Indexes = new LinkedHashMap<>();
    for (SociIndexCatalog.IndexEntry e : newest.values()) {
      v1Indexes.put(e.descriptor(), e.imageManifest());
    }
    return pushGraph(graph, repo, image, v1Indexes, destination);
  }

  /**
   * Pushes SOCI artifacts built next to an image that is already in the registry (as {@code
   * SociIndexBuilder} does for an image indexed where it lives): {@code documents} holds the
   * manifests and indexes that are new (SOCI index manifests, re-encoded image manifests, a
   * SOCI-enabled image index), by digest; every other manifest and blob they reference must be in
   * the destination repository already. Pushes in the same order as {@link #push(OciLayout, String,
   * ImageReference)}: child manifests, then {@code image} (tagged with the destination's tag, if
   * any), then the v1 indexes.
   *
   * @param image the image to tag: one of {@code documents}, or a manifest already in the registry
   * @param v1Indexes v1 SOCI index descriptors (among {@code documents}) with their subject's
   *     digest
   * @throws IOException if a referenced blob or manifest is missing from the registry
   */
  public Result pushDocuments(
      Map<Digest, byte[]> documents,
      Descriptor image,
      Map<Descriptor, Digest> v1Indexes,
      ImageReference destination)
      throws IOException {
    Repository repo = registry.repository(destination);
    Graph graph = new Graph(Source.of(documents), repo);
    Descriptor plain = image.toBuilder().annotations(null).platform(null).build();
    if (documents.containsKey(plain.digest())) {
      graph.visit(plain);
    }
    return pushGraph(graph, repo, plain, v1Indexes, destination);
  }

  /** Pushes {@code graph} with the v1 indexes (policy applied) and the tag, in the safe order. */
  private Result pushGraph(
      Graph graph,
      Repository repo,
      Descriptor image,
      Map<Descriptor, Digest> v1Indexes,
      ImageReference destination)
      throws IOException {
    List<Descriptor> v1 = new ArrayList<>();
    for (Map.Entry<Descriptor, Digest> e : v1Indexes.entrySet()) {
      Descriptor d = e.getKey();
      List<Descriptor> existing = repo.referrers(e.getValue(), MediaTypes.SOCI_INDEX_V1);
      boolean ours = existing.stream().anyMatch(x -> x.digest().equals(d.digest()));
      if (!existing.isEmpty() && !ours) {
        if (existingIndex == ExistingIndex.SKIP) {
          listener.warning(
              "skipping SOCI index " + d.digest() + ": the registry has one for " + e.getValue());
          continue;
        }
        if (existingIndex == ExistingIndex.WARN) {
          listener.warning(
              "the registry already has a SOCI index for "
                  + e.getValue()
                  + " ("
                  + existing.get(0).digest()
                  + "); pushing "
                  + d.digest()
                  + " as well");
        }
      }
      graph.visit(d);
      if (!ours) {
        graph.mustPut.add(d.digest()); // listed nowhere yet: PUT even if the registry has it
      }
      v1.add(d);
    }

    uploadBlobs(repo, graph);
    int pushed = 0;
    int existing = 0;
    for (Descriptor m : graph.manifests.values()) {
      boolean have =
          !graph.mustPut.contains(m.digest())
              && repo.headManifest(m.digest().toString()).isPresent();
      if (!have) {
        repo.putManifest(m.digest().toString(), m.mediaType(), graph.source.read(m));
        pushed++;
      } else {
        existing++;
      }
      listener.manifest(m, !have);
    }
    if (destination.tag() != null) {
      Optional<Descriptor> tagged = repo.headManifest(destination.tag());
      if (tagged.isEmpty() || !tagged.get().digest().equals(image.digest())) {
        byte[] content =
            graph.source.has(image)
                ? graph.source.read(image)
                : repo.getManifest(image.digest().toString()).content();
        repo.putManifest(destination.tag(), image.mediaType(), content);
        pushed++;
        listener.manifest(image, true);
      }
    }
    return new Result(
        image,
        v1,
        graph.uploaded.get(),
        graph.blobs.size() - graph.uploaded.get(),
        graph.bytes.get(),
        pushed,
        existing);
  }

  private static boolean isV2Index(OciLayout layout, Descriptor d) throws IOException {
    if (!MediaTypes.isManifest(d.mediaType()) || !layout.exists(d)) {
      return false;
    }
    ImageManifest m = layout.readManifest(d);
    return MediaTypes.SOCI_INDEX_V2.equals(m.config().mediaType())
        || MediaTypes.SOCI_INDEX_V2.equals(m.artifactType());
  }

  private Set<Digest> selectedManifests(
      SociIndexCatalog catalog, OciLayout layout, String ref, Descriptor image) throws IOException {
    if (MediaTypes.isManifest(image.mediaType())) {
      return Set.of(image.digest());
    }
    List<Platform> wanted;
    if (platforms.isAll()) {
      wanted = List.of();
    } else if (platforms.isDefault()) {
      wanted = List.of(Platform.host());
    } else {
      wanted = platforms.platforms();
    }
    return catalog.imageManifests(ref, wanted);
  }

  /** Blobs and manifests to push, children before parents. */
  /**
   * Where the content to push comes from: a layout, or documents in memory next to an image in the
   * registry. Only what {@link #has} is pushed; the rest must be in the registry already.
   */
  private interface Source {
    boolean has(Descriptor d);

    byte[] read(Descriptor d) throws IOException;

    ImageIndex index(Descriptor d) throws IOException;

    ImageManifest manifest(Descriptor d) throws IOException;

    /** The content of a blob {@link #has} holds, checked to have the descriptor's size. */
    BlobContent blob(Descriptor d) throws IOException;

    static Source of(OciLayout layout) {
      return new Source() {
        @Override
        public boolean has(Descriptor d) {
          return layout.exists(d);
        }

        @Override
        public byte[] read(Descriptor d) throws IOException {
          return layout.readBlob(d);
        }

        @Override
        public ImageIndex index(Descriptor d) throws IOException {
          return layout.readIndex(d);
        }

        @Override
        public ImageManifest manifest(Descriptor d) throws IOException {
          return layout.readManifest(d);
        }

        @Override
        public BlobContent blob(Descriptor d) throws IOException {
          java.nio.file.Path file = layout.blobPath(d.digest());
          long size = Files.size(file);
          if (size != d.size()) {
            throw new IOException(
                file + " is " + size + " bytes but its descriptor says " + d.size());
          }
          return BlobContent.of(file);
        }
      };
    }

    static Source of(Map<Digest, byte[]> documents) {
      return new Source() {
        @Override
        public boolean has(Descriptor d) {
          return documents.containsKey(d.digest());
        }

        @Override
        public byte[] read(Descriptor d) throws IOException {
          byte[] b = documents.get(d.digest());
          if (b == null || b.length != d.size()) {
            throw new IOException("no document " + d.digest() + " of " + d.size() + " bytes");
          }
          return b;
        }

        @Override
        public ImageIndex index(Descriptor d) throws IOException {
          return dev.soci.oci.OciJson.decoder().decodeIndex(read(d), d.digest().toString());
        }

        @Override
        public ImageManifest manifest(Descriptor d) throws IOException {
          return dev.soci.oci.OciJson.decoder().decodeManifest(read(d), d.digest().toString());
        }

        @Override
        public BlobContent blob(Descriptor d) throws IOException {
          return BlobContent.of(read(d));
        }
      };
    }
  }

  private static final class Graph {
    final Source source;
    final Repository repo;
    final Map<Digest, Descriptor> blobs = new LinkedHashMap<>();
    final Map<Digest, Descriptor> manifests = new LinkedHashMap<>();
    final Set<Digest> mustPut = new HashSet<>();
    final Set<Digest> visiting = new HashSet<>();
    final AtomicInteger uploaded = new AtomicInteger();
    final AtomicLong bytes = new AtomicLong();

    Graph(Source source, Repository repo) {
      this.source = source;
      this.repo = repo;
    }

    void visit(Descriptor d) throws IOException {
      if (manifests.containsKey(d.digest()) || !visiting.add(d.digest())) {
        return;
      }
      Descriptor plain = d.toBuilder().annotations(null).platform(null).build();
      if (MediaTypes.isIndex(d.mediaType())) {
        ImageIndex index = source.index(d);
        for (Descriptor child : index.manifests()) {
          if (source.has(child)) {
            visit(child);
          } else if (repo.headManifest(child.digest().toString()).isEmpty()) {
            throw new IOException(
                "the layout lacks manifest "
                    + child.digest()
                    + " listed by index "
                    + d.digest()
                    + ", and the registry does not have it either");
          }
        }
      } else if (MediaTypes.isManifest(d.mediaType())) {
        ImageManifest m = source.manifest(d);
        blob(m.config());
        for (Descriptor layer : m.layers()) {
          blob(layer);
        }
      } else {
        throw new IOException(
            "cannot push " + d.digest() + ": media type " + d.mediaType() + " is not a manifest");
      }
      manifests.put(d.digest(), plain);
    }

    private void blob(Descriptor d) throws IOException {
      if (!source.has(d)) {
        if (!d.urls().isEmpty()) {
          return; // a foreign layer: the registry never had it
        }
        if (repo.headBlob(d.digest()).isPresent()) {
          return;
        }
        throw new IOException(
            "the layout lacks blob " + d.digest() + " and the registry does not have it either");
      }
      blobs.putIfAbsent(d.digest(), d);
    }
  }

  private void uploadBlobs(Repository repo, Graph graph) throws IOException {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(maxConcurrentUploads, Math.max(1, graph.blobs.size())),
            r -> {
              Thread t = new Thread(r, "soci-push");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (Descriptor d : graph.blobs.values()) {
        futures.add(
            pool.submit(
                () -> {
                  OptionalLong have = repo.headBlob(d.digest());
                  if (have.isPresent() && have.getAsLong() == d.size()) {
                    listener.blob(d, false);
                    return null;
                  }
                  repo.pushBlob(d.digest(), d.size(), graph.source.blob(d));
                  graph.uploaded.incrementAndGet();
                  graph.bytes.addAndGet(d.size());
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
          throw new InterruptedIOException("interrupted while uploading blobs");
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
