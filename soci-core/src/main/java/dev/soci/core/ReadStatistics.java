package dev.soci.core;

/**
 * What a {@link SeekableLayer} has fetched so far: compressed bytes read from its source, how many
 * reads that took, and where the spans it used came from.
 *
 * @param compressedBytesRead bytes read from the blob source (re-fetches included)
 * @param sourceReads number of range reads issued to the blob source (one read may cover several
 *     adjacent spans)
 * @param spansInflated spans decompressed (a span counts each time it is decoded)
 * @param spansFetched spans whose verified bytes came from the blob source (re-fetches of a span
 *     that failed its digest not counted again)
 * @param spansFromCache spans served without fetching: from the in-memory cache, or from another
 *     reader's fetch of the same span that was in flight
 * @param spansFromDirectory spans read from the cache's directory of compressed spans
 * @param spansPrefetched spans fetched by {@link SeekableLayer#prefetch} or the background fetch
 *     (also counted in {@code spansFetched} or {@code spansFromDirectory})
 * @param spanRefetches fetches repeated because a span's bytes did not match its digest
 */
public record ReadStatistics(
    long compressedBytesRead,
    long sourceReads,
    long spansInflated,
    long spansFetched,
    long spansFromCache,
    long spansFromDirectory,
    long spansPrefetched,
    long spanRefetches) {

  /** The three counters of earlier versions; the others zero. */
  public ReadStatistics(long compressedBytesRead, long sourceReads, long spansInflated) {
    this(compressedBytesRead, sourceReads, spansInflated, 0, 0, 0, 0, 0);
  }
}
