package dev.soci.oci.layout;

import dev.soci.oci.OciException;
import java.nio.file.Path;

/**
 * A problem with an OCI image layout: a missing or corrupt file (blob with the wrong digest or
 * size, malformed {@code index.json}), an image or tag that is not there, a media type the
 * operation cannot handle. Names the file concerned.
 */
public class OciLayoutException extends OciException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;

  /**
   * @param file the file concerned (may be {@code null} when none applies)
   * @param message what went wrong; should already name the file
   */
  public OciLayoutException(Path file, String message) {
    super(message);
    this.file = file;
  }

  /** Same, with a cause. */
  public OciLayoutException(Path file, String message, Throwable cause) {
    super(message, cause);
    this.file = file;
  }

  /** The file concerned, or {@code null}. */
  public Path file() {
    return file;
  }
}
