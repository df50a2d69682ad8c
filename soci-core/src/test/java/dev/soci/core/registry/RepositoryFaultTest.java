package dev.soci.core.registry;

import static dev.soci.core.registry.RepositoryContract.random;
import static dev.soci.core.registry.RepositoryContract.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.core.registry.testing.FakeRegistry;
import dev.soci.core.registry.testing.Fault;
import dev.soci.core.registry.testing.RequestMatcher;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciJson;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client against the fake's scripted faults: each ends in success after a retry, resume or
 * refresh, or in a typed exception naming what failed (and no secret).
 */
class RepositoryFaultTest {
  private FakeRegistry fake;

  @AfterEach
  void stop() {
    if (fake != null) {
      fake.close();
    }
  }

  private Repository start(FakeRegistry.Builder b, Registry.Builder client) throws Exception {
    fake = b.start();
    return client.build().repository(ImageReference.parse(fake.host() + "/fault/repo:latest"));
  }

  private Repository anonymous() throws Exception {
    return start(FakeRegistry.builder(), RepositoryContract.quick().anonymous());
  }

  private Repository bearer() throws Exception {
    return start(
        FakeRegistry.builder().bearerAuth("bob", "pw"),
        RepositoryContract.quick().credentials("bob", "pw"));
  }

  private Digest seed(Repository repo, byte[] blob) throws Exception {
    Digest d = Digest.sha256(blob);
    repo.pushBlob(d, blob.length, BlobContent.of(blob));
    fake.clearRequests();
    return d;
  }

  @Test
  void serverErrorThenSuccess() throws Exception {
    Repository repo = anonymous();
    byte[] blob = random(1000, 1);
    Digest d = seed(repo, blob);
    fake.inject(RequestMatcher.blobGet(), Fault.status(500), 2);
    assertThat(readAll(repo.getBlob(d, blob.length))).isEqualTo(blob);
    assertThat(fake.requests(RequestMatcher.blobGet())).hasSize(3);
  }

  @Test
  void tooManyRequestsHonoursRetryAfter() throws Exception {
    Repository repo = anonymous();
    byte[] blob = random(1000, 2);
    Digest d = seed(repo, blob);
    fake.inject(RequestMatcher.blobHead(), Fault.tooManyRequests("1"), 1);
    long start = System.nanoTime();
    assertThat(repo.headBlob(d)).hasValue(blob.length);
    // the client waited for the registry's second, not its own few-millisecond backoff
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(900));
    assertThat(fake.requests(RequestMatcher.blobHead())).hasSize(2);
  }

  @Test
  void connectionDroppedMidBodyIsResumed() throws Exception {
    Repository repo = anonymous();
    byte[] blob = random(200_000, 3);
    Digest d = seed(repo, blob);
    fake.inject(RequestMatcher.blobGet(), Fault.dropMidBody(), 1);
    assertThat(readAll(repo.getBlob(d, blob.length))).isEqualTo(blob);
    var gets = fake.requests(RequestMatcher.blobGet());
    assertThat(gets).hasSize(2);
    assertThat(gets.get(1).header("Range"))
        .hasValueSatisfying(v -> assertThat(v).matches("bytes=[1-9][0-9]*-"));
  }

  @Test
  void droppedConnectionsThatNeverEndFailTyped() throws Exception {
    Repository repo =
        start(FakeRegistry.builder(), RepositoryContract.quick().anonymous().maxAttempts(3));
    byte[] blob = random(50_000, 4);
    Digest d = seed(repo, blob);
    fake.inject(RequestMatcher.blobGet(), Fault.dropMidBody(), 100);
    assertThatThrownBy(() -> readAll(repo.getBlob(d, blob.length)))
        .isInstanceOf(RegistryException.class)
        .hasMessageStartingWith("tried to read blob " + d);
  }

  @Test
  void disconnectsAreRetried() throws Exception {
    Repository repo = anonymous();
    byte[] blob = random(100, 5);
    Digest d = seed(repo, blob);
    fake.inject(RequestMatcher.blobHead(), Fault.disconnect(), 2);
    assertThat(repo.headBlob(d)).hasValue(100);
  }

  @Test
  void staleUploadSessionStartsOver() throws Exception {
    Repository repo = anonymous();
    byte[] blob = random(30_000, 6);
    Digest d = Digest.sha256(blob);
    fake.inject(RequestMatcher.uploadPut(), Fault.staleUpload(), 1);
    repo.pushBlob(d, blob.length, BlobContent.of(blob));
    assertThat(fake.blob("fault/repo", d.toString()))
        .hasValueSatisfying(b -> assertThat(b).isEqualTo(blob));
    assertThat(fake.requests(RequestMatcher.uploadStart())).hasSize(2);

    // chunked: the session goes stale between chunks
    byte[] other = random(30_000, 7);
    Digest o = Digest.sha256(other);
    fake.inject(RequestMatcher.uploadPatch(), Fault.staleUpload(), 1);
    repo.pushBlobChunked(o, other.length, BlobContent.of(other), 10_000);
    assertThat(fake.blob("fault/repo", o.toString()))
        .hasValueSatisfying(b -> assertThat(b).isEqualTo(other));
    assertThat(fake.uploadsInProgress()).isZero();
  }

  @Test
  void chunkFailureResumesWithoutReplayingBlindly() throws Exception {
    Repository repo = anonymous();
    byte[] blob = random(40_000, 8);
    Digest d = Digest.sha256(blob);
    fake.inject(RequestMatcher.uploadPatch(), Fault.status(503), 1);
    repo.pushBlobChunked(d, blob.length, BlobContent.of(blob), 10_000);
    assertThat(fake.blob("fault/repo", d.toString()))
        .hasValueSatisfying(b -> assertThat(b).isEqualTo(blob));
    // the client asked where the upload stood before sending the chunk again
    assertThat(fake.requests(RequestMatcher.request("GET", "/v2/fault/repo/blobs/uploads/.+")))
        .hasSize(1);
  }

  @Test
  void crossOriginRedirectCarriesNoAuthorizationAndSecretsStayHidden() throws Exception {
    Repository repo = bearer();
    byte[] blob = random(20_000, 9);
    Digest d = seed(repo, blob);
    fake.inject(RequestMatcher.blobGet(), Fault.redirectToBlobHost(), 100);
    assertThat(readAll(repo.getBlob(d, blob.length))).isEqualTo(blob);
    assertThat(readAll(repo.getBlobRange(d, 100, 50)))
        .isEqualTo(Arrays.copyOfRange(blob, 100, 150));
    var atBlobHost = fake.requests(RequestMatcher.blobHost());
    assertThat(atBlobHost).hasSize(2);
    assertThat(atBlobHost).allSatisfy(r -> assertThat(r.header("Authorization")).isEmpty());
    assertThat(fake.requests(RequestMatcher.blobGet()))
        .allSatisfy(r -> assertThat(r.header("Authorization")).isPresent());

    // a failure at the blob host names it without the presigned secrets
    fake.inject(RequestMatcher.blobHost(), Fault.status(500), 100);
    assertThatThrownBy(() -> readAll(repo.getBlob(d, blob.length)))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("REDACTED")
        .hasMessageNotContaining(FakeRegistry.PRESIGNED_SIGNATURE)
        .hasMessageNotContaining("AKIAFAKESECRETKEY");
  }

  @Test
  void s3ExpiredTokenAtTheBlobHostIsRedirectedAfresh() throws Exception {
    Repository repo = anonymous();
    byte[] blob = random(5000, 10);
    Digest d = seed(repo, blob);
    fake.inject(RequestMatcher.blobGet(), Fault.redirectToBlobHost(), 100);
    fake.inject(RequestMatcher.blobHost(), Fault.s3ExpiredToken(), 1);
    assertThat(readAll(repo.getBlob(d, blob.length))).isEqualTo(blob);
    assertThat(fake.requests(RequestMatcher.blobGet())).hasSize(2);
  }

  @Test
  void tokenExpiringMidPushIsRefreshed() throws Exception {
    Repository repo = bearer();
    byte[] blob = random(40_000, 11);
    Digest d = Digest.sha256(blob);
    fake.inject(RequestMatcher.uploadPatch(), Fault.expireTokens(), 1);
    repo.pushBlobChunked(d, blob.length, BlobContent.of(blob), 10_000);
    assertThat(fake.blob("fault/repo", d.toString()))
        .hasValueSatisfying(b -> assertThat(b).isEqualTo(blob));
    assertThat(fake.requests(RequestMatcher.token()).size()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void ecrExpiredAuthorizationIsRefreshed() throws Exception {
    Repository repo = bearer();
    byte[] blob = random(100, 12);
    Digest d = seed(repo, blob);
    ImageManifest m =
        new ImageManifest(
            2,
            MediaTypes.OCI_MANIFEST,
            "",
            Descriptor.ofContent(MediaTypes.OCI_CONFIG, blob),
            java.util.List.of(),
            null,
            null);
    byte[] json = OciJson.encode(m);
    fake.inject(RequestMatcher.manifestPut(), Fault.ecrTokenExpired(), 1);
    repo.putManifest("v1", MediaTypes.OCI_MANIFEST, json);
    assertThat(repo.getManifest("v1").content()).isEqualTo(json);
    assertThat(d).isNotNull();
  }

  @Test
  void uploadLocationOnAnotherOriginIsRefused() throws Exception {
    Repository repo = anonymous();
    byte[] blob = random(100, 13);
    fake.inject(RequestMatcher.uploadStart(), Fault.foreignUploadLocation(), 1);
    assertThatThrownBy(() -> repo.pushBlob(Digest.sha256(blob), blob.length, BlobContent.of(blob)))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("is not on the registry's origin");
    assertThat(fake.requests(RequestMatcher.blobHost())).isEmpty();
  }

  @Test
  void corruptBodiesAreErrorsNeverWrongBytes() throws Exception {
    Repository repo = anonymous();
    byte[] blob = random(10_000, 14);
    Digest d = seed(repo, blob);
    fake.inject(RequestMatcher.blobGet(), Fault.corruptBody(), 1);
    assertThatThrownBy(() -> readAll(repo.getBlob(d, blob.length)))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("digest is");

    ImageManifest m =
        new ImageManifest(
            2,
            MediaTypes.OCI_MANIFEST,
            "",
            Descriptor.ofContent(MediaTypes.OCI_CONFIG, blob),
            java.util.List.of(),
            null,
            null);
    byte[] json = OciJson.encode(m);
    Descriptor md = repo.putManifest("v1", MediaTypes.OCI_MANIFEST, json);
    fake.inject(RequestMatcher.manifestGet(), Fault.corruptBody(), 2);
    assertThatThrownBy(() -> repo.getManifest(md.digest().toString()))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("digest");
    assertThatThrownBy(() -> repo.getManifest("v1"))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("Docker-Content-Digest");
  }

  @Test
  void ignoredRangesStillGiveTheRightBytes() throws Exception {
    Repository repo = anonymous();
    byte[] blob = random(10_000, 15);
    Digest d = seed(repo, blob);
    fake.inject(RequestMatcher.blobGet(), Fault.ignoreRange(), 1);
    assertThat(readAll(repo.getBlobRange(d, 5000, 100)))
        .isEqualTo(Arrays.copyOfRange(blob, 5000, 5100));
  }

  @Test
  void slowAnswersTimeOut() throws Exception {
    Repository repo =
        start(
            FakeRegistry.builder(),
            RepositoryContract.quick()
                .anonymous()
                .readTimeout(Duration.ofMillis(200))
                .maxAttempts(2));
    fake.inject(RequestMatcher.manifestGet(), Fault.delay(Duration.ofSeconds(2)), 100);
    assertThatThrownBy(() -> repo.getManifest("v1"))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("no response arrived within 200 ms");
  }

  /** Content that gives {@code piece} bytes of {@code blob} at a time, {@code pause} apart. */
  private static BlobContent trickle(byte[] blob, int piece, Duration pause) {
    return offset ->
        new java.io.InputStream() {
          private int at = (int) offset;

          @Override
          public int read() throws java.io.IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
          }

          @Override
          public int read(byte[] b, int off, int len) throws java.io.IOException {
            if (at >= blob.length) {
              return -1;
            }
            try {
              Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new java.io.InterruptedIOException();
            }
            int n = Math.min(Math.min(len, piece), blob.length - at);
            System.arraycopy(blob, at, b, off, n);
            at += n;
            return n;
          }
        };
  }

  @Test
  void anUploadLongerThanTheReadTimeoutGoesThroughWhileItMoves() throws Exception {
    Repository repo =
        start(
            FakeRegistry.builder(),
            RepositoryContract.quick().anonymous().readTimeout(Duration.ofMillis(1500)));
    byte[] blob = random(256 << 10, 31);
    Digest d = Digest.sha256(blob);
    // 32 pieces 100 ms apart: about 3.2 s to send, each piece well inside the read timeout
    repo.pushBlob(d, blob.length, trickle(blob, 8 << 10, Duration.ofMillis(100)));
    assertThat(readAll(repo.getBlob(d, blob.length))).isEqualTo(blob);
    // and in chunks: 2 chunks of 10 pieces each, 2 s a chunk
    byte[] other = random(160 << 10, 32);
    Digest o = Digest.sha256(other);
    repo.pushBlobChunked(
        o, other.length, trickle(other, 8 << 10, Duration.ofMillis(100)), 80 << 10);
    assertThat(readAll(repo.getBlob(o, other.length))).isEqualTo(other);
  }

  @Test
  void anUploadThatStopsMovingTimesOut() throws Exception {
    Repository repo =
        start(
            FakeRegistry.builder(),
            RepositoryContract.quick()
                .anonymous()
                .readTimeout(Duration.ofMillis(1500))
                .maxAttempts(2));
    byte[] blob = random(64 << 10, 33);
    Digest d = Digest.sha256(blob);
    java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
    BlobContent stalls =
        offset ->
            new java.io.InputStream() {
              private boolean gave;

              @Override
              public int read() {
                throw new UnsupportedOperationException();
              }

              @Override
              public int read(byte[] b, int off, int len) throws java.io.IOException {
                if (!gave) {
                  gave = true;
                  int n = Math.min(len, 1000);
                  System.arraycopy(blob, 0, b, off, n);
                  return n;
                }
                try {
                  never.await(); // the producer stalls (a stuck disk, a lock)
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                throw new java.io.InterruptedIOException("released");
              }
            };
    try {
      org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
          Duration.ofSeconds(30),
          () ->
              assertThatThrownBy(() -> repo.pushBlob(d, blob.length, stalls))
                  .isInstanceOf(RegistryException.class)
                  .hasMessageContaining("within 1500 ms"));
    } finally {
      never.countDown();
    }
    assertThat(repo.headBlob(d)).isEmpty();
  }

  @Test
  void anAnswerThatDoesNotComeAfterTheBodyTimesOut() throws Exception {
    Repository repo =
        start(
            FakeRegistry.builder(),
            RepositoryContract.quick()
                .anonymous()
                .readTimeout(Duration.ofMillis(300))
                .maxAttempts(1));
    byte[] blob = random(10_000, 34);
    Digest d = Digest.sha256(blob);
    fake.inject(RequestMatcher.uploadPut(), Fault.delay(Duration.ofSeconds(3)), 10);
    assertThatThrownBy(() -> repo.pushBlob(d, blob.length, BlobContent.of(blob)))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("within 300 ms");
  }
}
