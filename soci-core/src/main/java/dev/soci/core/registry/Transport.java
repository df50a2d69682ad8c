package dev.soci.core.registry;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * Sends {@link Call}s: redirects followed by hand (at most {@value #MAX_REDIRECTS}, never from
 * https to http, {@code Authorization} only to the origin it was meant for), registry
 * authentication on 401 (and on the expired-token answers of ECR and S3), and retries with
 * exponential backoff and jitter (honouring {@code Retry-After}) under an overall deadline for 408,
 * 429, 500, 502, 503, 504 and for connection failures, as long as the call may be repeated. Every
 * exchange is logged at DEBUG (method, redacted URL, status, time).
 */
final class Transport {
  static final int MAX_REDIRECTS = 10;
  private static final Set<Integer> RETRY_STATUSES = Set.of(408, 429, 500, 502, 503, 504);
  private static final int MAX_AUTH_ROUNDS = 3;
  private static final System.Logger LOG = System.getLogger("dev.soci.core.registry");

  private final HttpClient client;
  final Settings settings;
  final Authenticator auth;
  private final Clock clock;

  /** Transport settings (from {@link Registry.Builder}). */
  record Settings(
      Duration connectTimeout,
      Duration readTimeout,
      Duration deadline,
      int maxAttempts,
      Duration initialBackoff,
      Duration maxBackoff,
      SSLContext sslContext) {}

  Transport(Settings settings, Authenticator auth, Clock clock) {
    this.settings = settings;
    this.auth = auth;
    this.clock = clock;
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(settings.connectTimeout());
    if (settings.sslContext() != null) {
      b.sslContext(settings.sslContext()); // else the JVM's default context
    }
    this.client = b.build();
  }

  /**
   * Sends the call and returns the final response, whatever its status (the caller decides what is
   * an error); error bodies are already read. Transport failures that remain after the retries
   * throw a {@link RegistryException}.
   */
  Response send(Call call) throws IOException {
    return send(call, null);
  }

  /**
   * As {@link #send(Call)}, for a registry whose credentials and token scopes apply: {@code
   * registry} names it for the credential lookup.
   */
  Response send(Call call, String registry) throws IOException {
    Instant deadline = clock.instant().plus(settings.deadline());
    int attempt = 0;
    int authRounds = 0;
    boolean expiredRetried = false;
    URI origin = call.uri;
    while (true) {
      String authorization = call.headers.get("Authorization");
      if (call.registryAuth && registry != null) {
        String a = auth.authorization(this, origin, registry, call.scopes);
        if (a != null) {
          authorization = a;
        }
      }
      Response r;
      try {
        r = exchange(call, authorization);
      } catch (RegistryException e) {
        throw e;
      } catch (IOException e) {
        if (e instanceof InterruptedIOException && Thread.currentThread().isInterrupted()) {
          throw e; // interrupted, not failed
        }
        attempt++;
        if (!call.idempotent || !retryable(e)) {
          throw transportFailure(call, e);
        }
        Duration wait = backoff(attempt);
        if (attempt >= settings.maxAttempts() || !fits(deadline, wait)) {
          throw transportFailure(call, e);
        }
        log(
            Level.DEBUG,
            call.method
                + " "
                + Urls.redact(call.uri)
                + " failed ("
                + e
                + "), retrying in "
                + wait.toMillis()
                + " ms");
        sleep(call, wait);
        continue;
      }
      boolean atRegistry = Urls.sameOrigin(r.uri, origin);
      if (r.status == 401 && atRegistry && call.registryAuth && registry != null) {
        r.errorBody();
        boolean again =
            authRounds < MAX_AUTH_ROUNDS
                && auth.unauthorized(
                    origin,
                    registry,
                    r.headers.allValues("WWW-Authenticate"),
                    authorization != null);
        if (again) {
          authRounds++;
          r.close();
          continue;
        }
        return r;
      }
      if ((r.status == 403 || r.status == 400) && !expiredRetried && expiredToken(r)) {
        // ECR: 403 "authorization token has expired"; S3 behind a redirect: 400 ExpiredToken.
        // A fresh token (or a freshly presigned redirect) fixes it; once.
        expiredRetried = true;
        auth.invalidate(origin);
        r.close();
        continue;
      }
      if (RETRY_STATUSES.contains(r.status) && call.idempotent) {
        attempt++;
        r.errorBody();
        Duration wait = backoff(attempt);
        Duration asked = RetryAfter.parse(r.header("Retry-After"), clock.instant());
        if (asked != null) {
          wait = asked;
        }
        if (attempt >= settings.maxAttempts() || !fits(deadline, wait)) {
          return r;
        }
        log(
            Level.DEBUG,
            call.method
                + " "
                + Urls.redact(r.uri)
                + " answered "
                + r.status
                + ", retrying in "
                + wait.toMillis()
                + " ms");
        r.close();
        sleep(call, wait);
        continue;
      }
      if (r.status >= 300) {
        r.errorBody();
      }
      return r;
    }
  }

  private boolean fits(Instant deadline, Duration wait) {
    return clock.instant().plus(wait).isBefore(deadline);
  }

  private Duration backoff(int attempt) {
    long base = settings.initialBackoff().toMillis();
    long max = settings.maxBackoff().toMillis();
    long exp = attempt >= 30 ? max : Math.min(max, base << (attempt - 1));
    // full jitter between half and all of the exponential delay
    long jittered = exp / 2 + ThreadLocalRandom.current().nextLong(exp / 2 + 1);
    return Duration.ofMillis(jittered);
  }

  /**
   * An interrupt is the caller's decision, not a registry failure: it ends the call at once with
   * the {@link InterruptedIOException} that {@link dev.soci.core.BlobSource} readers expect.
   */
  private static InterruptedIOException interrupted(String what, InterruptedException cause) {
    InterruptedIOException e =
        new InterruptedIOException("tried to " + what + " but the thread was interrupted");
    e.initCause(cause);
    return e;
  }

  private static boolean retryable(IOException e) {
    if (Thread.currentThread().isInterrupted()) {
      return false; // the caller asked to stop: never retry
    }
    if (e instanceof HttpConnectTimeoutException || e instanceof ConnectException) {
      return true;
    }
    if (e instanceof HttpTimeoutException || e instanceof InterruptedIOException) {
      return true;
    }
    if (e instanceof EOFException) {
      return true;
    }
    String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    return m.contains("reset")
        || m.contains("closed")
        || m.contains("eof")
        || m.contains("broken pipe")
        || m.contains("header parser received no bytes")
        || e.getClass().getName().startsWith("java.net.");
  }

  private static boolean expiredToken(Response r) {
    byte[] body = r.errorBody();
    String text = new String(body, StandardCharsets.UTF_8);
    if (r.status == 403) {
      return text.toLowerCase(Locale.ROOT).contains("authorization token has expired");
    }
    return text.contains("<Code>ExpiredToken</Code>") || "ExpiredToken".equals(errorCode(body));
  }

  private static String errorCode(byte[] body) {
    String[] e = Json.firstError(body);
    return e == null ? null : e[0];
  }

  private void sleep(Call call, Duration wait) throws InterruptedIOException {
    try {
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw interrupted(call.action + " (" + call.method + " " + Urls.redact(call.uri) + ")", e);
    }
  }

  /** One request and its redirects. */
  private Response exchange(Call call, String authorization) throws IOException {
    URI uri = call.uri;
    String method = call.method;
    boolean withBody = call.body != null;
    for (int hops = 0; ; hops++) {
      HttpRequest.Builder b = HttpRequest.newBuilder(uri);
      if (!withBody) {
        b.timeout(settings.readTimeout()); // a body is timed by its progress (see send)
      }
      for (var h : call.headers.entrySet()) {
        if (!h.getKey().equalsIgnoreCase("Authorization")) {
          b.header(h.getKey(), h.getValue());
        }
      }

      if (authorization != null && Urls.sameOrigin(uri, call.uri)) {
        b.header("Authorization", authorization);
      }
      b.header("User-Agent", "soci-java");
      ProgressPublisher body = withBody ? new ProgressPublisher(call.body.get()) : null;
      b.method(method, body != null ? body : HttpRequest.BodyPublishers.noBody());
      long start = System.nanoTime();
      HttpResponse<java.io.InputStream> hr;
      try {
        hr =
            body == null
                ? client.send(b.build(), TimedBodyStream.handler(settings.readTimeout()))
                : sendWatched(b.build(), body);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw interrupted(call.action + " (" + method + " " + Urls.redact(uri) + ")", e);
      } catch (IllegalArgumentException e) {
        throw new RegistryException(
            call.action,
            "the request is not valid: " + e.getMessage(),
            RegistryException.NO_STATUS,
            null,
            null,
            method,
            Urls.redact(uri),
            e);
      } catch (IOException e) {
        log(
            Level.DEBUG,
            method
                + " "
                + Urls.redact(uri)
                + " failed after "
                + (System.nanoTime() - start) / 1_000_000
                + " ms: "
                + e);
        if (certificateProblem(e)) {
          // typed here, where the URL of this hop (perhaps a redirect target) is known
          throw new RegistryException(
              call.action,
              "the TLS certificate of "
                  + hostPort(uri)
                  + " is not trusted or does not name that host ("
                  + innermostMessage(e)
                  + "); trust its CA with Registry.Builder.sslContext (the CLI: --ca-file)",
              RegistryException.NO_STATUS,
              null,
              null,
              method,
              Urls.redact(uri),
              e);
        }
        throw e;
      }
      log(
          Level.DEBUG,
          method
              + " "
              + Urls.redact(uri)
              + " -> "
              + hr.statusCode()
              + " in "
              + (System.nanoTime() - start) / 1_000_000
              + " ms");
      Response r = new Response(method, uri, hr.statusCode(), hr.headers(), hr.body());
      int s = r.status;
      boolean redirect = s == 301 || s == 302 || s == 303 || s == 307 || s == 308;
      if (!redirect || !call.followRedirects) {
        return r;
      }
      String location = r.header("Location");
      r.close();
      if (location == null) {
        throw new RegistryException(
            call.action,
            "the registry answered " + s + " without a Location",
            s,
            null,
            null,
            method,
            Urls.redact(uri),
            null);
      }
      if (hops + 1 > MAX_REDIRECTS) {
        throw new RegistryException(
            call.action,
            "there were more than " + MAX_REDIRECTS + " redirects",
            s,
            null,
            null,
            method,
            Urls.redact(uri),
            null);
      }
      URI next;
      try {
        next = uri.resolve(new URI(location.trim()));
      } catch (java.net.URISyntaxException | IllegalArgumentException e) {
        throw new RegistryException(
            call.action,
            "the redirect target is not a valid URL",
            s,
            null,
            null,
            method,
            Urls.redact(uri),
            e);
      }
      String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("https") && !scheme.equals("http") || next.getHost() == null) {
        throw new RegistryException(
            call.action,
            "it was redirected to a non-http(s) URL",
            s,
            null,
            null,
            method,
            Urls.redact(uri),
            null);
      }
      if (uri.getScheme().equalsIgnoreCase("https") && scheme.equals("http")) {
        throw new RegistryException(
            call.action,
            "it was redirected from https to plain http ("
                + Urls.redact(next)
                + "), which is refused",
            s,
            null,
            null,
            method,
            Urls.redact(uri),
            null);
      }
      if (s == 303) {
        method = "GET";
        withBody = false;
      }
      uri = next;
    }
  }

  /** A typed failure for a response the caller cannot use; reads its OCI error. */
  RegistryException failure(String action, Response r, String reason) {
    byte[] body = r.errorBody();
    String[] error = Json.firstError(body);
    String code = error == null ? null : error[0];
    String message = error == null ? null : error[1];
    String why = reason;
    if (why == null) {
      why = "the registry answered " + r.status;
      if (code != null) {
        why += " " + code + (message == null || message.isEmpty() ? "" : ": " + shorten(message));
      } else if (r.status == 401) {
        why += " (authentication required; give credentials with --user or docker login)";
      } else if (r.status == 403) {
        why += " (access denied)";
      }
    }
    return new RegistryException(
        action, why, r.status, code, message, r.method, Urls.redact(r.uri), null);
  }

  /**
   * Sends a request with a body and waits for its answer's headers, giving up (with {@link
   * HttpTimeoutException}, the exchange cancelled) once the body has not moved, or the answer has
   * not come after it, for the read timeout: an upload takes as long as it steadily needs.
   */
  private HttpResponse<java.io.InputStream> sendWatched(HttpRequest request, ProgressPublisher body)
      throws IOException, InterruptedException {
    CompletableFuture<HttpResponse<java.io.InputStream>> answer =
        client.sendAsync(request, TimedBodyStream.handler(settings.readTimeout()));
    long timeout = settings.readTimeout().toNanos();
    try {
      while (true) {
        long idle = System.nanoTime() - body.lastProgress();
        if (idle >= timeout) {
          answer.cancel(true);
          throw new StalledException();
        }
        try {
          return answer.get(Math.max(1, timeout - idle), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
          // the body may have moved meanwhile: check again
        }
      }
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      if (c instanceof IllegalArgumentException iae) {
        throw iae;
      }
      if (c instanceof java.io.UncheckedIOException u) {
        throw u.getCause(); // the body could not be read (BlobContent.open failed)
      }
      throw new IOException(c);
    } catch (InterruptedException e) {
      answer.cancel(true);
      throw e;
    }
  }

  /** A request whose body stopped moving, or whose answer did not follow it, for the timeout. */
  private static final class StalledException extends HttpTimeoutException {
    private static final long serialVersionUID = 1L;

    StalledException() {
      super("the request body stopped moving or no answer followed it");
    }
  }

  private static String shorten(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  private RegistryException transportFailure(Call call, IOException e) {
    String why;
    if (e instanceof HttpConnectTimeoutException) {
      why = "the connection timed out after " + settings.connectTimeout().toMillis() + " ms";
    } else if (e instanceof StalledException) {
      why =
          "the request body was not taken, or no response followed it, within "
              + settings.readTimeout().toMillis()
              + " ms";
    } else if (e instanceof HttpTimeoutException) {
      why = "no response arrived within " + settings.readTimeout().toMillis() + " ms";
    } else if (e instanceof ConnectException) {
      why = "the connection was refused";
    } else if (cause(e, SSLException.class) != null) {
      why =
          "the TLS connection with " + hostPort(call.uri) + " failed (" + innermostMessage(e) + ")";
    } else {
      why = "of a transport error: " + e;
    }
    return new RegistryException(
        call.action,
        why,
        RegistryException.NO_STATUS,
        null,
        null,
        call.method,
        Urls.redact(call.uri),
        e);
  }

  /**
   * Whether a TLS failure is the peer's certificate being refused (no trusted path to it, expired,
   * or not naming the host), as opposed to a connection dropped during the handshake.
   */
  private static boolean certificateProblem(IOException e) {
    return cause(e, SSLException.class) != null
        && cause(e, java.security.GeneralSecurityException.class) != null;
  }

  private static <T extends Throwable> T cause(Throwable t, Class<T> type) {
    for (int depth = 0; t != null && depth < 20; depth++, t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  private static String innermostMessage(Throwable t) {
    String message = String.valueOf(t.getMessage());
    for (int depth = 0; t != null && depth < 20; depth++, t = t.getCause()) {
      if (t.getMessage() != null) {
        message = t.getMessage();
      }
    }
    return shorten(message);
  }

  private static String hostPort(URI uri) {
    return uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
  }

  static void log(Level level, String message) {
    if (LOG.isLoggable(level)) {
      LOG.log(level, message);
    }
  }
}
