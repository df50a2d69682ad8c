package dev.soci.core;

import java.io.IOException;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The spans a reader moving forward will want next: while span {@code i} is read, the following
 * spans (up to a number of declared uncompressed bytes) are already being fetched and inflated on
 * worker threads. The futures are held here, so a span read ahead is not lost when the cache keeps
 * nothing. Not thread-safe (one per reader).
 */
final class ReadAhead {
  private final SpanLoader loader;
  private final long aheadBytes;
  private final int layerLimit;
  private final TreeMap<Integer, CompletableFuture<byte[]>> pending = new TreeMap<>();
  private int requestedTo = -1;

  /**
   * @param aheadBytes declared uncompressed bytes to have requested from the span being read on
   * @param wholeLayer read ahead to the layer's last span rather than the read's last span
   */
  ReadAhead(SpanLoader loader, long aheadBytes, boolean wholeLayer) {
    this.loader = loader;
    this.aheadBytes = aheadBytes;
    this.layerLimit = wholeLayer ? loader.zinfo().maxSpanId() : -1;
  }

  /** The uncompressed bytes of span {@code i}, the next of which up to {@code last} are wanted. */
  byte[] span(int i, int last) throws IOException {
    int limit = Math.max(last, layerLimit);
    CompletableFuture<byte[]> f = pending.get(i);
    if (f == null) {
      if (i <= requestedTo && !pending.isEmpty() && i < pending.firstKey()) {
        // A step back (a hard link's data read again): fetch it alone, keep the window.
        return loader.await(i, loader.request(i, i, true, false).get(0), false);
      }
      pending.clear();
      int to = extent(i, limit);
      put(i, loader.request(i, to, true, false));
      requestedTo = to;
      f = pending.get(i);
    } else {
      pending.headMap(i).clear();
      int to = extent(i, limit);
      if (to > requestedTo) {
        put(requestedTo + 1, loader.request(requestedTo + 1, to, false, false));
        requestedTo = to;
      }
    }
    return loader.await(i, f, false);
  }

  private void put(int first, List<CompletableFuture<byte[]>> futures) {
    for (int k = 0; k < futures.size(); k++) {
      pending.put(first + k, futures.get(k));
    }
  }

  /** The last span to have requested when reading span {@code i}: at least {@code i}. */
  private int extent(int i, int limit) {
    int to = i;
    long sum = loader.declaredSize(i);
    while (to < limit && sum + loader.declaredSize(to + 1) <= aheadBytes) {
      to++;
      sum += loader.declaredSize(to);
    }
    return to;
  }
}
