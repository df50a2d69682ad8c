package dev.soci.ztoc;

import dev.soci.common.SociException;

/**
 * Base of every failure raised by soci-ztoc while reading or writing layers, checkpoints and zTOCs.
 * Subclasses carry the coordinates of the failure (an offset, a span, an entry name).
 */
public class ZtocException extends SociException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message that says what was attempted and what was found. */
  public ZtocException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the underlying cause. */
  public ZtocException(String message, Throwable cause) {
    super(message, cause);
  }
}
