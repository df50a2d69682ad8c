package dev.soci.core;

import dev.soci.ztoc.ZtocException;

/**
 * The compressed bytes of a span do not have the digest the zTOC records for it: the blob is not
 * the layer the zTOC was built for, or it was altered. No bytes of such a span are returned.
 */
public class SpanVerificationException extends ZtocException {
  private static final long serialVersionUID = 1L;
  private final int span;

  /** Creates an exception for span {@code span}. */
  public SpanVerificationException(int span, String message) {
    super(message);
    this.span = span;
  }

  /** The span whose bytes failed verification. */
  public int span() {
    return span;
  }
}
