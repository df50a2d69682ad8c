package dev.soci.ztoc.internal.tar;

/**
 * Resource limits of {@link TarTocParser}, checked before anything is allocated for the input that
 * would exceed them, so that a hostile layer cannot exhaust memory. Exceeding a limit is a {@link
 * dev.soci.ztoc.TarFormatException}. Immutable.
 *
 * @param maxEntries maximum number of TOC entries (default {@value #DEFAULT_MAX_ENTRIES})
 * @param maxMetaPayloadSize maximum payload size in bytes of one PAX ({@code x}/{@code g}) or GNU
 *     long-name/long-link ({@code L}/{@code K}) meta header (default 1 MiB, the limit Go's {@code
 *     archive/tar} enforces, so no tar upstream accepts is rejected)
 * @param maxNameLength maximum length in bytes of an entry's final name and of its link name
 *     (default {@value #DEFAULT_MAX_NAME_LENGTH}; Linux paths are at most 4096 bytes)
 * @param maxTotalMetadataBytes maximum sum, over all entries, of the bytes of names, link names,
 *     user/group names and PAX keys and values kept in the TOC, plus 64 bytes per PAX record (so
 *     that many tiny records are accounted for; default 512 MiB)
 */
public record TarLimits(
    int maxEntries, int maxMetaPayloadSize, int maxNameLength, long maxTotalMetadataBytes) {

  /** Default {@link #maxEntries()}: 4,000,000. */
  public static final int DEFAULT_MAX_ENTRIES = 4_000_000;

  /** Default {@link #maxMetaPayloadSize()}: 1 MiB, as Go's {@code archive/tar}. */
  public static final int DEFAULT_MAX_META_PAYLOAD_SIZE = 1 << 20;

  /** Default {@link #maxNameLength()}: 65,536 bytes. */
  public static final int DEFAULT_MAX_NAME_LENGTH = 65_536;

  /** Default {@link #maxTotalMetadataBytes()}: 512 MiB. */
  public static final long DEFAULT_MAX_TOTAL_METADATA_BYTES = 512L << 20;

  private static final TarLimits DEFAULTS =
      new TarLimits(
          DEFAULT_MAX_ENTRIES,
          DEFAULT_MAX_META_PAYLOAD_SIZE,
          DEFAULT_MAX_NAME_LENGTH,
          DEFAULT_MAX_TOTAL_METADATA_BYTES);

  /** Validates that every limit is positive. */
  public TarLimits {
    if (maxEntries <= 0
        || maxMetaPayloadSize <= 0
        || maxNameLength <= 0
        || maxTotalMetadataBytes <= 0) {
      throw new IllegalArgumentException(
          "tar limits must be positive: "
              + maxEntries
              + ", "
              + maxMetaPayloadSize
              + ", "
              + maxNameLength
              + ", "
              + maxTotalMetadataBytes);
    }
  }

  /** The default limits. */
  public static TarLimits defaults() {
    return DEFAULTS;
  }
}
