package dev.soci.ztoc;

/** A zTOC buffer (or the zinfo blob inside it) is not well formed or is inconsistent. */
public class MalformedZtocException extends ZtocException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message names the field or offset that is wrong. */
  public MalformedZtocException(String message) {
    super(message);
  }

  /** Creates an exception with an underlying cause. */
  public MalformedZtocException(String message, Throwable cause) {
    super(message, cause);
  }
}
