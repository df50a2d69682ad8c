package dev.soci.core.image;

import dev.soci.core.index.PrefetchArtifacts;
import dev.soci.oci.Annotations;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.OciJson;
import dev.soci.oci.PrefetchArtifact;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Fetches the spans named by a SOCI index's prefetch artifacts into the span cache, on one
 * background thread started when the image is opened ({@code spec/lazy-loading.md} section 8): each
 * artifact is fetched, checked against its descriptor and validated against its layer's zTOC
 * ({@link PrefetchArtifacts#read}), then every span range it names is fetched, verified and cached
 * ({@link dev.soci.core.SeekableLayer#prefetchSpans}). A failure is logged and ends the prefetch;
 * reads are not affected (they fetch what they need themselves).
 */
final class Prefetcher {
  private static final System.Logger LOG = System.getLogger("dev.soci.core.image");

  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private final Thread thread;

  private record Job(Descriptor artifact, ImageLayer layer) {}

  private Prefetcher(List<Job> jobs, ContentSource source, Counters counters, String image) {
    this.thread = new Thread(() -> run(jobs, source, counters, image), "soci-prefetch " + image);
    thread.setDaemon(true);
  }

  /**
   * Starts prefetching for the artifacts of {@code index} whose layer is one of {@code layers} with
   * a zTOC; returns null when there is nothing to prefetch.
   */
  static Prefetcher start(
      SociImage.IndexInfo index,
      List<ImageLayer> layers,
      ContentSource source,
      Counters counters,
      String image) {
    List<Job> jobs = new ArrayList<>();
    List<Digest> seen = new ArrayList<>();
    for (Descriptor d : index.index().prefetchArtifacts()) {
      String a = d.annotation(Annotations.SOCI_IMAGE_LAYER_DIGEST);
      if (a == null || !Digest.isValid(a) || seen.contains(Digest.parse(a))) {
        continue; // the first artifact of a layer wins, as upstream's snapshotter does
      }
      Digest layer = Digest.parse(a);
      for (ImageLayer l : layers) {
        if (l.hasZtoc() && l.descriptor().digest().equals(layer)) {
          jobs.add(new Job(d, l));
          seen.add(layer);
          break;
        }
      }
    }
    if (jobs.isEmpty()) {
      return null;
    }
    Prefetcher p = new Prefetcher(jobs, source, counters, image);
    p.thread.start();
    return p;
  }

  private void run(List<Job> jobs, ContentSource source, Counters counters, String image) {
    try {
      for (Job j : jobs) {
        byte[] bytes = source.fetch(j.artifact(), OciJson.DEFAULT_MAX_DOCUMENT_SIZE);
        counters.document(bytes.length);
        PrefetchArtifact spans = PrefetchArtifacts.read(j.artifact(), bytes, j.layer().ztoc());
        for (PrefetchArtifact.Span s : spans.spans()) {
          if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("the image was closed");
          }
          j.layer().seekable().prefetchSpans(s.startSpan(), s.endSpan());
        }
      }
      done.complete(null);
    } catch (IOException | RuntimeException e) {
      if (LOG.isLoggable(Level.WARNING) && !Thread.currentThread().isInterrupted()) {
        LOG.log(Level.WARNING, image + ": prefetch stopped: " + e.getMessage());
      }
      done.completeExceptionally(e);
    }
  }

  /** Completes when every prefetch span is cached, exceptionally when the prefetch failed. */
  CompletableFuture<Void> completion() {
    return done;
  }

  /** Stops the prefetch (interrupting a fetch under way) and waits briefly for the thread. */
  void stop() {
    thread.interrupt();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
