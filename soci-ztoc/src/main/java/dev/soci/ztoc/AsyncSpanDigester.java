package dev.soci.ztoc;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a {@link SpanDigester} on its own thread, so that SHA-256 of the compressed bytes runs on
 * one core while inflation runs on another. Calls are queued in order (the digester's results
 * depend only on call order) with back-pressure: a bounded queue and a fixed pool of buffers. An
 * optional tap receives every byte on the same thread, after the span digests.
 */
final class AsyncSpanDigester implements AutoCloseable {
  private static final int BUFFERS = 32;
  private static final long FINISH_TIMEOUT_SECONDS = 600;

  private record Chunk(byte[] buf, int len) {}

  private record SpanStart(long start, long previousEnd) {}

  private record End(long size) {}

  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(BUFFERS * 2);
  private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
  private final int bufferSize;
  private final CompletableFuture<List<String>> result = new CompletableFuture<>();
  private final Thread worker;
  private final OutputStream tap;

  AsyncSpanDigester(int maxLookahead, int bufferSize, OutputStream tap) {
    this.bufferSize = bufferSize;
    this.tap = tap;
    for (int i = 0; i < BUFFERS; i++) {
      free.add(new byte[bufferSize]);
    }
    SpanDigester digester = new SpanDigester(maxLookahead);
    worker = new Thread(() -> run(digester), "soci-span-digester");
    worker.setDaemon(true);
    worker.start();
  }

  private void run(SpanDigester digester) {
    try {
      for (; ; ) {
        Object item = queue.take();
        if (item instanceof Chunk c) {
          digester.update(c.buf(), 0, c.len());
          if (tap != null) {
            tap.write(c.buf(), 0, c.len());
          }
          free.put(c.buf());
        } else if (item instanceof SpanStart s) {
          digester.startSpan(s.start(), s.previousEnd());
        } else if (item instanceof End e) {
          result.complete(digester.finish(e.size()));
          return;
        } else {
          result.cancel(false); // closed without finishing
          return;
        }
      }
    } catch (InterruptedException | IOException | RuntimeException | Error e) {
      result.completeExceptionally(e);
    }
  }

  /** Queues a copy of {@code b[off..off+len)}. */
  void update(byte[] b, int off, int len) throws ZtocException {
    while (len > 0) {
      byte[] buf = take(free);
      int n = Math.min(len, bufferSize);
      System.arraycopy(b, off, buf, 0, n);
      put(new Chunk(buf, n));
      off += n;
      len -= n;
    }
  }

  void startSpan(long start, long previousEnd) throws ZtocException {
    put(new SpanStart(start, previousEnd));
  }

  /** Waits for the digests of all spans. */
  List<String> finish(long size) throws ZtocException {
    put(new End(size));
    try {
      return result.get(FINISH_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ZtocException("interrupted while waiting for span digests", e);
    } catch (ExecutionException e) {
      throw new ZtocException("computing span digests failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new ZtocException("span digests not done after " + FINISH_TIMEOUT_SECONDS + " s", e);
    }
  }

  private <T> T take(BlockingQueue<T> q) throws ZtocException {
    try {
      for (; ; ) {
        T t = q.poll(1, TimeUnit.SECONDS);
        if (t != null) {
          return t;
        }
        failIfWorkerDied();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ZtocException("interrupted while building a zTOC", e);
    }
  }

  private void put(Object item) throws ZtocException {
    try {
      while (!queue.offer(item, 1, TimeUnit.SECONDS)) {
        failIfWorkerDied();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ZtocException("interrupted while building a zTOC", e);
    }
  }

  private void failIfWorkerDied() throws ZtocException {
    if (result.isDone()) {
      try {
        result.getNow(null);
      } catch (RuntimeException e) {
        throw new ZtocException("computing span digests failed: " + e.getCause(), e.getCause());
      }
      throw new ZtocException("span digester stopped early");
    }
  }

  /** Stops the worker if {@link #finish} was not reached (an error elsewhere). */
  @Override
  public void close() {
    if (!result.isDone()) {
      worker.interrupt();
    }
  }
}
