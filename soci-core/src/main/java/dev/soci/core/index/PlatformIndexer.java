package dev.soci.core.index;

import dev.soci.oci.Annotations;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.Digester;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.Platform;
import dev.soci.oci.PrefetchArtifact;
import dev.soci.oci.SociIndex;
import dev.soci.ztoc.CompressionAlgorithm;
import dev.soci.ztoc.Ztoc;
import dev.soci.ztoc.ZtocBuilder;
import dev.soci.ztoc.ZtocException;
import dev.soci.ztoc.ZtocLimits;
import dev.soci.ztoc.gzip.SpeculativeDecoding;
import dev.soci.ztoc.zinfo.GzipZinfo;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds the SOCI index of one platform's image manifest (upstream {@code IndexBuilder.Build}):
 * classifies the layers, schedules the zTOC builds a bounded number at once, adds prefetch
 * artifacts, and stores the index. It remembers the zTOCs it built so that a layer shared by
 * several platforms of one operation is indexed once.
 */
final class PlatformIndexer {
  /** A zTOC this operation built or reused, and for which platform build it was first made. */
  private record Memo(Descriptor ztoc, boolean created, int build) {}

  private final Store store;
  private final Engine.Options options;
  private final BuildListener listener;
  private final PlatformResolver resolver;
  private final Map<Digest, Memo> memo = new ConcurrentHashMap<>();

  /** zTOCs read back or kept from their build, by zTOC digest (only when options need them). */
  private final Map<Digest, Ztoc> decoded = new ConcurrentHashMap<>();

  private int buildNumber;

  PlatformIndexer(
      Store store, Engine.Options options, BuildListener listener, PlatformResolver resolver) {
    this.store = store;
    this.options = options;
    this.listener = listener;
    this.resolver = resolver;
  }

  /**
   * The compression of a layer media type as soci names it: containerd's, "" mapped to uncompressed
   * for the plain OCI tar.
   */
  static String compressionOf(String mediaType) {
    String c = MediaTypes.diffCompression(mediaType);
    return c.isEmpty() && mediaType.equals(MediaTypes.OCI_LAYER) ? "uncompressed" : c;
  }

  /** Per-layer plan before any zTOC is built. */
  private record Plan(
      Descriptor layer,
      LayerResult.Status status,
      CompressionAlgorithm algorithm,
      Descriptor ztoc) {}

  /**
   * Upstream {@code IndexBuilder.Build}: builds (or reuses) the zTOCs of the manifest of {@code
   * platform} and stores the index of {@code version}.
   */
  IndexResult build(Descriptor target, Platform platform, SociIndex.Version version)
      throws IOException {
    int build = ++buildNumber;
    Descriptor manifestDesc = resolver.manifestFor(target, platform);
    ImageManifest manifest = store.manifest(manifestDesc);
    String where = "image manifest " + store.describe(manifestDesc);

    // 1. Classify every layer; errors here fail the build before any work is done.
    List<Plan> plans = new ArrayList<>();
    List<IOException> errors = new ArrayList<>();
    for (Descriptor layer : manifest.layers()) {
      try {
        plans.add(plan(layer, build));
      } catch (SociIndexException e) {
        errors.add(
            new SociIndexException(where + ": layer " + layer.digest() + ": " + e.getMessage(), e));
      } catch (IOException e) {
        errors.add(e);
      }
    }
    throwAll(errors);

    // 2. Build the zTOCs that are needed, a bounded number at once.
    List<Descriptor> ztocs = buildAll(plans, where);

    // 3. Report and assemble in layer order.
    List<LayerResult> results = new ArrayList<>();
    List<Descriptor> blobs = new ArrayList<>();
    List<Descriptor> indexed = new ArrayList<>(); // the layers of blobs, in the same order
    for (int i = 0; i < plans.size(); i++) {
      Plan p = plans.get(i);
      if (p == null) {
        continue; // prefetch artifact: ignored
      }
      Descriptor z = ztocs.get(i);
      LayerResult r = new LayerResult(platform, p.layer, p.status, z, options.minLayerSize());
      results.add(r);
      listener.onLayer(r);
      if (z != null) {
        Map<String, String> annotations = new TreeMap<>();
        annotations.put(Annotations.SOCI_IMAGE_LAYER_MEDIA_TYPE, p.layer.mediaType());
        annotations.put(Annotations.SOCI_IMAGE_LAYER_DIGEST, p.layer.digest().toString());
        annotations.put(Annotations.SOCI_SPAN_SIZE, Long.toString(options.spanSize()));
        if (options.xattr() && Prefetch.shouldDisableXattrs(ztocOf(z))) {
          annotations.put(Annotations.SOCI_DISABLE_XATTRS, "true");
        }
        blobs.add(z.withAnnotations(annotations));
        indexed.add(p.layer);
      }
    }
    if (blobs.isEmpty()) {
      throw SociIndexException.emptyIndex(where + " (" + platform + ")");
    }
    if (!options.prefetchPaths().isEmpty()) {
      blobs.addAll(prefetch(indexed, blobs, where));
    }
    SociIndex index =
        version == SociIndex.Version.V1
            ? SociIndex.v1(blobs, manifestDesc, options.buildToolIdentifier())
            : SociIndex.v2(blobs, options.buildToolIdentifier());
    store.write(version.artifactType(), SociIndex.CONFIG_CONTENT.getBytes(StandardCharsets.UTF_8));
    Descriptor written =
        writeDocument(MediaTypes.OCI_MANIFEST, index.encode(), "the SOCI index for " + where);
    Descriptor desc = written.withArtifactType(version.artifactType());
    return new IndexResult(platform, manifestDesc, desc, index, results);
  }

  private Plan plan(Descriptor layer, int build) throws IOException {
    if (MediaTypes.SOCI_PREFETCH.equals(layer.mediaType())) {
      return null;
    }
    if (!MediaTypes.isLayer(layer.mediaType())) {
      throw new SociIndexException("not a layer mediaType: \"" + layer.mediaType() + "\"");
    }
    if (layer.size() < options.minLayerSize()) {
      return new Plan(layer, LayerResult.Status.SKIPPED_TOO_SMALL, null, null);
    }
    String compression;
    try {
      compression = compressionOf(layer.mediaType());
    } catch (IllegalArgumentException e) {
      throw new SociIndexException("could not determine layer compression: " + e.getMessage(), e);
    }
    CompressionAlgorithm algorithm =
        switch (compression) {
          case MediaTypes.COMPRESSION_GZIP -> CompressionAlgorithm.GZIP;
          case "uncompressed", MediaTypes.COMPRESSION_UNKNOWN -> CompressionAlgorithm.UNCOMPRESSED;
          default -> null;
        };
    if (algorithm == null) {
      return new Plan(layer, LayerResult.Status.SKIPPED_UNSUPPORTED, null, null);
    }
    Memo m = memo.get(layer.digest());
    if (m != null) {
      boolean createdNow = m.created && m.build == build;
      return new Plan(
          layer,
          createdNow ? LayerResult.Status.CREATED : LayerResult.Status.REUSED,
          algorithm,
          m.ztoc);
    }
    Descriptor existing =
        options.force() ? null : store.existingZtoc(layer.digest(), options.spanSize());
    if (existing != null) {
      memo.put(layer.digest(), new Memo(existing, false, build));
      return new Plan(layer, LayerResult.Status.REUSED, algorithm, existing);
    }
    return new Plan(layer, LayerResult.Status.CREATED, algorithm, null);
  }

  private List<Descriptor> buildAll(List<Plan> plans, String where) throws IOException {
    List<Descriptor> out = new ArrayList<>();
    Map<Digest, Integer> first = new java.util.HashMap<>();
    List<Integer> toBuild = new ArrayList<>();
    long total = 0;
    for (int i = 0; i < plans.size(); i++) {
      Plan p = plans.get(i);
      out.add(p == null ? null : p.ztoc);
      if (p != null
          && p.status == LayerResult.Status.CREATED
          && p.ztoc == null
          && first.putIfAbsent(p.layer.digest(), i) == null) {
        toBuild.add(i);
        total += p.layer.size();
      }
    }
    if (!toBuild.isEmpty()) {
      AtomicLong done = new AtomicLong();
      long totalBytes = total;
      int builds = Math.min(options.parallelism(), toBuild.size());
      // Processors the concurrent builds leave over inflate single large layers in parallel,
      // with the heap shared out as well.
      int threadsPerBuild =
          Math.max(
              1,
              Math.min(
                  Runtime.getRuntime().availableProcessors() / builds,
                  1 + SpeculativeDecoding.maxWorkers(Runtime.getRuntime().maxMemory() / builds)));
      ExecutorService pool =
          Executors.newFixedThreadPool(
              builds,
              r -> {
                Thread t = new Thread(r, "soci-ztoc-build");
                t.setDaemon(true);
                return t;
              });
      try {
        // Each build holds its zTOC (a 32 KiB window a span) until it is stored: builds that
        // would not fit beside the running ones in half the heap wait for them.
        HeapBudget heap = HeapBudget.halfTheHeap();
        List<Future<Descriptor>> futures = new ArrayList<>();
        for (int i : toBuild) {
          Plan p = plans.get(i);
          long need = heapEstimate(p);
          futures.add(
              pool.submit(
                  () -> {
                    long taken = heap.acquire(need);
                    try {
                      return buildZtoc(p, done, totalBytes, threadsPerBuild);
                    } finally {
                      heap.release(taken);
                    }
                  }));
        }
        List<IOException> errors = new ArrayList<>();
        for (int k = 0; k < futures.size(); k++) {
          Plan p = plans.get(toBuild.get(k));
          try {
            Descriptor z = futures.get(k).get();
            memo.put(p.layer.digest(), new Memo(z, true, buildNumber));
            out.set(toBuild.get(k), z);
          } catch (ExecutionException e) {
            Throwable c = e.getCause();
            String msg =
                where
                    + ": could not build zTOC for layer "
                    + p.layer.digest()
                    + " ("
                    + store.describe(p.layer)
                    + "): "
                    + c.getMessage();
            errors.add(
                c instanceof dev.soci.oci.OciException oe ? oe : new SociIndexException(msg, c));
            futures.forEach(
                f -> f.cancel(true)); // queued builds never start; running ones are interrupted
          } catch (CancellationException e) {
            // another layer failed first
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            futures.forEach(f -> f.cancel(true));
            throw new InterruptedIOException("interrupted while building zTOCs");
          }
        }
        throwAll(errors);
      } finally {
        pool.shutdownNow();
        try {
          pool.awaitTermination(
              1, java.util.concurrent.TimeUnit.MINUTES); // no build outlives the operation
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      for (int i = 0; i < plans.size(); i++) {
        Plan p = plans.get(i);
        if (p != null && out.get(i) == null && p.status == LayerResult.Status.CREATED) {
          out.set(i, out.get(first.get(p.layer.digest())));
        }
      }
    }
    return out;
  }

  /**
   * The heap a layer's build holds at most, roughly: its zTOC's checkpoints (a window and its
   * offsets per span of compressed bytes; none for a tar) and 1 MiB for its TOC and buffers.
   */
  private long heapEstimate(Plan p) {
    long checkpoints =
        p.algorithm == CompressionAlgorithm.GZIP
            ? (p.layer.size() / options.spanSize() + 2) * GzipZinfo.RECORD_SIZE
            : 0;
    return checkpoints + (1L << 20);
  }

  private Descriptor buildZtoc(Plan p, AtomicLong done, long total, int threads)
      throws IOException {
    ZtocBuilder builder =
        ZtocBuilder.withDefaults()
            .spanSize(options.spanSize())
            .buildToolIdentifier(options.buildToolIdentifier())
            .compression(p.algorithm)
            .zone(options.zone())
            .parallelism(threads);
    Path file = store.file(p.layer);
    Ztoc ztoc;
    if (file != null) {
      ztoc = buildFromFile(builder, p.layer, file, done, total);
    } else {
      try (InputStream in = new ProgressStream(store.open(p.layer), done, total)) {
        ztoc = builder.build(in);
        in.transferTo(
            OutputStream.nullOutputStream()); // read to the end so that the digest is checked
      }
    }
    // The zTOC's windows (32 KiB a span, most of its bytes) are hashed and stored from the zTOC
    // as they are encoded, never copied into one buffer: the build's memory is one zTOC, not two.
    Descriptor d = describe(ztoc);
    try {
      ZtocLimits.defaults().checkWritable(d.size());
    } catch (ZtocException e) {
      throw new SociIndexException("layer " + p.layer.digest() + ": " + e.getMessage(), e);
    }
    Descriptor written = store.write(d, offset -> skip(ztoc.encodedStream(), offset));
    if (options.readsZtocs()) {
      decoded.put(written.digest(), ztoc);
    }
    return written;
  }

  /** The zTOC blob's descriptor: its encoding hashed and counted as it is made. */
  private static Descriptor describe(Ztoc ztoc) throws IOException {
    Digester digester = Digester.sha256();
    byte[] buf = new byte[64 << 10];
    try (InputStream in = ztoc.encodedStream()) {
      for (int n; (n = in.read(buf)) > 0; ) {
        digester.update(buf, 0, n);
      }
    }
    long size = digester.count();
    return Descriptor.of(MediaTypes.SOCI_ZTOC, digester.digest(), size);
  }

  private static InputStream skip(InputStream in, long offset) throws IOException {
    try {
      in.skipNBytes(offset);
      return in;
    } catch (IOException e) {
      in.close();
      throw e;
    }
  }

  /**
   * Stores a document that readers (ours, upstream's, registries) must be able to read back: no
   * larger than the store's document limit, nor than what {@link SociIndexCatalog} reads whatever
   * the limit.
   */
  Descriptor writeDocument(String mediaType, byte[] bytes, String what) throws IOException {
    checkDocumentSize(bytes.length, store.maxDocumentSize(), what);
    return store.write(mediaType, bytes);
  }

  /** Fails unless a document of {@code size} bytes can be read back under {@code limit}. */
  static void checkDocumentSize(long size, long limit, String what) throws SociIndexException {
    long max = Math.min(limit, SociIndexCatalog.MAX_DOCUMENT_SIZE);
    if (size > max) {
      throw new SociIndexException(
          what
              + " would be "
              + size
              + " bytes, over the document limit of "
              + max
              + " bytes that readers and registries hold manifests and indexes to"
              + " (OciJson.Decoder.maxDocumentSize, 4 MiB by default, at most "
              + SociIndexCatalog.MAX_DOCUMENT_SIZE
              + "); index fewer layers (a larger --min-layer-size), or open the layout with"
              + " OciLayout.open(dir, OciJson.decoder().maxDocumentSize(n))");
    }
  }

  /** The zTOC of {@code z}: kept from its build, or read back from the store and decoded. */
  private Ztoc ztocOf(Descriptor z) throws IOException {
    Ztoc ztoc = decoded.get(z.digest());
    if (ztoc == null) {
      ztoc = Ztoc.decode(store.read(z, ZtocLimits.defaults().maxZtocSize()));
      decoded.put(z.digest(), ztoc);
    }
    return ztoc;
  }

  /**
   * Upstream's prefetch step ({@code spec/index.md} section 4): looks every prefetch path up in the
   * indexed layers from the top down, and stores one artifact per layer that holds any of them.
   *
   * @param layers the indexed layers, in manifest order
   * @param ztocs their zTOC descriptors, in the same order
   * @return the artifact descriptors, in layer order
   */
  private List<Descriptor> prefetch(List<Descriptor> layers, List<Descriptor> ztocs, String where)
      throws IOException {
    List<List<PrefetchArtifact.Span>> spans = new ArrayList<>();
    layers.forEach(l -> spans.add(new ArrayList<>()));
    for (String path : Prefetch.paths(options.prefetchPaths())) {
      byte[] name = path.getBytes(StandardCharsets.UTF_8);
      boolean found = false;
      for (int i = layers.size() - 1; i >= 0 && !found; i--) {
        Ztoc ztoc = ztocOf(ztocs.get(i));
        PrefetchArtifact.Span s = Prefetch.spansOf(ztoc, name);
        if (s != null) {
          spans.get(i).add(s);
          found = true;
        }
      }
      if (!found) {
        listener.onWarning(where + ": prefetch file " + path + " was not found in any layer");
      }
    }
    List<Descriptor> out = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      if (spans.get(i).isEmpty()) {
        continue;
      }
      PrefetchArtifact a = PrefetchArtifact.of(Prefetch.merge(spans.get(i)));
      Descriptor written = store.write(MediaTypes.SOCI_PREFETCH, a.encode());
      out.add(
          written.withAnnotations(
              Map.of(Annotations.SOCI_IMAGE_LAYER_DIGEST, layers.get(i).digest().toString())));
    }
    return out;
  }

  /**
   * Builds from the blob's file, which may then be inflated by several threads; the blob is checked
   * against its descriptor from the same single read (on the thread that hashes spans) before the
   * zTOC is used.
   */
  private Ztoc buildFromFile(
      ZtocBuilder builder, Descriptor layer, Path file, AtomicLong done, long total)
      throws IOException {
    OutputStream check = store.check(layer);
    long[] reported = {0};
    // A cancelled build stops at its next read: the file channel closes when its thread is
    // interrupted.
    Ztoc ztoc =
        builder
            .progress(
                (n, size) -> {
                  addProgress(done, n - reported[0], total);
                  reported[0] = n;
                })
            .build(file, check);
    check.close(); // fails unless the bytes read are the blob the descriptor names
    return ztoc;
  }

  private final class ProgressStream extends FilterInputStream {
    private final AtomicLong done;
    private final long total;

    ProgressStream(InputStream in, AtomicLong done, long total) {
      super(in);
      this.done = done;
      this.total = total;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException("zTOC build cancelled");
      }
      int n = super.read(b, off, len);
      if (n > 0) {
        addProgress(done, n, total);
      }
      return n;
    }
  }

  /** Adds {@code n} bytes read by one build to those of all builds and tells the listener. */
  private void addProgress(AtomicLong done, long n, long total) {
    long now = done.addAndGet(n);
    synchronized (listener) {
      listener.onProgress(now, total);
    }
  }

  private static void throwAll(List<IOException> errors) throws IOException {
    if (errors.isEmpty()) {
      return;
    }
    IOException first = errors.get(0);
    for (int i = 1; i < errors.size(); i++) {
      first.addSuppressed(errors.get(i));
    }
    throw first;
  }
}
