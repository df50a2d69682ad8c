package dev.soci.common;

import java.io.IOException;

/**
 * The root of every exception soci-java throws for bad input or a failed operation: a malformed
 * zTOC or gzip stream, an OCI document or layout that is not what it claims, an index that cannot
 * be built, an entry that cannot be extracted safely. Catch it to handle any of them; the
 * subclasses say what failed and where (an offset, an entry, a path, a digest).
 */
public class SociException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message that says what was attempted and what was found. */
  public SociException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the underlying cause. */
  public SociException(String message, Throwable cause) {
    super(message, cause);
  }
}
