package dev.soci.ztoc;

/**
 * Resource limits for reading untrusted layers and zTOCs, each checked before anything is allocated
 * or fetched for the input that would exceed it, so that a hostile layer or zTOC fails with a
 * {@link ZtocException} naming the limit instead of exhausting memory or time.
 *
 * <p>The defaults accept every layer and zTOC upstream soci writes for real images; lower them for
 * tighter budgets, raise them for unusual layers. Immutable; change a limit with the {@code
 * with...} methods:
 *
 * <pre>{@code
 * ZtocLimits limits = ZtocLimits.defaults().withMaxEntries(100_000).withMaxZtocSize(16 << 20);
 * Ztoc ztoc = ZtocBuilder.withDefaults().limits(limits).build(layer);
 * Ztoc read = Ztoc.read(Path.of("layer.ztoc"), limits);
 * }</pre>
 *
 * @param maxEntries most TOC entries in a layer being indexed or in a zTOC being read (default
 *     {@value #DEFAULT_MAX_ENTRIES})
 * @param maxNameLength most bytes in an entry's name or link name (default {@value
 *     #DEFAULT_MAX_NAME_LENGTH}; Linux paths are at most 4096 bytes)
 * @param maxPaxRecordSize most bytes in the payload of one PAX ({@code x}/{@code g}) or GNU
 *     long-name ({@code L}/{@code K}) header, and so in any one PAX record (default 1 MiB, the
 *     limit of Go's {@code archive/tar}, so no layer upstream indexes is refused)
 * @param maxTotalMetadataBytes most bytes of names, link names, user/group names and PAX records
 *     kept for a whole layer's TOC, plus 64 bytes per PAX record (default 512 MiB)
 * @param maxZtocSize most bytes in a zTOC (default 256 MiB: a 4 MiB-span zTOC of a 30 GiB layer)
 * @param maxSpanCompressedSize most compressed bytes in one span, the unit a reader fetches,
 *     verifies and holds in memory (default 256 MiB)
 */
public record ZtocLimits(
    int maxEntries,
    int maxNameLength,
    int maxPaxRecordSize,
    long maxTotalMetadataBytes,
    long maxZtocSize,
    long maxSpanCompressedSize) {

  /** Default {@link #maxEntries()}: 4,000,000. */
  public static final int DEFAULT_MAX_ENTRIES = 4_000_000;

  /** Default {@link #maxNameLength()}: 65,536 bytes. */
  public static final int DEFAULT_MAX_NAME_LENGTH = 65_536;

  /** Default {@link #maxPaxRecordSize()}: 1 MiB. */
  public static final int DEFAULT_MAX_PAX_RECORD_SIZE = 1 << 20;

  /** Default {@link #maxTotalMetadataBytes()}: 512 MiB. */
  public static final long DEFAULT_MAX_TOTAL_METADATA_BYTES = 512L << 20;

  /** Default {@link #maxZtocSize()}: 256 MiB. */
  public static final long DEFAULT_MAX_ZTOC_SIZE = 256L << 20;

  /** Default {@link #maxSpanCompressedSize()}: 256 MiB. */
  public static final long DEFAULT_MAX_SPAN_COMPRESSED_SIZE = 256L << 20;

  /** The largest array the JDK allocates reliably. */
  private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

  private static final ZtocLimits DEFAULTS =
      new ZtocLimits(
          DEFAULT_MAX_ENTRIES,
          DEFAULT_MAX_NAME_LENGTH,
          DEFAULT_MAX_PAX_RECORD_SIZE,
          DEFAULT_MAX_TOTAL_METADATA_BYTES,
          DEFAULT_MAX_ZTOC_SIZE,
          DEFAULT_MAX_SPAN_COMPRESSED_SIZE);

  /**
   * Validates the limits: all positive; a zTOC and a span fit in a Java array.
   *
   * @throws IllegalArgumentException if a limit is out of range
   */
  public ZtocLimits {
    if (maxEntries <= 0
        || maxNameLength <= 0
        || maxPaxRecordSize <= 0
        || maxTotalMetadataBytes <= 0
        || maxZtocSize <= 0
        || maxSpanCompressedSize <= 0) {
      throw new IllegalArgumentException(
          "limits must be positive: "
              + maxEntries
              + ", "
              + maxNameLength
              + ", "
              + maxPaxRecordSize
              + ", "
              + maxTotalMetadataBytes
              + ", "
              + maxZtocSize
              + ", "
              + maxSpanCompressedSize);
    }
    if (maxZtocSize > MAX_ARRAY || maxSpanCompressedSize > MAX_ARRAY) {
      throw new IllegalArgumentException(
          "maxZtocSize and maxSpanCompressedSize must be at most "
              + MAX_ARRAY
              + " bytes (a Java array)");
    }
  }

  /** The default limits. */
  public static ZtocLimits defaults() {
    return DEFAULTS;
  }

  /** A copy with {@link #maxEntries()} changed. */
  public ZtocLimits withMaxEntries(int n) {
    return new ZtocLimits(
        n,
        maxNameLength,
        maxPaxRecordSize,
        maxTotalMetadataBytes,
        maxZtocSize,
        maxSpanCompressedSize);
  }

  /** A copy with {@link #maxNameLength()} changed. */
  public ZtocLimits withMaxNameLength(int n) {
    return new ZtocLimits(
        maxEntries, n, maxPaxRecordSize, maxTotalMetadataBytes, maxZtocSize, maxSpanCompressedSize);
  }

  /** A copy with {@link #maxPaxRecordSize()} changed. */
  public ZtocLimits withMaxPaxRecordSize(int n) {
    return new ZtocLimits(
        maxEntries, maxNameLength, n, maxTotalMetadataBytes, maxZtocSize, maxSpanCompressedSize);
  }

  /** A copy with {@link #maxTotalMetadataBytes()} changed. */
  public ZtocLimits withMaxTotalMetadataBytes(long n) {
    return new ZtocLimits(
        maxEntries, maxNameLength, maxPaxRecordSize, n, maxZtocSize, maxSpanCompressedSize);
  }

  /** A copy with {@link #maxZtocSize()} changed. */
  public ZtocLimits withMaxZtocSize(long n) {
    return new ZtocLimits(
        maxEntries,
        maxNameLength,
        maxPaxRecordSize,
        maxTotalMetadataBytes,
        n,
        maxSpanCompressedSize);
  }

  /** A copy with {@link #maxSpanCompressedSize()} changed. */
  public ZtocLimits withMaxSpanCompressedSize(long n) {
    return new ZtocLimits(
        maxEntries, maxNameLength, maxPaxRecordSize, maxTotalMetadataBytes, maxZtocSize, n);
  }

  /**
   * Checks that a zTOC of {@code size} bytes, about to be written, is one that a reader held to
   * these limits (by default, every reader) accepts: we never write what we cannot read back.
   *
   * @param size the zTOC's size, or a lower bound of it while it is being built
   * @throws ZtocException naming the size, the limit and how to stay under or raise it
   */
  public void checkWritable(long size) throws ZtocException {
    if (size > maxZtocSize) {
      throw new ZtocException(
          "the zTOC would be "
              + size
              + " bytes or more, over the limit of "
              + maxZtocSize
              + " bytes that readers hold zTOCs to (ZtocLimits.maxZtocSize); use a larger span"
              + " size (fewer checkpoints of 32 KiB each), or raise maxZtocSize with"
              + " ZtocBuilder.limits(...) and read it with the same limits");
    }
  }

  /**
   * The most bytes a tar header chain (the headers in front of one entry's data, PAX and GNU
   * long-name headers included) may span under these limits: four meta headers with payloads of at
   * most {@link #maxPaxRecordSize()} (a global PAX header, a PAX header, a long name and a long
   * link name), padded, plus the entry's own header and a few vendor headers.
   */
  public long maxHeaderChainLength() {
    long meta = ((long) maxPaxRecordSize + 511) & -512L;
    return 4 * (meta + 512) + 8 * 512;
  }
}
