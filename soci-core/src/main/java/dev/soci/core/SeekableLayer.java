package dev.soci.core;

import dev.soci.ztoc.CompressionAlgorithm;
import dev.soci.ztoc.EntryType;
import dev.soci.ztoc.FileMetadata;
import dev.soci.ztoc.Toc;
import dev.soci.ztoc.Ztoc;
import dev.soci.ztoc.ZtocException;
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
 * uncompressed tar, touching only the spans that hold it. Every span fetched is checked against
 * its digest in the zTOC before any byte of it is returned (unless turned off for trusted local
 * blobs).
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
  private final LongAdder bytesRead = new LongAdder();
  private final LongAdder reads = new LongAdder();
  private final LongAdder spansInflated = new LongAdder();

  private SeekableLayer(BlobSource source, Ztoc ztoc, Zinfo zinfo, long blobSize, boolean verifySpans) {
    this.source = source;
    this.ztoc = ztoc;
    this.zinfo = zinfo;
    this.blobSize = blobSize;
    this.verifySpans = verifySpans;
  }

  /** Opens a local layer blob with its zTOC; span digests are verified. */
  public static SeekableLayer open(Path blob, Ztoc ztoc) throws IOException {
    FileBlobSource source = new FileBlobSource(blob);
    try {
      return open(source, ztoc, true);
    } catch (IOException | RuntimeException e) {
      source.close();
      throw e;
    }
  }

  /**
   * Opens a layer blob read through {@code source}; {@link #close()} closes the source.
   *
   * @param verifySpanDigests check every fetched span against the zTOC's digest (recommended
   *     for any source not fully trusted)
   */
  public static SeekableLayer open(BlobSource source, Ztoc ztoc, boolean verifySpanDigests) throws IOException {
    long size = source.size();
    if (size != ztoc.compressedArchiveSize()) {
      throw new ZtocException("blob " + source + " is " + size + " bytes, but the zTOC was built for a blob of "
          + ztoc.compressedArchiveSize() + " bytes");
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
        throw new ZtocException("the zTOC's first checkpoint is at compressed offset " + g.checkpoint(0).in()
            + ", but the gzip header of " + source + " ends at " + headerLength);
      }
    }
    if (ztoc.compressionAlgorithm() == CompressionAlgorithm.GZIP && zinfo.maxSpanId() < 0
        && ztoc.uncompressedArchiveSize() > 0) {
      throw new ZtocException("the zTOC has no checkpoints for a non-empty layer");
    }
    return new SeekableLayer(source, ztoc, zinfo, size, verifySpanDigests);
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
      throw new ZtocException("file " + name + " is " + f.uncompressedSize() + " bytes, too large for an array;"
          + " use openFile");
    }
    try (InputStream in = openFile(f)) {
      byte[] data = new byte[(int) f.uncompressedSize()];
      int n = in.readNBytes(data, 0, data.length);
      if (n != data.length) {
        throw new EOFException("file " + name + " ended after " + n + " of " + data.length + " bytes");
      }
      return data;
    }
  }

  /** Streams the content of the file {@code name} (links followed). */
  public InputStream openFile(String name) throws IOException {
    return openFile(entry(name));
  }

  /** Streams the content of a TOC entry (regular files; other types have no data). */
  public InputStream openFile(FileMetadata entry) throws IOException {
    long size = entry.type() == EntryType.REG ? entry.uncompressedSize() : 0;
    return openRange(entry.uncompressedOffset(), size);
  }

  /** Streams bytes {@code [offset, offset + length)} of the uncompressed tar. */
  public InputStream openRange(long offset, long length) throws IOException {
    if (offset < 0 || length < 0 || offset + length > ztoc.uncompressedArchiveSize()) {
      throw new ZtocException("range [" + offset + ", " + (offset + length) + ") is outside the uncompressed layer of "
          + ztoc.uncompressedArchiveSize() + " bytes");
    }
    return new SpanInputStream(this, offset, offset + length);
  }

  /** Reads bytes {@code [offset, offset + length)} of the uncompressed tar. */
  public byte[] readRange(long offset, int length) throws IOException {
    try (InputStream in = openRange(offset, length)) {
      byte[] data = new byte[length];
      int n = in.readNBytes(data, 0, length);
      if (n != length) {
        throw new EOFException("range at " + offset + " ended after " + n + " of " + length + " bytes");
      }
      return data;
    }
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
