package dev.soci.oci;

import dev.soci.common.SociException;

/**
 * The root of the exceptions for OCI documents and image layouts: a malformed document, a missing
 * or corrupt blob, an image that is not there. Messages say what was attempted, where, and what was
 * found.
 */
public class OciException extends SociException {
  private static final long serialVersionUID = 1L;

  /** An exception with a message. */
  public OciException(String message) {
    super(message);
  }

  /** An exception with a message and a cause. */
  public OciException(String message, Throwable cause) {
    super(message, cause);
  }
}
