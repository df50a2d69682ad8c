package dev.soci.core;

import dev.soci.common.internal.AtomicFiles;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Verified span bytes kept for later reads, shared by any number of {@link SeekableLayer}s (for
 * example all layers of an image) under one byte bound.
 *
 * <ul>
 *   <li><b>In memory</b>: a least-recently-used map of <em>uncompressed</em> spans, at most {@link
 *       #maxBytes()} bytes of span data in total over every layer using the cache. A span larger
 *       than the whole bound is never kept. {@code 0} keeps nothing (concurrent readers of one span
 *       still share one fetch, see {@link SeekableLayer}). Entries belong to the layer that read
 *       them and are dropped when it is closed.
 *   <li><b>On disk</b> (optional, {@link #withDirectory}): <em>compressed</em> spans, one file per
 *       span named after its digest ({@code sha256-<hex>}), so the files are shared by every layer
 *       and process that uses the directory. A file is written only for a span whose digest was
 *       verified, and checked again every time it is read (a file that does not match is deleted
 *       and the span fetched). The directory is not bounded: its owner removes files.
 * </ul>
 *
 * <p>Only bytes that passed verification are stored (a layer opened with {@code
 * verifySpanDigests=false} keeps its spans in memory under its own key, never on disk).
 * Thread-safe.
 *
 * <pre>{@code
 * SpanCache cache = SpanCache.ofMaxBytes(512L << 20);  // one bound for every layer of an image
 * SeekableLayer.Options options = SeekableLayer.Options.defaults().withSpanCache(cache);
 * }</pre>
 */
public final class SpanCache {
  private static final System.Logger LOG = System.getLogger(SpanCache.class.getName());
  private static final Pattern SHA256 = Pattern.compile("sha256:[0-9a-f]{64}");

  /** Upper bound of {@link #defaultMaxBytes()}: 256 MiB. */
  public static final long DEFAULT_MAX_BYTES = 256L << 20;

  private static volatile SpanCache shared;

  private final long maxBytes;
  private final Path directory;
  private final AtomicLong nextLayer;
  // Guarded by itself; access order makes iteration start at the least recently used entry.
  private final LinkedHashMap<Key, byte[]> entries;
  private long bytes;

  private SpanCache(
      long maxBytes, Path directory, LinkedHashMap<Key, byte[]> entries, AtomicLong ids) {
    this.maxBytes = maxBytes;
    this.directory = directory;
    this.entries = entries;
    this.nextLayer = ids;
  }

  /**
   * A cache of at most {@code maxBytes} bytes of uncompressed spans in memory ({@code 0}: none).
   *
   * @throws IllegalArgumentException if {@code maxBytes} is negative
   */
  public static SpanCache ofMaxBytes(long maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must be >= 0: " + maxBytes);
    }
    return new SpanCache(maxBytes, null, new LinkedHashMap<>(16, 0.75f, true), new AtomicLong());
  }

  /** A cache that keeps nothing: every read fetches (concurrent readers of a span still share). */
  public static SpanCache disabled() {
    return ofMaxBytes(0);
  }

  /**
   * The bound of a cache made for this JVM: a quarter of the maximum heap, at most {@link
   * #DEFAULT_MAX_BYTES} (256 MiB; 128 MiB under a 512 MiB heap).
   */
  public static long defaultMaxBytes() {
    return Math.min(DEFAULT_MAX_BYTES, Runtime.getRuntime().maxMemory() / 4);
  }

  /**
   * The cache layers use when their options name none: one per JVM, of {@link #defaultMaxBytes()},
   * in memory only.
   */
  public static SpanCache shared() {
    SpanCache s = shared;
    if (s == null) {
      synchronized (SpanCache.class) {
        s = shared;
        if (s == null) {
          s = ofMaxBytes(defaultMaxBytes());
          shared = s;
        }
      }
    }
    return s;
  }

  /**
   * This cache (same memory map and bound) also keeping verified compressed spans in {@code
   * directory}, which is created if missing.
   */
  public SpanCache withDirectory(Path directory) throws IOException {
    Objects.requireNonNull(directory, "directory");
    Files.createDirectories(directory);
    return new SpanCache(maxBytes, directory, entries, nextLayer);
  }

  /** The bound on uncompressed span bytes held in memory. */
  public long maxBytes() {
    return maxBytes;
  }

  /** Uncompressed span bytes held in memory now (never more than {@link #maxBytes()}). */
  public long sizeBytes() {
    synchronized (entries) {
      return bytes;
    }
  }

  /** Number of spans held in memory now. */
  public int size() {
    synchronized (entries) {
      return entries.size();
    }
  }

  /** The directory of compressed spans, if there is one. */
  public Optional<Path> directory() {
    return Optional.ofNullable(directory);
  }

  /** Drops every span held in memory (the directory is left as it is). */
  public void clear() {
    synchronized (entries) {
      entries.clear();
      bytes = 0;
    }
  }

  @Override
  public String toString() {
    return "SpanCache["
        + sizeBytes()
        + " of "
        + maxBytes
        + " bytes"
        + (directory != null ? ", " + directory : "")
        + "]";
  }

  // ---- used by SeekableLayer ----

  /** A key unique to one opened layer: its spans are never served to another. */
  long newLayerKey() {
    return nextLayer.incrementAndGet();
  }

  byte[] get(long layer, int span) {
    synchronized (entries) {
      return entries.get(new Key(layer, span));
    }
  }

  /** Keeps {@code data} (verified, uncompressed) unless it alone exceeds the bound. */
  void put(long layer, int span, byte[] data) {
    if (data.length > maxBytes) {
      return;
    }
    synchronized (entries) {
      byte[] old = entries.put(new Key(layer, span), data);
      bytes += data.length - (old != null ? old.length : 0);
      Iterator<Map.Entry<Key, byte[]>> it = entries.entrySet().iterator();
      while (bytes > maxBytes && it.hasNext()) {
        Map.Entry<Key, byte[]> eldest = it.next();
        bytes -= eldest.getValue().length;
        it.remove();
      }
    }
  }

  /** Drops every span of {@code layer}. */
  void evictLayer(long layer) {
    synchronized (entries) {
      Iterator<Map.Entry<Key, byte[]>> it = entries.entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<Key, byte[]> e = it.next();
        if (e.getKey().layer == layer) {
          bytes -= e.getValue().length;
          it.remove();
        }
      }
    }
  }

  /** The directory file for a span of this digest, or null when there is no directory. */
  private Path file(String digest) {
    if (directory == null || !SHA256.matcher(digest).matches()) {
      return null;
    }
    return directory.resolve("sha256-" + digest.substring(7));
  }

  /** The stored compressed bytes for {@code digest} (unverified: the caller checks), or null. */
  byte[] readCompressed(String digest, int expectedLength) {
    Path f = file(digest);
    if (f == null) {
      return null;
    }
    try {
      if (Files.size(f) != expectedLength) {
        Files.deleteIfExists(f);
        return null;
      }
      return Files.readAllBytes(f);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "span cache: cannot read " + f + ": " + e);
      return null;
    }
  }

  /** Deletes the stored file for {@code digest}, which did not verify. */
  void discardCompressed(String digest) {
    Path f = file(digest);
    if (f != null) {
      try {
        Files.deleteIfExists(f);
      } catch (IOException e) {
        LOG.log(Level.DEBUG, "span cache: cannot delete " + f + ": " + e);
      }
    }
  }

  /** Whether a file for {@code digest} exists (not checked). */
  boolean hasCompressed(String digest) {
    Path f = file(digest);
    return f != null && Files.isRegularFile(f);
  }

  /** Stores verified compressed bytes; failures are logged, not thrown (the cache is optional). */
  void writeCompressed(String digest, byte[] data, int off, int len) {
    Path f = file(digest);
    if (f == null || Files.exists(f)) {
      return;
    }
    try {
      AtomicFiles.write(f, true, out -> out.write(data, off, len));
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "span cache: cannot write " + f + ": " + e);
    }
  }

  private record Key(long layer, int span) {}
}
