package dev.soci.core.extract;

import dev.soci.common.SociException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * An entry could not be extracted safely: its name escapes the target directory, a path component
 * is a symbolic link that leads outside it, a file already exists and overwriting was not allowed,
 * a hard link points at something not extracted, or the file system refused. Names the entry and
 * the path concerned. Extraction stops at the first such entry.
 *
 * <p>Example message: {@code refusing to extract "evil/passwd": path component "evil" is a symbolic
 * link to /etc, outside /tmp/out}.
 */
public class ExtractionException extends SociException {
  private static final long serialVersionUID = 1L;
  private final String entryName;
  private final transient Path path;

  /**
   * Creates an exception.
   *
   * @param entryName the TOC entry being extracted
   * @param path the path concerned, or {@code null}
   * @param message the full message
   * @param cause the underlying failure, or {@code null}
   */
  public ExtractionException(String entryName, Path path, String message, Throwable cause) {
    super(message, cause);
    this.entryName = entryName;
    this.path = path;
  }

  /** The TOC entry being extracted. */
  public String entryName() {
    return entryName;
  }

  /** The path concerned, when there is one. */
  public Optional<Path> path() {
    return Optional.ofNullable(path);
  }
}
