package dev.soci.core;

/**
 * What a {@link SeekableLayer} has fetched so far: compressed bytes read from its source, how many
 * reads that took, and how many spans were decompressed.
 *
 * @param compressedBytesRead bytes read from the blob source
 * @param sourceReads number of range reads issued to the blob source
 * @param spansInflated spans decompressed (a span counts each time it is decoded)
 */
public record ReadStatistics(long compressedBytesRead, long sourceReads, long spansInflated) {}
