package dev.soci.ztoc;

/**
 * The compressed bytes are not a valid gzip/deflate stream: a bad header, an invalid block, a
 * corrupt code, a distance too far back, a CRC or length mismatch, trailing garbage, or a stream
 * that ends early. Names the compressed offset where the problem was found.
 */
public class GzipFormatException extends ZtocException {
  private static final long serialVersionUID = 1L;
  private final long offset;

  /** Creates an exception for a problem found at compressed byte {@code offset}. */
  public GzipFormatException(long offset, String reason) {
    super(reason + " at compressed offset " + offset);
    this.offset = offset;
  }

  /** The compressed byte offset where the problem was detected. */
  public long offset() {
    return offset;
  }
}
