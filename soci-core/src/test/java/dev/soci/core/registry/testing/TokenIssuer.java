package dev.soci.core.registry.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A docker token server for tests, on the JDK {@link HttpServer} at {@code 127.0.0.1} on an
 * ephemeral port: it answers the realm of a registry's bearer challenge with RS256 JWTs that
 * Debian's {@code docker-registry} (distribution 2.8) verifies against the self-signed certificate
 * in its {@code rootcertbundle} (see {@link RegistryProcess#startWithTokenAuth}).
 *
 * <p>Endpoint {@code /token}:
 *
 * <ul>
 *   <li>{@code GET ?service=S&scope=T:N:A[&scope=...]}, with or without {@code Basic} credentials,
 *       answers {@code {"token","access_token","expires_in","issued_at"}};
 *   <li>{@code POST} of a form (OAuth2: {@code grant_type=password} with {@code username} and
 *       {@code password}, or {@code grant_type=refresh_token} with {@code refresh_token}) answers
 *       {@code {"access_token","expires_in","issued_at","refresh_token"}};
 *   <li>a wrong service is 400; wrong credentials, or none when {@link Builder#anonymous(boolean)
 *       anonymous} access is off, are 401; an unknown refresh token is 401.
 * </ul>
 *
 * Every requested action is granted (the registry checks them against the request). The JWT header
 * carries the certificate as {@code x5c} (distribution 2.8 verifies it against the bundle), or with
 * {@link Builder#keyIdHeader()} only the libtrust {@code kid} of the key (2.8 looks it up among the
 * bundle's keys). Claims: {@code iss}, {@code sub}, {@code aud} (a string: 2.8 cannot read an
 * array), {@code exp}, {@code nbf}, {@code iat}, {@code jti}, {@code access}. Note that 2.8 accepts
 * a token until 60 seconds after its {@code exp}.
 *
 * <p>Thread-safe. {@link #close()} stops the server.
 */
public final class TokenIssuer implements AutoCloseable {
  /** The {@code service} a registry started with this issuer names. */
  public static final String DEFAULT_SERVICE = "soci-test-registry";

  /** The {@code iss} claim and the issuer the registry trusts. */
  public static final String DEFAULT_ISSUER = "soci-test-issuer";

  private static SelfSignedCertificate sharedIdentity;

  private final HttpServer server;
  private final SelfSignedCertificate identity;
  private final String service;
  private final String issuer;
  private final Map<String, String> users;
  private final boolean anonymous;
  private final boolean keyIdHeader;
  private final Duration lifetime;
  private final Map<String, String> refreshTokens = new ConcurrentHashMap<>();
  private final List<TokenRequest> requests = new CopyOnWriteArrayList<>();

  /**
   * One request the issuer answered.
   *
   * @param method GET or POST
   * @param account the user that authenticated, or null for anonymous
   * @param scopes the scopes asked for
   * @param status the HTTP status answered
   */
  public record TokenRequest(String method, String account, List<Scope> scopes, int status) {}

  private TokenIssuer(Builder b) throws IOException {
    this.identity = identity();
    this.service = b.service;
    this.issuer = b.issuer;
    this.users = Map.copyOf(b.users);
    this.anonymous = b.anonymous;
    this.keyIdHeader = b.keyIdHeader;
    this.lifetime = b.lifetime;
    this.server = Exchanges.loopbackServer("token-issuer");
    server.createContext("/token", this::handle);
    server.start();
  }

  /**
   * The signing identity, made once per JVM: RSA key generation takes a noticeable share of a
   * second, and sharing the key between issuers changes nothing a test can observe.
   */
  private static synchronized SelfSignedCertificate identity() {
    if (sharedIdentity == null) {
      sharedIdentity = SelfSignedCertificate.generate("soci test token issuer");
    }
    return sharedIdentity;
  }

  /** Starts an issuer with the defaults of {@link Builder}. */
  public static TokenIssuer start() throws IOException {
    return builder().start();
  }

  /** Options for an issuer; defaults in each method's javadoc. */
  public static Builder builder() {
    return new Builder();
  }

  /** The token endpoint, {@code http://127.0.0.1:PORT/token}: the challenge's realm. */
  public URI realm() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/token");
  }

  /** The service name tokens are issued for (the JWT audience). */
  public String service() {
    return service;
  }

  /** The issuer name ({@code iss} claim). */
  public String issuer() {
    return issuer;
  }

  /** The PEM of the signing certificate, what a registry's {@code rootcertbundle} holds. */
  public String certificatePem() {
    return identity.pem();
  }

  /** The libtrust key id of the signing key (what {@link Builder#keyIdHeader()} sends). */
  public String keyId() {
    return identity.libtrustKeyId();
  }

  /** Every request answered so far, oldest first. */
  public List<TokenRequest> requests() {
    return List.copyOf(requests);
  }

  /** Mints a token directly (no HTTP), granting {@code scopes} to {@code subject}. */
  public String issue(String subject, List<Scope> scopes) {
    return jwt(subject, scopes, Instant.now());
  }

  /** Stops the server. */
  @Override
  public void close() {
    Exchanges.stop(server);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      Map<String, List<String>> params;
      String account;
      if ("POST".equals(method)) {
        params =
            Exchanges.parseQuery(
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        account = null;
      } else if ("GET".equals(method)) {
        params = Exchanges.parseQuery(exchange.getRequestURI().getRawQuery());
        account = null;
      } else {
        reply(exchange, method, null, List.of(), 405, Json.errors("UNSUPPORTED", method));
        return;
      }
      List<Scope> scopes = Scope.parseAll(params.getOrDefault("scope", List.of()));
      if (!service.equals(Exchanges.first(params, "service"))) {
        reply(exchange, method, null, scopes, 400, "{\"error\":\"unknown service\"}");
        return;
      }
      boolean refresh = false;
      if ("POST".equals(method)) {
        String grant = Exchanges.first(params, "grant_type");
        if ("refresh_token".equals(grant)) {
          account =
              refreshTokens.get(
                  Objects.requireNonNullElse(Exchanges.first(params, "refresh_token"), ""));
          if (account == null) {
            reply(exchange, method, null, scopes, 401, "{\"error\":\"invalid_grant\"}");
            return;
          }
        } else if ("password".equals(grant)) {
          account =
              checkUser(Exchanges.first(params, "username"), Exchanges.first(params, "password"));
          if (account == null) {
            reply(exchange, method, null, scopes, 401, "{\"error\":\"invalid_grant\"}");
            return;
          }
          refresh = true;
        } else {
          reply(exchange, method, null, scopes, 400, "{\"error\":\"unsupported_grant_type\"}");
          return;
        }
      } else {
        var credentials = Exchanges.basicCredentials(exchange);
        if (credentials.isPresent()) {
          account = checkUser(credentials.get()[0], credentials.get()[1]);
          if (account == null) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"token\"");
            reply(
                exchange,
                method,
                null,
                scopes,
                401,
                Json.errors("UNAUTHORIZED", "bad credentials"));
            return;
          }
        } else if (!anonymous) {
          exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"token\"");
          reply(
              exchange,
              method,
              null,
              scopes,
              401,
              Json.errors("UNAUTHORIZED", "credentials required"));
          return;
        }
      }
      Instant now = Instant.now();
      String token = jwt(account == null ? "" : account, scopes, now);
      Map<String, String> body = new LinkedHashMap<>();
      if ("GET".equals(method)) {
        body.put("token", Json.quote(token));
      }
      body.put("access_token", Json.quote(token));
      body.put("expires_in", Long.toString(lifetime.toSeconds()));
      body.put("issued_at", Json.quote(now.toString()));
      if (refresh) {
        String refreshToken = UUID.randomUUID().toString();
        refreshTokens.put(refreshToken, account);
        body.put("refresh_token", Json.quote(refreshToken));
      }
      reply(exchange, method, account, scopes, 200, Json.object(body));
    }
  }

  private String checkUser(String user, String password) {
    return user != null && password != null && password.equals(users.get(user)) ? user : null;
  }

  private void reply(
      HttpExchange exchange,
      String method,
      String account,
      List<Scope> scopes,
      int status,
      String json)
      throws IOException {
    requests.add(new TokenRequest(method, account, scopes, status));
    Exchanges.sendJson(exchange, status, json);
  }

  private String jwt(String subject, List<Scope> scopes, Instant now) {
    Map<String, String> header = new LinkedHashMap<>();
    header.put("typ", Json.quote("JWT"));
    header.put("alg", Json.quote("RS256"));
    if (keyIdHeader) {
      header.put("kid", Json.quote(identity.libtrustKeyId()));
    } else {
      header.put("x5c", Json.array(List.of(Base64.getEncoder().encodeToString(identity.der()))));
    }
    List<String> access = new ArrayList<>();
    for (Scope scope : scopes) {
      Map<String, String> entry = new LinkedHashMap<>();
      entry.put("type", Json.quote(scope.type()));
      entry.put("name", Json.quote(scope.name()));
      entry.put("actions", Json.array(scope.actions()));
      access.add(Json.object(entry));
    }
    Map<String, String> claims = new LinkedHashMap<>();
    claims.put("iss", Json.quote(issuer));
    claims.put("sub", Json.quote(subject));
    claims.put("aud", Json.quote(service));
    claims.put("exp", Long.toString(now.plus(lifetime).getEpochSecond()));
    claims.put("nbf", Long.toString(now.minusSeconds(5).getEpochSecond()));
    claims.put("iat", Long.toString(now.getEpochSecond()));
    claims.put("jti", Json.quote(UUID.randomUUID().toString()));
    claims.put("access", "[" + String.join(",", access) + "]");
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String signingInput =
        b64.encodeToString(Json.object(header).getBytes(StandardCharsets.UTF_8))
            + "."
            + b64.encodeToString(Json.object(claims).getBytes(StandardCharsets.UTF_8));
    try {
      Signature signer = Signature.getInstance("SHA256withRSA");
      signer.initSign(identity.keyPair().getPrivate());
      signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + b64.encodeToString(signer.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not sign a token", e);
    }
  }

  /** Options of a {@link TokenIssuer}. */
  public static final class Builder {
    private String service = DEFAULT_SERVICE;
    private String issuer = DEFAULT_ISSUER;
    private final Map<String, String> users = new LinkedHashMap<>();
    private boolean anonymous = true;
    private boolean keyIdHeader;
    private Duration lifetime = Duration.ofMinutes(5);

    private Builder() {}

    /** The service name (default {@link #DEFAULT_SERVICE}). */
    public Builder service(String service) {
      this.service = service;
      return this;
    }

    /** The issuer name (default {@link #DEFAULT_ISSUER}). */
    public Builder issuer(String issuer) {
      this.issuer = issuer;
      return this;
    }

    /** Adds a user the endpoint accepts (Basic on GET, {@code grant_type=password} on POST). */
    public Builder user(String name, String password) {
      users.put(name, password);
      return this;
    }

    /** Whether a GET without credentials gets a token (default true). */
    public Builder anonymous(boolean allowed) {
      this.anonymous = allowed;
      return this;
    }

    /** Send the libtrust {@code kid} instead of the {@code x5c} certificate chain. */
    public Builder keyIdHeader() {
      this.keyIdHeader = true;
      return this;
    }

    /** The tokens' lifetime and {@code expires_in} (default 5 minutes). */
    public Builder lifetime(Duration lifetime) {
      this.lifetime = lifetime;
      return this;
    }

    /** Starts the issuer. */
    public TokenIssuer start() throws IOException {
      return new TokenIssuer(this);
    }
  }
}
