package dev.soci.core.registry.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * An in-process OCI registry on the JDK {@link HttpServer} ({@code 127.0.0.1}, ephemeral port)
 * implementing the distribution-spec 1.1 API, with scriptable faults and a request log: the fixture
 * for testing a registry client's behaviour where a real registry cannot be made to misbehave.
 * {@code DistributionContractTest} runs the same conformance checks against it and against Debian's
 * {@code docker-registry}.
 *
 * <p>What it serves (all under {@code /v2/}):
 *
 * <ul>
 *   <li>{@code GET /v2/}: 200 {@code {}} with {@code Docker-Distribution-API-Version};
 *   <li>manifests: {@code GET}, {@code HEAD}, {@code PUT}, {@code DELETE} by tag or digest, with
 *       {@code Docker-Content-Digest} and the stored {@code Content-Type}; a PUT must be a JSON
 *       object whose {@code mediaType} (if any) equals the {@code Content-Type}, whose config and
 *       layers are blobs of the repository and whose index entries are manifests of it ({@code
 *       MANIFEST_BLOB_UNKNOWN} otherwise, as distribution does; see {@link
 *       Builder#checkManifestReferences}); a manifest with a {@code subject} is answered with
 *       {@code OCI-Subject}; deleting by digest also removes its tags;
 *   <li>blobs: {@code HEAD}, {@code GET} (a single {@code Range}: 206 with {@code Content-Range},
 *       416 when unsatisfiable; several ranges are ignored), {@code DELETE};
 *   <li>uploads: {@code POST} (202 and a session whose {@code Location} carries a {@code _state}
 *       query that changes with every chunk and must be sent back, as distribution does; with
 *       {@code ?digest=} and a body: a monolithic upload, 201; with {@code ?mount=&from=}: 201 if
 *       {@code from} has the blob and {@link Builder#mountStatus} is 201, else a new session, 202),
 *       {@code PATCH} (optional {@code Content-Range} must start at the session's offset, else 416;
 *       answers 202 with {@code Range: 0-<last>}), {@code PUT ?digest=} (optional last chunk;
 *       digest checked: 400 {@code DIGEST_INVALID}), {@code GET} (204 with the offset) and {@code
 *       DELETE};
 *   <li>tags: {@code GET /tags/list} sorted, with {@code n} and {@code last}, and a {@code Link:
 *       <...>; rel="next"} when a page is full ({@link Builder#tagsPageSize} caps pages);
 *   <li>referrers: {@code GET /referrers/<digest>} with {@code artifactType} filtering ({@code
 *       OCI-Filters-Applied: artifactType}, unless {@link Builder#referrersFiltering} is off) and
 *       {@code Link} pages ({@link Builder#referrersPageSize}); with {@link
 *       Builder#withoutReferrersApi()} the endpoint is a plain 404 and PUTs get no {@code
 *       OCI-Subject}, like a registry without the API (clients then use the fallback tag).
 * </ul>
 *
 * <p>Authentication ({@link Builder}): none; HTTP Basic; or bearer tokens from its own {@code
 * /token} endpoint (GET with {@code service} and {@code scope}s, Basic credentials when users are
 * set; or an OAuth2 POST form) that issues opaque tokens granting the requested scopes for {@link
 * Builder#tokenLifetime} ({@code expires_in}). Requests need {@code pull} (reads), {@code
 * pull,push} (writes, plus {@code pull} on a mount's {@code from}) or {@code delete}; a missing
 * token is answered with a {@code Bearer} challenge naming realm, service and scope, an expired one
 * adds {@code error="invalid_token"}, a too narrow one {@code error="insufficient_scope"}.
 *
 * <p>Faults: {@link #inject(RequestMatcher, Fault, int)} applies a {@link Fault} to the next
 * matching requests (the first active rule that matches wins). The log ({@link #requests()})
 * records every request with its headers, the status answered and the fault applied.
 *
 * <p>Plain HTTP by default; {@link Builder#https()} serves both servers over TLS with a self-signed
 * certificate that {@link #clientSslContext()} trusts.
 *
 * <p>Thread-safe. {@link #close()} stops both servers.
 */
public final class FakeRegistry implements AutoCloseable {
  /** The {@code service} of the bearer challenge. */
  public static final String SERVICE = "fake-registry";

  /**
   * The {@code X-Amz-Signature} of the blob host's presigned-looking URLs: a secret a client must
   * never print in a message or log line.
   */
  public static final String PRESIGNED_SIGNATURE =
      "5ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7";

  /** The {@code X-Amz-Credential} of the blob host's presigned-looking URLs, also secret. */
  public static final String PRESIGNED_CREDENTIAL = "AKIAFAKESECRETKEY/20260101/us-east-1/s3";

  static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

  private static final String NAME =
      "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*";
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
  private static final Pattern DIGEST =
      Pattern.compile("(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})");
  private static final Pattern MANIFEST_PATH =
      Pattern.compile("/v2/(" + NAME + ")/manifests/([^/]+)");
  private static final Pattern BLOB_PATH = Pattern.compile("/v2/(" + NAME + ")/blobs/([^/]+)");
  private static final Pattern UPLOADS_PATH = Pattern.compile("/v2/(" + NAME + ")/blobs/uploads/");
  private static final Pattern UPLOAD_PATH =
      Pattern.compile("/v2/(" + NAME + ")/blobs/uploads/([^/]+)");
  private static final Pattern TAGS_PATH = Pattern.compile("/v2/(" + NAME + ")/tags/list");
  private static final Pattern REFERRERS_PATH =
      Pattern.compile("/v2/(" + NAME + ")/referrers/([^/]+)");
  private static final Pattern ANY_V2 =
      Pattern.compile("/v2/(.+?)/(manifests|blobs|tags|referrers)/.*");
  private static final Pattern SINGLE_RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
  private static final Pattern CONTENT_RANGE = Pattern.compile("(?:bytes )?(\\d+)-(\\d+)(?:/.*)?");
  private static final long MAX_BODY = 256L << 20;
  private static final int MAX_MANIFEST = 4 << 20;

  private enum AuthMode {
    NONE,
    BASIC,
    BEARER
  }

  /** A manifest as stored. */
  public record Manifest(String digest, String mediaType, byte[] content) {}

  private record StoredManifest(
      String digest,
      String mediaType,
      byte[] content,
      String subject,
      String artifactType,
      Map<String, Object> annotations) {}

  private static final class Repo {
    final Map<String, byte[]> blobs = new LinkedHashMap<>();
    final Map<String, StoredManifest> manifests = new LinkedHashMap<>();
    final TreeMap<String, String> tags = new TreeMap<>();
  }

  private static final class Upload {
    final String repo;
    final String id;
    java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
    String state = UUID.randomUUID().toString();

    Upload(String repo, String id) {
      this.repo = repo;
      this.id = id;
    }
  }

  private record Grant(List<Scope> scopes, Instant expiresAt) {}

  /** A reply being built: the handlers make one, faults may change it, then it is written. */
  private static final class Reply {
    int status;
    final Map<String, String> headers = new LinkedHashMap<>();
    byte[] body = new byte[0];
    byte[] wholeBlob; // set on blob GETs: what a server ignoring Range would send

    Reply(int status) {
      this.status = status;
    }

    Reply header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    Reply body(String contentType, byte[] content) {
      headers.put("Content-Type", contentType);
      body = content;
      return this;
    }

    static Reply json(int status, String json) {
      return new Reply(status).body("application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    static Reply error(int status, String code, String message) {
      return json(status, Json.errors(code, message));
    }
  }

  private static SelfSignedCertificate tlsIdentity;

  private final HttpServer server;
  private final HttpServer blobHost;
  private final boolean https;
  private final AuthMode authMode;
  private final String user;
  private final String password;
  private final Duration tokenLifetime;
  private final boolean referrersFiltering;
  private final int referrersPageSize;
  private final int tagsPageSize;
  private final boolean checkManifestReferences;
  private final boolean absoluteLocations;
  private volatile boolean referrersApi;
  private volatile int mountStatus;

  private final Object lock = new Object();
  private final Map<String, Repo> repos = new LinkedHashMap<>();
  private final Map<String, Upload> uploads = new LinkedHashMap<>();
  private final Map<String, Grant> tokens = new ConcurrentHashMap<>();
  private final List<FaultRule> rules = new CopyOnWriteArrayList<>();
  private final List<RecordedRequest> log = new CopyOnWriteArrayList<>();

  private FakeRegistry(Builder b) throws IOException {
    this.authMode = b.authMode;
    this.user = b.user;
    this.password = b.password;
    this.tokenLifetime = b.tokenLifetime;
    this.referrersApi = b.referrersApi;
    this.referrersFiltering = b.referrersFiltering;
    this.referrersPageSize = b.referrersPageSize;
    this.tagsPageSize = b.tagsPageSize;
    this.checkManifestReferences = b.checkManifestReferences;
    this.absoluteLocations = b.absoluteLocations;
    this.mountStatus = b.mountStatus;
    this.https = b.https;
    SSLContext tls = https ? tlsIdentity().serverContext() : null;
    this.server = Exchanges.loopbackServer("fake-registry", tls);
    this.blobHost = Exchanges.loopbackServer("fake-blob-host", tls);
    server.createContext("/", exchange -> dispatch(exchange, RecordedRequest.Origin.REGISTRY));
    blobHost.createContext("/", exchange -> dispatch(exchange, RecordedRequest.Origin.BLOB_HOST));
    server.start();
    blobHost.start();
  }

  /** The loopback TLS identity of every HTTPS fake of this JVM (an RSA key takes a while). */
  private static synchronized SelfSignedCertificate tlsIdentity() {
    if (tlsIdentity == null) {
      tlsIdentity = SelfSignedCertificate.generateForLoopback("soci fake registry");
    }
    return tlsIdentity;
  }

  /** Starts an anonymous registry with the referrers API. */
  public static FakeRegistry start() throws IOException {
    return builder().start();
  }

  /** Options; defaults in each method's javadoc. */
  public static Builder builder() {
    return new Builder();
  }

  // --- addresses ---

  /** {@code 127.0.0.1:PORT}, the registry part of a reference. */
  public String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** The port on 127.0.0.1. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://127.0.0.1:PORT} ({@code https://} with {@link Builder#https()}). */
  public URI baseUri() {
    return URI.create(scheme() + "://" + host());
  }

  /** The bearer realm, {@code http(s)://127.0.0.1:PORT/token}. */
  public URI realm() {
    return baseUri().resolve("/token");
  }

  /** The blob host's base, another origin ({@code http(s)://127.0.0.1:OTHER_PORT}). */
  public URI blobHostUri() {
    return URI.create(scheme() + "://127.0.0.1:" + blobHost.getAddress().getPort());
  }

  private String scheme() {
    return https ? "https" : "http";
  }

  /**
   * For an HTTPS fake ({@link Builder#https()}): a client TLS context that trusts its self-signed
   * certificate (and nothing else). The certificate names {@code IP:127.0.0.1} and {@code
   * DNS:localhost}.
   *
   * @throws IllegalStateException if this fake speaks plain HTTP
   */
  public SSLContext clientSslContext() {
    if (!https) {
      throw new IllegalStateException("this fake registry speaks plain HTTP");
    }
    return tlsIdentity().trustingContext();
  }

  /** The PEM of an HTTPS fake's certificate, as a CA file (see {@link #clientSslContext()}). */
  public String certificatePem() {
    if (!https) {
      throw new IllegalStateException("this fake registry speaks plain HTTP");
    }
    return tlsIdentity().pem();
  }

  /**
   * The value of an {@code Authorization} header this registry accepts for {@code scopes} (Basic
   * credentials, or a bearer token minted without HTTP), empty when anonymous. For raw-HTTP tests;
   * a client under test should authenticate by itself.
   */
  public Optional<String> authorization(List<Scope> scopes) {
    return switch (authMode) {
      case NONE -> Optional.empty();
      case BASIC ->
          Optional.of(
              "Basic "
                  + Base64.getEncoder()
                      .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
      case BEARER -> Optional.of("Bearer " + mintToken(scopes));
    };
  }

  // --- faults and state controls ---

  /** Applies {@code fault} to the next request {@code matcher} chooses. */
  public FaultRule inject(RequestMatcher matcher, Fault fault) {
    return inject(matcher, fault, 1);
  }

  /**
   * Applies {@code fault} to the next {@code times} requests {@code matcher} chooses ({@link
   * FaultRule#ALWAYS} for every one). Rules are tried in the order they were injected.
   */
  public FaultRule inject(RequestMatcher matcher, Fault fault, int times) {
    FaultRule rule = new FaultRule(matcher, fault, times);
    rules.add(rule);
    return rule;
  }

  /** Removes every fault rule. */
  public void clearFaults() {
    rules.clear();
  }

  /** Expires every bearer token issued so far (the next request with one gets 401). */
  public void expireTokens() {
    Instant past = Instant.now().minusSeconds(1);
    tokens.replaceAll((token, grant) -> new Grant(grant.scopes(), past));
  }

  /** Forgets every upload session in progress (their next request gets 404). */
  public void expireUploads() {
    synchronized (lock) {
      uploads.clear();
    }
  }

  /** Turns the referrers API on or off (off: 404 and no {@code OCI-Subject}). */
  public void referrersApi(boolean enabled) {
    this.referrersApi = enabled;
  }

  /** 201 to mount blobs that the {@code from} repository has, or 202 to never mount. */
  public void mountStatus(int status) {
    if (status != 201 && status != 202) {
      throw new IllegalArgumentException("mount status must be 201 or 202: " + status);
    }
    this.mountStatus = status;
  }

  // --- request log ---

  /** Every request answered so far (both servers), in the order they completed. */
  public List<RecordedRequest> requests() {
    return List.copyOf(log);
  }

  /** The logged requests {@code matcher} chooses. */
  public List<RecordedRequest> requests(RequestMatcher matcher) {
    return log.stream().filter(matcher::matches).toList();
  }

  /** Empties the log. */
  public void clearRequests() {
    log.clear();
  }

  // --- state, without HTTP ---

  /** Stores a blob in {@code repo}; returns its {@code sha256:} digest. */
  public String putBlob(String repo, byte[] content) {
    String digest = sha256(content);
    synchronized (lock) {
      repos.computeIfAbsent(repo, r -> new Repo()).blobs.put(digest, content.clone());
    }
    return digest;
  }

  /** The bytes of a blob of {@code repo}, if it has it. */
  public Optional<byte[]> blob(String repo, String digest) {
    synchronized (lock) {
      Repo r = repos.get(repo);
      byte[] content = r == null ? null : r.blobs.get(digest);
      return Optional.ofNullable(content == null ? null : content.clone());
    }
  }

  /**
   * Stores a manifest in {@code repo}, tagged {@code tag} unless null, as a PUT would (no reference
   * check); returns its digest.
   */
  public String putManifest(String repo, String tag, String mediaType, byte[] content) {
    try {
      StoredManifest stored = parseManifest(content, mediaType);
      synchronized (lock) {
        Repo r = repos.computeIfAbsent(repo, x -> new Repo());
        r.manifests.put(stored.digest(), stored);
        if (tag != null) {
          r.tags.put(tag, stored.digest());
        }
      }
      return stored.digest();
    } catch (IOException e) {
      throw new IllegalArgumentException("not a manifest: " + e.getMessage(), e);
    }
  }

  /** The manifest of {@code repo} a tag or digest names, if any. */
  public Optional<Manifest> manifest(String repo, String reference) {
    synchronized (lock) {
      StoredManifest m = findManifest(repos.get(repo), reference);
      return Optional.ofNullable(
          m == null ? null : new Manifest(m.digest(), m.mediaType(), m.content().clone()));
    }
  }

  /** The tags of {@code repo}, sorted. */
  public List<String> tags(String repo) {
    synchronized (lock) {
      Repo r = repos.get(repo);
      return r == null ? List.of() : List.copyOf(r.tags.keySet());
    }
  }

  /** The number of upload sessions started and neither completed nor cancelled. */
  public int uploadsInProgress() {
    synchronized (lock) {
      return uploads.size();
    }
  }

  /** Stops both servers. */
  @Override
  public void close() {
    Exchanges.stop(server);
    Exchanges.stop(blobHost);
  }

  @Override
  public String toString() {
    return "fake registry (" + authMode + ") at " + baseUri();
  }

  // --- dispatch ---

  private void dispatch(HttpExchange exchange, RecordedRequest.Origin origin) throws IOException {
    URI uri = exchange.getRequestURI();
    Map<String, List<String>> headers = new LinkedHashMap<>();
    exchange
        .getRequestHeaders()
        .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
    RecordedRequest request =
        new RecordedRequest(
            origin,
            exchange.getRequestMethod(),
            uri.getPath(),
            uri.getRawQuery() == null ? "" : uri.getRawQuery(),
            headers,
            0,
            null);
    Fault fault = null;
    for (FaultRule rule : rules) {
      if (rule.claim(request)) {
        fault = rule.fault();
        break;
      }
    }
    String faultName = fault == null ? null : fault.toString();
    try {
      byte[] body = readBody(exchange);
      Reply reply = fault == null ? null : before(fault, request);
      if (reply == null) {
        reply =
            origin == RecordedRequest.Origin.BLOB_HOST
                ? serveBlobHost(request)
                : serve(request, body);
        if (fault != null) {
          after(fault, request, reply);
        }
      }
      write(exchange, request, reply, fault, faultName);
    } catch (DroppedConnection e) {
      // Throwing from the handler makes the JDK server close the connection: the client sees
      // EOF (before the status, or before the announced Content-Length).
      throw e;
    } catch (RuntimeException | IOException e) {
      log.add(request.withOutcome(500, faultName));
      Exchanges.send(
          exchange,
          500,
          "text/plain",
          ("fake registry failed: " + e).getBytes(StandardCharsets.UTF_8));
    }
  }

  private static final class DroppedConnection extends IOException {
    private static final long serialVersionUID = 1L;

    DroppedConnection(String message) {
      super(message);
    }
  }

  private static byte[] readBody(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes((int) Math.min(MAX_BODY + 1, Integer.MAX_VALUE - 8));
      if (body.length > MAX_BODY) {
        throw new IOException("request body over " + MAX_BODY + " bytes");
      }
      return body;
    }
  }

  private void write(
      HttpExchange exchange, RecordedRequest request, Reply reply, Fault fault, String faultName)
      throws IOException {
    if (fault != null
        && (fault.kind == Fault.Kind.DISCONNECT
            || fault.kind == Fault.Kind.DISCONNECT_AFTER_SERVING)) {
      log.add(request.withOutcome(-1, faultName));
      throw new DroppedConnection("fault: disconnect");
    }
    String location = reply.headers.get("Location");
    if (absoluteLocations && location != null && location.startsWith("/")) {
      reply.headers.put("Location", baseUri() + location);
    }
    reply.headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
    boolean head = "HEAD".equals(request.method());
    boolean drop = fault != null && fault.kind == Fault.Kind.DROP_AFTER && !head;
    log.add(request.withOutcome(reply.status, faultName));
    if (head || reply.status == 204 || reply.status == 304) {
      if (head) {
        exchange.getResponseHeaders().set("Content-Length", Long.toString(reply.body.length));
      }
      exchange.sendResponseHeaders(reply.status, -1);
      exchange.close();
      return;
    }
    exchange.sendResponseHeaders(reply.status, reply.body.length == 0 ? -1 : reply.body.length);
    if (reply.body.length == 0) {
      exchange.close();
      return;
    }
    OutputStream out = exchange.getResponseBody();
    if (drop) {
      long wanted = fault.amount < 0 ? reply.body.length / 2 : fault.amount;
      int sent = (int) Math.max(0, Math.min(wanted, reply.body.length - 1));
      out.write(reply.body, 0, sent);
      out.flush();
      throw new DroppedConnection("fault: dropped after " + sent + " bytes");
    }
    out.write(reply.body);
    out.close();
    exchange.close();
  }

  /** Applies a fault that acts before the registry serves; returns its reply, or null. */
  private Reply before(Fault fault, RecordedRequest request) throws IOException {
    switch (fault.kind) {
      case STATUS:
        return Reply.error(
            fault.status, codeFor(fault.status), "injected fault: status " + fault.status);
      case TOO_MANY_REQUESTS:
        return Reply.error(429, "TOOMANYREQUESTS", "injected fault: too many requests")
            .header("Retry-After", fault.text);
      case ECR_TOKEN_EXPIRED:
        return Reply.error(
            403, "DENIED", "Your authorization token has expired. Reauthenticate and try again.");
      case S3_EXPIRED_TOKEN:
        return new Reply(400)
            .body(
                "application/xml",
                ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>ExpiredToken</Code>"
                        + "<Message>The provided token has expired.</Message>"
                        + "<RequestId>FAKE0REQUEST0ID</RequestId></Error>")
                    .getBytes(StandardCharsets.UTF_8));
      case REDIRECT:
        return new Reply(fault.status).header("Location", fault.text);
      case REDIRECT_TO_BLOB_HOST:
        {
          Matcher m = BLOB_PATH.matcher(request.path());
          String digest = m.matches() ? m.group(2) : "unknown";
          return new Reply(307).header("Location", presignedBlobUrl(digest));
        }
      case DISCONNECT:
        return new Reply(0);
      case EXPIRE_TOKENS:
        expireTokens();
        return null;
      case STALE_UPLOAD:
        {
          Matcher m = UPLOAD_PATH.matcher(request.path());
          if (m.matches()) {
            synchronized (lock) {
              uploads.remove(m.group(2));
            }
          }
          return null;
        }
      case DELAY:
        try {
          Thread.sleep(fault.amount);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted", e);
        }
        return null;
      default:
        return null;
    }
  }

  /** Applies a fault that changes the registry's reply. */
  private void after(Fault fault, RecordedRequest request, Reply reply) {
    switch (fault.kind) {
      case IGNORE_RANGE -> {
        if (reply.status == 206 && reply.wholeBlob != null) {
          reply.status = 200;
          reply.body = reply.wholeBlob;
          reply.headers.remove("Content-Range");
        }
      }
      case SHIFT_RANGE -> {
        String cr = reply.headers.get("Content-Range");
        if (reply.status == 206 && reply.wholeBlob != null && cr != null) {
          Matcher m = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+)").matcher(cr);
          if (m.matches() && Long.parseLong(m.group(2)) + 1 < reply.wholeBlob.length) {
            int first = Integer.parseInt(m.group(1)) + 1;
            int last = Integer.parseInt(m.group(2)) + 1;
            reply.body = Arrays.copyOfRange(reply.wholeBlob, first, last + 1);
            reply.headers.put(
                "Content-Range", "bytes " + first + "-" + last + "/" + reply.wholeBlob.length);
          }
        }
      }
      case CORRUPT_BODY -> {
        if (reply.body.length > 0) {
          reply.body = reply.body.clone();
          reply.body[reply.body.length / 2] ^= (byte) 0xff;
        }
      }
      case FOREIGN_UPLOAD_LOCATION -> {
        String location = reply.headers.get("Location");
        if (location != null) {
          // Same path and query (the session stays valid), another origin.
          URI relative = URI.create(location);
          reply.headers.put(
              "Location",
              blobHostUri()
                  + relative.getRawPath()
                  + (relative.getRawQuery() == null ? "" : "?" + relative.getRawQuery()));
        }
      }
      default -> {}
    }
  }

  private static String codeFor(int status) {
    return switch (status) {
      case 401 -> "UNAUTHORIZED";
      case 403 -> "DENIED";
      case 404 -> "NAME_UNKNOWN";
      case 429 -> "TOOMANYREQUESTS";
      default -> "UNKNOWN";
    };
  }

  private String presignedBlobUrl(String digest) {
    return blobHostUri()
        + "/blobs/"
        + digest
        + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential="
        + URLEncoder.encode(PRESIGNED_CREDENTIAL, StandardCharsets.UTF_8)
        + "&X-Amz-Expires=900&X-Amz-Signature="
        + PRESIGNED_SIGNATURE;
  }

  private Reply serveBlobHost(RecordedRequest request) {
    if (!request.path().startsWith("/blobs/")
        || !("GET".equals(request.method()) || "HEAD".equals(request.method()))) {
      return Reply.error(404, "NOT_FOUND", "no such object");
    }
    String digest = request.path().substring("/blobs/".length());
    byte[] content = null;
    synchronized (lock) {
      for (Repo repo : repos.values()) {
        content = repo.blobs.get(digest);
        if (content != null) {
          break;
        }
      }
    }
    if (content == null) {
      return Reply.error(404, "NoSuchKey", "no such object");
    }
    return blobReply(request, digest, content);
  }

  // --- the registry ---

  private Reply serve(RecordedRequest request, byte[] body) throws IOException {
    String path = request.path();
    if (path.equals("/token")) {
      return authMode == AuthMode.BEARER
          ? token(request, body)
          : Reply.error(404, "NOT_FOUND", "no token endpoint");
    }
    if (!path.startsWith("/v2/")) {
      return new Reply(404)
          .body("text/plain", "404 page not found\n".getBytes(StandardCharsets.UTF_8));
    }
    Reply denied = authenticate(request);
    if (denied != null) {
      return denied;
    }
    String method = request.method();
    Matcher m;
    if (path.equals("/v2/")) {
      return Reply.json(200, "{}").header("Docker-Distribution-API-Version", "registry/2.0");
    } else if ((m = UPLOADS_PATH.matcher(path)).matches()) {
      return "POST".equals(method) ? startUpload(m.group(1), request, body) : unsupported(method);
    } else if ((m = UPLOAD_PATH.matcher(path)).matches()) {
      return upload(m.group(1), m.group(2), request, body);
    } else if ((m = MANIFEST_PATH.matcher(path)).matches()) {
      return manifest(m.group(1), m.group(2), request, body);
    } else if ((m = BLOB_PATH.matcher(path)).matches()) {
      return blob(m.group(1), m.group(2), request);
    } else if ((m = TAGS_PATH.matcher(path)).matches()) {
      return "GET".equals(method) ? tagsList(m.group(1), request) : unsupported(method);
    } else if ((m = REFERRERS_PATH.matcher(path)).matches()) {
      if (!referrersApi) {
        return new Reply(404)
            .body("text/plain", "404 page not found\n".getBytes(StandardCharsets.UTF_8));
      }
      return "GET".equals(method)
          ? referrers(m.group(1), m.group(2), request)
          : unsupported(method);
    } else if (ANY_V2.matcher(path).matches()) {
      return Reply.error(400, "NAME_INVALID", "invalid repository name");
    }
    return new Reply(404)
        .body("text/plain", "404 page not found\n".getBytes(StandardCharsets.UTF_8));
  }

  private static Reply unsupported(String method) {
    return Reply.error(405, "UNSUPPORTED", "the operation is unsupported: " + method);
  }

  // --- authentication ---

  /** The (name, action) pairs a request needs, as scopes; empty for the ping. */
  private static List<Scope> requiredScopes(RecordedRequest request) {
    String path = request.path();
    Matcher m = ANY_V2.matcher(path);
    if (!m.matches()) {
      return List.of();
    }
    String name = m.group(1);
    if (UPLOADS_PATH.matcher(path).matches() || UPLOAD_PATH.matcher(path).matches()) {
      Matcher u = UPLOADS_PATH.matcher(path);
      name = u.matches() ? u.group(1) : matchGroup(UPLOAD_PATH, path);
    }
    List<Scope> scopes = new ArrayList<>();
    switch (request.method()) {
      case "GET", "HEAD" -> scopes.add(new Scope("repository", name, List.of("pull")));
      case "DELETE" -> scopes.add(new Scope("repository", name, List.of("delete")));
      default -> {
        scopes.add(new Scope("repository", name, List.of("pull", "push")));
        String from = request.queryParameter("from").orElse(null);
        if (request.queryParameter("mount").isPresent() && from != null && !from.equals(name)) {
          scopes.add(new Scope("repository", from, List.of("pull")));
        }
      }
    }
    return scopes;
  }

  private static String matchGroup(Pattern pattern, String path) {
    Matcher m = pattern.matcher(path);
    return m.matches() ? m.group(1) : null;
  }

  private Reply authenticate(RecordedRequest request) {
    switch (authMode) {
      case NONE:
        return null;
      case BASIC:
        {
          String header = request.header("Authorization").orElse("");
          String expected =
              "Basic "
                  + Base64.getEncoder()
                      .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
          if (header.equals(expected)) {
            return null;
          }
          return Reply.error(401, "UNAUTHORIZED", "authentication required")
              .header("WWW-Authenticate", "Basic realm=\"" + SERVICE + "\"");
        }
      default:
        {
          List<Scope> needed = requiredScopes(request);
          String header = request.header("Authorization").orElse("");
          Grant grant =
              header.regionMatches(true, 0, "Bearer ", 0, 7)
                  ? tokens.get(header.substring(7).trim())
                  : null;
          String error = null;
          if (grant != null && Instant.now().isAfter(grant.expiresAt())) {
            error = "invalid_token";
          } else if (grant != null) {
            boolean allowed =
                needed.stream()
                    .allMatch(
                        s ->
                            s.actions().stream()
                                .allMatch(
                                    a ->
                                        grant.scopes().stream()
                                            .anyMatch(g -> g.grants(s.type(), s.name(), a))));
            if (allowed) {
              return null;
            }
            error = "insufficient_scope";
          }
          StringBuilder challenge =
              new StringBuilder("Bearer realm=\"")
                  .append(realm())
                  .append("\",service=\"")
                  .append(SERVICE)
                  .append('"');
          if (!needed.isEmpty()) {
            challenge
                .append(",scope=\"")
                .append(String.join(" ", needed.stream().map(Scope::toString).toList()))
                .append('"');
          }
          if (error != null) {
            challenge.append(",error=\"").append(error).append('"');
          }
          return Reply.error(401, "UNAUTHORIZED", "authentication required")
              .header("WWW-Authenticate", challenge.toString());
        }
    }
  }

  private String mintToken(List<Scope> scopes) {
    String token = "fake-" + UUID.randomUUID();
    tokens.put(token, new Grant(List.copyOf(scopes), Instant.now().plus(tokenLifetime)));
    return token;
  }

  private Reply token(RecordedRequest request, byte[] body) {
    Map<String, List<String>> params;
    boolean post = "POST".equals(request.method());
    if (post) {
      params = Exchanges.parseQuery(new String(body, StandardCharsets.UTF_8));
    } else if ("GET".equals(request.method())) {
      params = Exchanges.parseQuery(request.query());
    } else {
      return unsupported(request.method());
    }
    if (!SERVICE.equals(Exchanges.first(params, "service"))) {
      return Reply.json(400, "{\"error\":\"unknown service\"}");
    }
    List<Scope> scopes;
    try {
      scopes = Scope.parseAll(params.getOrDefault("scope", List.of()));
    } catch (IllegalArgumentException e) {
      return Reply.json(400, "{\"error\":\"invalid_scope\"}");
    }
    if (user != null) {
      boolean ok;
      if (post) {
        String grant = Exchanges.first(params, "grant_type");
        ok =
            "password".equals(grant)
                    && user.equals(Exchanges.first(params, "username"))
                    && password.equals(Exchanges.first(params, "password"))
                || "refresh_token".equals(grant)
                    && ("refresh-" + user).equals(Exchanges.first(params, "refresh_token"));
      } else {
        String header = request.header("Authorization").orElse("");
        ok =
            header.equals(
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
      }
      if (!ok) {
        return Reply.error(401, "UNAUTHORIZED", "bad credentials for the token endpoint")
            .header("WWW-Authenticate", "Basic realm=\"" + SERVICE + "-token\"");
      }
    }
    String token = mintToken(scopes);
    Map<String, String> reply = new LinkedHashMap<>();
    if (!post) {
      reply.put("token", Json.quote(token));
    }
    reply.put("access_token", Json.quote(token));
    reply.put("expires_in", Long.toString(tokenLifetime.toSeconds()));
    reply.put("issued_at", Json.quote(Instant.now().toString()));
    if (post && user != null) {
      reply.put("refresh_token", Json.quote("refresh-" + user));
    }
    return Reply.json(200, Json.object(reply));
  }

  // --- manifests ---

  private Reply manifest(String name, String reference, RecordedRequest request, byte[] body)
      throws IOException {
    boolean byDigest = reference.contains(":");
    if (byDigest ? !DIGEST.matcher(reference).matches() : !TAG.matcher(reference).matches()) {
      return byDigest
          ? Reply.error(400, "DIGEST_INVALID", "invalid digest " + reference)
          : Reply.error(400, "TAG_INVALID", "invalid tag " + reference);
    }
    switch (request.method()) {
      case "GET", "HEAD" -> {
        synchronized (lock) {
          Repo repo = repos.get(name);
          if (repo == null) {
            return Reply.error(404, "NAME_UNKNOWN", "repository name not known to registry");
          }
          StoredManifest m = findManifest(repo, reference);
          if (m == null) {
            return Reply.error(404, "MANIFEST_UNKNOWN", "manifest unknown: " + reference);
          }
          return new Reply(200)
              .body(m.mediaType(), m.content())
              .header("Docker-Content-Digest", m.digest());
        }
      }
      case "PUT" -> {
        return putManifest(name, reference, request, body);
      }
      case "DELETE" -> {
        synchronized (lock) {
          Repo repo = repos.get(name);
          if (repo == null) {
            return Reply.error(404, "NAME_UNKNOWN", "repository name not known to registry");
          }
          if (!byDigest) {
            return repo.tags.remove(reference) == null
                ? Reply.error(404, "MANIFEST_UNKNOWN", "manifest unknown: " + reference)
                : new Reply(202);
          }
          if (repo.manifests.remove(reference) == null) {
            return Reply.error(404, "MANIFEST_UNKNOWN", "manifest unknown: " + reference);
          }
          repo.tags.values().removeIf(reference::equals);
          return new Reply(202);
        }
      }
      default -> {
        return unsupported(request.method());
      }
    }
  }

  private Reply putManifest(String name, String reference, RecordedRequest request, byte[] body) {
    String contentType = request.header("Content-Type").orElse(null);
    if (contentType == null) {
      return Reply.error(400, "MANIFEST_INVALID", "manifest invalid: no Content-Type");
    }
    if (body.length > MAX_MANIFEST) {
      return Reply.error(413, "SIZE_INVALID", "manifest over " + MAX_MANIFEST + " bytes");
    }
    StoredManifest stored;
    try {
      stored = parseManifest(body, contentType);
    } catch (IOException e) {
      return Reply.error(400, "MANIFEST_INVALID", "manifest invalid: " + e.getMessage());
    }
    if (reference.contains(":") && !reference.equals(stored.digest())) {
      return Reply.error(
          400,
          "DIGEST_INVALID",
          "provided digest did not match uploaded content: " + stored.digest());
    }
    synchronized (lock) {
      Repo repo = repos.computeIfAbsent(name, r -> new Repo());
      if (checkManifestReferences) {
        String missing = missingReference(repo, body);
        if (missing != null) {
          return Reply.error(
              400,
              missing.startsWith("blob ") ? "MANIFEST_BLOB_UNKNOWN" : "MANIFEST_UNKNOWN",
              "manifest references unknown " + missing);
        }
      }
      repo.manifests.put(stored.digest(), stored);
      if (!reference.contains(":")) {
        repo.tags.put(reference, stored.digest());
      }
    }
    Reply reply =
        new Reply(201)
            .header("Location", "/v2/" + name + "/manifests/" + stored.digest())
            .header("Docker-Content-Digest", stored.digest());
    if (stored.subject() != null && referrersApi) {
      reply.header("OCI-Subject", stored.subject());
    }
    return reply;
  }

  private static String missingReference(Repo repo, byte[] body) {
    Map<String, Object> json;
    try {
      json = JsonTree.parseObject(body);
    } catch (IOException e) {
      return null; // already parsed once
    }
    Map<String, Object> config = JsonTree.object(json, "config");
    List<Map<String, Object>> blobs = new ArrayList<>(JsonTree.objects(json, "layers"));
    if (config != null) {
      blobs.add(config);
    }
    for (Map<String, Object> d : blobs) {
      String digest = JsonTree.string(d, "digest");
      if (digest != null && !repo.blobs.containsKey(digest)) {
        return "blob " + digest;
      }
    }
    for (Map<String, Object> d : JsonTree.objects(json, "manifests")) {
      String digest = JsonTree.string(d, "digest");
      if (digest != null && !repo.manifests.containsKey(digest)) {
        return "manifest " + digest;
      }
    }
    return null;
  }

  private static StoredManifest parseManifest(byte[] body, String contentType) throws IOException {
    Map<String, Object> json = JsonTree.parseObject(body);
    String mediaType = JsonTree.string(json, "mediaType");
    if (mediaType != null && !mediaType.equals(contentType)) {
      throw new IOException(
          "mediaType " + mediaType + " does not match Content-Type " + contentType);
    }
    Map<String, Object> subject = JsonTree.object(json, "subject");
    String artifactType = JsonTree.string(json, "artifactType");
    if (artifactType == null && !OCI_INDEX.equals(contentType)) {
      artifactType = JsonTree.string(JsonTree.object(json, "config"), "mediaType");
    }
    Map<String, Object> annotations = JsonTree.object(json, "annotations");
    return new StoredManifest(
        sha256(body),
        contentType,
        body.clone(),
        JsonTree.string(subject, "digest"),
        artifactType,
        annotations);
  }

  private static StoredManifest findManifest(Repo repo, String reference) {
    if (repo == null) {
      return null;
    }
    String digest = reference.contains(":") ? reference : repo.tags.get(reference);
    return digest == null ? null : repo.manifests.get(digest);
  }

  // --- blobs ---

  private Reply blob(String name, String digest, RecordedRequest request) {
    if (!DIGEST.matcher(digest).matches()) {
      return Reply.error(400, "DIGEST_INVALID", "invalid digest " + digest);
    }
    synchronized (lock) {
      Repo repo = repos.get(name);
      byte[] content = repo == null ? null : repo.blobs.get(digest);
      switch (request.method()) {
        case "GET", "HEAD" -> {
          return content == null
              ? Reply.error(404, "BLOB_UNKNOWN", "blob unknown to registry: " + digest)
              : blobReply(request, digest, content);
        }
        case "DELETE" -> {
          if (content == null) {
            return Reply.error(404, "BLOB_UNKNOWN", "blob unknown to registry: " + digest);
          }
          repo.blobs.remove(digest);
          return new Reply(202).header("Docker-Content-Digest", digest);
        }
        default -> {
          return unsupported(request.method());
        }
      }
    }
  }

  private static Reply blobReply(RecordedRequest request, String digest, byte[] content) {
    Reply reply =
        new Reply(200)
            .body("application/octet-stream", content)
            .header("Docker-Content-Digest", digest)
            .header("Accept-Ranges", "bytes");
    String range = request.header("Range").orElse(null);
    if (range == null || "HEAD".equals(request.method())) {
      return reply;
    }
    Matcher m = SINGLE_RANGE.matcher(range.trim());
    if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
      return reply; // several ranges, or nonsense: served whole, as a server may
    }
    long size = content.length;
    long first;
    long last;
    if (m.group(1).isEmpty()) {
      long suffix = Long.parseLong(m.group(2));
      first = Math.max(0, size - suffix);
      last = size - 1;
    } else {
      first = Long.parseLong(m.group(1));
      last = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
    }
    if (first >= size || last < first) {
      return Reply.error(416, "RANGE_INVALID", "range not satisfiable: " + range)
          .header("Content-Range", "bytes */" + size);
    }
    reply.status = 206;
    reply.wholeBlob = content;
    reply.body = Arrays.copyOfRange(content, (int) first, (int) last + 1);
    reply.header("Content-Range", "bytes " + first + "-" + last + "/" + size);
    return reply;
  }

  // --- uploads ---

  private Reply startUpload(String name, RecordedRequest request, byte[] body) {
    String mount = request.queryParameter("mount").orElse(null);
    String from = request.queryParameter("from").orElse(null);
    String digest = request.queryParameter("digest").orElse(null);
    synchronized (lock) {
      if (mount != null && from != null && mountStatus == 201) {
        Repo source = repos.get(from);
        byte[] content = source == null ? null : source.blobs.get(mount);
        if (content != null) {
          repos.computeIfAbsent(name, r -> new Repo()).blobs.put(mount, content);
          return new Reply(201)
              .header("Location", "/v2/" + name + "/blobs/" + mount)
              .header("Docker-Content-Digest", mount);
        }
      }
      if (mount == null && digest != null) {
        return completeBlob(name, digest, body, null);
      }
      Upload upload = new Upload(name, UUID.randomUUID().toString());
      uploads.put(upload.id, upload);
      return uploadStatus(upload, 202);
    }
  }

  private Reply upload(String name, String id, RecordedRequest request, byte[] body) {
    synchronized (lock) {
      Upload upload = uploads.get(id);
      if (upload == null || !upload.repo.equals(name)) {
        return Reply.error(404, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry: " + id);
      }
      String method = request.method();
      if ("GET".equals(method)) {
        return uploadStatus(upload, 204);
      }
      if ("DELETE".equals(method)) {
        uploads.remove(id);
        return new Reply(204);
      }
      if (!"PATCH".equals(method) && !"PUT".equals(method)) {
        return unsupported(method);
      }
      // Like distribution, the _state of the last answer must come back; a stale or missing one
      // ends the session.
      if (!upload.state.equals(request.queryParameter("_state").orElse(""))) {
        uploads.remove(id);
        return Reply.error(
            400, "BLOB_UPLOAD_INVALID", "blob upload invalid: stale or missing _state");
      }
      String contentRange = request.header("Content-Range").orElse(null);
      if (contentRange != null && body.length > 0) {
        Matcher m = CONTENT_RANGE.matcher(contentRange.trim());
        if (!m.matches()
            || Long.parseLong(m.group(1)) != upload.data.size()
            || Long.parseLong(m.group(2)) - Long.parseLong(m.group(1)) + 1 != body.length) {
          return uploadStatus(upload, 416);
        }
      }
      upload.data.writeBytes(body);
      upload.state = UUID.randomUUID().toString();
      if ("PATCH".equals(method)) {
        return uploadStatus(upload, 202);
      }
      String digest = request.queryParameter("digest").orElse(null);
      uploads.remove(id);
      if (digest == null) {
        return Reply.error(400, "DIGEST_INVALID", "digest missing");
      }
      return completeBlob(name, digest, upload.data.toByteArray(), upload);
    }
  }

  private Reply completeBlob(String name, String digest, byte[] content, Upload upload) {
    if (!DIGEST.matcher(digest).matches()) {
      return Reply.error(400, "DIGEST_INVALID", "invalid digest " + digest);
    }
    String actual =
        digest.startsWith("sha512:") ? digestOf("SHA-512", "sha512:", content) : sha256(content);
    if (!actual.equals(digest)) {
      return Reply.error(
          400, "DIGEST_INVALID", "provided digest did not match uploaded content: " + actual);
    }
    repos.computeIfAbsent(name, r -> new Repo()).blobs.put(digest, content);
    return new Reply(201)
        .header("Location", "/v2/" + name + "/blobs/" + digest)
        .header("Docker-Content-Digest", digest);
  }

  private static Reply uploadStatus(Upload upload, int status) {
    long size = upload.data.size();
    // distribution writes 0-0 for an empty session, and 0-(size-1) after size bytes.
    return new Reply(status)
        .header(
            "Location",
            "/v2/" + upload.repo + "/blobs/uploads/" + upload.id + "?_state=" + upload.state)
        .header("Range", "0-" + Math.max(0, size - 1))
        .header("Docker-Upload-UUID", upload.id);
  }

  // --- tags and referrers ---

  private Reply tagsList(String name, RecordedRequest request) {
    List<String> all;
    synchronized (lock) {
      Repo repo = repos.get(name);
      if (repo == null) {
        return Reply.error(404, "NAME_UNKNOWN", "repository name not known to registry");
      }
      all = List.copyOf(repo.tags.keySet());
    }
    String last = request.queryParameter("last").orElse(null);
    int n;
    try {
      n = request.queryParameter("n").map(Integer::parseInt).orElse(Integer.MAX_VALUE);
    } catch (NumberFormatException e) {
      return Reply.error(400, "PAGINATION_NUMBER_INVALID", "invalid number of results requested");
    }
    if (n < 0) {
      return Reply.error(400, "PAGINATION_NUMBER_INVALID", "invalid number of results requested");
    }
    n = Math.min(n, tagsPageSize);
    List<String> after =
        last == null ? all : all.stream().filter(t -> t.compareTo(last) > 0).toList();
    List<String> page = after.subList(0, Math.min(n, after.size()));
    Reply reply =
        Reply.json(200, "{\"name\":" + Json.quote(name) + ",\"tags\":" + Json.array(page) + "}");
    if (page.size() < after.size() && !page.isEmpty()) {
      reply.header(
          "Link",
          "</v2/"
              + name
              + "/tags/list?n="
              + n
              + "&last="
              + URLEncoder.encode(page.get(page.size() - 1), StandardCharsets.UTF_8)
              + ">; rel=\"next\"");
    }
    return reply;
  }

  private Reply referrers(String name, String digest, RecordedRequest request) {
    if (!DIGEST.matcher(digest).matches()) {
      return Reply.error(400, "DIGEST_INVALID", "invalid digest " + digest);
    }
    String artifactType =
        referrersFiltering ? request.queryParameter("artifactType").orElse(null) : null;
    List<String> descriptors = new ArrayList<>();
    synchronized (lock) {
      Repo repo = repos.get(name);
      if (repo != null) {
        for (StoredManifest m : repo.manifests.values()) {
          if (digest.equals(m.subject())
              && (artifactType == null || artifactType.equals(m.artifactType()))) {
            Map<String, String> d = new LinkedHashMap<>();
            d.put("mediaType", Json.quote(m.mediaType()));
            d.put("digest", Json.quote(m.digest()));
            d.put("size", Long.toString(m.content().length));
            if (m.artifactType() != null) {
              d.put("artifactType", Json.quote(m.artifactType()));
            }
            if (m.annotations() != null && !m.annotations().isEmpty()) {
              Map<String, String> annotations = new LinkedHashMap<>();
              m.annotations().forEach((k, v) -> annotations.put(k, Json.quote(String.valueOf(v))));
              d.put("annotations", Json.object(annotations));
            }
            descriptors.add(Json.object(d));
          }
        }
      }
    }
    int start = request.queryParameter("page").map(Integer::parseInt).orElse(0);
    int end = (int) Math.min((long) start + referrersPageSize, descriptors.size());
    List<String> page = start >= descriptors.size() ? List.of() : descriptors.subList(start, end);
    Reply reply =
        new Reply(200)
            .body(
                OCI_INDEX,
                ("{\"schemaVersion\":2,\"mediaType\":\""
                        + OCI_INDEX
                        + "\",\"manifests\":["
                        + String.join(",", page)
                        + "]}")
                    .getBytes(StandardCharsets.UTF_8));
    if (artifactType != null) {
      reply.header("OCI-Filters-Applied", "artifactType");
    }
    if (end < descriptors.size()) {
      String query =
          (artifactType == null
                  ? ""
                  : "artifactType=" + URLEncoder.encode(artifactType, StandardCharsets.UTF_8) + "&")
              + "page="
              + end;
      reply.header(
          "Link", "</v2/" + name + "/referrers/" + digest + "?" + query + ">; rel=\"next\"");
    }
    return reply;
  }

  static String sha256(byte[] content) {
    return digestOf("SHA-256", "sha256:", content);
  }

  private static String digestOf(String algorithm, String prefix, byte[] content) {
    try {
      return prefix
          + HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Options of a {@link FakeRegistry}. */
  public static final class Builder {
    private AuthMode authMode = AuthMode.NONE;
    private String user;
    private String password;
    private Duration tokenLifetime = Duration.ofMinutes(5);
    private boolean referrersApi = true;
    private boolean referrersFiltering = true;
    private int referrersPageSize = Integer.MAX_VALUE;
    private int tagsPageSize = Integer.MAX_VALUE;
    private int mountStatus = 201;
    private boolean checkManifestReferences = true;
    private boolean absoluteLocations;
    private boolean https;

    private Builder() {}

    /**
     * Serves HTTPS (registry and blob host) with a self-signed certificate for {@code 127.0.0.1}
     * instead of plain HTTP (default: plain HTTP); clients trust it with {@link
     * FakeRegistry#clientSslContext()}.
     */
    public Builder https() {
      this.https = true;
      return this;
    }

    /** Every {@code /v2/} request needs HTTP Basic {@code user}:{@code password}. */
    public Builder basicAuth(String user, String password) {
      this.authMode = AuthMode.BASIC;
      this.user = user;
      this.password = password;
      return this;
    }

    /** Bearer tokens from {@code /token}, issued to anyone who asks. */
    public Builder bearerAuth() {
      this.authMode = AuthMode.BEARER;
      return this;
    }

    /**
     * Bearer tokens from {@code /token}, issued for Basic {@code user}:{@code password} (GET) or
     * the OAuth2 password or refresh-token grant (POST; the refresh token is {@code
     * refresh-<user>}).
     */
    public Builder bearerAuth(String user, String password) {
      this.authMode = AuthMode.BEARER;
      this.user = user;
      this.password = password;
      return this;
    }

    /** Lifetime and {@code expires_in} of bearer tokens (default 5 minutes). */
    public Builder tokenLifetime(Duration lifetime) {
      this.tokenLifetime = lifetime;
      return this;
    }

    /** No referrers API: 404 there and no {@code OCI-Subject} on PUTs (default: the API is on). */
    public Builder withoutReferrersApi() {
      this.referrersApi = false;
      return this;
    }

    /**
     * Whether the referrers API filters by {@code artifactType} and says so with {@code
     * OCI-Filters-Applied} (default true; false: the filter is ignored, the client filters).
     */
    public Builder referrersFiltering(boolean filtering) {
      this.referrersFiltering = filtering;
      return this;
    }

    /** Referrers per page, further pages linked with {@code Link} (default: one page). */
    public Builder referrersPageSize(int size) {
      this.referrersPageSize = positive(size);
      return this;
    }

    /** The most tags a page holds whatever {@code n} asks (default: no cap). */
    public Builder tagsPageSize(int size) {
      this.tagsPageSize = positive(size);
      return this;
    }

    /** 201: mount blobs {@code from} has (default); 202: never mount, start an upload. */
    public Builder mountStatus(int status) {
      if (status != 201 && status != 202) {
        throw new IllegalArgumentException("mount status must be 201 or 202: " + status);
      }
      this.mountStatus = status;
      return this;
    }

    /**
     * Whether a manifest PUT must reference only blobs and manifests the repository has (default
     * true, as distribution does).
     */
    public Builder checkManifestReferences(boolean check) {
      this.checkManifestReferences = check;
      return this;
    }

    /**
     * Whether {@code Location} headers are absolute URLs, as distribution 2.8 sends them (default
     * false: paths, which the spec also allows; a client must resolve both).
     */
    public Builder absoluteLocations(boolean absolute) {
      this.absoluteLocations = absolute;
      return this;
    }

    /** Starts the registry. */
    public FakeRegistry start() throws IOException {
      return new FakeRegistry(this);
    }

    private static int positive(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("must be positive: " + n);
      }
      return n;
    }
  }
}
