package dev.soci.core.image;

import java.io.IOException;

/** A reference or blob that a {@link ContentSource} does not have. */
public class ContentNotFoundException extends IOException {
  private static final long serialVersionUID = 1L;

  /** An exception whose message says what was looked for, and where. */
  public ContentNotFoundException(String message) {
    super(message);
  }

  /** The same, with the underlying failure. */
  public ContentNotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
