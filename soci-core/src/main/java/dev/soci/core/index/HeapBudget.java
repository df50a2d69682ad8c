package dev.soci.core.index;

import java.io.InterruptedIOException;

/**
 * Bytes of heap that concurrent zTOC builds share: a build takes its estimate before it starts and
 * gives it back when its zTOC is stored, and waits while the builds running hold too much. A build
 * asking for more than the whole budget is given the whole budget, so it runs alone rather than
 * never. Thread-safe.
 */
final class HeapBudget {
  private final long total;
  private long available;

  HeapBudget(long total) {
    if (total < 1) {
      throw new IllegalArgumentException("budget must be positive");
    }
    this.total = total;
    this.available = total;
  }

  /** Half the heap the JVM may grow to: the rest is for everything else a build holds. */
  static HeapBudget halfTheHeap() {
    return new HeapBudget(Math.max(1, Runtime.getRuntime().maxMemory() / 2));
  }

  /**
   * Waits until {@code bytes} (at most the whole budget) are available and takes them.
   *
   * @return the bytes taken, to give back with {@link #release}
   * @throws InterruptedIOException when the thread is interrupted while it waits (a cancelled
   *     build)
   */
  synchronized long acquire(long bytes) throws InterruptedIOException {
    long want = Math.max(0, Math.min(bytes, total));
    while (available < want) {
      try {
        wait();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("cancelled while waiting for heap for a zTOC build");
      }
    }
    available -= want;
    return want;
  }

  /** Gives back what {@link #acquire} took. */
  synchronized void release(long taken) {
    available = Math.min(total, available + taken);
    notifyAll();
  }

  /** Bytes not taken now. */
  synchronized long available() {
    return available;
  }
}
