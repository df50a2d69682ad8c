package dev.soci.ztoc;

import dev.soci.ztoc.gzip.BlockBoundary;
import dev.soci.ztoc.gzip.GzipDecoder;
import dev.soci.ztoc.gzip.GzipHeader;
import dev.soci.ztoc.gzip.GzipListener;
import dev.soci.ztoc.gzip.SpeculativeDecoding;
import dev.soci.ztoc.internal.tar.TarLimits;
import dev.soci.ztoc.internal.tar.TarToc;
import dev.soci.ztoc.internal.tar.TarTocParser;
import dev.soci.ztoc.zinfo.Checkpoint;
import dev.soci.ztoc.zinfo.GzipZinfo;
import dev.soci.ztoc.zinfo.TarZinfo;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds the zTOC of a layer in one pass: the layer is read once and inflated once, and the table
 * of contents, the checkpoints and the span digests all come from that pass. Accepts a file or a
 * stream (a layer arriving over the network); writes no temporary files; memory is bounded by the
 * decoder's buffers plus the zTOC being built.
 *
 * <p>Options are set fluently on an immutable instance; defaults are upstream's: span size 4 MiB,
 * build tool identifier {@value Ztoc#DEFAULT_BUILD_TOOL_IDENTIFIER}, compression detected from the
 * bytes, times formatted in UTC. Instances are immutable and thread-safe.
 *
 * <pre>{@code
 * Ztoc ztoc = ZtocBuilder.withDefaults().spanSize(1 << 20).build(Path.of("layer.tar.gz"));
 * ztoc.write(Path.of("layer.ztoc"));
 * }</pre>
 */
public final class ZtocBuilder {
  /** Upstream's default span size, 4 MiB. */
  public static final long DEFAULT_SPAN_SIZE = 4L << 20;

  private final long spanSize;
  private final String buildToolIdentifier;
  private final CompressionAlgorithm compression;
  private final ZoneId zone;
  private final ProgressListener progress;
  private final ZtocLimits limits;
  private final int parallelism;

  private ZtocBuilder(
      long spanSize,
      String buildToolIdentifier,
      CompressionAlgorithm compression,
      ZoneId zone,
      ProgressListener progress,
      ZtocLimits limits,
      int parallelism) {
    this.spanSize = spanSize;
    this.buildToolIdentifier = buildToolIdentifier;
    this.compression = compression;
    this.zone = zone;
    this.progress = progress;
    this.limits = limits;
    this.parallelism = parallelism;
  }

  /** A builder with upstream's defaults. */
  public static ZtocBuilder withDefaults() {
    return new ZtocBuilder(
        DEFAULT_SPAN_SIZE,
        Ztoc.DEFAULT_BUILD_TOOL_IDENTIFIER,
        null,
        ZoneOffset.UTC,
        ProgressListener.NONE,
        ZtocLimits.defaults(),
        Runtime.getRuntime().availableProcessors());
  }

  /**
   * Sets the span size: the uncompressed distance between checkpoints (gzip) or the span length
   * (uncompressed). Must be above 0 (a zTOC whose zinfo says 0 is refused when read).
   *
   * @throws IllegalArgumentException if {@code spanSize <= 0}
   */
  public ZtocBuilder spanSize(long spanSize) {
    if (spanSize <= 0) {
      throw new IllegalArgumentException("span size must be > 0, got " + spanSize);
    }
    return new ZtocBuilder(
        spanSize, buildToolIdentifier, compression, zone, progress, limits, parallelism);
  }

  /** Sets the build tool identifier written into the zTOC. */
  public ZtocBuilder buildToolIdentifier(String id) {
    return new ZtocBuilder(
        spanSize,
        Objects.requireNonNull(id, "id"),
        compression,
        zone,
        progress,
        limits,
        parallelism);
  }

  /** Fixes the layer's compression instead of detecting it from the first bytes. */
  public ZtocBuilder compression(CompressionAlgorithm algorithm) {
    return new ZtocBuilder(
        spanSize, buildToolIdentifier, algorithm, zone, progress, limits, parallelism);
  }

  /**
   * Sets the zone modification times are formatted in (default UTC; upstream uses the build
   * machine's zone, so pass it to reproduce a zTOC built on a non-UTC host).
   */
  public ZtocBuilder zone(ZoneId zone) {
    return new ZtocBuilder(
        spanSize,
        buildToolIdentifier,
        compression,
        Objects.requireNonNull(zone),
        progress,
        limits,
        parallelism);
  }

  /** Sets a listener told about the bytes read so far. */
  public ZtocBuilder progress(ProgressListener listener) {
    return new ZtocBuilder(
        spanSize,
        buildToolIdentifier,
        compression,
        zone,
        Objects.requireNonNull(listener),
        limits,
        parallelism);
  }

  /**
   * Sets the resource limits the layer's tar stream is held to (default {@link
   * ZtocLimits#defaults()}): entries, name and link name lengths, PAX and long-name payload sizes,
   * total metadata. A layer beyond them fails with a {@link TarFormatException}.
   */
  public ZtocBuilder limits(ZtocLimits limits) {
    return new ZtocBuilder(
        spanSize,
        buildToolIdentifier,
        compression,
        zone,
        progress,
        Objects.requireNonNull(limits, "limits"),
        parallelism);
  }

  /**
   * Sets how many threads inflate a gzip layer given as a file (default: the number of processors).
   * With more than one, worker threads decode stretches of the layer ahead (see {@link
   * SpeculativeDecoding}); the zTOC is the same byte for byte. Streams, small layers and heaps
   * under {@value #PARALLEL_MIN_HEAP_MIB} MiB are inflated by one thread, and no more workers run
   * than {@link SpeculativeDecoding#maxWorkers} allows for the heap.
   */
  public ZtocBuilder parallelism(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("parallelism must be >= 1, got " + threads);
    }
    return new ZtocBuilder(
        spanSize, buildToolIdentifier, compression, zone, progress, limits, threads);
  }

  /** The smallest maximum heap with which files are inflated by several threads. */
  public static final int PARALLEL_MIN_HEAP_MIB = 512;

  /** Worker threads for inflating {@code layer} in parallel: 0 to inflate it on one thread. */
  private int workers(Path layer, long size) {
    long heap = Runtime.getRuntime().maxMemory();
    if (layer == null
        || size < 2L * SpeculativeDecoding.STRETCH_SIZE
        || heap < (long) PARALLEL_MIN_HEAP_MIB << 20) {
      return 0;
    }
    return Math.min(parallelism - 1, SpeculativeDecoding.maxWorkers(heap));
  }

  private TarLimits tarLimits() {
    return new TarLimits(
        limits.maxEntries(),
        limits.maxPaxRecordSize(),
        limits.maxNameLength(),
        limits.maxTotalMetadataBytes());
  }

  /** Builds the zTOC of the layer blob at {@code layer}. */
  public Ztoc build(Path layer) throws IOException {
    return build(layer, null);
  }

  /**
   * Builds the zTOC of the layer blob at {@code layer} and writes every byte of the blob, in order,
   * to {@code tap} as well, so that a caller can check the blob's digest without reading it a
   * second time. For a gzip layer the tap runs on the thread that hashes spans, beside inflation.
   * The tap ({@code null} for none) is not closed; an exception it throws fails the build.
   */
  public Ztoc build(Path layer, OutputStream tap) throws IOException {
    long size = Files.size(layer);
    try (InputStream in = Files.newInputStream(layer)) {
      Ztoc z = build(in, size, layer, tap);
      if (z.compressedArchiveSize() != size) {
        throw new ZtocException(
            "layer "
                + layer
                + " changed while it was read ("
                + size
                + " bytes before, "
                + z.compressedArchiveSize()
                + " read)");
      }
      return z;
    }
  }

  /** Builds the zTOC of a layer read from {@code layer} to its end (not closed here). */
  public Ztoc build(InputStream layer) throws IOException {
    return build(layer, -1, null, null);
  }

  private Ztoc build(InputStream layer, long knownSize, Path file, OutputStream tap)
      throws IOException {
    BufferedInputStream in = new BufferedInputStream(layer, 1 << 16);
    CompressionAlgorithm algorithm = compression != null ? compression : detect(in);
    if (algorithm != CompressionAlgorithm.GZIP) {
      return buildTar(in, knownSize, tap);
    }
    int workers = workers(file, knownSize);
    if (workers < 1) {
      return buildGzip(in, knownSize, null, tap);
    }
    try (SpeculativeDecoding speculation = SpeculativeDecoding.start(file, knownSize, workers)) {
      return buildGzip(in, knownSize, speculation, tap);
    }
  }

  private static CompressionAlgorithm detect(BufferedInputStream in) throws IOException {
    in.mark(8);
    byte[] magic = in.readNBytes(4);
    in.reset();
    if (GzipHeader.startsWithMagic(magic, magic.length)) {
      return CompressionAlgorithm.GZIP;
    }
    if (magic.length == 4
        && (magic[0] & 0xFF) == 0x28
        && (magic[1] & 0xFF) == 0xb5
        && (magic[2] & 0xFF) == 0x2f
        && (magic[3] & 0xFF) == 0xfd) {
      throw new ZtocException(
          "the layer is zstd-compressed; zTOCs exist only for gzip and uncompressed layers");
    }
    if (magic.length >= 3 && magic[0] == 'B' && magic[1] == 'Z' && magic[2] == 'h') {
      throw new ZtocException(
          "the layer is bzip2-compressed; zTOCs exist only for gzip and uncompressed layers");
    }
    if (magic.length >= 4
        && (magic[0] & 0xFF) == 0xfd
        && magic[1] == '7'
        && magic[2] == 'z'
        && magic[3] == 'X') {
      throw new ZtocException(
          "the layer is xz-compressed; zTOCs exist only for gzip and uncompressed layers");
    }
    return CompressionAlgorithm.UNCOMPRESSED;
  }

  /** The window of every checkpoint at uncompressed offset 0 (nothing before it); read-only. */
  private static final byte[] ZERO_WINDOW = new byte[Checkpoint.WINDOW_SIZE];

  private Ztoc buildGzip(
      InputStream source, long knownSize, SpeculativeDecoding speculation, OutputStream tap)
      throws IOException {
    try (AsyncSpanDigester digester =
        new AsyncSpanDigester(GzipDecoder.INPUT_BUFFER_SIZE, GzipDecoder.INPUT_BUFFER_SIZE, tap)) {
      return buildGzip(source, knownSize, speculation, digester);
    }
  }

  private Ztoc buildGzip(
      InputStream source,
      long knownSize,
      SpeculativeDecoding speculation,
      AsyncSpanDigester digester)
      throws IOException {
    TeeInputStream tee = new TeeInputStream(source, digester, progress, knownSize);
    TarTocParser tar = new TarTocParser(zone, tarLimits());
    List<Checkpoint> checkpoints = new ArrayList<>();
    GzipDecoder decoder = new GzipDecoder(tee);
    if (speculation != null) {
      decoder.speculate(speculation);
    }
    decoder.decode(
        new GzipListener() {
          private long last;

          @Override
          public void onData(byte[] buf, int off, int len) throws IOException {
            if (!tar.isEndOfArchive()) {
              tar.write(buf, off, len);
            }
          }

          @Override
          public void onBoundary(BlockBoundary b) throws IOException {
            // Upstream's rule (zran): a checkpoint at every boundary before the first output byte,
            // then one per span. Degenerate streams (millions of empty blocks or members before the
            // tar) would make millions of checkpoints at 0: they share one zero window, and the
            // build stops as soon as the zTOC outgrows what readers accept, so memory stays within
            // the window, the buffers and the zTOC being built.
            if (b.out() == 0 || b.out() - last > spanSize) {
              long atLeast =
                  GzipZinfo.HEADER_SIZE + (checkpoints.size() + 1L) * GzipZinfo.RECORD_SIZE;
              if (b.out() == 0 && atLeast > limits.maxZtocSize()) {
                throw new ZtocException(
                    "the gzip stream has more than "
                        + checkpoints.size()
                        + " deflate blocks or members before its first output byte (at compressed"
                        + " offset "
                        + b.in()
                        + "); upstream's rule puts a 32 KiB checkpoint at each, so the zTOC would"
                        + " be over the limit of "
                        + limits.maxZtocSize()
                        + " bytes that readers hold zTOCs to (ZtocLimits.maxZtocSize)");
              }
              limits.checkWritable(atLeast);
              byte[] window = ZERO_WINDOW;
              if (b.out() != 0) {
                window = new byte[Checkpoint.WINDOW_SIZE];
                b.copyWindow(window, 0);
              }
              Checkpoint c = new Checkpoint(b.in(), b.out(), b.bits(), window);
              checkpoints.add(c);
              digester.startSpan(c.startCompressedOffset(), b.in());
              last = b.out();
            }
          }
        });
    TarToc toc = tar.finish();
    long size = tee.count();
    List<String> digests = digester.finish(size);
    GzipZinfo zinfo = GzipZinfo.of(spanSize, checkpoints);
    return Ztoc.assembler()
        .buildToolIdentifier(buildToolIdentifier)
        .compressedArchiveSize(size)
        .uncompressedArchiveSize(toc.archiveSize())
        .files(toc.entries())
        .compressionAlgorithm(CompressionAlgorithm.GZIP)
        .maxSpanId(checkpoints.size() - 1)
        .spanDigests(digests)
        .zinfo(zinfo)
        .build();
  }

  private Ztoc buildTar(InputStream source, long knownSize, OutputStream tap) throws IOException {
    if (spanSize <= 0) {
      throw new IllegalArgumentException(
          "span size must be > 0 for an uncompressed layer, got " + spanSize);
    }
    TarTocParser tar = new TarTocParser(zone, tarLimits());
    FixedSpanDigester digester = new FixedSpanDigester(spanSize);
    byte[] buf = new byte[1 << 16];
    long size = 0;
    int n;
    while ((n = source.read(buf)) >= 0) {
      if (!tar.isEndOfArchive()) {
        tar.write(buf, 0, n);
      }
      digester.update(buf, 0, n);
      if (tap != null) {
        tap.write(buf, 0, n);
      }
      size += n;
      progress.onProgress(size, knownSize);
    }
    TarToc toc = tar.finish();
    TarZinfo zinfo = TarZinfo.of(spanSize, size);
    return Ztoc.assembler()
        .buildToolIdentifier(buildToolIdentifier)
        .compressedArchiveSize(size)
        .uncompressedArchiveSize(toc.archiveSize())
        .files(toc.entries())
        .compressionAlgorithm(CompressionAlgorithm.UNCOMPRESSED)
        .maxSpanId(zinfo.maxSpanId())
        .spanDigests(digester.finish())
        .zinfo(zinfo)
        .build();
  }

  /** Passes every byte read on to the span digester and counts them. */
  private static final class TeeInputStream extends FilterInputStream {
    private final AsyncSpanDigester digester;
    private final ProgressListener progress;
    private final long total;
    private long count;

    TeeInputStream(
        InputStream in, AsyncSpanDigester digester, ProgressListener progress, long total) {
      super(in);
      this.digester = digester;
      this.progress = progress;
      this.total = total;
    }

    @Override
    public int read() throws IOException {
      throw new UnsupportedOperationException("the decoder reads in blocks");
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        digester.update(b, off, n);
        count += n;
        progress.onProgress(count, total);
      }
      return n;
    }

    long count() {
      return count;
    }
  }
}
