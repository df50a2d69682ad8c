package dev.soci.core.registry.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each fault of {@link FakeRegistry}, its authentication and its request log, seen through raw
 * {@code java.net.http} requests (the conformance of its normal behaviour is {@code
 * DistributionContractTest}'s).
 */
class FakeRegistryTest {
  private static final String REPO = "test/app";
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private FakeRegistry registry;

  @AfterEach
  void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  private FakeRegistry plain() throws IOException {
    registry = FakeRegistry.start();
    return registry;
  }

  // --- https ---

  @Test
  void httpsModeServesOverTlsToClientsTrustingItsCertificate() throws Exception {
    registry = FakeRegistry.builder().https().start();
    String digest = registry.putBlob(REPO, bytes(100));
    assertThat(registry.baseUri().getScheme()).isEqualTo("https");
    assertThat(registry.blobHostUri().getScheme()).isEqualTo("https");
    assertThat(registry.certificatePem()).startsWith("-----BEGIN CERTIFICATE-----");
    HttpClient trusting =
        HttpClient.newBuilder()
            .sslContext(registry.clientSslContext())
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    HttpResponse<byte[]> r =
        trusting.send(
            HttpRequest.newBuilder(blob(digest)).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(bytes(100));
    // the certificate names 127.0.0.1 (checked by the client) but no public CA vouches for it
    assertThatThrownBy(() -> get(blob(digest))).isInstanceOf(javax.net.ssl.SSLException.class);
    assertThat(registry.requests()).hasSize(1);
  }

  @Test
  void plainModeHasNoTlsContext() throws Exception {
    plain();
    assertThat(registry.baseUri().getScheme()).isEqualTo("http");
    assertThatThrownBy(() -> registry.clientSslContext()).isInstanceOf(IllegalStateException.class);
  }

  // --- faults ---

  @Test
  void statusFaultAnswersOnceThenTheRegistryServes() throws Exception {
    String digest = plain().putBlob(REPO, bytes(100));
    FaultRule rule = registry.inject(RequestMatcher.blobGet(), Fault.status(500));
    HttpResponse<byte[]> first = get(blob(digest));
    assertThat(first.statusCode()).isEqualTo(500);
    assertThat(body(first)).contains("\"code\":\"UNKNOWN\"");
    HttpResponse<byte[]> second = get(blob(digest));
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.body()).isEqualTo(bytes(100));
    assertThat(rule.hits()).isEqualTo(1);
    assertThat(rule.active()).isFalse();
    assertThat(registry.requests(RequestMatcher.blobGet()))
        .extracting(RecordedRequest::status, RecordedRequest::fault)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(500, "status 500"),
            org.assertj.core.groups.Tuple.tuple(200, null));
  }

  @Test
  void faultsApplyOnlyToMatchingRequestsAndForAsManyTimesAsAsked() throws Exception {
    String digest = plain().putBlob(REPO, bytes(10));
    registry.putManifest(REPO, "v1", FakeRegistry.OCI_INDEX, emptyIndex());
    FaultRule rule = registry.inject(RequestMatcher.blobGet(), Fault.status(503), 2);
    assertThat(get(manifest("v1")).statusCode()).isEqualTo(200);
    assertThat(get(blob(digest)).statusCode()).isEqualTo(503);
    assertThat(get(blob(digest)).statusCode()).isEqualTo(503);
    assertThat(get(blob(digest)).statusCode()).isEqualTo(200);
    assertThat(rule.hits()).isEqualTo(2);

    FaultRule always =
        registry.inject(RequestMatcher.manifestGet(), Fault.status(502), FaultRule.ALWAYS);
    for (int i = 0; i < 5; i++) {
      assertThat(get(manifest("v1")).statusCode()).isEqualTo(502);
    }
    always.cancel();
    assertThat(get(manifest("v1")).statusCode()).isEqualTo(200);
  }

  @Test
  void tooManyRequestsCarriesRetryAfter() throws Exception {
    String digest = plain().putBlob(REPO, bytes(10));
    registry.inject(RequestMatcher.blobGet(), Fault.tooManyRequests("3"));
    HttpResponse<byte[]> throttled = get(blob(digest));
    assertThat(throttled.statusCode()).isEqualTo(429);
    assertThat(throttled.headers().firstValue("Retry-After")).hasValue("3");
    assertThat(body(throttled)).contains("TOOMANYREQUESTS");
    assertThat(get(blob(digest)).statusCode()).isEqualTo(200);
  }

  @Test
  void droppedBodyEndsInAnIOExceptionAfterPartOfTheBytes() throws Exception {
    byte[] content = bytes(64 * 1024);
    String digest = plain().putBlob(REPO, content);
    registry.inject(RequestMatcher.blobGet(), Fault.dropAfter(1000));
    HttpResponse<InputStream> response =
        http.send(request(blob(digest)).build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Length"))
        .hasValue(Integer.toString(content.length));
    byte[] buffer = new byte[content.length];
    int received = 0;
    try (InputStream in = response.body()) {
      assertThatThrownBy(
              () -> {
                int total = 0;
                for (int n; (n = in.read(buffer, total, buffer.length - total)) > 0; ) {
                  total += n;
                }
              })
          .isInstanceOf(IOException.class);
    }
    for (int i = 0; i < buffer.length && buffer[i] == content[i]; i++) {
      received = i + 1;
    }
    assertThat(received).isGreaterThanOrEqualTo(1000);
    assertThat(registry.requests(RequestMatcher.blobGet()).get(0).fault())
        .isEqualTo("drop after 1000 bytes");
    // The next request is served whole.
    assertThat(get(blob(digest)).body()).isEqualTo(content);
  }

  @Test
  void dropMidBodyCutsARangedResponseToo() throws Exception {
    String digest = plain().putBlob(REPO, bytes(10_000));
    registry.inject(RequestMatcher.blobGet(), Fault.dropMidBody());
    assertThatThrownBy(() -> get(blob(digest), "Range", "bytes=0-3999"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("4000");
  }

  @Test
  void disconnectClosesTheConnectionWithoutAStatus() throws Exception {
    String digest = plain().putBlob(REPO, bytes(10));
    // java.net.http itself retries a GET or HEAD once when the connection closes before a
    // status: a client sees the failure only when it happens twice in a row.
    registry.inject(RequestMatcher.blobHead(), Fault.disconnect(), 2);
    assertThatThrownBy(() -> send("HEAD", blob(digest), null)).isInstanceOf(IOException.class);
    assertThat(registry.requests(RequestMatcher.blobHead()))
        .extracting(RecordedRequest::status)
        .containsExactly(-1, -1);
    assertThat(send("HEAD", blob(digest), null).statusCode()).isEqualTo(200);
  }

  @Test
  void disconnectAfterServingStoresTheChunkButLosesTheAnswer() throws Exception {
    plain();
    URI location = startUpload();
    registry.inject(RequestMatcher.uploadPatch(), Fault.disconnectAfterServing());
    // PATCH is not idempotent: java.net.http does not retry it, the client sees the failure.
    assertThatThrownBy(() -> send("PATCH", location, bytes(10), "Content-Range", "0-9"))
        .isInstanceOf(IOException.class);
    // The chunk was taken: the session's status says so, with a fresh Location.
    String path = location.getPath();
    HttpResponse<byte[]> status = send("GET", registry.baseUri().resolve(path), null);
    assertThat(status.statusCode()).isEqualTo(204);
    assertThat(status.headers().firstValue("Range")).hasValue("0-9");
    assertThat(status.headers().firstValue("Location").orElseThrow()).startsWith(path + "?_state=");
  }

  @Test
  void absoluteLocationsAreFullUrlsAsDistributionSendsThem() throws Exception {
    registry = FakeRegistry.builder().absoluteLocations(true).start();
    HttpResponse<byte[]> post =
        send("POST", registry.baseUri().resolve("/v2/" + REPO + "/blobs/uploads/"), new byte[0]);
    assertThat(post.headers().firstValue("Location").orElseThrow())
        .startsWith(registry.baseUri() + "/v2/" + REPO + "/blobs/uploads/");
  }

  @Test
  void delayOutlastsAShortClientTimeout() throws Exception {
    String digest = plain().putBlob(REPO, bytes(10));
    registry.inject(RequestMatcher.blobGet(), Fault.delay(Duration.ofSeconds(2)));
    HttpRequest request = request(blob(digest)).timeout(Duration.ofMillis(200)).build();
    assertThatThrownBy(() -> http.send(request, HttpResponse.BodyHandlers.ofByteArray()))
        .isInstanceOf(HttpTimeoutException.class);
  }

  @Test
  void staleUploadSessionIsUnknownAtTheNextPatch() throws Exception {
    plain();
    URI location = startUpload();
    assertThat(registry.uploadsInProgress()).isEqualTo(1);
    registry.inject(RequestMatcher.uploadPatch(), Fault.staleUpload());
    HttpResponse<byte[]> patch = send("PATCH", location, bytes(10), "Content-Range", "0-9");
    assertThat(patch.statusCode()).isEqualTo(404);
    assertThat(body(patch)).contains("BLOB_UPLOAD_UNKNOWN");
    assertThat(registry.uploadsInProgress()).isZero();
  }

  @Test
  void uploadSessionRefusesAStaleStateAsDistributionDoes() throws Exception {
    plain();
    URI location = startUpload();
    HttpResponse<byte[]> first = send("PATCH", location, bytes(10), "Content-Range", "0-9");
    assertThat(first.statusCode()).isEqualTo(202);
    // Reusing the first Location (its _state is now stale) ends the session.
    HttpResponse<byte[]> replay = send("PATCH", location, bytes(10), "Content-Range", "10-19");
    assertThat(replay.statusCode()).isEqualTo(400);
    assertThat(body(replay)).contains("BLOB_UPLOAD_INVALID");
    assertThat(registry.uploadsInProgress()).isZero();
  }

  @Test
  void expireUploadsForgetsEverySession() throws Exception {
    plain();
    URI location = startUpload();
    registry.expireUploads();
    assertThat(send("GET", location, null).statusCode()).isEqualTo(404);
  }

  @Test
  void crossOriginRedirectLeadsToABlobHostThatRecordsAuthorization() throws Exception {
    registry = FakeRegistry.builder().basicAuth("u", "p").start();
    byte[] content = bytes(5000);
    String digest = registry.putBlob(REPO, content);
    registry.inject(RequestMatcher.blobGet(), Fault.redirectToBlobHost(), FaultRule.ALWAYS);
    String authorization = registry.authorization(List.of()).orElseThrow();

    HttpResponse<byte[]> redirect = get(blob(digest), "Authorization", authorization);
    assertThat(redirect.statusCode()).isEqualTo(307);
    URI target = URI.create(redirect.headers().firstValue("Location").orElseThrow());
    assertThat(target.getPort())
        .isEqualTo(registry.blobHostUri().getPort())
        .isNotEqualTo(registry.port());
    assertThat(target.getRawQuery())
        .contains("X-Amz-Signature=" + FakeRegistry.PRESIGNED_SIGNATURE);

    // A well-behaved client follows without Authorization; the blob host serves ranges too.
    HttpResponse<byte[]> whole = send("GET", target, null);
    assertThat(whole.body()).isEqualTo(content);
    HttpResponse<byte[]> range = send("GET", target, null, "Range", "bytes=10-19");
    assertThat(range.statusCode()).isEqualTo(206);
    assertThat(range.body()).isEqualTo(Arrays.copyOfRange(content, 10, 20));
    // A leaking one is seen.
    send("GET", target, null, "Authorization", authorization);
    assertThat(registry.requests(RequestMatcher.blobHost()))
        .extracting(r -> r.header("Authorization").isPresent())
        .containsExactly(false, false, true);
  }

  @Test
  void redirectFaultSendsAnyLocation() throws Exception {
    String digest = plain().putBlob(REPO, bytes(10));
    registry.inject(RequestMatcher.blobGet(), Fault.redirect(302, blob(digest).getPath()), 3);
    HttpResponse<byte[]> response = get(blob(digest));
    assertThat(response.statusCode()).isEqualTo(302);
    assertThat(response.headers().firstValue("Location")).hasValue(blob(digest).getPath());
  }

  @Test
  void s3ExpiredTokenIsAnXmlBadRequestOnTheBlobHost() throws Exception {
    String digest = plain().putBlob(REPO, bytes(10));
    registry.inject(RequestMatcher.blobGet(), Fault.redirectToBlobHost());
    registry.inject(RequestMatcher.blobHost(), Fault.s3ExpiredToken());
    URI target = URI.create(get(blob(digest)).headers().firstValue("Location").orElseThrow());
    HttpResponse<byte[]> expired = send("GET", target, null);
    assertThat(expired.statusCode()).isEqualTo(400);
    assertThat(expired.headers().firstValue("Content-Type")).hasValue("application/xml");
    assertThat(body(expired)).contains("<Code>ExpiredToken</Code>");
    assertThat(send("GET", target, null).statusCode()).isEqualTo(200);
  }

  @Test
  void ecrTokenExpiredIs403Denied() throws Exception {
    plain().putManifest(REPO, "v1", FakeRegistry.OCI_INDEX, emptyIndex());
    registry.inject(RequestMatcher.manifestGet(), Fault.ecrTokenExpired());
    HttpResponse<byte[]> denied = get(manifest("v1"));
    assertThat(denied.statusCode()).isEqualTo(403);
    assertThat(body(denied)).contains("DENIED").contains("Your authorization token has expired");
  }

  @Test
  void ignoreRangeAnswers200WithTheWholeBlob() throws Exception {
    byte[] content = bytes(3000);
    String digest = plain().putBlob(REPO, content);
    registry.inject(RequestMatcher.blobGet(), Fault.ignoreRange());
    HttpResponse<byte[]> ignored = get(blob(digest), "Range", "bytes=100-199");
    assertThat(ignored.statusCode()).isEqualTo(200);
    assertThat(ignored.headers().firstValue("Content-Range")).isEmpty();
    assertThat(ignored.body()).isEqualTo(content);
    HttpResponse<byte[]> honoured = get(blob(digest), "Range", "bytes=100-199");
    assertThat(honoured.statusCode()).isEqualTo(206);
    assertThat(honoured.body()).isEqualTo(Arrays.copyOfRange(content, 100, 200));
  }

  @Test
  void corruptBodyGivesWrongBytesOnceOrAlways() throws Exception {
    byte[] content = bytes(3000);
    String digest = plain().putBlob(REPO, content);
    byte[] wanted = Arrays.copyOfRange(content, 1000, 2000);
    registry.inject(RequestMatcher.blobGet(), Fault.corruptBody());
    HttpResponse<byte[]> wrong = get(blob(digest), "Range", "bytes=1000-1999");
    assertThat(wrong.statusCode()).isEqualTo(206);
    assertThat(wrong.body()).hasSize(1000).isNotEqualTo(wanted);
    assertThat(get(blob(digest), "Range", "bytes=1000-1999").body()).isEqualTo(wanted);

    registry.inject(RequestMatcher.blobGet(), Fault.corruptBody(), FaultRule.ALWAYS);
    for (int i = 0; i < 3; i++) {
      assertThat(get(blob(digest), "Range", "bytes=1000-1999").body()).isNotEqualTo(wanted);
    }
  }

  @Test
  void foreignUploadLocationPointsAtAnotherOrigin() throws Exception {
    plain();
    registry.inject(RequestMatcher.uploadStart(), Fault.foreignUploadLocation());
    HttpResponse<byte[]> post =
        send("POST", registry.baseUri().resolve("/v2/" + REPO + "/blobs/uploads/"), new byte[0]);
    assertThat(post.statusCode()).isEqualTo(202);
    assertThat(post.headers().firstValue("Location").orElseThrow())
        .startsWith(registry.blobHostUri() + "/v2/" + REPO + "/blobs/uploads/");
  }

  // --- bearer authentication ---

  @Test
  void bearerTokenExpiringMidSequenceIsRefusedWithInvalidToken() throws Exception {
    registry = FakeRegistry.builder().bearerAuth().start();
    String digest = registry.putBlob(REPO, bytes(10));
    HttpResponse<byte[]> challenge = get(blob(digest));
    assertThat(challenge.statusCode()).isEqualTo(401);
    String header = challenge.headers().firstValue("WWW-Authenticate").orElseThrow();
    assertThat(header)
        .isEqualTo(
            "Bearer realm=\""
                + registry.realm()
                + "\",service=\""
                + FakeRegistry.SERVICE
                + "\",scope=\"repository:"
                + REPO
                + ":pull\"");
    String token = fetchToken("repository:" + REPO + ":pull");
    assertThat(get(blob(digest), "Authorization", "Bearer " + token).statusCode()).isEqualTo(200);

    registry.inject(RequestMatcher.blobGet(), Fault.expireTokens());
    HttpResponse<byte[]> expired = get(blob(digest), "Authorization", "Bearer " + token);
    assertThat(expired.statusCode()).isEqualTo(401);
    assertThat(expired.headers().firstValue("WWW-Authenticate").orElseThrow())
        .contains("error=\"invalid_token\"");
    String fresh = fetchToken("repository:" + REPO + ":pull");
    assertThat(get(blob(digest), "Authorization", "Bearer " + fresh).statusCode()).isEqualTo(200);
  }

  @Test
  void bearerTokenWithoutTheNeededScopeIsInsufficient() throws Exception {
    registry = FakeRegistry.builder().bearerAuth().start();
    String digest = registry.putBlob("other/repo", bytes(10));
    String pullOnly = fetchToken("repository:" + REPO + ":pull");
    HttpResponse<byte[]> push =
        send(
            "POST",
            registry.baseUri().resolve("/v2/" + REPO + "/blobs/uploads/"),
            new byte[0],
            "Authorization",
            "Bearer " + pullOnly);
    assertThat(push.statusCode()).isEqualTo(401);
    assertThat(push.headers().firstValue("WWW-Authenticate").orElseThrow())
        .contains("scope=\"repository:" + REPO + ":pull,push\"")
        .contains("error=\"insufficient_scope\"");
    // A mount also needs pull on its source, named in the challenge.
    String pushOnly = fetchToken("repository:" + REPO + ":pull,push");
    HttpResponse<byte[]> mount =
        send(
            "POST",
            registry
                .baseUri()
                .resolve("/v2/" + REPO + "/blobs/uploads/?mount=" + digest + "&from=other/repo"),
            new byte[0],
            "Authorization",
            "Bearer " + pushOnly);
    assertThat(mount.statusCode()).isEqualTo(401);
    assertThat(mount.headers().firstValue("WWW-Authenticate").orElseThrow())
        .contains("scope=\"repository:" + REPO + ":pull,push repository:other/repo:pull\"");
    String both = fetchToken("repository:" + REPO + ":pull,push", "repository:other/repo:pull");
    HttpResponse<byte[]> mounted =
        send(
            "POST",
            registry
                .baseUri()
                .resolve("/v2/" + REPO + "/blobs/uploads/?mount=" + digest + "&from=other/repo"),
            new byte[0],
            "Authorization",
            "Bearer " + both);
    assertThat(mounted.statusCode()).isEqualTo(201);
  }

  @Test
  void tokenEndpointWantsCredentialsAndSpeaksOAuth2() throws Exception {
    registry =
        FakeRegistry.builder()
            .bearerAuth("alice", "pw")
            .tokenLifetime(Duration.ofSeconds(90))
            .start();
    URI realm =
        URI.create(
            registry.realm()
                + "?service="
                + FakeRegistry.SERVICE
                + "&scope=repository:"
                + REPO
                + ":pull");
    assertThat(send("GET", realm, null).statusCode()).isEqualTo(401);
    String basic =
        "Basic "
            + java.util.Base64.getEncoder()
                .encodeToString("alice:pw".getBytes(StandardCharsets.UTF_8));
    HttpResponse<byte[]> get = send("GET", realm, null, "Authorization", basic);
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(body(get)).contains("\"token\":").contains("\"expires_in\":90");

    String form =
        "grant_type=password&username=alice&password=pw&service="
            + FakeRegistry.SERVICE
            + "&scope=repository:"
            + REPO
            + ":pull&client_id=test";
    HttpResponse<byte[]> post =
        send(
            "POST",
            registry.realm(),
            form.getBytes(StandardCharsets.UTF_8),
            "Content-Type",
            "application/x-www-form-urlencoded");
    assertThat(post.statusCode()).isEqualTo(200);
    assertThat(body(post))
        .contains("\"access_token\":")
        .contains("\"refresh_token\":\"refresh-alice\"");
    String refresh =
        "grant_type=refresh_token&refresh_token=refresh-alice&service="
            + FakeRegistry.SERVICE
            + "&scope=repository:"
            + REPO
            + ":pull";
    assertThat(
            send(
                    "POST",
                    registry.realm(),
                    refresh.getBytes(StandardCharsets.UTF_8),
                    "Content-Type",
                    "application/x-www-form-urlencoded")
                .statusCode())
        .isEqualTo(200);
    String wrong = form.replace("password=pw", "password=nope");
    assertThat(
            send(
                    "POST",
                    registry.realm(),
                    wrong.getBytes(StandardCharsets.UTF_8),
                    "Content-Type",
                    "application/x-www-form-urlencoded")
                .statusCode())
        .isEqualTo(401);
    assertThat(registry.requests(RequestMatcher.token())).hasSize(5);
  }

  @Test
  void basicAuthRefusesWrongCredentials() throws Exception {
    registry = FakeRegistry.builder().basicAuth("u", "p").start();
    URI ping = registry.baseUri().resolve("/v2/");
    HttpResponse<byte[]> anonymous = send("GET", ping, null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
        .hasValue("Basic realm=\"fake-registry\"");
    String wrong =
        "Basic "
            + java.util.Base64.getEncoder().encodeToString("u:x".getBytes(StandardCharsets.UTF_8));
    assertThat(send("GET", ping, null, "Authorization", wrong).statusCode()).isEqualTo(401);
    assertThat(
            send(
                    "GET",
                    ping,
                    null,
                    "Authorization",
                    registry.authorization(List.of()).orElseThrow())
                .statusCode())
        .isEqualTo(200);
  }

  // --- modes ---

  @Test
  void mountStatus202NeverMounts() throws Exception {
    registry = FakeRegistry.builder().mountStatus(202).start();
    String digest = registry.putBlob("other/repo", bytes(10));
    HttpResponse<byte[]> mount =
        send(
            "POST",
            registry
                .baseUri()
                .resolve("/v2/" + REPO + "/blobs/uploads/?mount=" + digest + "&from=other/repo"),
            new byte[0]);
    assertThat(mount.statusCode()).isEqualTo(202);
    assertThat(registry.blob(REPO, digest)).isEmpty();
    registry.mountStatus(201);
    assertThat(
            send(
                    "POST",
                    registry
                        .baseUri()
                        .resolve(
                            "/v2/" + REPO + "/blobs/uploads/?mount=" + digest + "&from=other/repo"),
                    new byte[0])
                .statusCode())
        .isEqualTo(201);
    assertThat(registry.blob(REPO, digest)).isPresent();
  }

  @Test
  void referrersArePagedAndFilteringCanBeLeftToTheClient() throws Exception {
    registry =
        FakeRegistry.builder()
            .referrersPageSize(2)
            .referrersFiltering(false)
            .checkManifestReferences(false)
            .start();
    String subject = registry.putManifest(REPO, "v1", FakeRegistry.OCI_INDEX, emptyIndex());
    for (int i = 0; i < 5; i++) {
      registry.putManifest(
          REPO,
          null,
          FakeRegistry.OCI_MANIFEST,
          artifact(subject, i % 2 == 0 ? "a/even" : "a/odd", i));
    }
    int seen = 0;
    String next = "/v2/" + REPO + "/referrers/" + subject + "?artifactType=a/even";
    int pages = 0;
    while (next != null) {
      HttpResponse<byte[]> page = get(registry.baseUri().resolve(next));
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.headers().firstValue("OCI-Filters-Applied")).isEmpty();
      seen += count(body(page), "\"digest\"");
      next = page.headers().firstValue("Link").map(FakeRegistryTest::nextLink).orElse(null);
      pages++;
    }
    assertThat(seen).isEqualTo(5);
    assertThat(pages).isEqualTo(3);
  }

  @Test
  void referrersApiCanBeTurnedOff() throws Exception {
    plain().putBlob(REPO, "{}".getBytes(StandardCharsets.UTF_8)); // the artifact's config
    String subject = registry.putManifest(REPO, "v1", FakeRegistry.OCI_INDEX, emptyIndex());
    registry.referrersApi(false);
    byte[] artifact = artifact(subject, "a/b", 0);
    HttpResponse<byte[]> put =
        send(
            "PUT",
            manifest(FakeRegistry.sha256(artifact)),
            artifact,
            "Content-Type",
            FakeRegistry.OCI_MANIFEST);
    assertThat(put.statusCode()).isEqualTo(201);
    assertThat(put.headers().firstValue("OCI-Subject")).isEmpty();
    URI referrers = registry.baseUri().resolve("/v2/" + REPO + "/referrers/" + subject);
    assertThat(get(referrers).statusCode()).isEqualTo(404);
    registry.referrersApi(true);
    HttpResponse<byte[]> listed = get(referrers);
    assertThat(listed.statusCode()).isEqualTo(200);
    assertThat(body(listed))
        .contains(FakeRegistry.sha256(artifact))
        .contains("\"artifactType\":\"a/b\"");
  }

  @Test
  void tagsPageSizeCapsPagesWhateverNAsks() throws Exception {
    registry = FakeRegistry.builder().tagsPageSize(2).start();
    for (String tag : List.of("a", "b", "c")) {
      registry.putManifest(REPO, tag, FakeRegistry.OCI_INDEX, emptyIndex());
    }
    HttpResponse<byte[]> page = get(registry.baseUri().resolve("/v2/" + REPO + "/tags/list?n=100"));
    assertThat(body(page)).contains("[\"a\",\"b\"]");
    assertThat(page.headers().firstValue("Link"))
        .hasValue("</v2/" + REPO + "/tags/list?n=2&last=b>; rel=\"next\"");
  }

  @Test
  void requestLogKeepsMethodPathQueryAndHeaders() throws Exception {
    plain().putManifest(REPO, "v1", FakeRegistry.OCI_INDEX, emptyIndex());
    send(
        "GET",
        registry.baseUri().resolve("/v2/" + REPO + "/tags/list?n=5"),
        null,
        "Accept",
        "application/json");
    RecordedRequest logged = registry.requests().get(0);
    assertThat(logged.origin()).isEqualTo(RecordedRequest.Origin.REGISTRY);
    assertThat(logged.method()).isEqualTo("GET");
    assertThat(logged.path()).isEqualTo("/v2/" + REPO + "/tags/list");
    assertThat(logged.query()).isEqualTo("n=5");
    assertThat(logged.queryParameter("n")).hasValue("5");
    assertThat(logged.header("accept")).hasValue("application/json");
    assertThat(logged.status()).isEqualTo(200);
    registry.clearRequests();
    assertThat(registry.requests()).isEmpty();
  }

  // --- helpers ---

  private URI blob(String digest) {
    return registry.baseUri().resolve("/v2/" + REPO + "/blobs/" + digest);
  }

  private URI manifest(String reference) {
    return registry.baseUri().resolve("/v2/" + REPO + "/manifests/" + reference);
  }

  private URI startUpload() throws Exception {
    HttpResponse<byte[]> post =
        send("POST", registry.baseUri().resolve("/v2/" + REPO + "/blobs/uploads/"), new byte[0]);
    assertThat(post.statusCode()).isEqualTo(202);
    return registry.baseUri().resolve(post.headers().firstValue("Location").orElseThrow());
  }

  private String fetchToken(String... scopes) throws Exception {
    StringBuilder uri = new StringBuilder(registry.realm() + "?service=" + FakeRegistry.SERVICE);
    for (String scope : scopes) {
      uri.append("&scope=").append(scope);
    }
    HttpResponse<byte[]> response = get(URI.create(uri.toString()));
    assertThat(response.statusCode()).isEqualTo(200);
    Matcher m = Pattern.compile("\"token\":\"([^\"]+)\"").matcher(body(response));
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  private static byte[] emptyIndex() {
    return ("{\"schemaVersion\":2,\"mediaType\":\""
            + FakeRegistry.OCI_INDEX
            + "\",\"manifests\":[]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] artifact(String subject, String artifactType, int n) {
    String empty = FakeRegistry.sha256("{}".getBytes(StandardCharsets.UTF_8));
    return ("{\"schemaVersion\":2,\"mediaType\":\""
            + FakeRegistry.OCI_MANIFEST
            + "\",\"artifactType\":\""
            + artifactType
            + "\",\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\""
            + empty
            + "\",\"size\":2},\"layers\":[],\"subject\":{\"mediaType\":\""
            + FakeRegistry.OCI_INDEX
            + "\",\"digest\":\""
            + subject
            + "\",\"size\":1},\"annotations\":{\"n\":\""
            + n
            + "\"}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static String nextLink(String link) {
    Matcher m = Pattern.compile("<([^>]+)>;\\s*rel=\"next\"").matcher(link);
    return m.find() ? m.group(1) : null;
  }

  private static int count(String text, String needle) {
    int count = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      count++;
    }
    return count;
  }

  private static String body(HttpResponse<byte[]> response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(int n) {
    byte[] out = new byte[n];
    for (int i = 0; i < n; i++) {
      out[i] = (byte) (i * 7 + 3);
    }
    return out;
  }

  private HttpRequest.Builder request(URI uri) {
    return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
  }

  private HttpResponse<byte[]> get(URI uri, String... headers)
      throws IOException, InterruptedException {
    return send("GET", uri, null, headers);
  }

  private HttpResponse<byte[]> send(String method, URI uri, byte[] body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        request(uri)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
