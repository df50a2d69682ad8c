package dev.soci.core;

import dev.soci.ztoc.FileMetadata;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a layer's files in TOC order, as extracting the whole layer does, inflating each span once:
 * one read-ahead window runs across files to the end of the layer, so the spans after the current
 * one are fetched, verified and inflated on worker threads while the current file is consumed, and
 * a span holding many small files is decoded once even when the {@link SpanCache} keeps nothing.
 * Checks are those of {@link SeekableLayer#openFile(FileMetadata)} (span digests, tar headers).
 *
 * <p>Files may be opened in any order; going back costs a fetch of the spans concerned (unless
 * cached). Only one stream of a reader should be read at a time. Not thread-safe: one reader per
 * thread. Obtained from {@link SeekableLayer#sequentialReader()}.
 *
 * <pre>{@code
 * try (SequentialReader r = layer.sequentialReader()) {
 *   for (FileMetadata f : layer.toc().entries()) {
 *     if (f.type() == EntryType.REG) {
 *       try (InputStream in = r.openFile(f)) {
 *         consume(f, in);
 *       }
 *     }
 *   }
 * }
 * }</pre>
 */
public final class SequentialReader implements AutoCloseable {
  private final SeekableLayer layer;
  private final ReadAhead window;

  SequentialReader(SeekableLayer layer, ReadAhead window) {
    this.layer = layer;
    this.window = window;
  }

  /**
   * Streams the content of a TOC entry of the layer, after checking its tar header (unless turned
   * off), as {@link SeekableLayer#openFile(FileMetadata)} does.
   */
  public InputStream openFile(FileMetadata entry) throws IOException {
    return layer.openFile(entry, window);
  }

  /** Ends the read-ahead (spans already requested still complete, and may be cached). */
  @Override
  public void close() {}
}
