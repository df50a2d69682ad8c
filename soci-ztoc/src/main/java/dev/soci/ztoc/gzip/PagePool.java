package dev.soci.ztoc.gzip;

import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Recycles the 1 MiB pages that hold speculatively decoded output, so that decoding a large layer
 * does not churn the heap. Thread-safe.
 */
final class PagePool {
  static final int PAGE_SIZE = 1 << 20;

  private final ConcurrentLinkedQueue<byte[]> free = new ConcurrentLinkedQueue<>();

  byte[] take() {
    byte[] page = free.poll();
    return page != null ? page : new byte[PAGE_SIZE];
  }

  void give(Iterable<byte[]> pages) {
    for (byte[] page : pages) {
      free.add(page);
    }
  }

  void give(byte[][] pages) {
    give(java.util.Arrays.asList(pages));
  }
}
