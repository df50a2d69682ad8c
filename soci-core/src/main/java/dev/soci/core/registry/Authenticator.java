package dev.soci.core.registry;

import dev.soci.oci.InvalidDocumentException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * Registry authentication: anonymous, basic and the bearer token flow of the distribution spec. The
 * challenge of a registry (learned from its first 401) is remembered so later requests carry
 * credentials at once. Bearer tokens are cached per realm, service and scope set until shortly
 * before {@code expires_in} runs out; concurrent requests needing the same token wait for one fetch
 * (single flight). With an identity token, the token is requested with OAuth2's POST ({@code
 * grant_type=refresh_token}), falling back to docker's GET when the realm does not accept it.
 */
final class Authenticator {
  /** Tokens without expires_in live this long (distribution's minimum). */
  static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(60);

  /** A token is refreshed this long before it expires. */
  private static final Duration EXPIRY_MARGIN = Duration.ofSeconds(10);

  private static final int MAX_TOKEN_RESPONSE = 1 << 20;

  private final CredentialSource credentials;
  private final Clock clock;
  private final Map<String, AuthChallenge> challenges = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Token>> tokens = new ConcurrentHashMap<>();

  /** Where the credentials of a registry come from. */
  @FunctionalInterface
  interface CredentialSource {
    Credentials forRegistry(String registry) throws RegistryException;
  }

  record Token(String value, Instant expires) {
    @Override
    public String toString() {
      return "token expiring " + expires;
    }
  }

  Authenticator(CredentialSource credentials, Clock clock) {
    this.credentials = credentials;
    this.clock = clock;
  }

  static String originKey(URI uri) {
    return uri.getScheme().toLowerCase(Locale.ROOT)
        + "://"
        + uri.getHost().toLowerCase(Locale.ROOT)
        + ":"
        + Urls.port(uri);
  }

  /**
   * The Authorization header for a request to a registry origin, from its known challenge, or null
   * (anonymous until challenged).
   */
  String authorization(Transport transport, URI origin, String registry, Set<String> scopes)
      throws IOException {
    AuthChallenge c = challenges.get(originKey(origin));
    if (c == null) {
      return null;
    }
    Credentials creds = credentials.forRegistry(registry);
    if (c.scheme().equals("basic")) {
      return creds.hasPassword() ? basic(creds) : null;
    }
    if (c.scheme().equals("bearer")) {
      return "Bearer " + token(transport, c, registry, creds, scopes).value();
    }
    return null;
  }

  static String basic(Credentials c) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((c.username() + ":" + c.password()).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Learns from a 401 and says whether sending the request again can help: a new or changed
   * challenge, or a bearer challenge whose token was refused ({@code invalid_token}, {@code
   * insufficient_scope}: the cached token is dropped).
   *
   * @param hadAuthorization whether the refused request carried credentials
   */
  boolean unauthorized(
      URI origin, String registry, List<String> wwwAuthenticate, boolean hadAuthorization)
      throws RegistryException {
    AuthChallenge chosen = null;
    for (AuthChallenge c : AuthChallenge.parse(wwwAuthenticate)) {
      if (c.scheme().equals("bearer") && c.param("realm") != null) {
        chosen = c;
        break;
      }
      if (c.scheme().equals("basic") && chosen == null) {
        chosen = c;
      }
    }
    if (chosen == null) {
      return false;
    }
    AuthChallenge previous = challenges.put(originKey(origin), chosen);
    if (chosen.scheme().equals("basic")) {
      return !hadAuthorization && credentials.forRegistry(registry).hasPassword();
    }
    if (hadAuthorization) {
      // the token we sent was refused: forget the tokens of this realm so the next is fresh
      invalidate(origin);
      return previous == null
          || "invalid_token".equals(chosen.param("error"))
          || "insufficient_scope".equals(chosen.param("error"))
          || !chosen.params().equals(previous.params());
    }
    return true;
  }

  /** Drops the cached tokens of the origin's realm (an expired token was reported). */
  void invalidate(URI origin) {
    AuthChallenge c = challenges.get(originKey(origin));
    if (c == null || c.param("realm") == null) {
      return;
    }
    String prefix = c.param("realm") + "\n";
    tokens.keySet().removeIf(k -> k.startsWith(prefix));
  }

  /** Whether the origin is known to use bearer tokens. */
  boolean usesTokens(URI origin) {
    AuthChallenge c = challenges.get(originKey(origin));
    return c != null && c.scheme().equals("bearer");
  }

  private Token token(
      Transport transport,
      AuthChallenge c,
      String registry,
      Credentials creds,
      Set<String> requested)
      throws IOException {
    String realm = c.param("realm");
    String service = c.param("service");
    Set<String> scopes = new TreeSet<>(requested);
    String challengeScope = c.param("scope");
    if (challengeScope != null && !challengeScope.isBlank()) {
      for (String s : challengeScope.trim().split(" +")) {
        scopes.add(s);
      }
    }
    String key = realm + "\n" + service + "\n" + String.join(" ", scopes);
    while (true) {
      CompletableFuture<Token> mine = new CompletableFuture<>();
      CompletableFuture<Token> existing = tokens.putIfAbsent(key, mine);
      if (existing == null) {
        try {
          Token t = fetch(transport, realm, service, scopes, registry, creds);
          mine.complete(t);
          return t;
        } catch (IOException | RuntimeException e) {
          tokens.remove(key, mine);
          mine.completeExceptionally(e);
          throw e;
        }
      }
      Token t;
      try {
        t = existing.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RegistryException(
            "get a token from " + realm,
            "the thread was interrupted",
            RegistryException.NO_STATUS,
            null,
            null,
            null,
            null,
            e);
      } catch (ExecutionException e) {
        // the other fetch failed: try ourselves (its failure was already reported to it)
        tokens.remove(key, existing);
        continue;
      }
      if (t.expires().minus(EXPIRY_MARGIN).isAfter(clock.instant())) {
        return t;
      }
      tokens.remove(key, existing);
    }
  }

  private Token fetch(
      Transport transport,
      String realm,
      String service,
      Set<String> scopes,
      String registry,
      Credentials creds)
      throws IOException {
    URI realmUri;
    try {
      realmUri = URI.create(realm);
    } catch (IllegalArgumentException e) {
      throw new RegistryException(
          "get a token for " + registry,
          "the registry's realm \"" + realm + "\" is not a URL",
          RegistryException.NO_STATUS,
          null,
          null,
          null,
          null,
          e);
    }
    String scheme =
        realmUri.getScheme() == null ? "" : realmUri.getScheme().toLowerCase(Locale.ROOT);
    boolean secure =
        scheme.equals("https") || (scheme.equals("http") && Urls.isLoopback(realmUri.getHost()));
    if (!scheme.equals("https") && !scheme.equals("http") || realmUri.getHost() == null) {
      throw new RegistryException(
          "get a token for " + registry,
          "the registry's realm is not an http(s) URL",
          RegistryException.NO_STATUS,
          null,
          null,
          null,
          Urls.redact(realmUri),
          null);
    }
    if (creds.identityToken() != null && secure) {
      Response r = postOAuth(transport, realmUri, service, scopes, creds);
      if (r.status != 404 && r.status != 405 && r.status != 400 && r.status != 401) {
        return parseToken(transport, r, "get a token for " + registry);
      }
      r.close();
    }
    URI uri = realmUri;
    if (service != null) {
      uri = Urls.withParam(uri, "service", service);
    }
    for (String s : scopes) {
      uri = Urls.withParam(uri, "scope", s);
    }
    Call call =
        new Call("get a token for " + registry + " from " + Urls.redact(realmUri), "GET", uri);
    call.registryAuth = false;
    if (creds.hasPassword() && secure) {
      uri = Urls.withParam(uri, "account", creds.username());
      call = new Call(call.action, "GET", uri);
      call.registryAuth = false;
      call.header("Authorization", basic(creds));
    }
    return parseToken(transport, transport.send(call), call.action);
  }

  private Response postOAuth(
      Transport transport, URI realm, String service, Set<String> scopes, Credentials creds)
      throws IOException {
    StringJoiner form = new StringJoiner("&");
    form.add("grant_type=refresh_token");
    form.add("refresh_token=" + Urls.encode(creds.identityToken()));
    form.add("client_id=soci-java");
    if (service != null) {
      form.add("service=" + Urls.encode(service));
    }
    if (!scopes.isEmpty()) {
      form.add("scope=" + Urls.encode(String.join(" ", scopes)));
    }
    byte[] body = form.toString().getBytes(StandardCharsets.UTF_8);
    Call call =
        new Call("get a token with an identity token from " + Urls.redact(realm), "POST", realm);
    call.registryAuth = false;
    call.idempotent(true);
    call.header("Content-Type", "application/x-www-form-urlencoded");
    call.body(() -> HttpRequest.BodyPublishers.ofByteArray(body));
    return transport.send(call);
  }

  private Token parseToken(Transport transport, Response r, String action) throws IOException {
    try (r) {
      if (r.status != 200) {
        throw transport.failure(action, r, null);
      }
      byte[] body;
      try {
        body = r.bytes(MAX_TOKEN_RESPONSE);
      } catch (IOException e) {
        throw transport.failure(
            action, r, "its token response could not be read: " + e.getMessage());
      }
      try {
        Map<String, Object> m = Json.object(body, "token response");
        String token = Json.string(m, "token", "token response");
        if (token == null || token.isEmpty()) {
          token = Json.string(m, "access_token", "token response");
        }
        if (token == null || token.isEmpty()) {
          throw transport.failure(action, r, "the token response has no token");
        }
        Long expiresIn = Json.integer(m, "expires_in", "token response");
        Duration lifetime =
            expiresIn == null || expiresIn < DEFAULT_TOKEN_LIFETIME.getSeconds()
                ? DEFAULT_TOKEN_LIFETIME
                : Duration.ofSeconds(Math.min(expiresIn, 365L * 24 * 3600));
        Instant issued = clock.instant();
        String issuedAt = Json.string(m, "issued_at", "token response");
        if (issuedAt != null) {
          try {
            Instant i = OffsetDateTime.parse(issuedAt).toInstant();
            // trust the server's issue time only if the clocks roughly agree
            if (Duration.between(i, issued).abs().compareTo(Duration.ofMinutes(5)) < 0) {
              issued = i;
            }
          } catch (DateTimeParseException e) {
            // keep our own clock
          }
        }
        return new Token(token, issued.plus(lifetime));
      } catch (InvalidDocumentException e) {
        throw transport.failure(
            action, r, "the token response is not valid JSON: " + e.getMessage());
      }
    }
  }
}
