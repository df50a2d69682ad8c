package dev.soci.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.core.registry.Stub.Req;
import dev.soci.core.registry.Stub.Resp;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciJson;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Response handling of {@link Repository} against scripted stub servers on loopback. */
class RepositoryHttpTest {
  private Stub stub;

  @BeforeEach
  void start() throws Exception {
    stub = new Stub();
  }

  @AfterEach
  void stop() {
    stub.close();
  }

  private Registry.Builder builder() {
    return Registry.builder()
        .anonymous()
        .backoff(Duration.ofMillis(1), Duration.ofMillis(5))
        .readTimeout(Duration.ofSeconds(10));
  }

  private Repository repo(Registry registry) {
    return registry.repository(ImageReference.parse(stub.host() + "/team/app:latest"));
  }

  private Repository repo() {
    return repo(builder().build());
  }

  private static byte[] manifestBytes() {
    ImageManifest m =
        new ImageManifest(
            2,
            MediaTypes.OCI_MANIFEST,
            "",
            Descriptor.ofContent(MediaTypes.OCI_CONFIG, "{}".getBytes(StandardCharsets.UTF_8)),
            List.of(),
            null,
            null);
    return OciJson.encode(m);
  }

  private static byte[] readAll(InputStream in) throws Exception {
    try (in) {
      return in.readAllBytes();
    }
  }

  // ------------------------------------------------------------------ manifests

  @Test
  void getsManifestWithFullAcceptAndCheckedDigest() throws Exception {
    byte[] m = manifestBytes();
    Digest d = Digest.sha256(m);
    stub.handler =
        r ->
            new Resp(200)
                .header("Content-Type", MediaTypes.OCI_MANIFEST)
                .header("Docker-Content-Digest", d.toString())
                .body(m);
    FetchedManifest f = repo().getManifest("v1");
    assertThat(f.content()).isEqualTo(m);
    assertThat(f.descriptor()).isEqualTo(Descriptor.of(MediaTypes.OCI_MANIFEST, d, m.length));
    Req req = stub.requests.get(0);
    assertThat(req.path()).isEqualTo("/v2/team/app/manifests/v1");
    assertThat(req.header("Accept"))
        .contains(
            MediaTypes.OCI_MANIFEST,
            MediaTypes.OCI_INDEX,
            MediaTypes.DOCKER_MANIFEST,
            MediaTypes.DOCKER_MANIFEST_LIST);
    assertThat(repo().getManifest(d.toString()).descriptor().digest()).isEqualTo(d);
  }

  @Test
  void refusesManifestsThatLieAboutTheirDigest() {
    byte[] m = manifestBytes();
    Digest other = Digest.sha256(new byte[] {1});
    stub.handler =
        r ->
            new Resp(200)
                .header("Content-Type", MediaTypes.OCI_MANIFEST)
                .header("Docker-Content-Digest", other.toString())
                .body(m);
    assertThatThrownBy(() -> repo().getManifest("v1"))
        .isInstanceOf(RegistryException.class)
        .hasMessageStartingWith(
            "tried to get manifest "
                + stub.host()
                + "/team/app:v1 (GET http://"
                + stub.host()
                + "/v2/team/app/manifests/v1) but failed because its Docker-Content-Digest is "
                + other);
    stub.handler = r -> new Resp(200).header("Content-Type", MediaTypes.OCI_MANIFEST).body(m);
    assertThatThrownBy(() -> repo().getManifest(other.toString()))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining(
            "the registry sent content whose digest is " + Digest.sha256(m) + ", not " + other);
  }

  @Test
  void capsManifestSize() {
    byte[] big = new byte[(int) Repository.MAX_MANIFEST_SIZE + 1];
    stub.handler = r -> new Resp(200).header("Content-Type", MediaTypes.OCI_MANIFEST).body(big);
    assertThatThrownBy(() -> repo().getManifest("v1"))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("larger than " + Repository.MAX_MANIFEST_SIZE);
  }

  @Test
  void reportsOciErrorsAndMissingManifests() throws Exception {
    stub.handler =
        r ->
            new Resp(404)
                .json(
                    "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\",\"detail\":{}}]}");
    assertThat(repo().headManifest("v1")).isEmpty();
    assertThatThrownBy(() -> repo().getManifest("v1"))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.status()).isEqualTo(404);
              assertThat(e.errorCode()).isEqualTo("MANIFEST_UNKNOWN");
              assertThat(e.errorMessage()).isEqualTo("manifest unknown");
              assertThat(e.method()).isEqualTo("GET");
              assertThat(e.url()).isEqualTo("http://" + stub.host() + "/v2/team/app/manifests/v1");
            })
        .hasMessageEndingWith(
            "but failed because the registry answered 404 MANIFEST_UNKNOWN: manifest unknown");
  }

  @Test
  void headManifestReadsHeaders() throws Exception {
    Digest d = Digest.sha256(manifestBytes());
    stub.handler =
        r -> {
          Resp resp =
              new Resp(200)
                  .header("Content-Type", MediaTypes.OCI_INDEX)
                  .header("Docker-Content-Digest", d.toString());
          resp.declared = 123;
          return resp;
        };
    assertThat(repo().headManifest("v1")).contains(Descriptor.of(MediaTypes.OCI_INDEX, d, 123));
  }

  // ------------------------------------------------------------------ retries

  @Test
  void retries500ThenSucceeds() throws Exception {
    byte[] m = manifestBytes();
    AtomicInteger n = new AtomicInteger();
    stub.handler =
        r ->
            n.getAndIncrement() < 2
                ? new Resp(500)
                : new Resp(200).header("Content-Type", MediaTypes.OCI_MANIFEST).body(m);
    assertThat(repo().getManifest("v1").content()).isEqualTo(m);
    assertThat(stub.requests).hasSize(3);
  }

  @Test
  void honoursRetryAfterAndGivesUpPastTheDeadline() throws Exception {
    byte[] m = manifestBytes();
    AtomicInteger n = new AtomicInteger();
    stub.handler =
        r ->
            n.getAndIncrement() == 0
                ? new Resp(429).header("Retry-After", "0")
                : new Resp(200).header("Content-Type", MediaTypes.OCI_MANIFEST).body(m);
    assertThat(repo().getManifest("v1").content()).isEqualTo(m);
    assertThat(stub.requests).hasSize(2);

    stub.requests.clear();
    stub.handler =
        r ->
            new Resp(429)
                .header("Retry-After", "3600")
                .json("{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"slow down\"}]}");
    assertThatThrownBy(() -> repo().getManifest("v1"))
        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(429))
        .hasMessageContaining("TOOMANYREQUESTS");
    assertThat(stub.requests).hasSize(1); // an hour is past the 5-minute deadline: no waiting
  }

  @Test
  void stopsAfterMaxAttempts() {
    stub.handler = r -> new Resp(503);
    assertThatThrownBy(() -> repo(builder().maxAttempts(3).build()).getManifest("v1"))
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.status()).isEqualTo(503));
    assertThat(stub.requests).hasSize(3);
  }

  @Test
  void readTimeoutEndsAStalledBody() {
    stub.handler =
        r -> {
          Resp resp =
              new Resp(200).header("Content-Type", MediaTypes.OCI_MANIFEST).body(manifestBytes());
          resp.stallMillis = 3000;
          return resp;
        };
    Repository repo = repo(builder().readTimeout(Duration.ofMillis(300)).maxAttempts(1).build());
    assertThatThrownBy(() -> repo.getManifest("v1"))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("tried to get manifest");
  }

  // ------------------------------------------------------------------ blobs

  @Test
  void resumesABlobWhoseConnectionDropsMidBody() throws Exception {
    byte[] blob = new byte[100_000];
    new java.util.Random(1).nextBytes(blob);
    Digest d = Digest.sha256(blob);
    stub.handler =
        r -> {
          String range = r.header("Range");
          if (range == null) {
            Resp resp = new Resp(200).body(blob);
            resp.dropAfter = 40_000;
            return resp;
          }
          long from = Long.parseLong(range.substring(6, range.indexOf('-')));
          byte[] rest = java.util.Arrays.copyOfRange(blob, (int) from, blob.length);
          return new Resp(206)
              .header(
                  "Content-Range", "bytes " + from + "-" + (blob.length - 1) + "/" + blob.length)
              .body(rest);
        };
    assertThat(readAll(repo().getBlob(d, blob.length))).isEqualTo(blob);
    List<Req> gets = stub.requests("GET", "/v2/team/app/blobs/");
    assertThat(gets).hasSizeGreaterThanOrEqualTo(2);
    assertThat(gets.get(1).header("Range")).matches("bytes=\\d+-");
  }

  @Test
  void wholeBlobIsVerified() {
    byte[] blob = "hello".getBytes(StandardCharsets.UTF_8);
    Digest wrong = Digest.sha256(new byte[] {9});
    stub.handler = r -> new Resp(200).body(blob);
    assertThatThrownBy(() -> readAll(repo().getBlob(wrong, blob.length)))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("digest is " + Digest.sha256(blob));
    assertThatThrownBy(() -> readAll(repo().getBlob(Digest.sha256(blob), 4)))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("5 bytes, not 4");
  }

  @Test
  void rangeReadsCheckContentRange() throws Exception {
    byte[] blob = new byte[1000];
    new java.util.Random(2).nextBytes(blob);
    Digest d = Digest.sha256(blob);
    stub.handler =
        r -> {
          String range = r.header("Range");
          String[] p = range.substring(6).split("-");
          int a = Integer.parseInt(p[0]);
          int b = Integer.parseInt(p[1]);
          return new Resp(206)
              .header("Content-Range", "bytes " + a + "-" + b + "/1000")
              .body(java.util.Arrays.copyOfRange(blob, a, b + 1));
        };
    assertThat(readAll(repo().getBlobRange(d, 100, 50)))
        .isEqualTo(java.util.Arrays.copyOfRange(blob, 100, 150));
    assertThat(stub.requests.get(0).header("Range")).isEqualTo("bytes=100-149");
    assertThat(stub.requests.get(0).header("Accept-Encoding")).isEqualTo("identity");

    // a registry that ignores ranges: the client skips to the offset
    stub.handler = r -> new Resp(200).body(blob);
    assertThat(readAll(repo().getBlobRange(d, 990, 10)))
        .isEqualTo(java.util.Arrays.copyOfRange(blob, 990, 1000));

    // a wrong range is an error, never wrong bytes
    stub.handler =
        r ->
            new Resp(206)
                .header("Content-Range", "bytes 0-49/1000")
                .body(java.util.Arrays.copyOfRange(blob, 0, 50));
    assertThatThrownBy(() -> readAll(repo().getBlobRange(d, 100, 50)))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("answered range 0-49 for bytes from 100");

    // past the end of a registry that ignores ranges: an error, not a short read
    stub.handler = r -> new Resp(200).body(blob);
    assertThatThrownBy(() -> readAll(repo().getBlobRange(d, 995, 10)))
        .isInstanceOf(RegistryException.class);
  }

  @Test
  void crossOriginRedirectGetsNoAuthorization() throws Exception {
    byte[] blob = "layer".getBytes(StandardCharsets.UTF_8);
    try (Stub storage = new Stub()) {
      storage.handler = r -> new Resp(200).body(blob);
      stub.handler =
          r -> {
            if (r.header("Authorization") == null) {
              return new Resp(401).header("WWW-Authenticate", "Basic realm=\"x\"");
            }
            return new Resp(307)
                .header("Location", storage.url() + "/bucket/blob?X-Amz-Signature=s3cr3t");
          };
      Repository repo = repo(builder().credentials("u", "p").build());
      assertThat(readAll(repo.getBlob(Digest.sha256(blob), blob.length))).isEqualTo(blob);
      assertThat(storage.requests).hasSize(1);
      assertThat(storage.requests.get(0).header("Authorization")).isNull();
      assertThat(storage.requests.get(0).query()).isEqualTo("X-Amz-Signature=s3cr3t");
    }
  }

  @Test
  void redirectLoopsAreBounded() {
    stub.handler =
        r -> new Resp(302).header("Location", "/v2/team/app/blobs/sha256:" + "0".repeat(64));
    assertThatThrownBy(() -> repo().getBlob(Digest.sha256(new byte[0]), 0))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("more than 10 redirects");
  }

  @Test
  void s3ExpiredTokenOnARedirectIsRetriedFromTheRegistry() throws Exception {
    byte[] blob = "layer".getBytes(StandardCharsets.UTF_8);
    try (Stub storage = new Stub()) {
      AtomicInteger n = new AtomicInteger();
      storage.handler =
          r ->
              n.getAndIncrement() == 0
                  ? new Resp(400)
                      .header("Content-Type", "application/xml")
                      .body(
                          "<Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message></Error>")
                  : new Resp(200).body(blob);
      stub.handler = r -> new Resp(307).header("Location", storage.url() + "/b?sig=" + n.get());
      assertThat(readAll(repo().getBlob(Digest.sha256(blob), blob.length))).isEqualTo(blob);
      assertThat(stub.requests).hasSize(2);
    }
  }

  // ------------------------------------------------------------------ auth

  @Test
  void bearerFlowFetchesOnceAndCachesPerScope() throws Exception {
    byte[] m = manifestBytes();
    try (Stub auth = new Stub()) {
      auth.handler = r -> new Resp(200).json("{\"token\":\"T1\",\"expires_in\":300}");
      stub.handler =
          r -> {
            if (!"Bearer T1".equals(r.header("Authorization"))) {
              return new Resp(401)
                  .header(
                      "WWW-Authenticate",
                      "Bearer realm=\""
                          + auth.url()
                          + "/token\",service=\"reg\",scope=\"repository:team/app:pull\"");
            }
            return new Resp(200).header("Content-Type", MediaTypes.OCI_MANIFEST).body(m);
          };
      Repository repo = repo(builder().credentials("alice", "pw").build());
      repo.getManifest("v1");
      repo.getManifest("v2");
      assertThat(auth.requests).hasSize(1);
      Req t = auth.requests.get(0);
      assertThat(t.query())
          .contains("service=reg", "scope=repository%3Ateam%2Fapp%3Apull", "account=alice");
      assertThat(t.header("Authorization"))
          .isEqualTo(Authenticator.basic(new Credentials("alice", "pw", null)));
      assertThat(stub.requests).hasSize(3); // one 401, then two authorized
    }
  }

  @Test
  void refreshesOnInvalidTokenAndEcrExpiry() throws Exception {
    byte[] m = manifestBytes();
    try (Stub auth = new Stub()) {
      AtomicInteger issued = new AtomicInteger();
      auth.handler =
          r -> new Resp(200).json("{\"access_token\":\"T" + issued.incrementAndGet() + "\"}");
      String challenge = "Bearer realm=\"" + auth.url() + "/token\",service=\"reg\"";
      AtomicInteger calls = new AtomicInteger();
      stub.handler =
          r -> {
            String a = r.header("Authorization");
            int c = calls.incrementAndGet();
            if (a == null) {
              return new Resp(401).header("WWW-Authenticate", challenge);
            }
            if (a.equals("Bearer T1")) {
              return new Resp(401)
                  .header("WWW-Authenticate", challenge + ",error=\"invalid_token\"");
            }
            if (a.equals("Bearer T2")) {
              return new Resp(403)
                  .body(
                      "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"Your authorization token has expired. Reauthenticate and try again.\"}]}");
            }
            return new Resp(200).header("Content-Type", MediaTypes.OCI_MANIFEST).body(m);
          };
      assertThat(repo().getManifest("v1").content()).isEqualTo(m);
      assertThat(issued.get()).isEqualTo(3);
    }
  }

  @Test
  void identityTokenUsesOAuthPostThenGetFallback() throws Exception {
    byte[] m = manifestBytes();
    try (Stub auth = new Stub()) {
      auth.handler =
          r -> r.method().equals("POST") ? new Resp(404) : new Resp(200).json("{\"token\":\"G\"}");
      stub.handler =
          r ->
              "Bearer G".equals(r.header("Authorization"))
                  ? new Resp(200).header("Content-Type", MediaTypes.OCI_MANIFEST).body(m)
                  : new Resp(401)
                      .header(
                          "WWW-Authenticate",
                          "Bearer realm=\"" + auth.url() + "/token\",service=\"reg\"");
      java.nio.file.Path cfg = java.nio.file.Files.createTempFile("config", ".json");
      try {
        java.nio.file.Files.writeString(
            cfg, "{\"auths\":{\"" + stub.host() + "\":{\"identitytoken\":\"RT\"}}}");
        Repository repo = repo(builder().dockerConfig(cfg).environment(Map.of()).build());
        // builder().anonymous() is overridden by nothing here: use a fresh builder without it
        repo =
            repo(
                Registry.builder()
                    .dockerConfig(cfg)
                    .environment(Map.of())
                    .backoff(Duration.ofMillis(1), Duration.ofMillis(2))
                    .build());
        assertThat(repo.getManifest("v1").content()).isEqualTo(m);
      } finally {
        java.nio.file.Files.delete(cfg);
      }
      Req post = auth.requests("POST", "/token").get(0);
      String form = new String(post.body(), StandardCharsets.UTF_8);
      assertThat(form)
          .contains(
              "grant_type=refresh_token", "refresh_token=RT", "service=reg", "client_id=soci-java");
      assertThat(auth.requests("GET", "/token")).hasSize(1);
    }
  }

  @Test
  void concurrentRequestsShareOneTokenFetch() throws Exception {
    try (Stub auth = new Stub()) {
      java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
      auth.handler =
          r -> {
            release.await(); // hold the fetch until every thread is waiting for a token
            return new Resp(200).json("{\"token\":\"T\",\"expires_in\":600}");
          };
      Authenticator authenticator =
          new Authenticator(registry -> Credentials.ANONYMOUS, java.time.Clock.systemUTC());
      Transport transport =
          new Transport(
              new Transport.Settings(
                  Duration.ofSeconds(5),
                  Duration.ofSeconds(10),
                  Duration.ofMinutes(1),
                  3,
                  Duration.ofMillis(1),
                  Duration.ofMillis(5),
                  null),
              authenticator,
              java.time.Clock.systemUTC());
      java.net.URI origin = java.net.URI.create(stub.url());
      assertThat(
              authenticator.unauthorized(
                  origin,
                  "r",
                  List.of("Bearer realm=\"" + auth.url() + "/token\",service=\"reg\""),
                  false))
          .isTrue();
      java.util.Set<String> scopes = java.util.Set.of("repository:team/app:pull");
      int n = 8;
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newFixedThreadPool(n);
      try {
        List<java.util.concurrent.Future<String>> results = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
          results.add(
              pool.submit(() -> authenticator.authorization(transport, origin, "r", scopes)));
        }
        while (auth.requests.isEmpty()) {
          Thread.sleep(5);
        }
        Thread.sleep(100); // let the other threads reach the shared fetch
        release.countDown();
        for (var f : results) {
          assertThat(f.get()).isEqualTo("Bearer T");
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(auth.requests).hasSize(1);
      // another scope set is another token
      authenticator.authorization(
          transport, origin, "r", java.util.Set.of("repository:team/app:pull,push"));
      assertThat(auth.requests).hasSize(2);
    }
  }

  @Test
  void missingCredentialsGiveAClearError() {
    stub.handler = r -> new Resp(401).header("WWW-Authenticate", "Basic realm=\"r\"");
    assertThatThrownBy(() -> repo().getManifest("v1"))
        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(401))
        .hasMessageContaining("authentication required");
  }

  // ------------------------------------------------------------------ uploads

  @Test
  void monolithicUploadKeepsTheLocationQuery() throws Exception {
    byte[] blob = "some layer bytes".getBytes(StandardCharsets.UTF_8);
    Digest d = Digest.sha256(blob);
    stub.handler =
        r -> {
          if (r.method().equals("POST")) {
            return new Resp(202).header("Location", "/v2/team/app/blobs/uploads/u1?_state=abc");
          }
          if (r.method().equals("PUT")) {
            return new Resp(201).header("Docker-Content-Digest", d.toString());
          }
          return new Resp(404);
        };
    repo().pushBlob(d, blob.length, BlobContent.of(blob));
    Req put = stub.requests("PUT", "/v2/team/app/blobs/uploads/u1").get(0);
    assertThat(put.query()).isEqualTo("_state=abc&digest=" + d.toString().replace(":", "%3A"));
    assertThat(put.body()).isEqualTo(blob);
    assertThat(put.header("Content-Length")).isEqualTo(Integer.toString(blob.length));
    assertThat(put.header("Content-Range")).isNull();
    assertThat(put.header("Transfer-Encoding")).isNull();
  }

  @Test
  void uploadLocationMustStayOnTheRegistry() {
    stub.handler = r -> new Resp(202).header("Location", "http://198.51.100.1/upload?sig=secret");
    byte[] blob = {1};
    assertThatThrownBy(() -> repo().pushBlob(Digest.sha256(blob), 1, BlobContent.of(blob)))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("is not on the registry's origin")
        .hasMessageNotContaining("secret");
  }

  @Test
  void staleSessionStartsANewUpload() throws Exception {
    byte[] blob = "x".repeat(100).getBytes(StandardCharsets.UTF_8);
    Digest d = Digest.sha256(blob);
    AtomicInteger sessions = new AtomicInteger();
    stub.handler =
        r -> {
          switch (r.method()) {
            case "POST":
              return new Resp(202)
                  .header("Location", "/v2/team/app/blobs/uploads/s" + sessions.incrementAndGet());
            case "PUT":
              if (r.path().endsWith("/s1")) {
                return new Resp(404)
                    .json(
                        "{\"errors\":[{\"code\":\"BLOB_UPLOAD_UNKNOWN\",\"message\":\"blob upload unknown to registry\"}]}");
              }
              return new Resp(201);
            case "HEAD":
              return new Resp(404);
            default:
              return new Resp(405);
          }
        };
    repo().pushBlob(d, blob.length, BlobContent.of(blob));
    assertThat(sessions.get()).isEqualTo(2);
  }

  @Test
  void chunkedUploadResumesFromTheRegistryOffset() throws Exception {
    byte[] blob = new byte[10_000];
    new java.util.Random(3).nextBytes(blob);
    Digest d = Digest.sha256(blob);
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    AtomicInteger patches = new AtomicInteger();
    stub.handler =
        r -> {
          synchronized (received) {
            switch (r.method()) {
              case "POST":
                return new Resp(202).header("Location", "/v2/team/app/blobs/uploads/c?_state=0");
              case "PATCH":
                {
                  int k = patches.incrementAndGet();
                  String[] range = r.header("Content-Range").split("-");
                  long from = Long.parseLong(range[0]);
                  if (from != received.size()) {
                    return new Resp(416);
                  }
                  if (k == 2) {
                    // keep half of the chunk, then fail: the client must ask, not replay
                    received.write(r.body(), 0, r.body().length / 2);
                    return new Resp(500);
                  }
                  received.write(r.body());
                  return new Resp(202)
                      .header("Location", "/v2/team/app/blobs/uploads/c?_state=" + received.size())
                      .header("Range", "0-" + (received.size() - 1));
                }
              case "GET":
                return new Resp(204)
                    .header("Location", "/v2/team/app/blobs/uploads/c?_state=" + received.size())
                    .header("Range", "0-" + (received.size() - 1));
              case "PUT":
                return Digest.sha256(received.toByteArray()).equals(d) && r.body().length == 0
                    ? new Resp(201)
                    : new Resp(400);
              default:
                return new Resp(405);
            }
          }
        };
    repo().pushBlobChunked(d, blob.length, BlobContent.of(blob), 3000);
    assertThat(received.toByteArray()).isEqualTo(blob);
    assertThat(stub.requests("GET", "/v2/team/app/blobs/uploads/")).hasSize(1);
    assertThat(stub.requests("PUT", "/v2/").get(0).query())
        .startsWith("_state=")
        .contains("digest=");
  }

  @Test
  void mountsOrFallsBackToUpload() throws Exception {
    byte[] blob = "m".getBytes(StandardCharsets.UTF_8);
    Digest d = Digest.sha256(blob);
    stub.handler = r -> new Resp(201);
    assertThat(repo().mountBlob(d, 1, "other/repo", BlobContent.of(blob))).isTrue();
    assertThat(stub.requests.get(0).query())
        .isEqualTo("mount=" + d.toString().replace(":", "%3A") + "&from=other%2Frepo");

    stub.requests.clear();
    stub.handler =
        r ->
            r.method().equals("POST")
                ? new Resp(202).header("Location", "/v2/team/app/blobs/uploads/x")
                : new Resp(201);
    assertThat(repo().mountBlob(d, 1, "other/repo", BlobContent.of(blob))).isFalse();
    assertThat(stub.requests("PUT", "/v2/team/app/blobs/uploads/x")).hasSize(1);
  }

  @Test
  void mountAsksForAPullScopeOnTheSource() throws Exception {
    try (Stub auth = new Stub()) {
      auth.handler = r -> new Resp(200).json("{\"token\":\"T\"}");
      stub.handler =
          r ->
              r.header("Authorization") == null
                  ? new Resp(401)
                      .header(
                          "WWW-Authenticate", "Bearer realm=\"" + auth.url() + "/t\",service=\"s\"")
                  : new Resp(201);
      byte[] blob = {1};
      repo().mountBlob(Digest.sha256(blob), 1, "src/repo", BlobContent.of(blob));
      assertThat(Urls.decode(auth.requests.get(0).query()))
          .contains("scope=repository:src/repo:pull", "scope=repository:team/app:pull,push");
    }
  }

  // ------------------------------------------------------------------ tags and referrers

  @Test
  void tagsFollowLinkPagesWithinTheLimit() throws Exception {
    stub.handler =
        r -> {
          String q = r.query() == null ? "" : r.query();
          if (!q.contains("last=")) {
            return new Resp(200)
                .header("Link", "</v2/team/app/tags/list?last=b&n=2>; rel=\"next\"")
                .json("{\"name\":\"team/app\",\"tags\":[\"a\",\"b\"]}");
          }
          return new Resp(200).json("{\"name\":\"team/app\",\"tags\":[\"c\"]}");
        };
    assertThat(repo().listTags(2)).containsExactly("a", "b", "c");
    assertThat(stub.requests.get(0).query()).isEqualTo("n=2");

    stub.handler =
        r ->
            new Resp(200)
                .header("Link", "</v2/team/app/tags/list?last=x>; rel=\"next\"")
                .json("{\"tags\":[\"x\"]}");
    assertThatThrownBy(() -> repo(builder().maxPages(5).build()).listTags())
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("more than 5 pages");

    stub.handler =
        r ->
            new Resp(200)
                .header("Link", "<http://198.51.100.1/v2/x?last=a>; rel=\"next\"")
                .json("{\"tags\":[\"x\"]}");
    assertThatThrownBy(() -> repo().listTags())
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("another origin");
  }

  private static Descriptor referrer(String artifactType, int n) {
    return Descriptor.builder()
        .mediaType(MediaTypes.OCI_MANIFEST)
        .digest(Digest.sha256(new byte[] {(byte) n}))
        .size(10 + n)
        .artifactType(artifactType)
        .build();
  }

  @Test
  void referrersApiFiltersClientSideAndPages() throws Exception {
    Digest subject = Digest.sha256(manifestBytes());
    ImageIndex p1 =
        ImageIndex.of(
            MediaTypes.OCI_INDEX,
            List.of(referrer(MediaTypes.SOCI_INDEX_V1, 1), referrer("other", 2)));
    ImageIndex p2 =
        ImageIndex.of(MediaTypes.OCI_INDEX, List.of(referrer(MediaTypes.SOCI_INDEX_V1, 3)));
    stub.handler =
        r -> {
          if (r.query() != null && r.query().contains("page=2")) {
            return new Resp(200)
                .header("Content-Type", MediaTypes.OCI_INDEX)
                .body(OciJson.encode(p2));
          }
          return new Resp(200)
              .header("Content-Type", MediaTypes.OCI_INDEX)
              .header("Link", "</v2/team/app/referrers/" + subject + "?page=2>; rel=\"next\"")
              .body(OciJson.encode(p1));
        };
    assertThat(repo().referrers(subject, MediaTypes.SOCI_INDEX_V1))
        .containsExactly(
            referrer(MediaTypes.SOCI_INDEX_V1, 1), referrer(MediaTypes.SOCI_INDEX_V1, 3));
    assertThat(Urls.decode(stub.requests.get(0).query()))
        .isEqualTo("artifactType=" + MediaTypes.SOCI_INDEX_V1);

    // with OCI-Filters-Applied the registry's answer is taken as it is
    stub.handler =
        r ->
            new Resp(200)
                .header("Content-Type", MediaTypes.OCI_INDEX)
                .header("OCI-Filters-Applied", "artifactType")
                .body(OciJson.encode(p1));
    assertThat(repo().referrers(subject, MediaTypes.SOCI_INDEX_V1)).hasSize(2);
  }

  @Test
  void referrersFallBackToTheTagWhenTheApiIsMissing() throws Exception {
    Digest subject = Digest.sha256(manifestBytes());
    ImageIndex fallback =
        ImageIndex.of(
            MediaTypes.OCI_INDEX, List.of(referrer(MediaTypes.SOCI_INDEX_V1, 1), referrer("x", 2)));
    stub.handler =
        r -> {
          if (r.path().startsWith("/v2/team/app/referrers/")) {
            return new Resp(404).body("404 page not found\n");
          }
          if (r.path().equals("/v2/team/app/manifests/sha256-" + subject.hex())) {
            return new Resp(200)
                .header("Content-Type", MediaTypes.OCI_INDEX)
                .body(OciJson.encode(fallback));
          }
          return new Resp(404);
        };
    Repository repo = repo();
    assertThat(repo.referrers(subject, MediaTypes.SOCI_INDEX_V1))
        .containsExactly(referrer(MediaTypes.SOCI_INDEX_V1, 1));
    assertThat(repo.referrers(subject, null)).hasSize(2);
    // the API is known to be missing: asked once only
    assertThat(stub.requests("GET", "/v2/team/app/referrers/")).hasSize(1);

    // NAME_UNKNOWN: the repository is missing, which says nothing about the API
    stub.requests.clear();
    stub.handler =
        r ->
            new Resp(404)
                .json(
                    "{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"repository name not known to registry\"}]}");
    Repository fresh = repo();
    assertThat(fresh.referrers(subject, null)).isEmpty();
    assertThat(fresh.referrers(subject, null)).isEmpty();
    assertThat(stub.requests("GET", "/v2/team/app/referrers/")).hasSize(2);
  }

  @Test
  void pushingAReferrerWithoutOciSubjectUpdatesTheFallbackTag() throws Exception {
    byte[] image = manifestBytes();
    Descriptor subject = Descriptor.ofContent(MediaTypes.OCI_MANIFEST, image);
    Descriptor existing = referrer("other", 7);
    ImageManifest soci =
        new ImageManifest(
            2,
            MediaTypes.OCI_MANIFEST,
            MediaTypes.SOCI_INDEX_V1,
            Descriptor.ofContent(MediaTypes.OCI_EMPTY, "{}".getBytes(StandardCharsets.UTF_8)),
            List.of(),
            subject,
            Map.of("k", "v"));
    byte[] sociBytes = OciJson.encode(soci);
    String tag = "sha256-" + subject.digest().hex();
    stub.handler =
        r -> {
          if (r.method().equals("GET") && r.path().endsWith("/manifests/" + tag)) {
            return new Resp(200)
                .header("Content-Type", MediaTypes.OCI_INDEX)
                .body(OciJson.encode(ImageIndex.of(MediaTypes.OCI_INDEX, List.of(existing))));
          }
          if (r.method().equals("PUT")) {
            return new Resp(201);
          }
          return new Resp(404);
        };
    Descriptor pushed =
        repo().putManifest(Digest.sha256(sociBytes).toString(), MediaTypes.OCI_MANIFEST, sociBytes);
    List<Req> puts = stub.requests("PUT", "/v2/team/app/manifests/");
    assertThat(puts).hasSize(2);
    assertThat(puts.get(1).path()).endsWith("/manifests/" + tag);
    ImageIndex written = OciJson.decoder().decodeIndex(puts.get(1).body(), "fallback");
    assertThat(written.manifests())
        .containsExactly(
            existing,
            Descriptor.builder()
                .mediaType(MediaTypes.OCI_MANIFEST)
                .digest(pushed.digest())
                .size(pushed.size())
                .artifactType(MediaTypes.SOCI_INDEX_V1)
                .annotations(Map.of("k", "v"))
                .build());
    assertThat(stub.requests("DELETE", "/")).isEmpty();

    // with OCI-Subject the registry indexes it: no fallback tag
    stub.requests.clear();
    stub.handler = r -> new Resp(201).header("OCI-Subject", subject.digest().toString());
    repo().putManifest("x", MediaTypes.OCI_MANIFEST, sociBytes);
    assertThat(stub.requests).hasSize(1);
  }
}
