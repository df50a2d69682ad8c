package dev.soci.ztoc;

/**
 * The tar header in front of a file's data does not describe the TOC entry being read: the zTOC
 * does not belong to this layer, or its TOC was altered. No byte of the file is returned.
 *
 * <p>Example message: {@code zTOC does not belong to this layer: header at uncompressed offset 1024
 * names "etc/shadow" (reg, 812 bytes), TOC says "etc/passwd" (reg, 1204 bytes)}.
 */
public class TocMismatchException extends ZtocException {
  private static final long serialVersionUID = 1L;
  private final long headerOffset;
  private final String entryName;

  /**
   * Creates an exception.
   *
   * @param headerOffset uncompressed offset where the entry's header chain starts
   * @param entryName name of the TOC entry being read
   * @param message the full message
   */
  public TocMismatchException(long headerOffset, String entryName, String message) {
    super(message);
    this.headerOffset = headerOffset;
    this.entryName = entryName;
  }

  /** Uncompressed offset where the entry's header chain starts. */
  public long headerOffset() {
    return headerOffset;
  }

  /** Name of the TOC entry being read. */
  public String entryName() {
    return entryName;
  }
}
