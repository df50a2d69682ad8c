package dev.soci.core.registry.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The three setups of {@link RegistryProcess} start, authenticate as configured, and clean up. */
class RegistryProcessTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void registryInstalled() {
    RegistryProcess.assumeAvailable();
  }

  @Test
  void plainRegistryAcceptsAnonymousPushAndServesStoredBytesFromStorageRoot() throws Exception {
    Path directory;
    try (RegistryProcess registry = RegistryProcess.startPlain()) {
      directory = registry.storageRoot().getParent();
      assertThat(get(registry.baseUri().resolve("/v2/"), null).statusCode()).isEqualTo(200);
      byte[] blob = "hello registry".getBytes(StandardCharsets.UTF_8);
      String digest = sha256(blob);
      HttpResponse<String> post =
          HTTP.send(
              HttpRequest.newBuilder(registry.baseUri().resolve("/v2/test/blobs/uploads/"))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(202);
      URI location =
          registry.baseUri().resolve(post.headers().firstValue("Location").orElseThrow());
      String sep = location.getRawQuery() == null ? "?" : "&";
      HttpResponse<String> put =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(location + sep + "digest=" + digest))
                  .header("Content-Type", "application/octet-stream")
                  .PUT(HttpRequest.BodyPublishers.ofByteArray(blob))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(put.statusCode()).isEqualTo(201);
      assertThat(Files.readAllBytes(registry.blobData(digest))).isEqualTo(blob);

      registry.flipByte(digest, 0);
      HttpResponse<byte[]> got =
          HTTP.send(
              HttpRequest.newBuilder(registry.baseUri().resolve("/v2/test/blobs/" + digest))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(got.statusCode()).isEqualTo(200);
      assertThat(got.body()[0]).isEqualTo((byte) ~blob[0]);
    }
    assertThat(directory).doesNotExist();
  }

  @Test
  void basicAuthRegistryRefusesAnonymousAndAcceptsItsUser() throws Exception {
    try (RegistryProcess registry = RegistryProcess.startWithBasicAuth("alice", "s3cret pass")) {
      HttpResponse<String> anonymous = get(registry.baseUri().resolve("/v2/"), null);
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
      String authorization = registry.authorization(List.of()).orElseThrow();
      assertThat(get(registry.baseUri().resolve("/v2/"), authorization).statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void tokenAuthRegistryTrustsX5cTokensFromTheIssuerRealm() throws Exception {
    try (TokenIssuer issuer = TokenIssuer.builder().user("bob", "pw").start();
        RegistryProcess registry = RegistryProcess.startWithTokenAuth(issuer)) {
      assertTokenFlowWorks(registry, issuer);
    }
  }

  @Test
  void tokenAuthRegistryTrustsLibtrustKeyIdTokens() throws Exception {
    try (TokenIssuer issuer = TokenIssuer.builder().keyIdHeader().start();
        RegistryProcess registry = RegistryProcess.startWithTokenAuth(issuer)) {
      assertTokenFlowWorks(registry, issuer);
    }
  }

  private static void assertTokenFlowWorks(RegistryProcess registry, TokenIssuer issuer)
      throws Exception {
    URI tags = registry.baseUri().resolve("/v2/some/repo/tags/list");
    HttpResponse<String> challenge = get(tags, null);
    assertThat(challenge.statusCode()).isEqualTo(401);
    String header = challenge.headers().firstValue("WWW-Authenticate").orElseThrow();
    assertThat(header)
        .startsWith("Bearer ")
        .contains("realm=\"" + issuer.realm() + "\"")
        .contains("service=\"" + issuer.service() + "\"")
        .contains("scope=\"repository:some/repo:pull\"");
    HttpResponse<String> token =
        get(
            URI.create(
                issuer.realm()
                    + "?service="
                    + issuer.service()
                    + "&scope=repository:some/repo:pull"),
            null);
    assertThat(token.statusCode()).isEqualTo(200);
    String jwt = token.body().replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
    // 404 NAME_UNKNOWN proves the token passed verification (a bad token gives 401).
    HttpResponse<String> authorized = get(tags, "Bearer " + jwt);
    assertThat(authorized.statusCode()).as(authorized.body() + registry.log()).isEqualTo(404);
    assertThat(authorized.body()).contains("NAME_UNKNOWN");
    // A token without the needed scope is refused.
    String wrongScope = issuer.issue("x", List.of(Scope.parse("repository:other:pull")));
    assertThat(get(tags, "Bearer " + wrongScope).statusCode()).isEqualTo(401);
    assertThat(issuer.requests()).extracting(TokenIssuer.TokenRequest::status).containsExactly(200);
  }

  private static HttpResponse<String> get(URI uri, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri);
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String sha256(byte[] data) throws Exception {
    return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }
}
