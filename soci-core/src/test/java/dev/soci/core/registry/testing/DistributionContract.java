package dev.soci.core.registry.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;

/**
 * Checks from the OCI distribution-spec conformance list (pull, push monolithic, chunked and by
 * mount, tags pagination, referrers, deletes, the authentication challenge), made with raw {@code
 * java.net.http} requests so that they test the registry, not a client. Bound by {@code
 * DistributionContractTest} to Debian's {@code docker-registry} and to {@link FakeRegistry} in each
 * authentication setup: the fake passes what the real registry passes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DistributionContract {
  static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";
  private static final Pattern LINK = Pattern.compile("<([^>]+)>;\\s*rel=\"next\"");

  /** A known departure of a registry from distribution-spec 1.1. */
  enum Deviation {
    /** No referrers API: the endpoint is 404 and PUTs get no OCI-Subject. */
    NO_REFERRERS_API,
    /** PATCH ignores Content-Range: an out-of-order chunk is appended instead of refused (416). */
    PATCH_IGNORES_CONTENT_RANGE,
    /** An unsatisfiable Range is answered 416 with the blob's Content-Length and a short body. */
    BROKEN_416,
    /** The tags list without {@code n} is not in lexical order. */
    UNSORTED_TAGS,
    /** The tags list ignores {@code n} and {@code last}: every tag in one page, no Link. */
    TAGS_IGNORE_PAGINATION
  }

  /** A registry under test, started once per class. */
  interface Target extends AutoCloseable {
    URI baseUri();

    /** An Authorization header granting {@code scopes}, empty when anonymous. */
    Optional<String> authorization(List<Scope> scopes);

    /** Where the registry departs from distribution-spec 1.1, with the reason to skip a check. */
    Map<Deviation, String> deviations();

    @Override
    void close();
  }

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Target target;
  private String repo;
  private String otherRepo;
  private String authorization;

  abstract Target start() throws IOException;

  private void assumeNo(Deviation deviation) {
    String reason = target.deviations().get(deviation);
    assumeTrue(reason == null, reason);
  }

  @BeforeAll
  void startTarget() throws IOException {
    target = start();
  }

  @AfterAll
  void stopTarget() {
    if (target != null) {
      target.close();
    }
  }

  @BeforeEach
  void freshRepositories(TestInfo info) {
    String id = UUID.randomUUID().toString().substring(0, 8);
    repo = "contract/" + info.getTestMethod().orElseThrow().getName().toLowerCase() + "-" + id;
    otherRepo = repo + "-other";
    List<String> all = List.of("pull", "push", "delete");
    authorization =
        target
            .authorization(
                List.of(
                    new Scope("repository", repo, all), new Scope("repository", otherRepo, all)))
            .orElse(null);
  }

  // --- base and pull ---

  @Test
  void baseEndpointAnswers200WhenAuthenticated() throws Exception {
    assertThat(send("GET", "/v2/", null).statusCode()).isEqualTo(200);
  }

  @Test
  void unauthenticatedRequestIsChallengedAndTheChallengeCanBeAnswered() throws Exception {
    String tagsPath = "/v2/" + repo + "/tags/list";
    HttpResponse<byte[]> anonymous =
        sendWith("GET", target.baseUri().resolve(tagsPath), null, null);
    if (authorization == null) {
      assertThat(anonymous.statusCode()).isEqualTo(404); // anonymous registry: no such repository
      return;
    }
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(errorCode(anonymous)).isEqualTo("UNAUTHORIZED");
    String challenge = anonymous.headers().firstValue("WWW-Authenticate").orElseThrow();
    if (authorization.startsWith("Basic ")) {
      assertThat(challenge).startsWith("Basic realm=");
      return;
    }
    assertThat(challenge).startsWith("Bearer ").contains("scope=\"repository:" + repo + ":pull\"");
    String realm = param(challenge, "realm");
    String service = param(challenge, "service");
    HttpResponse<byte[]> token =
        sendWith(
            "GET",
            URI.create(realm + "?service=" + service + "&scope=repository:" + repo + ":pull"),
            null,
            null);
    assertThat(token.statusCode()).isEqualTo(200);
    String body = new String(token.body(), StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("\"(?:access_)?token\"\\s*:\\s*\"([^\"]+)\"").matcher(body);
    assertThat(m.find()).as(body).isTrue();
    HttpResponse<byte[]> authorized =
        sendWith("GET", target.baseUri().resolve(tagsPath), null, "Bearer " + m.group(1));
    assertThat(authorized.statusCode()).isEqualTo(404);
    assertThat(errorCode(authorized)).isEqualTo("NAME_UNKNOWN");
  }

  @Test
  void pullsBlobWholeAndByRangeAndAsksNothingForUnknownOnes() throws Exception {
    byte[] content = bytes(1000);
    String digest = pushBlobMonolithic(repo, content);

    HttpResponse<byte[]> head = send("HEAD", blobPath(repo, digest), null);
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("Content-Length")).hasValue("1000");
    assertThat(head.headers().firstValue("Docker-Content-Digest")).hasValue(digest);

    HttpResponse<byte[]> get = send("GET", blobPath(repo, digest), null);
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.body()).isEqualTo(content);

    HttpResponse<byte[]> range =
        send("GET", blobPath(repo, digest), null, "Range", "bytes=100-199");
    assertThat(range.statusCode()).isEqualTo(206);
    assertThat(range.headers().firstValue("Content-Range")).hasValue("bytes 100-199/1000");
    assertThat(range.body()).isEqualTo(Arrays.copyOfRange(content, 100, 200));

    HttpResponse<byte[]> open = send("GET", blobPath(repo, digest), null, "Range", "bytes=990-");
    assertThat(open.statusCode()).isEqualTo(206);
    assertThat(open.body()).isEqualTo(Arrays.copyOfRange(content, 990, 1000));

    String unknown = FakeRegistry.sha256("nothing".getBytes(StandardCharsets.UTF_8));
    assertThat(send("HEAD", blobPath(repo, unknown), null).statusCode()).isEqualTo(404);
    HttpResponse<byte[]> missing = send("GET", blobPath(repo, unknown), null);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(errorCode(missing)).isEqualTo("BLOB_UNKNOWN");
  }

  @Test
  void refusesAnUnsatisfiableRange() throws Exception {
    assumeNo(Deviation.BROKEN_416);
    String digest = pushBlobMonolithic(repo, bytes(1000));
    HttpResponse<byte[]> beyond = send("GET", blobPath(repo, digest), null, "Range", "bytes=5000-");
    assertThat(beyond.statusCode()).isEqualTo(416);
  }

  @Test
  void pullsManifestByTagAndDigestWithItsDigestAndType() throws Exception {
    Image image = pushImage(repo, "v1");
    for (String reference : List.of("v1", image.digest())) {
      HttpResponse<byte[]> head =
          send("HEAD", manifestPath(repo, reference), null, "Accept", OCI_MANIFEST);
      assertThat(head.statusCode()).isEqualTo(200);
      assertThat(head.headers().firstValue("Docker-Content-Digest")).hasValue(image.digest());
      assertThat(head.headers().firstValue("Content-Length"))
          .hasValue(Integer.toString(image.manifest().length));
      HttpResponse<byte[]> get =
          send("GET", manifestPath(repo, reference), null, "Accept", OCI_MANIFEST);
      assertThat(get.statusCode()).isEqualTo(200);
      assertThat(get.headers().firstValue("Content-Type")).hasValue(OCI_MANIFEST);
      assertThat(get.headers().firstValue("Docker-Content-Digest")).hasValue(image.digest());
      assertThat(get.body()).isEqualTo(image.manifest());
    }
    HttpResponse<byte[]> unknownTag =
        send("GET", manifestPath(repo, "nope"), null, "Accept", OCI_MANIFEST);
    assertThat(unknownTag.statusCode()).isEqualTo(404);
    assertThat(errorCode(unknownTag)).isEqualTo("MANIFEST_UNKNOWN");
    HttpResponse<byte[]> unknownRepo =
        send("GET", manifestPath(otherRepo, "v1"), null, "Accept", OCI_MANIFEST);
    assertThat(unknownRepo.statusCode()).isEqualTo(404);
    assertThat(errorCode(unknownRepo)).isIn("NAME_UNKNOWN", "MANIFEST_UNKNOWN");
  }

  // --- push ---

  @Test
  void pushesBlobMonolithicallyKeepingTheLocationQuery() throws Exception {
    byte[] content = bytes(300);
    String digest = FakeRegistry.sha256(content);
    HttpResponse<byte[]> post = send("POST", "/v2/" + repo + "/blobs/uploads/", new byte[0]);
    assertThat(post.statusCode()).isEqualTo(202);
    assertThat(post.headers().firstValue("Docker-Upload-UUID")).isPresent();
    URI location = location(post);
    HttpResponse<byte[]> put =
        send(
            "PUT",
            withQuery(location, "digest=" + digest),
            content,
            "Content-Type",
            "application/octet-stream");
    assertThat(put.statusCode()).isEqualTo(201);
    assertThat(put.headers().firstValue("Docker-Content-Digest")).hasValue(digest);
    assertThat(location(put).getPath()).isEqualTo(blobPath(repo, digest));
    assertThat(send("GET", blobPath(repo, digest), null).body()).isEqualTo(content);
  }

  @Test
  void singlePostUploadEitherCompletesOrStartsASession() throws Exception {
    byte[] content = bytes(200);
    String digest = FakeRegistry.sha256(content);
    HttpResponse<byte[]> post =
        send(
            "POST",
            "/v2/" + repo + "/blobs/uploads/?digest=" + digest,
            content,
            "Content-Type",
            "application/octet-stream");
    // Spec: a registry MAY complete it (201; the fake does) or start a session (202; 2.8 does).
    assertThat(post.statusCode()).isIn(201, 202);
    if (post.statusCode() == 202) {
      assertThat(
              send(
                      "PUT",
                      withQuery(location(post), "digest=" + digest),
                      content,
                      "Content-Type",
                      "application/octet-stream")
                  .statusCode())
          .isEqualTo(201);
    }
    assertThat(send("GET", blobPath(repo, digest), null).body()).isEqualTo(content);
  }

  @Test
  void refusesABlobWhoseDigestDoesNotMatch() throws Exception {
    HttpResponse<byte[]> post = send("POST", "/v2/" + repo + "/blobs/uploads/", new byte[0]);
    String wrong = FakeRegistry.sha256("other".getBytes(StandardCharsets.UTF_8));
    HttpResponse<byte[]> put =
        send(
            "PUT",
            withQuery(location(post), "digest=" + wrong),
            bytes(10),
            "Content-Type",
            "application/octet-stream");
    assertThat(put.statusCode()).isEqualTo(400);
    assertThat(errorCode(put)).isEqualTo("DIGEST_INVALID");
    assertThat(send("HEAD", blobPath(repo, wrong), null).statusCode()).isEqualTo(404);
  }

  @Test
  void pushesBlobInChunksReportingOffsetsAndRefusingOutOfOrderChunks() throws Exception {
    byte[] content = bytes(2500);
    String digest = FakeRegistry.sha256(content);
    HttpResponse<byte[]> post = send("POST", "/v2/" + repo + "/blobs/uploads/", new byte[0]);
    assertThat(post.statusCode()).isEqualTo(202);
    URI location = location(post);

    HttpResponse<byte[]> first = patch(location, content, 0, 1000);
    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(first.headers().firstValue("Range")).hasValue("0-999");
    location = location(first);

    HttpResponse<byte[]> status = send("GET", location.toString(), null);
    assertThat(status.statusCode()).isEqualTo(204);
    assertThat(status.headers().firstValue("Range")).hasValue("0-999");
    location = location(status);

    HttpResponse<byte[]> second = patch(location, content, 1000, 2000);
    assertThat(second.statusCode()).isEqualTo(202);
    assertThat(second.headers().firstValue("Range")).hasValue("0-1999");
    location = location(second);

    // The last chunk travels with the closing PUT.
    HttpResponse<byte[]> put =
        send(
            "PUT",
            withQuery(location, "digest=" + digest),
            Arrays.copyOfRange(content, 2000, 2500),
            "Content-Type",
            "application/octet-stream");
    assertThat(put.statusCode()).isEqualTo(201);
    assertThat(put.headers().firstValue("Docker-Content-Digest")).hasValue(digest);
    assertThat(send("GET", blobPath(repo, digest), null).body()).isEqualTo(content);
  }

  @Test
  void refusesAnOutOfOrderChunk() throws Exception {
    assumeNo(Deviation.PATCH_IGNORES_CONTENT_RANGE);
    byte[] content = bytes(2000);
    URI location = location(send("POST", "/v2/" + repo + "/blobs/uploads/", new byte[0]));
    location = location(patch(location, content, 0, 1000));
    HttpResponse<byte[]> outOfOrder = patch(location, content, 1500, 2000);
    assertThat(outOfOrder.statusCode()).isEqualTo(416);
    assertThat(outOfOrder.headers().firstValue("Range")).hasValue("0-999");
  }

  @Test
  void cancelledUploadIsForgotten() throws Exception {
    HttpResponse<byte[]> post = send("POST", "/v2/" + repo + "/blobs/uploads/", new byte[0]);
    URI location = location(post);
    assertThat(send("DELETE", location.toString(), null).statusCode()).isEqualTo(204);
    HttpResponse<byte[]> status = send("GET", location.toString(), null);
    assertThat(status.statusCode()).isEqualTo(404);
    assertThat(errorCode(status)).isEqualTo("BLOB_UPLOAD_UNKNOWN");
  }

  @Test
  void mountsABlobFromAnotherRepositoryOrStartsAnUpload() throws Exception {
    byte[] content = bytes(400);
    String digest = pushBlobMonolithic(otherRepo, content);
    HttpResponse<byte[]> mount =
        send(
            "POST",
            "/v2/" + repo + "/blobs/uploads/?mount=" + digest + "&from=" + otherRepo,
            new byte[0]);
    assertThat(mount.statusCode()).isEqualTo(201);
    assertThat(mount.headers().firstValue("Docker-Content-Digest")).hasValue(digest);
    assertThat(location(mount).getPath()).isEqualTo(blobPath(repo, digest));
    assertThat(send("GET", blobPath(repo, digest), null).body()).isEqualTo(content);

    String absent = FakeRegistry.sha256("absent".getBytes(StandardCharsets.UTF_8));
    HttpResponse<byte[]> fallback =
        send(
            "POST",
            "/v2/" + repo + "/blobs/uploads/?mount=" + absent + "&from=" + otherRepo,
            new byte[0]);
    assertThat(fallback.statusCode()).isEqualTo(202);
    assertThat(fallback.headers().firstValue("Location")).isPresent();
  }

  @Test
  void pushesManifestsByTagAndByDigest() throws Exception {
    Image image = pushImage(repo, "by-tag");
    assertThat(send("GET", manifestPath(repo, "by-tag"), null, "Accept", OCI_MANIFEST).body())
        .isEqualTo(image.manifest());
    byte[] other = manifestJson(image.config(), image.layer(), List.of(), "\"org.example\":\"2\"");
    String digest = FakeRegistry.sha256(other);
    HttpResponse<byte[]> put = putManifest(repo, digest, OCI_MANIFEST, other);
    assertThat(put.statusCode()).isEqualTo(201);
    assertThat(put.headers().firstValue("Docker-Content-Digest")).hasValue(digest);
    assertThat(location(put).getPath()).isEqualTo(manifestPath(repo, digest));
  }

  @Test
  void refusesAManifestThatReferencesUnknownBlobs() throws Exception {
    String config = pushBlobMonolithic(repo, "{}".getBytes(StandardCharsets.UTF_8));
    String unknown = FakeRegistry.sha256("never pushed".getBytes(StandardCharsets.UTF_8));
    byte[] manifest = manifestJson(config + ":2", unknown + ":12", List.of(), null);
    HttpResponse<byte[]> put = putManifest(repo, "dangling", OCI_MANIFEST, manifest);
    assertThat(put.statusCode()).isEqualTo(400);
    assertThat(errorCode(put)).isEqualTo("MANIFEST_BLOB_UNKNOWN");
  }

  @Test
  void pushesAnIndexOfPushedManifests() throws Exception {
    Image image = pushImage(repo, "child");
    byte[] index =
        ("{\"schemaVersion\":2,\"mediaType\":\""
                + OCI_INDEX
                + "\",\"manifests\":[{\"mediaType\":\""
                + OCI_MANIFEST
                + "\",\"digest\":\""
                + image.digest()
                + "\",\"size\":"
                + image.manifest().length
                + ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}")
            .getBytes(StandardCharsets.UTF_8);
    assertThat(putManifest(repo, "index", OCI_INDEX, index).statusCode()).isEqualTo(201);
    HttpResponse<byte[]> get = send("GET", manifestPath(repo, "index"), null, "Accept", OCI_INDEX);
    assertThat(get.headers().firstValue("Content-Type")).hasValue(OCI_INDEX);
    assertThat(get.body()).isEqualTo(index);
  }

  // --- tags ---

  @Test
  void listsTagsSortedAndInPages() throws Exception {
    Image image = pushImage(repo, "c");
    for (String tag : List.of("a", "e", "b", "d")) {
      assertThat(putManifest(repo, tag, OCI_MANIFEST, image.manifest()).statusCode())
          .isEqualTo(201);
    }
    HttpResponse<byte[]> all = send("GET", "/v2/" + repo + "/tags/list", null);
    assertThat(all.statusCode()).isEqualTo(200);
    assertThat(tags(all)).containsExactlyInAnyOrder("a", "b", "c", "d", "e");
    if (!target.deviations().containsKey(Deviation.UNSORTED_TAGS)) {
      assertThat(tags(all)).containsExactly("a", "b", "c", "d", "e");
    }

    if (target.deviations().containsKey(Deviation.TAGS_IGNORE_PAGINATION)) {
      // What a client must then cope with: n is a hint, the page has everything and no Link.
      HttpResponse<byte[]> page = send("GET", "/v2/" + repo + "/tags/list?n=2", null);
      assertThat(tags(page)).containsExactlyInAnyOrder("a", "b", "c", "d", "e");
      assertThat(page.headers().firstValue("Link")).isEmpty();
      assumeNo(Deviation.TAGS_IGNORE_PAGINATION);
    }
    List<String> paged = new ArrayList<>();
    String next = "/v2/" + repo + "/tags/list?n=2";
    int pages = 0;
    while (next != null) {
      HttpResponse<byte[]> page = send("GET", next, null);
      assertThat(page.statusCode()).isEqualTo(200);
      List<String> tags = tags(page);
      assertThat(tags.size()).isLessThanOrEqualTo(2);
      paged.addAll(tags);
      next = page.headers().firstValue("Link").map(DistributionContract::nextLink).orElse(null);
      assertThat(++pages).isLessThan(10);
    }
    assertThat(paged).containsExactly("a", "b", "c", "d", "e");

    HttpResponse<byte[]> afterB = send("GET", "/v2/" + repo + "/tags/list?n=2&last=b", null);
    assertThat(tags(afterB)).containsExactly("c", "d");
  }

  @Test
  void tagsOfAnUnknownRepositoryAreNameUnknown() throws Exception {
    HttpResponse<byte[]> unknown = send("GET", "/v2/" + otherRepo + "/tags/list", null);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(errorCode(unknown)).isEqualTo("NAME_UNKNOWN");
  }

  // --- referrers ---

  @Test
  void registryWithoutReferrersApiAnswers404AndNoSubjectHeader() throws Exception {
    assumeTrue(
        target.deviations().containsKey(Deviation.NO_REFERRERS_API),
        "the target has the referrers API");
    Image image = pushImage(repo, "v1");
    HttpResponse<byte[]> put = pushArtifact(repo, image, "application/vnd.example.sbom");
    assertThat(put.statusCode()).isEqualTo(201);
    assertThat(put.headers().firstValue("OCI-Subject")).isEmpty();
    HttpResponse<byte[]> referrers =
        send("GET", "/v2/" + repo + "/referrers/" + image.digest(), null);
    assertThat(referrers.statusCode()).isEqualTo(404);
    // The fallback tag is an ordinary tag.
    String fallback = image.digest().replace(':', '-');
    assertThat(putManifest(repo, fallback, OCI_INDEX, emptyIndex()).statusCode()).isEqualTo(201);
    assertThat(send("GET", manifestPath(repo, fallback), null, "Accept", OCI_INDEX).statusCode())
        .isEqualTo(200);
  }

  @Test
  void listsReferrersFilteredByArtifactType() throws Exception {
    assumeNo(Deviation.NO_REFERRERS_API);
    Image image = pushImage(repo, "v1");
    HttpResponse<byte[]> sbom = pushArtifact(repo, image, "application/vnd.example.sbom");
    assertThat(sbom.statusCode()).isEqualTo(201);
    assertThat(sbom.headers().firstValue("OCI-Subject")).hasValue(image.digest());
    HttpResponse<byte[]> sig = pushArtifact(repo, image, "application/vnd.example.sig");
    assertThat(sig.statusCode()).isEqualTo(201);

    HttpResponse<byte[]> all = send("GET", "/v2/" + repo + "/referrers/" + image.digest(), null);
    assertThat(all.statusCode()).isEqualTo(200);
    assertThat(all.headers().firstValue("Content-Type")).hasValue(OCI_INDEX);
    String body = new String(all.body(), StandardCharsets.UTF_8);
    assertThat(body)
        .contains(sbom.headers().firstValue("Docker-Content-Digest").orElseThrow())
        .contains(sig.headers().firstValue("Docker-Content-Digest").orElseThrow())
        .contains("\"artifactType\":\"application/vnd.example.sbom\"");

    HttpResponse<byte[]> filtered =
        send(
            "GET",
            "/v2/"
                + repo
                + "/referrers/"
                + image.digest()
                + "?artifactType=application/vnd.example.sig",
            null);
    assertThat(filtered.headers().firstValue("OCI-Filters-Applied")).hasValue("artifactType");
    assertThat(new String(filtered.body(), StandardCharsets.UTF_8))
        .contains(sig.headers().firstValue("Docker-Content-Digest").orElseThrow())
        .doesNotContain("vnd.example.sbom");

    String unknown = FakeRegistry.sha256("no subject".getBytes(StandardCharsets.UTF_8));
    HttpResponse<byte[]> none = send("GET", "/v2/" + repo + "/referrers/" + unknown, null);
    assertThat(none.statusCode()).isEqualTo(200);
    assertThat(new String(none.body(), StandardCharsets.UTF_8)).contains("\"manifests\":[]");
  }

  // --- deletes ---

  @Test
  void deletesManifestsByDigestAndBlobs() throws Exception {
    Image image = pushImage(repo, "v1");
    HttpResponse<byte[]> delete = send("DELETE", manifestPath(repo, image.digest()), null);
    assertThat(delete.statusCode()).isEqualTo(202);
    assertThat(
            send("GET", manifestPath(repo, image.digest()), null, "Accept", OCI_MANIFEST)
                .statusCode())
        .isEqualTo(404);
    assertThat(send("GET", manifestPath(repo, "v1"), null, "Accept", OCI_MANIFEST).statusCode())
        .isEqualTo(404);

    String layer = image.layer().substring(0, image.layer().lastIndexOf(':'));
    assertThat(send("DELETE", blobPath(repo, layer), null).statusCode()).isEqualTo(202);
    assertThat(send("GET", blobPath(repo, layer), null).statusCode()).isEqualTo(404);
    assertThat(send("DELETE", blobPath(repo, layer), null).statusCode()).isEqualTo(404);
  }

  // --- helpers ---

  /** A pushed image: its manifest, digest, and the config and layer as {@code digest:size}. */
  record Image(byte[] manifest, String digest, String config, String layer) {}

  private Image pushImage(String repository, String tag) throws Exception {
    byte[] configBytes =
        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
            .getBytes(StandardCharsets.UTF_8);
    String config = pushBlobMonolithic(repository, configBytes) + ":" + configBytes.length;
    byte[] layerBytes = bytes(700);
    String layer = pushBlobMonolithic(repository, layerBytes) + ":" + layerBytes.length;
    byte[] manifest = manifestJson(config, layer, List.of(), null);
    HttpResponse<byte[]> put = putManifest(repository, tag, OCI_MANIFEST, manifest);
    assertThat(put.statusCode()).as(new String(put.body(), StandardCharsets.UTF_8)).isEqualTo(201);
    String digest = FakeRegistry.sha256(manifest);
    assertThat(put.headers().firstValue("Docker-Content-Digest")).hasValue(digest);
    return new Image(manifest, digest, config, layer);
  }

  private HttpResponse<byte[]> pushArtifact(String repository, Image subject, String artifactType)
      throws Exception {
    byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
    String emptyDigest = pushBlobMonolithic(repository, empty);
    byte[] layer = (artifactType + " payload").getBytes(StandardCharsets.UTF_8);
    String layerDigest = pushBlobMonolithic(repository, layer);
    String json =
        "{\"schemaVersion\":2,\"mediaType\":\""
            + OCI_MANIFEST
            + "\",\"artifactType\":\""
            + artifactType
            + "\",\"config\":{\"mediaType\":\""
            + OCI_EMPTY
            + "\",\"digest\":\""
            + emptyDigest
            + "\",\"size\":2},\"layers\":[{\"mediaType\":\"application/octet-stream\",\"digest\":\""
            + layerDigest
            + "\",\"size\":"
            + layer.length
            + "}],\"subject\":{\"mediaType\":\""
            + OCI_MANIFEST
            + "\",\"digest\":\""
            + subject.digest()
            + "\",\"size\":"
            + subject.manifest().length
            + "},\"annotations\":{\"org.example.kind\":\""
            + artifactType
            + "\"}}";
    byte[] manifest = json.getBytes(StandardCharsets.UTF_8);
    return putManifest(repository, FakeRegistry.sha256(manifest), OCI_MANIFEST, manifest);
  }

  private static byte[] manifestJson(
      String config, String layer, List<String> unused, String annotations) {
    String[] c = splitDescriptor(config);
    String[] l = splitDescriptor(layer);
    return ("{\"schemaVersion\":2,\"mediaType\":\""
            + OCI_MANIFEST
            + "\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
            + c[0]
            + "\",\"size\":"
            + c[1]
            + "},\"layers\":[{\"mediaType\":"
            + "\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\""
            + l[0]
            + "\",\"size\":"
            + l[1]
            + "}]"
            + (annotations == null ? "" : ",\"annotations\":{" + annotations + "}")
            + "}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static String[] splitDescriptor(String digestAndSize) {
    int colon = digestAndSize.lastIndexOf(':');
    return new String[] {digestAndSize.substring(0, colon), digestAndSize.substring(colon + 1)};
  }

  private static byte[] emptyIndex() {
    return ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_INDEX + "\",\"manifests\":[]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private String pushBlobMonolithic(String repository, byte[] content) throws Exception {
    String digest = FakeRegistry.sha256(content);
    HttpResponse<byte[]> post = send("POST", "/v2/" + repository + "/blobs/uploads/", new byte[0]);
    assertThat(post.statusCode()).isEqualTo(202);
    HttpResponse<byte[]> put =
        send(
            "PUT",
            withQuery(location(post), "digest=" + digest),
            content,
            "Content-Type",
            "application/octet-stream");
    assertThat(put.statusCode()).as(new String(put.body(), StandardCharsets.UTF_8)).isEqualTo(201);
    return digest;
  }

  private HttpResponse<byte[]> putManifest(
      String repository, String reference, String type, byte[] body) throws Exception {
    return send("PUT", manifestPath(repository, reference), body, "Content-Type", type);
  }

  private HttpResponse<byte[]> patch(URI location, byte[] content, int from, int to)
      throws Exception {
    return send(
        "PATCH",
        location.toString(),
        Arrays.copyOfRange(content, from, to),
        "Content-Type",
        "application/octet-stream",
        "Content-Range",
        from + "-" + (to - 1));
  }

  private static String blobPath(String repository, String digest) {
    return "/v2/" + repository + "/blobs/" + digest;
  }

  private static String manifestPath(String repository, String reference) {
    return "/v2/" + repository + "/manifests/" + reference;
  }

  private URI location(HttpResponse<byte[]> response) {
    String location =
        response
            .headers()
            .firstValue("Location")
            .orElseThrow(() -> new AssertionError("no Location in " + response));
    return target.baseUri().resolve(location);
  }

  private static String withQuery(URI uri, String query) {
    return uri + (uri.getRawQuery() == null ? "?" : "&") + query;
  }

  private static String nextLink(String link) {
    Matcher m = LINK.matcher(link);
    return m.find() ? m.group(1) : null;
  }

  private static List<String> tags(HttpResponse<byte[]> response) {
    String body = new String(response.body(), StandardCharsets.UTF_8);
    Matcher list = Pattern.compile("\"tags\"\\s*:\\s*\\[([^\\]]*)\\]").matcher(body);
    List<String> tags = new ArrayList<>();
    if (list.find()) {
      Matcher tag = Pattern.compile("\"([^\"]+)\"").matcher(list.group(1));
      while (tag.find()) {
        tags.add(tag.group(1));
      }
    }
    return tags;
  }

  private static String errorCode(HttpResponse<byte[]> response) {
    Matcher m =
        Pattern.compile("\"code\"\\s*:\\s*\"([A-Z_]+)\"")
            .matcher(new String(response.body(), StandardCharsets.UTF_8));
    return m.find() ? m.group(1) : "(no error code in " + response.statusCode() + ")";
  }

  private static String param(String challenge, String name) {
    Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(challenge);
    assertThat(m.find()).as(challenge).isTrue();
    return m.group(1);
  }

  private static byte[] bytes(int n) {
    byte[] out = new byte[n];
    for (int i = 0; i < n; i++) {
      out[i] = (byte) (i * 31 + n);
    }
    return out;
  }

  private HttpResponse<byte[]> send(String method, String pathOrUri, byte[] body, String... headers)
      throws IOException, InterruptedException {
    return sendWith(method, target.baseUri().resolve(pathOrUri), body, authorization, headers);
  }

  private HttpResponse<byte[]> sendWith(
      String method, URI uri, byte[] body, String auth, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(10))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (auth != null) {
      request.header("Authorization", auth);
    }
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
