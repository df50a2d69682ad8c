package dev.soci.core.index;

import dev.soci.common.SociException;

/**
 * A SOCI index could not be built or changed: the image has no manifest for the platform, a layer
 * has a media type that is not a layer's, no layer qualified for a zTOC, a zTOC build failed.
 * Problems with the layout itself (missing or corrupt files) are {@link
 * dev.soci.oci.layout.OciLayoutException}s instead.
 */
public class SociIndexException extends SociException {
  private static final long serialVersionUID = 1L;

  /** Upstream's message when every layer was skipped ({@code ErrEmptyIndex}). */
  public static final String EMPTY_INDEX =
      "no ztocs created, all layers either skipped or produced errors";

  private final boolean emptyIndex;

  /** An exception with a message. */
  public SociIndexException(String message) {
    this(message, null, false);
  }

  /** An exception with a message and a cause. */
  public SociIndexException(String message, Throwable cause) {
    this(message, cause, false);
  }

  private SociIndexException(String message, Throwable cause, boolean emptyIndex) {
    super(message, cause);
    this.emptyIndex = emptyIndex;
  }

  static SociIndexException emptyIndex(String where) {
    return new SociIndexException(where + ": " + EMPTY_INDEX, null, true);
  }

  /** Whether no layer of the image qualified for a zTOC (upstream {@code ErrEmptyIndex}). */
  public boolean isEmptyIndex() {
    return emptyIndex;
  }
}
