package dev.soci.core;

import dev.soci.ztoc.GzipFormatException;
import dev.soci.ztoc.ZtocException;
import dev.soci.ztoc.gzip.CheckpointInflater;
import dev.soci.ztoc.zinfo.GzipZinfo;
import dev.soci.ztoc.zinfo.Zinfo;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.LongAdder;

/**
 * Gets the verified, uncompressed bytes of a layer's spans: from the {@link SpanCache}, from
 * another reader's fetch in flight, or by fetching, verifying and inflating them.
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li><b>Single flight</b>: at most one fetch of a span is under way at any time. A reader claims
 *       a span by putting its future into {@link #inFlight}; everyone else waits on that future.
 *       The owner stores the bytes in the cache <em>before</em> removing the future, so a reader
 *       that claims the span afterwards finds it in the cache on its re-check and fetches nothing.
 *   <li><b>Nothing unverified</b>: a future completes with bytes only after the span's compressed
 *       bytes matched their digest (when verification is on), and only such bytes are cached.
 *   <li>Adjacent spans claimed by one request are read from the source in one range, up to {@code
 *       maxFetchBytes}; several such ranges are read in parallel, the first on the calling thread.
 * </ul>
 */
final class SpanLoader {
  private final BlobSource source;
  private final Zinfo zinfo;
  private final List<String> digests;
  private final long blobSize;
  private final long uncompressedSize;
  private final boolean verify;
  private final int retries;
  private final long maxFetchBytes;
  private final SpanCache cache;
  private final long key;
  private final String layerName;
  private final ConcurrentHashMap<Integer, CompletableFuture<byte[]>> inFlight =
      new ConcurrentHashMap<>();

  final LongAdder bytesRead = new LongAdder();
  final LongAdder reads = new LongAdder();
  final LongAdder inflated = new LongAdder();
  final LongAdder fetched = new LongAdder();
  final LongAdder fromCache = new LongAdder();
  final LongAdder fromDirectory = new LongAdder();
  final LongAdder prefetched = new LongAdder();
  final LongAdder refetches = new LongAdder();

  SpanLoader(
      BlobSource source,
      Zinfo zinfo,
      List<String> digests,
      long blobSize,
      long uncompressedSize,
      boolean verify,
      int retries,
      long maxFetchBytes,
      SpanCache cache) {
    this.source = source;
    this.zinfo = zinfo;
    this.digests = digests;
    this.blobSize = blobSize;
    this.uncompressedSize = uncompressedSize;
    this.verify = verify;
    this.retries = retries;
    this.maxFetchBytes = maxFetchBytes;
    this.cache = cache;
    this.key = cache.newLayerKey();
    this.layerName = source.toString();
  }

  Zinfo zinfo() {
    return zinfo;
  }

  long uncompressedSize() {
    return uncompressedSize;
  }

  private volatile boolean closed;

  /** Drops this layer's spans from the memory cache, and keeps none from now on. */
  void evict() {
    closed = true;
    cache.evictLayer(key);
  }

  /** Whether span {@code i} is in the memory cache now. */
  boolean cached(int i) {
    return cache.get(key, i) != null;
  }

  /** Whether the directory holds span {@code i}'s compressed bytes (not checked). */
  boolean inDirectory(int i) {
    return verify && i < digests.size() && cache.hasCompressed(digests.get(i));
  }

  /**
   * The uncompressed bytes of span {@code i} inside the archive the zTOC describes. The archive
   * ends before the blob's last bytes (upstream's uncompressed size leaves out the tar's end
   * blocks), so the last spans may hold fewer bytes than they inflate to, or none.
   */
  long declaredSize(int i) {
    return declaredSize(zinfo, i, uncompressedSize);
  }

  static long declaredSize(Zinfo zinfo, int i, long uncompressedSize) {
    long start = Math.min(zinfo.startUncompressedOffset(i), uncompressedSize);
    long end = Math.min(zinfo.endUncompressedOffset(i, uncompressedSize), uncompressedSize);
    return Math.max(0, end - start);
  }

  /**
   * Futures of the uncompressed bytes of spans {@code first..last}, in order. Spans neither cached
   * nor in flight are claimed and fetched: when {@code inline}, the first range on this thread
   * (before returning), the others on worker threads. Failures are reported through the futures.
   */
  List<CompletableFuture<byte[]>> request(int first, int last, boolean inline, boolean prefetch) {
    List<CompletableFuture<byte[]>> out = new ArrayList<>(last - first + 1);
    List<Integer> claimed = new ArrayList<>();
    List<CompletableFuture<byte[]>> claimedFutures = new ArrayList<>();
    for (int i = first; i <= last; i++) {
      byte[] hit = cache.get(key, i);
      if (hit != null) {
        fromCache.increment();
        out.add(CompletableFuture.completedFuture(hit));
        continue;
      }
      CompletableFuture<byte[]> mine = new CompletableFuture<>();
      CompletableFuture<byte[]> theirs = inFlight.putIfAbsent(i, mine);
      if (theirs != null) {
        fromCache.increment();
        out.add(theirs);
        continue;
      }
      hit = cache.get(key, i); // stored by an owner that finished between our two looks
      if (hit != null) {
        inFlight.remove(i, mine);
        mine.complete(hit);
        fromCache.increment();
        out.add(mine);
        continue;
      }
      out.add(mine);
      claimed.add(i);
      claimedFutures.add(mine);
    }
    List<int[]> groups = groups(claimed);
    int g0 = inline ? 1 : 0;
    int base = 0;
    for (int g = 0; g < groups.size(); g++) {
      int[] range = groups.get(g);
      int n = range[1] - range[0] + 1;
      if (g >= g0) {
        List<CompletableFuture<byte[]>> fs = claimedFutures.subList(base, base + n);
        SpanVerifiers.EXECUTOR.execute(() -> load(range[0], range[1], fs, prefetch));
      }
      base += n;
    }
    if (inline && !groups.isEmpty()) {
      int[] range = groups.get(0);
      load(range[0], range[1], claimedFutures.subList(0, range[1] - range[0] + 1), prefetch);
    }
    return out;
  }

  /** Runs of consecutive span ids, each at most {@code maxFetchBytes} compressed (or one span). */
  private List<int[]> groups(List<Integer> claimed) {
    List<int[]> groups = new ArrayList<>();
    int start = -1;
    int prev = -1;
    for (int i : claimed) {
      if (start >= 0
          && i == prev + 1
          && zinfo.endCompressedOffset(i, blobSize) - zinfo.startCompressedOffset(start)
              <= maxFetchBytes) {
        prev = i;
        continue;
      }
      if (start >= 0) {
        groups.add(new int[] {start, prev});
      }
      start = i;
      prev = i;
    }
    if (start >= 0) {
      groups.add(new int[] {start, prev});
    }
    return groups;
  }

  /**
   * Fetches spans {@code from..to} (claimed by the caller, futures in {@code futures}) in one
   * range, then verifies, inflates and publishes each. Never throws: every future is completed.
   */
  private void load(int from, int to, List<CompletableFuture<byte[]>> futures, boolean prefetch) {
    int done = from;
    try {
      byte[][] compressed = new byte[to - from + 1][];
      int[] offsets = new int[to - from + 1];
      boolean[] fromDir = new boolean[to - from + 1];
      // Spans the directory holds are taken from it; the rest are read in runs.
      int runStart = -1;
      for (int i = from; i <= to + 1; i++) {
        byte[] stored = null;
        if (i <= to && verify) {
          stored = cache.readCompressed(digest(i), compressedLength(i));
          if (stored != null && !digestOf(stored, 0, stored.length).equals(digest(i))) {
            cache.discardCompressed(digest(i));
            stored = null;
          }
        }
        if (stored != null) {
          compressed[i - from] = stored;
          fromDir[i - from] = true;
        }
        boolean missing = i <= to && stored == null;
        if (missing && runStart < 0) {
          runStart = i;
        } else if (!missing && runStart >= 0) {
          readRun(runStart, i - 1, from, compressed, offsets);
          runStart = -1;
        }
      }
      done = to + 1;
      // The spans after the first inflate on workers, so a merged range is not inflated serially.
      for (int i = to; i >= from; i--) {
        int span = i;
        Runnable r =
            () ->
                publishInto(
                    span,
                    compressed[span - from],
                    offsets[span - from],
                    fromDir[span - from],
                    futures.get(span - from),
                    prefetch);
        if (i == from) {
          r.run();
        } else {
          SpanVerifiers.EXECUTOR.execute(r);
        }
      }
    } catch (IOException | RuntimeException | Error e) {
      for (int i = done; i <= to; i++) {
        CompletableFuture<byte[]> f = futures.get(i - from);
        inFlight.remove(i, f);
        f.completeExceptionally(e);
      }
      if (e instanceof Error err) {
        throw err;
      }
    }
  }

  private void publishInto(
      int i, byte[] buf, int off, boolean fromDir, CompletableFuture<byte[]> f, boolean prefetch) {
    try {
      byte[] data = publish(i, buf, off, compressedLength(i), fromDir);
      if (fromDir) {
        fromDirectory.increment();
      } else {
        fetched.increment();
      }
      if (prefetch) {
        prefetched.increment();
      }
      inFlight.remove(i, f);
      f.complete(data);
    } catch (IOException | RuntimeException | Error e) {
      inFlight.remove(i, f);
      f.completeExceptionally(e);
    }
  }

  /** Reads spans {@code a..b} in one range into {@code compressed}, one shared array. */
  private void readRun(int a, int b, int from, byte[][] compressed, int[] offsets)
      throws IOException {
    long start = zinfo.startCompressedOffset(a);
    long end = zinfo.endCompressedOffset(b, blobSize);
    byte[] run = fetch(start, (int) (end - start));
    for (int i = a; i <= b; i++) {
      compressed[i - from] = run;
      offsets[i - from] = (int) (zinfo.startCompressedOffset(i) - start);
    }
  }

  private byte[] fetch(long offset, int length) throws IOException {
    byte[] b = source.read(offset, length);
    bytesRead.add(length);
    reads.increment();
    return b;
  }

  /**
   * Verifies span {@code i} (re-fetching it alone while it does not match, at most {@code retries}
   * times), inflates it, caches it and returns its uncompressed bytes.
   */
  private byte[] publish(int i, byte[] buf, int off, int len, boolean fromDir) throws IOException {
    if (verify) {
      String expected = digest(i);
      String actual = digestOf(buf, off, len);
      int attempt = 0;
      while (!actual.equals(expected)) {
        if (fromDir || attempt >= retries) {
          throw new SpanVerificationException(
              i,
              "span "
                  + i
                  + " of layer "
                  + layerName
                  + " has digest "
                  + actual
                  + ", but the zTOC expects "
                  + expected
                  + " ("
                  + (attempt + 1)
                  + (attempt == 0 ? " fetch" : " fetches")
                  + "); its bytes are not used");
        }
        attempt++;
        refetches.increment();
        buf = fetch(zinfo.startCompressedOffset(i), len);
        off = 0;
        actual = digestOf(buf, 0, len);
      }
      if (!fromDir) {
        cache.writeCompressed(expected, buf, off, len);
      }
    }
    byte[] data = inflate(i, buf, off, len);
    if (!closed) {
      cache.put(key, i, data);
      if (closed) {
        cache.evictLayer(key); // closed meanwhile: a fetch still running must not leave spans
      }
    }
    return data;
  }

  private String digest(int i) throws SpanVerificationException {
    if (i >= digests.size()) {
      throw new SpanVerificationException(i, "the zTOC has no digest for span " + i);
    }
    return digests.get(i);
  }

  private int compressedLength(int i) {
    return (int) (zinfo.endCompressedOffset(i, blobSize) - zinfo.startCompressedOffset(i));
  }

  static String digestOf(byte[] b, int off, int len) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(b, off, len);
      return "sha256:" + HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Inflates span {@code i} from its checkpoint to exactly the uncompressed size the zTOC declares.
   * The output array grows with the output, so a zTOC that declares more than the data holds costs
   * only what the data produces.
   */
  private byte[] inflate(int i, byte[] buf, int off, int len) throws IOException {
    long declared = declaredSize(i);
    // Whether the zTOC says where the span's data ends (a checkpoint inside the archive), so that
    // inflating past it proves the zTOC wrong; past the archive's end the blob just goes on.
    boolean exactEnd =
        i < zinfo.maxSpanId()
            && zinfo.endUncompressedOffset(i, uncompressedSize) <= uncompressedSize;
    if (!(zinfo instanceof GzipZinfo g)) {
      if (exactEnd ? declared != len : declared > len) {
        throw new ZtocException(
            "span " + i + " of " + layerName + " is " + len + " bytes, the zTOC says " + declared);
      }
      inflated.increment();
      return Arrays.copyOfRange(buf, off, off + (int) declared);
    }
    int n = (int) declared;
    if (n == 0) {
      return new byte[0];
    }
    byte[] out = new byte[(int) Math.min(n, Math.max(1L << 20, 8L * len))];
    int pos = 0;
    try (CheckpointInflater inf = new CheckpointInflater(g.checkpoint(i))) {
      inf.setInput(buf, off, len);
      int idle = 0;
      while (pos < n) {
        if (pos == out.length) {
          out = Arrays.copyOf(out, (int) Math.min(n, 2L * out.length));
        }
        int k = inf.inflate(out, pos, out.length - pos);
        if (k > 0) {
          pos += k;
          idle = 0;
        } else if (inf.needsInput() || ++idle > 16) {
          throw new GzipFormatException(
              zinfo.startCompressedOffset(i),
              "span "
                  + i
                  + " of "
                  + layerName
                  + " inflates to "
                  + pos
                  + " bytes, but the zTOC says "
                  + n
                  + ": the zTOC does not belong to this layer");
        }
      }
      byte[] probe = new byte[1];
      int more = 0;
      try {
        if (exactEnd) {
          more = inf.inflate(probe, 0, 1);
        }
      } catch (GzipFormatException e) {
        more = 0; // what follows the span's last block is not this span's business
      }
      if (more > 0) {
        throw new ZtocException(
            "span "
                + i
                + " of "
                + layerName
                + " inflates past uncompressed offset "
                + (zinfo.startUncompressedOffset(i) + n)
                + ", where the zTOC says it ends: the zTOC does not belong to this layer");
      }
    }
    inflated.increment();
    return out;
  }

  /**
   * Waits for a span future. A failure caused by another thread's interrupt is not this reader's:
   * the span is requested again (on this thread).
   */
  byte[] await(int i, CompletableFuture<byte[]> f, boolean prefetch) throws IOException {
    for (int attempt = 0; ; attempt++) {
      try {
        return f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for span " + i);
      } catch (CancellationException e) {
        throw new InterruptedIOException("fetch of span " + i + " was cancelled");
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof InterruptedIOException
            && !Thread.currentThread().isInterrupted()
            && attempt < 16) {
          f = request(i, i, true, prefetch).get(0);
          continue;
        }
        if (c instanceof IOException io) {
          throw io;
        }
        if (c instanceof UncheckedIOException u) {
          throw u.getCause();
        }
        if (c instanceof RuntimeException r) {
          throw r;
        }
        if (c instanceof Error err) {
          throw err;
        }
        throw new IOException(c);
      }
    }
  }
}
