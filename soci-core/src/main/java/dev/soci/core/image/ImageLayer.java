package dev.soci.core.image;

import dev.soci.core.BlobSource;
import dev.soci.core.SeekableLayer;
import dev.soci.oci.Descriptor;
import dev.soci.ztoc.FileMetadata;
import dev.soci.ztoc.Ztoc;
import dev.soci.ztoc.ZtocBuilder;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * One layer of an opened image. With a zTOC, its tree comes from the zTOC and its bytes are read by
 * span on demand; without one, the whole blob is fetched (and its digest checked) on first use, in
 * memory or, above a size, in a temporary file deleted on close, and indexed there. Thread-safe:
 * loading happens once.
 */
final class ImageLayer implements Closeable {
  private final int index;
  private final Descriptor descriptor;
  private final Ztoc ztoc;
  private final ContentSource source;
  private final Counters counters;
  private final SociImage.Options options;
  private volatile LayerTree tree;
  private volatile SeekableLayer layer;
  private volatile BlobSource rangedSource;
  private final Set<FileMetadata> verified =
      Collections.newSetFromMap(Collections.synchronizedMap(new IdentityHashMap<>()));
  private Path spool;
  private boolean closed;

  ImageLayer(
      int index,
      Descriptor descriptor,
      Ztoc ztoc,
      ContentSource source,
      Counters counters,
      SociImage.Options options) {
    this.index = index;
    this.descriptor = descriptor;
    this.ztoc = ztoc;
    this.source = source;
    this.counters = counters;
    this.options = options;
  }

  Descriptor descriptor() {
    return descriptor;
  }

  /** The layer's zTOC, or {@code null} when it is read whole. */
  Ztoc ztoc() {
    return ztoc;
  }

  boolean hasZtoc() {
    return ztoc != null;
  }

  /** The layer's changeset; fetches the whole layer first if it has no zTOC. */
  LayerTree tree() throws IOException {
    LayerTree t = tree;
    if (t == null) {
      t = LayerTree.of(ztoc != null ? ztoc.files() : seekable().ztoc().files());
      tree = t;
    }
    return t;
  }

  /** The layer opened for reading, opened (or fetched and indexed) on first use. */
  SeekableLayer seekable() throws IOException {
    SeekableLayer l = layer;
    if (l != null) {
      return l;
    }
    synchronized (this) {
      if (closed) {
        throw new IOException("the image is closed");
      }
      if (layer == null) {
        layer = ztoc != null ? openRanged() : fetchWhole();
      }
      return layer;
    }
  }

  /** The statistics of the opened layer, or {@code null} if it was never opened. */
  dev.soci.core.ReadStatistics statistics() {
    SeekableLayer l = layer;
    return l == null ? null : l.statistics();
  }

  /** Whether the layer's ranged source found its server ignoring range requests. */
  boolean rangesIgnored() {
    BlobSource b = rangedSource;
    return b != null && b.rangesIgnored();
  }

  /** Whether {@code entry} is the entry this layer has at its path (the same object). */
  boolean holds(FileMetadata entry) throws IOException {
    return tree().entry(LayerTree.clean(entry.name())) == entry;
  }

  /** Checks the tar header of {@code entry} against it, once per entry. */
  void verifyHeader(FileMetadata entry) throws IOException {
    if (verified.contains(entry)) {
      return;
    }
    seekable().verifyHeader(entry); // only the header chain's spans (unless turned off)
    verified.add(entry);
  }

  private SeekableLayer openRanged() throws IOException {
    BlobSource blob = counters.counting(source.openBlob(descriptor));
    rangedSource = blob;
    try {
      return SeekableLayer.open(blob, ztoc, options.layerOptions());
    } catch (IOException | RuntimeException e) {
      blob.close();
      throw new SociImageException(
          "layer "
              + (index + 1)
              + " ("
              + descriptor.digest()
              + ") does not fit its zTOC: "
              + e.getMessage(),
          e);
    }
  }

  private SeekableLayer fetchWhole() throws IOException {
    long size = descriptor.size();
    ZtocBuilder builder = ZtocBuilder.withDefaults().parallelism(1);
    String what = "layer " + (index + 1) + " (" + descriptor.digest() + ", " + size + " bytes)";
    try {
      if (size <= options.maxInMemoryLayerSize()) {
        byte[] bytes;
        try (InputStream in = counters.counting(source.streamBlob(descriptor))) {
          bytes = in.readNBytes((int) size);
          if (bytes.length != size) {
            throw new EOFException(what + " ended after " + bytes.length + " bytes");
          }
          if (in.read() != -1) { // reaching the end checks the digest
            throw new IOException(what + " is longer than its descriptor says");
          }
        }
        Ztoc built = builder.build(new java.io.ByteArrayInputStream(bytes));
        return SeekableLayer.open(BlobSource.of(bytes), built, options.layerOptions());
      }
      Path file =
          options.tempDirectory() == null
              ? Files.createTempFile("soci-layer-", ".blob")
              : Files.createTempFile(options.tempDirectory(), "soci-layer-", ".blob");
      spool = file;
      try (InputStream in = counters.counting(source.streamBlob(descriptor));
          OutputStream out = Files.newOutputStream(file)) {
        in.transferTo(out); // the stream checks size and digest at its end
      }
      Ztoc built = builder.build(file);
      return SeekableLayer.open(BlobSource.of(file), built, options.layerOptions());
    } catch (SociImageException | ContentNotFoundException e) {
      throw e;
    } catch (IOException e) {
      throw new SociImageException(
          what + " has no zTOC and cannot be indexed: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    closed = true;
    try {
      if (layer != null) {
        layer.close();
      }
    } finally {
      layer = null;
      if (spool != null) {
        Files.deleteIfExists(spool);
      }
    }
  }
}
