package dev.soci.core.registry.testing;

import java.time.Duration;
import java.util.Objects;

/**
 * A misbehaviour a {@link FakeRegistry} applies to the requests a {@link RequestMatcher} chooses, a
 * given number of times ({@link FakeRegistry#inject}). Immutable.
 *
 * <p>Some faults answer instead of the registry ({@link #status}, {@link #tooManyRequests}, {@link
 * #ecrTokenExpired}, {@link #s3ExpiredToken}, {@link #redirect}, {@link #redirectToBlobHost},
 * {@link #disconnect}); some change the registry's state and let the request proceed ({@link
 * #expireTokens}, {@link #staleUpload}, {@link #delay}); the rest change the registry's normal
 * answer ({@link #dropMidBody}, {@link #dropAfter}, {@link #ignoreRange}, {@link #corruptBody},
 * {@link #foreignUploadLocation}).
 */
public final class Fault {
  enum Kind {
    STATUS,
    TOO_MANY_REQUESTS,
    ECR_TOKEN_EXPIRED,
    S3_EXPIRED_TOKEN,
    REDIRECT,
    REDIRECT_TO_BLOB_HOST,
    DISCONNECT,
    DISCONNECT_AFTER_SERVING,
    EXPIRE_TOKENS,
    STALE_UPLOAD,
    DELAY,
    DROP_AFTER,
    IGNORE_RANGE,
    SHIFT_RANGE,
    CORRUPT_BODY,
    FOREIGN_UPLOAD_LOCATION
  }

  final Kind kind;
  final int status;
  final String text;
  final long amount;

  private Fault(Kind kind, int status, String text, long amount) {
    this.kind = kind;
    this.status = status;
    this.text = text;
    this.amount = amount;
  }

  /**
   * Answers {@code status} with a distribution-spec error body (code {@code UNKNOWN}, or {@code
   * TOOMANYREQUESTS}, {@code UNAUTHORIZED}, {@code DENIED} by status) instead of serving.
   */
  public static Fault status(int status) {
    return new Fault(Kind.STATUS, status, null, 0);
  }

  /**
   * Answers 429 {@code TOOMANYREQUESTS} with {@code Retry-After: retryAfter} (seconds or a date).
   */
  public static Fault tooManyRequests(String retryAfter) {
    return new Fault(Kind.TOO_MANY_REQUESTS, 429, Objects.requireNonNull(retryAfter), 0);
  }

  /**
   * Answers as Amazon ECR does when its authorization token (the Basic password of {@code docker
   * login}) expired: 403, code {@code DENIED}, message "Your authorization token has expired.
   * Reauthenticate and try again."
   */
  public static Fault ecrTokenExpired() {
    return new Fault(Kind.ECR_TOKEN_EXPIRED, 403, null, 0);
  }

  /**
   * Answers as S3 does for an expired presigned URL: 400, {@code application/xml}, {@code
   * <Error><Code>ExpiredToken</Code>...}. Usually matched on {@link RequestMatcher#blobHost()}.
   */
  public static Fault s3ExpiredToken() {
    return new Fault(Kind.S3_EXPIRED_TOKEN, 400, null, 0);
  }

  /** Answers {@code status} (301, 302, 303, 307, 308) with {@code Location: location} as given. */
  public static Fault redirect(int status, String location) {
    return new Fault(Kind.REDIRECT, status, Objects.requireNonNull(location), 0);
  }

  /**
   * Answers a blob GET or HEAD with 307 to the blob host ({@link FakeRegistry#blobHostUri()}),
   * another origin, at {@code /blobs/<digest>} with a presigned-looking query ({@code
   * X-Amz-Credential}, {@code X-Amz-Signature}: secrets a client must not print). The blob host
   * serves the blob (ranges too) without asking for credentials and records whether an {@code
   * Authorization} header arrived.
   */
  public static Fault redirectToBlobHost() {
    return new Fault(Kind.REDIRECT_TO_BLOB_HOST, 307, null, 0);
  }

  /** Closes the connection without an answer (the client sees EOF or a reset). */
  public static Fault disconnect() {
    return new Fault(Kind.DISCONNECT, 0, null, 0);
  }

  /**
   * Serves the request (an upload chunk is stored, a manifest is tagged) but closes the connection
   * instead of answering: the client cannot know whether it took effect and must ask (for an
   * upload, {@code GET} its session for the offset) instead of replaying blindly.
   */
  public static Fault disconnectAfterServing() {
    return new Fault(Kind.DISCONNECT_AFTER_SERVING, 0, null, 0);
  }

  /**
   * Expires every bearer token issued so far, then serves the request: with bearer auth it gets 401
   * with {@code error="invalid_token"} and the client must fetch a new token.
   */
  public static Fault expireTokens() {
    return new Fault(Kind.EXPIRE_TOKENS, 0, null, 0);
  }

  /**
   * Forgets the upload session the request names, then serves it: the client gets 404 {@code
   * BLOB_UPLOAD_UNKNOWN} and must start a new upload.
   */
  public static Fault staleUpload() {
    return new Fault(Kind.STALE_UPLOAD, 0, null, 0);
  }

  /** Waits {@code delay} before serving (for timeouts; use short delays). */
  public static Fault delay(Duration delay) {
    return new Fault(Kind.DELAY, 0, null, delay.toMillis());
  }

  /**
   * Serves normally but sends only the first half of the body (at least zero bytes) and closes the
   * connection: the announced {@code Content-Length} is not reached.
   */
  public static Fault dropMidBody() {
    return new Fault(Kind.DROP_AFTER, 0, null, -1);
  }

  /** Like {@link #dropMidBody()}, after {@code bytes} bytes of the body (capped below its end). */
  public static Fault dropAfter(long bytes) {
    return new Fault(Kind.DROP_AFTER, 0, null, bytes);
  }

  /** Answers a ranged blob GET with 200 and the whole blob, as a server ignoring Range does. */
  public static Fault ignoreRange() {
    return new Fault(Kind.IGNORE_RANGE, 0, null, 0);
  }

  /**
   * Answers a ranged blob GET with 206 and the range one byte later (bytes and {@code
   * Content-Range} agree with each other, not with the request), as a buggy proxy might.
   */
  public static Fault shiftRange() {
    return new Fault(Kind.SHIFT_RANGE, 0, null, 0);
  }

  /**
   * Serves normally but inverts one byte in the middle of the body (the length and headers stay
   * right): "wrong bytes" for a blob, a blob range or a manifest.
   */
  public static Fault corruptBody() {
    return new Fault(Kind.CORRUPT_BODY, 0, null, 0);
  }

  /**
   * Serves normally but points the {@code Location} of an upload answer at the blob host, another
   * origin (a client must not send the upload there).
   */
  public static Fault foreignUploadLocation() {
    return new Fault(Kind.FOREIGN_UPLOAD_LOCATION, 0, null, 0);
  }

  @Override
  public String toString() {
    return switch (kind) {
      case STATUS -> "status " + status;
      case TOO_MANY_REQUESTS -> "429 Retry-After " + text;
      case REDIRECT -> "redirect " + status + " " + text;
      case DELAY -> "delay " + amount + " ms";
      case DROP_AFTER -> amount < 0 ? "drop mid-body" : "drop after " + amount + " bytes";
      default -> kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    };
  }
}
