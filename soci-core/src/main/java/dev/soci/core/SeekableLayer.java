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
import java.util.concurrent.atomic.LongAdder;

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
 * <p>Thread-safe: any number of threads may read concurrently; each read decodes on its own.
 *
 * <pre>{@code
 * try (SeekableLayer layer = SeekableLayer.open(Path.of("layer.tar.gz"), ztoc)) {
 *   byte[] passwd = layer.readFile("etc/passwd");
 * }
 * }</pre>
 */
public final class SeekableLayer implements Closeable {
  private final BlobSource source;
  private final Ztoc ztoc;
  private final Zinfo zinfo;
  private final long blobSize;
  private final boolean verifySpans;
  private final boolean verifyHeaders;
  private final ZtocLimits limits;
  private final LongAdder bytesRead = new LongAdder();
  private final LongAdder reads = new LongAdder();
  private final LongAdder spansInflated = new LongAdder();

  private SeekableLayer(BlobSource source, Ztoc ztoc, Zinfo zinfo, long blobSize, Options options) {
    this.source = source;
    this.ztoc = ztoc;
    this.zinfo = zinfo;
    this.blobSize = blobSize;
    this.verifySpans = options.verifySpanDigests();
    this.verifyHeaders = options.verifyTarHeaders();
    this.limits = options.limits();
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
   */
  public record Options(boolean verifySpanDigests, boolean verifyTarHeaders, ZtocLimits limits) {
    private static final Options DEFAULTS = new Options(true, true, ZtocLimits.defaults());

    /** Requires non-null limits. */
    public Options {
      java.util.Objects.requireNonNull(limits, "limits");
    }

    /** Every check on, default limits. */
    public static Options defaults() {
      return DEFAULTS;
    }

    /** A copy with span digest verification turned on or off. */
    public Options withVerifySpanDigests(boolean verify) {
      return new Options(verify, verifyTarHeaders, limits);
    }

    /** A copy with tar header verification turned on or off. */
    public Options withVerifyTarHeaders(boolean verify) {
      return new Options(verifySpanDigests, verify, limits);
    }

    /** A copy with other limits. */
    public Options withLimits(ZtocLimits limits) {
      return new Options(verifySpanDigests, verifyTarHeaders, limits);
    }
  }

  /** Opens a local layer blob with its zTOC, with every check on ({@link Options#defaults()}). */
  public static SeekableLayer open(Path blob, Ztoc ztoc) throws IOException {
    return open(blob, ztoc, Options.defaults());
  }

  /** Opens a local layer blob with its zTOC. */
  public static SeekableLayer open(Path blob, Ztoc ztoc, Options options) throws IOException {
    FileBlobSource source = new FileBlobSource(blob);
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
   * Opens a layer blob read through {@code source}; {@link #close()} closes the source. Tar headers
   * are verified.
   *
   * @param verifySpanDigests check every fetched span against the zTOC's digest (recommended for
   *     any source not fully trusted)
   */
  public static SeekableLayer open(BlobSource source, Ztoc ztoc, boolean verifySpanDigests)
      throws IOException {
    return open(source, ztoc, Options.defaults().withVerifySpanDigests(verifySpanDigests));
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
      int probe = (int) Math.min(size, 1 << 16);
      byte[] head = new byte[probe];
      source.readFully(0, head, 0, probe);
      int headerLength = GzipHeader.length(head, 0, probe, 0);
      if (headerLength < 0) {
        throw new ZtocException("blob " + source + " does not start with a complete gzip header");
      }
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
    checkSpans(zinfo, size, options.limits(), source);
    return new SeekableLayer(source, ztoc, zinfo, size, options);
  }

  /** Every span inside the blob, in order, and small enough to be held in memory. */
  private static void checkSpans(Zinfo zinfo, long blobSize, ZtocLimits limits, BlobSource source)
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
    long size = entry.type() == EntryType.REG ? entry.uncompressedSize() : 0;
    if (!verifyHeaders) {
      return openRange(entry.uncompressedOffset(), size);
    }
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
    InputStream in = openRange(headerOffset, chainLength + size);
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
    return new SpanInputStream(this, offset, offset + length);
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

  /** What this layer has fetched and decoded so far. */
  public ReadStatistics statistics() {
    return new ReadStatistics(bytesRead.sum(), reads.sum(), spansInflated.sum());
  }

  /** Closes the blob source. */
  @Override
  public void close() throws IOException {
    source.close();
  }

  Zinfo zinfo() {
    return zinfo;
  }

  long blobSize() {
    return blobSize;
  }

  boolean verifiesSpans() {
    return verifySpans;
  }

  long uncompressedSize() {
    return ztoc.uncompressedArchiveSize();
  }

  String sourceName() {
    return source.toString();
  }

  byte[] fetch(long offset, int length) throws IOException {
    byte[] b = source.read(offset, length);
    bytesRead.add(length);
    reads.increment();
    return b;
  }

  void countSpanInflated() {
    spansInflated.increment();
  }
}
