package dev.soci.core;

import dev.soci.ztoc.CompressionAlgorithm;
import dev.soci.ztoc.EntryType;
import dev.soci.ztoc.FileMetadata;
import dev.soci.ztoc.TarHeaderVerifier;
import dev.soci.ztoc.Toc;
import dev.soci.ztoc.TocMismatchException;
import dev.soci.ztoc.Ztoc;
import dev.soci.ztoc.ZtocException;
import dev.soci.ztoc.ZtocLimits;
import dev.soci.ztoc.gzip.GzipHeader;
import dev.soci.ztoc.zinfo.GzipZinfo;
import dev.soci.ztoc.zinfo.Zinfo;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A compressed layer blob opened through its zTOC: read any file, or any byte range of the
 * uncompressed tar, touching only the spans that hold it.
 *
 * <p>Nothing read from the blob or the zTOC is trusted by default ({@link Options#defaults()}):
 *
 * <ul>
 *   <li>every span fetched is checked against its digest in the zTOC before any byte of it is
 *       returned ({@link SpanVerificationException} otherwise);
 *   <li>before a file's bytes are returned, the tar header in front of them is read through the
 *       same spans and must describe the TOC entry: name, type, size, link name, mode, owner
 *       ({@link TarHeaderVerifier}; a {@link dev.soci.ztoc.TocMismatchException} otherwise), so a
 *       zTOC whose TOC was altered, or that belongs to another layer, cannot yield another file's
 *       bytes;
 *   <li>the zTOC's checkpoints are checked against the blob when the layer is opened (every span
 *       inside the blob and no larger than {@link ZtocLimits#maxSpanCompressedSize()}), and no span
 *       is ever inflated beyond the uncompressed size the zTOC declares for it (a decompression
 *       bomb fails instead of running).
 * </ul>
 *
 * <p>What remains trusted is the content of the checkpoint windows: a forged window changes bytes
 * that refer back into it, and only the zTOC's own digest (pinned by a SOCI index) binds it. See
 * {@code docs/robustness.md}.
 *
 * <p>Spans are fetched, verified and inflated whole, once, and kept in a {@link SpanCache} (bounded
 * by bytes, shareable between layers; {@link Options#spanCache()}). Any number of readers of one
 * span share one fetch; the spans of one read are fetched in parallel, adjacent ones merged into
 * one source read; a span that fails its digest is fetched again {@link Options#spanRetries()}
 * times before the read fails. {@link #prefetch}, {@link Options#backgroundFetch()} and {@link
 * #sequentialReader()} (whole-layer reads in TOC order) build on the same machinery.
 *
 * <p>Thread-safe: any number of threads may read concurrently.
 *
 * <pre>{@code
 * try (SeekableLayer layer = SeekableLayer.open(Path.of("layer.tar.gz"), ztoc)) {
 *   byte[] passwd = layer.readFile("etc/passwd");
 * }
 * }</pre>
 */
public final class SeekableLayer implements Closeable {
  private static final System.Logger LOG = System.getLogger(SeekableLayer.class.getName());

  /**
   * Most uncompressed bytes a span may declare: a span is inflated into one array. Upstream's spans
   * are about their span size (4 MiB by default) plus one deflate block.
   */
  static final long MAX_SPAN_UNCOMPRESSED_SIZE = 512L << 20;

  private final BlobSource source;
  private final Ztoc ztoc;
  private final Zinfo zinfo;
  private final long blobSize;
  private final boolean verifyHeaders;
  private final ZtocLimits limits;
  private final Options options;
  private final SpanCache cache;
  private final SpanLoader loader;
  private volatile boolean closed;
  private Thread background;

  private SeekableLayer(BlobSource source, Ztoc ztoc, Zinfo zinfo, long blobSize, Options options) {
    this.source = source;
    this.ztoc = ztoc;
    this.zinfo = zinfo;
    this.blobSize = blobSize;
    this.verifyHeaders = options.verifyTarHeaders();
    this.limits = options.limits();
    this.options = options;
    this.cache = options.spanCache() != null ? options.spanCache() : SpanCache.shared();
    this.loader =
        new SpanLoader(
            source,
            zinfo,
            ztoc.spanDigests(),
            blobSize,
            ztoc.uncompressedArchiveSize(),
            options.verifySpanDigests(),
            options.spanRetries(),
            options.maxFetchBytes(),
            cache);
  }

  /**
   * How a layer is read. The defaults verify everything; turn a check off only for a blob and zTOC
   * whose integrity is already established (for example, a local file whose digest was just checked
   * against a signed manifest, and a zTOC produced from it).
   *
   * @param verifySpanDigests check every span fetched against its digest in the zTOC (default true)
   * @param verifyTarHeaders check the tar header in front of every file read against its TOC entry
   *     (default true)
   * @param limits resource limits; {@link ZtocLimits#maxSpanCompressedSize()} applies here
   * @param spanCache where verified spans are kept for later reads; share one between the layers of
   *     an image for one byte bound over all ({@code null}, the default: {@link
   *     SpanCache#shared()})
   * @param spanRetries how many times a span whose bytes do not match its digest is fetched again
   *     before the read fails (default 1; 0: no retry)
   * @param maxFetchBytes most compressed bytes in one read from the source when adjacent spans are
   *     fetched together (default 8 MiB; a single larger span is still read whole)
   * @param readAheadBytes uncompressed bytes of the following spans a stream has fetched and
   *     inflated on worker threads while it reads one (default 16 MiB; the span being read is
   *     always requested; 0: no read-ahead)
   * @param backgroundFetch fetch the whole layer, span after span on one low-priority thread, into
   *     the span cache from {@link SeekableLayer#open} on (default false; upstream's background
   *     fetcher). It stops at the first error, when the layer is closed, and once it has filled the
   *     memory cache's bound unless the cache has a directory
   */
  public record Options(
      boolean verifySpanDigests,
      boolean verifyTarHeaders,
      ZtocLimits limits,
      SpanCache spanCache,
      int spanRetries,
      long maxFetchBytes,
      long readAheadBytes,
      boolean backgroundFetch) {
    /** Default {@link #spanRetries()}: 1. */
    public static final int DEFAULT_SPAN_RETRIES = 1;

    /** Default {@link #maxFetchBytes()}: 8 MiB. */
    public static final long DEFAULT_MAX_FETCH_BYTES = 8L << 20;

    /** Default {@link #readAheadBytes()}: 16 MiB. */
    public static final long DEFAULT_READ_AHEAD_BYTES = 16L << 20;

    private static final Options DEFAULTS =
        new Options(
            true,
            true,
            ZtocLimits.defaults(),
            null,
            DEFAULT_SPAN_RETRIES,
            DEFAULT_MAX_FETCH_BYTES,
            DEFAULT_READ_AHEAD_BYTES,
            false);

    /**
     * Requires non-null limits, {@code spanRetries >= 0}, {@code maxFetchBytes >= 1} and {@code
     * readAheadBytes >= 0}.
     */
    public Options {
      java.util.Objects.requireNonNull(limits, "limits");
      if (spanRetries < 0 || maxFetchBytes < 1 || readAheadBytes < 0) {
        throw new IllegalArgumentException(
            "spanRetries must be >= 0, maxFetchBytes >= 1, readAheadBytes >= 0: "
                + spanRetries
                + ", "
                + maxFetchBytes
                + ", "
                + readAheadBytes);
      }
    }

    /** Every check on, default limits, the shared span cache, no background fetch. */
    public static Options defaults() {
      return DEFAULTS;
    }

    /** A copy with span digest verification turned on or off. */
    public Options withVerifySpanDigests(boolean verify) {
      return new Options(
          verify,
          verifyTarHeaders,
          limits,
          spanCache,
          spanRetries,
          maxFetchBytes,
          readAheadBytes,
          backgroundFetch);
    }

    /** A copy with tar header verification turned on or off. */
    public Options withVerifyTarHeaders(boolean verify) {
      return new Options(
          verifySpanDigests,
          verify,
          limits,
          spanCache,
          spanRetries,
          maxFetchBytes,
          readAheadBytes,
          backgroundFetch);
    }

    /** A copy with other limits. */
    public Options withLimits(ZtocLimits limits) {
      return new Options(
          verifySpanDigests,
          verifyTarHeaders,
          limits,
          spanCache,
          spanRetries,
          maxFetchBytes,
          readAheadBytes,
          backgroundFetch);
    }

    /** A copy with another span cache ({@code null}: {@link SpanCache#shared()}). */
    public Options withSpanCache(SpanCache cache) {
      return new Options(
          verifySpanDigests,
          verifyTarHeaders,
          limits,
          cache,
          spanRetries,
          maxFetchBytes,
          readAheadBytes,
          backgroundFetch);
    }

    /** A copy with another number of re-fetches of a span that fails its digest. */
    public Options withSpanRetries(int retries) {
      return new Options(
          verifySpanDigests,
          verifyTarHeaders,
          limits,
          spanCache,
          retries,
          maxFetchBytes,
          readAheadBytes,
          backgroundFetch);
    }

    /** A copy with another cap on one merged read of adjacent spans. */
    public Options withMaxFetchBytes(long bytes) {
      return new Options(
          verifySpanDigests,
          verifyTarHeaders,
          limits,
          spanCache,
          spanRetries,
          bytes,
          readAheadBytes,
          backgroundFetch);
    }

    /** A copy with another read-ahead. */
    public Options withReadAheadBytes(long bytes) {
      return new Options(
          verifySpanDigests,
          verifyTarHeaders,
          limits,
          spanCache,
          spanRetries,
          maxFetchBytes,
          bytes,
          backgroundFetch);
    }

    /** A copy with the background fetch of the whole layer turned on or off. */
    public Options withBackgroundFetch(boolean fetch) {
      return new Options(
          verifySpanDigests,
          verifyTarHeaders,
          limits,
          spanCache,
          spanRetries,
          maxFetchBytes,
          readAheadBytes,
          fetch);
    }
  }

  /** Opens a local layer blob with its zTOC, with every check on ({@link Options#defaults()}). */
  public static SeekableLayer open(Path blob, Ztoc ztoc) throws IOException {
    return open(blob, ztoc, Options.defaults());
  }

  /** Opens a local layer blob with its zTOC. */
  public static SeekableLayer open(Path blob, Ztoc ztoc, Options options) throws IOException {
    BlobSource source = BlobSource.of(blob);
    try {
      return open(source, ztoc, options);
    } catch (IOException | RuntimeException e) {
      source.close();
      throw e;
    }
  }

  /**
   * Opens a layer blob read through {@code source}, with every check on ({@link
   * Options#defaults()}); {@link #close()} closes the source.
   */
  public static SeekableLayer open(BlobSource source, Ztoc ztoc) throws IOException {
    return open(source, ztoc, Options.defaults());
  }

  /**
   * Opens a layer blob read through {@code source}; {@link #close()} closes the source.
   *
   * @throws ZtocException if the zTOC does not fit the blob: another size, a gzip header that does
   *     not end where the first checkpoint starts, spans outside the blob or over {@link
   *     ZtocLimits#maxSpanCompressedSize()}
   */
  public static SeekableLayer open(BlobSource source, Ztoc ztoc, Options options)
      throws IOException {
    long size = source.size();
    if (size != ztoc.compressedArchiveSize()) {
      throw new ZtocException(
          "blob "
              + source
              + " is "
              + size
              + " bytes, but the zTOC was built for a blob of "
              + ztoc.compressedArchiveSize()
              + " bytes");
    }
    Zinfo zinfo = ztoc.zinfo();
    if (zinfo instanceof GzipZinfo g && !g.checkpoints().isEmpty()) {
      // The header must parse; a version-1 zinfo assumes a 10-byte header, so use the real one.
      int headerLength =
          gzipHeaderLength(source, size, g.version() == 1 ? -1 : g.checkpoint(0).in());
      if (g.version() == 1) {
        zinfo = g.withFirstCheckpointAt(headerLength);
      } else if (g.checkpoint(0).in() != headerLength) {
        throw new ZtocException(
            "the zTOC's first checkpoint is at compressed offset "
                + g.checkpoint(0).in()
                + ", but the gzip header of "
                + source
                + " ends at "
                + headerLength);
      }
    }
    if (ztoc.compressionAlgorithm() == CompressionAlgorithm.GZIP
        && zinfo.maxSpanId() < 0
        && ztoc.uncompressedArchiveSize() > 0) {
      throw new ZtocException("the zTOC has no checkpoints for a non-empty layer");
    }
    checkSpans(zinfo, size, ztoc.uncompressedArchiveSize(), options.limits(), source);
    SeekableLayer layer = new SeekableLayer(source, ztoc, zinfo, size, options);
    if (options.backgroundFetch()) {
      layer.startBackgroundFetch();
    }
    return layer;
  }

  /** The most bytes read to find the end of a layer's gzip header. */
  private static final int MAX_GZIP_HEADER = 1 << 16;

  /**
   * The length of the gzip header at the start of the blob, reading no more of it than needed: with
   * {@code expected} (the first checkpoint's offset, {@code -1} when unknown) exactly those bytes
   * (one read), else a small probe grown until the header is complete. A remote blob is thus asked
   * for its header bytes only, not for a fixed-size probe.
   */
  private static int gzipHeaderLength(BlobSource source, long size, long expected)
      throws IOException {
    int cap = (int) Math.min(size, MAX_GZIP_HEADER);
    int n = expected >= 0 ? (int) Math.min(cap, Math.max(expected, 10)) : Math.min(cap, 32);
    byte[] head = new byte[0];
    while (true) {
      byte[] more = new byte[n];
      System.arraycopy(head, 0, more, 0, head.length);
      source.readFully(head.length, more, head.length, n - head.length);
      head = more;
      int length = GzipHeader.length(head, 0, n, 0);
      if (length >= 0) {
        return length;
      }
      if (n >= cap) {
        throw new ZtocException(
            "blob "
                + source
                + " does not start with a complete gzip header"
                + (n >= MAX_GZIP_HEADER ? " within " + MAX_GZIP_HEADER + " bytes" : ""));
      }
      n = (int) Math.min(cap, (long) n * 8);
    }
  }

  /** Every span inside the blob, in order, and small enough to be held in memory. */
  private static void checkSpans(
      Zinfo zinfo, long blobSize, long uncompressedSize, ZtocLimits limits, BlobSource source)
      throws ZtocException {
    long previousStart = 0;
    for (int i = 0; i <= zinfo.maxSpanId(); i++) {
      long start = zinfo.startCompressedOffset(i);
      long end = zinfo.endCompressedOffset(i, blobSize);
      if (start < previousStart || start > end || end > blobSize) {
        throw new ZtocException(
            "span "
                + i
                + " of the zTOC covers compressed bytes ["
                + start
                + ", "
                + end
                + "), which are not inside the "
                + blobSize
                + "-byte blob "
                + source
                + " in order");
      }
      if (end - start > limits.maxSpanCompressedSize()) {
        throw new ZtocException(
            "span "
                + i
                + " of the zTOC is "
                + (end - start)
                + " compressed bytes, over the"
                + " limit of "
                + limits.maxSpanCompressedSize()
                + " (ZtocLimits.maxSpanCompressedSize)");
      }
      long declared = SpanLoader.declaredSize(zinfo, i, uncompressedSize);
      if (declared > MAX_SPAN_UNCOMPRESSED_SIZE) {
        throw new ZtocException(
            "span "
                + i
                + " of the zTOC declares "
                + declared
                + " uncompressed bytes, over the limit of "
                + MAX_SPAN_UNCOMPRESSED_SIZE);
      }
      previousStart = start;
    }
  }

  /** The zTOC this layer is read through. */
  public Ztoc ztoc() {
    return ztoc;
  }

  /** Shortcut for {@code ztoc().toc()}. */
  public Toc toc() {
    return ztoc.toc();
  }

  /**
   * The entry whose data {@code name} denotes, following hard and symbolic links.
   *
   * @throws dev.soci.ztoc.EntryNotFoundException when there is no such entry or the links loop
   */
  public FileMetadata entry(String name) throws ZtocException {
    return ztoc.toc().resolve(name);
  }

  /** The whole content of the file {@code name} (links followed). */
  public byte[] readFile(String name) throws IOException {
    FileMetadata f = entry(name);
    if (f.uncompressedSize() > Integer.MAX_VALUE - 8) {
      throw new ZtocException(
          "file "
              + name
              + " is "
              + f.uncompressedSize()
              + " bytes, too large for an array;"
              + " use openFile");
    }
    try (InputStream in = openFile(f)) {
      return readExactly(in, (int) f.uncompressedSize(), "file " + name);
    }
  }

  /** Streams the content of the file {@code name} (links followed). */
  public InputStream openFile(String name) throws IOException {
    return openFile(entry(name));
  }

  /**
   * Streams the content of a TOC entry (regular files; other types have no data). Unless turned
   * off, the entry's tar header is read and checked first.
   *
   * @param entry an entry of this layer's TOC ({@link #toc()})
   * @throws dev.soci.ztoc.TocMismatchException if the tar header in front of the data does not
   *     describe {@code entry}
   * @throws IllegalArgumentException if {@code entry} is not one of this layer's TOC entries
   */
  public InputStream openFile(FileMetadata entry) throws IOException {
    return openFile(entry, null);
  }

  /**
   * Reads and checks the tar header chain in front of {@code entry}'s data, as {@link
   * #openFile(FileMetadata)} does, fetching only the spans that hold the chain (no read-ahead into
   * the data); nothing when tar header verification is off. For random access to a file through
   * {@link #openRange}.
   *
   * @throws dev.soci.ztoc.TocMismatchException if the tar header does not describe {@code entry}
   */
  public void verifyHeader(FileMetadata entry) throws IOException {
    if (verifyHeaders) {
      openFile(entry, null, true).close();
    }
  }

  /** {@link #openFile(FileMetadata)} reading through {@code window} (null: a new one). */
  InputStream openFile(FileMetadata entry, ReadAhead window) throws IOException {
    long size = entry.type() == EntryType.REG ? entry.uncompressedSize() : 0;
    if (!verifyHeaders) {
      return openRange(entry.uncompressedOffset(), size, window);
    }
    return openFile(entry, window, false);
  }

  /** Opens {@code entry} after checking its header chain; {@code headerOnly}: without the data. */
  private InputStream openFile(FileMetadata entry, ReadAhead window, boolean headerOnly)
      throws IOException {
    long size = headerOnly || entry.type() != EntryType.REG ? 0 : entry.uncompressedSize();
    long headerOffset = ztoc.toc().headerOffset(entry);
    long chainLength = entry.uncompressedOffset() - headerOffset;
    if (chainLength > limits.maxHeaderChainLength()) {
      throw new TocMismatchException(
          headerOffset,
          entry.name(),
          "zTOC does not belong to this layer: the header"
              + " chain of "
              + entry.name()
              + " would span "
              + chainLength
              + " bytes from uncompressed offset "
              + headerOffset
              + ", more than the "
              + limits.maxHeaderChainLength()
              + " tar headers can take");
    }
    if (chainLength <= 0) {
      TarHeaderVerifier.verify(entry, headerOffset, new byte[0]); // throws: no room for a header
    }
    InputStream in = openRange(headerOffset, chainLength + size, window);
    try {
      byte[] chain = in.readNBytes((int) chainLength);
      TarHeaderVerifier.verify(entry, headerOffset, chain, limits);
      return in;
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  /**
   * Streams bytes {@code [offset, offset + length)} of the uncompressed tar. Spans are verified as
   * for files; there is no tar header to check.
   */
  public InputStream openRange(long offset, long length) throws IOException {
    return openRange(offset, length, null);
  }

  private InputStream openRange(long offset, long length, ReadAhead window) throws IOException {
    if (closed) {
      throw new IOException("layer " + source + " is closed");
    }
    if (offset < 0 || length < 0 || offset + length > ztoc.uncompressedArchiveSize()) {
      throw new ZtocException(
          "range ["
              + offset
              + ", "
              + (offset + length)
              + ") is outside the uncompressed layer of "
              + ztoc.uncompressedArchiveSize()
              + " bytes");
    }
    ReadAhead w = window != null ? window : new ReadAhead(loader, options.readAheadBytes(), false);
    return new SpanInputStream(w, zinfo, offset, offset + length);
  }

  /** Reads bytes {@code [offset, offset + length)} of the uncompressed tar. */
  public byte[] readRange(long offset, int length) throws IOException {
    try (InputStream in = openRange(offset, length)) {
      return readExactly(in, length, "range at " + offset);
    }
  }

  private static byte[] readExactly(InputStream in, int length, String what) throws IOException {
    byte[] data = new byte[length];
    int n = in.readNBytes(data, 0, length);
    if (n != length) {
      throw new EOFException(what + " ended after " + n + " of " + length + " bytes");
    }
    return data;
  }

  /**
   * Fetches, verifies and caches the spans holding the files {@code names} (links followed; each
   * file's tar headers too), several ranges in parallel, and returns when they are in the span
   * cache (or, for a cache that keeps nothing, fetched). Counted in {@link
   * ReadStatistics#spansPrefetched()}.
   *
   * @throws dev.soci.ztoc.EntryNotFoundException if a name is not in the layer (before anything is
   *     fetched)
   * @throws IOException if a span cannot be fetched or does not verify
   */
  public void prefetch(String... names) throws IOException {
    List<long[]> ranges = new ArrayList<>();
    for (String name : names) {
      FileMetadata f = entry(name);
      long start = ztoc.toc().headerOffset(f);
      long end = f.uncompressedOffset() + (f.type() == EntryType.REG ? f.uncompressedSize() : 0);
      if (start >= 0 && end > start && end <= ztoc.uncompressedArchiveSize()) {
        ranges.add(new long[] {start, end});
      }
    }
    List<CompletableFuture<byte[]>> futures = new ArrayList<>();
    List<Integer> ids = new ArrayList<>();
    for (long[] r : ranges) {
      int first = zinfo.spanOf(r[0]);
      int last = zinfo.spanOf(r[1] - 1);
      futures.addAll(loader.request(first, last, false, true));
      for (int i = first; i <= last; i++) {
        ids.add(i);
      }
    }
    for (int k = 0; k < futures.size(); k++) {
      loader.await(ids.get(k), futures.get(k), true);
    }
  }

  /**
   * Fetches, verifies and caches spans {@code first..last} (for example a range of a prefetch
   * artifact), and returns when they are in the span cache.
   *
   * @throws IllegalArgumentException if the range is not within {@code 0..ztoc().maxSpanId()}
   */
  public void prefetchSpans(int first, int last) throws IOException {
    if (first < 0 || last < first || last > zinfo.maxSpanId()) {
      throw new IllegalArgumentException(
          "spans " + first + ".." + last + " are not within 0.." + zinfo.maxSpanId());
    }
    List<CompletableFuture<byte[]>> futures = loader.request(first, last, false, true);
    for (int k = 0; k < futures.size(); k++) {
      loader.await(first + k, futures.get(k), true);
    }
  }

  /**
   * A reader for going through the layer's files in TOC order (as extracting the whole layer does):
   * it reads ahead span after span to the end of the layer, so every span is fetched and inflated
   * once however many files it holds, even with a cache that keeps nothing. Files may also be
   * opened out of order (then their spans are fetched again unless cached). Not thread-safe; open
   * one per thread.
   */
  public SequentialReader sequentialReader() {
    return new SequentialReader(
        this, new ReadAhead(loader, Math.max(options.readAheadBytes(), 1), true));
  }

  /** The span cache this layer keeps its spans in. */
  public SpanCache spanCache() {
    return cache;
  }

  /** What this layer has fetched and decoded so far. */
  public ReadStatistics statistics() {
    return new ReadStatistics(
        loader.bytesRead.sum(),
        loader.reads.sum(),
        loader.inflated.sum(),
        loader.fetched.sum(),
        loader.fromCache.sum(),
        loader.fromDirectory.sum(),
        loader.prefetched.sum(),
        loader.refetches.sum());
  }

  /**
   * Stops the background fetch, drops this layer's spans from the memory cache, and closes the blob
   * source.
   */
  @Override
  public void close() throws IOException {
    closed = true;
    loader.evict();
    source.close();
  }

  private synchronized void startBackgroundFetch() {
    Thread t =
        new Thread(
            this::backgroundFetch, "soci-background-fetch-" + Integer.toHexString(hashCode()));
    t.setDaemon(true);
    t.setPriority(Thread.MIN_PRIORITY);
    background = t;
    t.start();
  }

  /**
   * Upstream's background fetcher: spans in order, one at a time, skipping those already held;
   * stops at the first error (on-demand reads are not affected) or when more would only evict what
   * it fetched.
   */
  private void backgroundFetch() {
    long budget = cache.maxBytes();
    boolean directory = cache.directory().isPresent() && options.verifySpanDigests();
    long added = 0;
    for (int i = 0; i <= zinfo.maxSpanId() && !closed; i++) {
      if (loader.cached(i) || (directory && loader.inDirectory(i))) {
        continue;
      }
      long size = loader.declaredSize(i);
      if (!directory && added + size > budget) {
        return;
      }
      try {
        loader.await(i, loader.request(i, i, true, true).get(0), true);
        added += size;
      } catch (IOException | RuntimeException e) {
        if (!closed) {
          LOG.log(
              System.Logger.Level.WARNING,
              "background fetch of " + source + " stopped at span " + i + ": " + e.getMessage());
        }
        return;
      }
    }
  }

  /** The background fetch thread, if one was started (for tests). */
  synchronized Thread backgroundThread() {
    return background;
  }
}
