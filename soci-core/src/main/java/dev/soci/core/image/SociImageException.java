package dev.soci.core.image;

import java.io.IOException;

/**
 * An image that cannot be opened or read as asked: no manifest for the platform, a SOCI index or
 * zTOC that is missing, corrupt or not for this image, a layer that cannot be indexed. The message
 * names the image, the document or layer (by digest) and what was wrong.
 */
public class SociImageException extends IOException {
  private static final long serialVersionUID = 1L;

  /** An exception with a message naming what failed, and where. */
  public SociImageException(String message) {
    super(message);
  }

  /** The same, with the underlying failure. */
  public SociImageException(String message, Throwable cause) {
    super(message, cause);
  }
}
