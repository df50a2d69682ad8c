package dev.soci.core.registry;

import java.io.IOException;

/**
 * A registry operation failed. The message reads "tried to X but failed because Y" and names the
 * request method and URL (query values that may be secrets, such as presigned signatures, are
 * redacted; credentials never appear). The HTTP status, the registry's OCI error code and message
 * (from a distribution-spec {@code errors} body) are available when there was a response.
 */
public class RegistryException extends IOException {
  private static final long serialVersionUID = 1L;

  /** No HTTP status: the failure happened before or without a response. */
  public static final int NO_STATUS = -1;

  private final int status;
  private final String errorCode;
  private final String errorMessage;
  private final String method;
  private final String url;

  /**
   * An exception with all its parts.
   *
   * @param action what was tried ("push blob sha256:ab.. to host/repo")
   * @param reason why it failed
   * @param status the HTTP status or {@link #NO_STATUS}
   * @param errorCode the OCI error code (such as {@code MANIFEST_UNKNOWN}) or null
   * @param errorMessage the registry's error message or null
   * @param method the HTTP method or null
   * @param url the request URL, already redacted, or null
   * @param cause the cause or null
   */
  public RegistryException(
      String action,
      String reason,
      int status,
      String errorCode,
      String errorMessage,
      String method,
      String url,
      Throwable cause) {
    super(message(action, reason, method, url), cause);
    this.status = status;
    this.errorCode = errorCode;
    this.errorMessage = errorMessage;
    this.method = method;
    this.url = url;
  }

  private static String message(String action, String reason, String method, String url) {
    StringBuilder b = new StringBuilder("tried to ").append(action);
    if (method != null && url != null) {
      b.append(" (").append(method).append(' ').append(url).append(')');
    }
    return b.append(" but failed because ").append(reason).toString();
  }

  /** The HTTP status of the failing response, or {@link #NO_STATUS}. */
  public int status() {
    return status;
  }

  /** The first OCI error code of the response body (such as {@code BLOB_UNKNOWN}), or null. */
  public String errorCode() {
    return errorCode;
  }

  /** The registry's message for that error, or null. */
  public String errorMessage() {
    return errorMessage;
  }

  /** The HTTP method of the failing request, or null. */
  public String method() {
    return method;
  }

  /** The failing request's URL with secret query values redacted, or null. */
  public String url() {
    return url;
  }
}
