package dev.soci.ztoc.gzip;

import java.io.IOException;

/**
 * Receives what a {@link GzipDecoder} produces, in stream order: uncompressed bytes and the places
 * where decoding could be resumed. Callbacks run on the decoding thread; the arrays they are handed
 * are only valid during the call.
 */
public interface GzipListener {

  /** The next {@code len} uncompressed bytes, at {@code buf[off..off+len)}. */
  void onData(byte[] buf, int off, int len) throws IOException;

  /**
   * A resumable position: right after a member's gzip header, or right after a deflate block that
   * is not the last block of its member. All data before it has been passed to {@link #onData}
   * already. The boundary object is reused: copy what you keep.
   */
  default void onBoundary(BlockBoundary boundary) throws IOException {}

  /** A gzip member ended (trailer checked); {@code in} is the offset just after its trailer. */
  default void onMemberEnd(long in, long out) throws IOException {}
}
