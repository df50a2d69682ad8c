package dev.soci.ztoc.zinfo;

import dev.soci.ztoc.CompressionAlgorithm;
import dev.soci.ztoc.MalformedZtocException;

/**
 * The checkpoints of a layer and the span arithmetic built on them: which compressed bytes hold
 * span {@code i}, which uncompressed bytes it produces, and which span holds an offset.
 * Implementations are immutable and thread-safe.
 */
public sealed interface Zinfo permits GzipZinfo, TarZinfo {

  /** Parses the checkpoints blob of a zTOC with the given compression algorithm. */
  static Zinfo parse(CompressionAlgorithm algorithm, byte[] blob) throws MalformedZtocException {
    return switch (algorithm) {
      case GZIP -> GzipZinfo.fromBytes(blob);
      case UNCOMPRESSED -> TarZinfo.fromBytes(blob);
    };
  }

  /** The span size the checkpoints were built with. */
  long spanSize();

  /** Number of spans minus one ({@code -1} when there are none). */
  int maxSpanId();

  /** First compressed byte of span {@code i}. */
  long startCompressedOffset(int i);

  /**
   * End (exclusive) of span {@code i}'s compressed bytes; the last span ends at {@code fileSize}.
   */
  long endCompressedOffset(int i, long fileSize);

  /** First uncompressed byte of span {@code i}. */
  long startUncompressedOffset(int i);

  /** End (exclusive) of span {@code i}'s uncompressed bytes; the last span ends at {@code size}. */
  long endUncompressedOffset(int i, long uncompressedSize);

  /** The span that holds uncompressed offset {@code offset}, with upstream's rules. */
  int spanOf(long offset);

  /** The blob as stored in a zTOC. */
  byte[] toBytes();

  /** Length of {@link #toBytes()}. */
  int serializedSize();

  /** Writes {@link #toBytes()} at the buffer's position (advancing it). */
  void writeTo(java.nio.ByteBuffer out);

  /**
   * The bytes of {@link #toBytes()} as a stream made as it is read, a checkpoint at a time: the
   * windows are not copied into one array, so a large blob can be written or uploaded in little
   * memory beside this zinfo.
   */
  default java.io.InputStream newInputStream() {
    return new java.io.ByteArrayInputStream(toBytes());
  }
}
