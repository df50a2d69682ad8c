package dev.soci.core;

import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The worker threads of span reads: fetches of spans read ahead or in parallel, their digest checks
 * and inflation. Not the common fork-join pool: on a machine with two processors its parallelism is
 * 1, and {@code CompletableFuture} then starts a new thread for every task, which costs a
 * measurable part of a 1 MiB read. Idle threads exit after a minute; all are daemons.
 */
final class SpanVerifiers {
  private static final AtomicInteger COUNT = new AtomicInteger();
  static final Executor EXECUTOR =
      new ThreadPoolExecutor(
          0,
          Integer.MAX_VALUE,
          60,
          TimeUnit.SECONDS,
          new SynchronousQueue<>(),
          r -> {
            Thread t = new Thread(r, "soci-span-verify-" + COUNT.incrementAndGet());
            t.setDaemon(true);
            return t;
          });

  private SpanVerifiers() {}
}
