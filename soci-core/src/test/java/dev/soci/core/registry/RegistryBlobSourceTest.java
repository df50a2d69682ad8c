package dev.soci.core.registry;

import static dev.soci.core.registry.RepositoryContract.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.core.registry.testing.FakeRegistry;
import dev.soci.core.registry.testing.Fault;
import dev.soci.core.registry.testing.FaultRule;
import dev.soci.core.registry.testing.RecordedRequest;
import dev.soci.core.registry.testing.RequestMatcher;
import dev.soci.oci.Digest;
import java.io.EOFException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link RegistryBlobSource} against the fake registry and its scripted faults. */
class RegistryBlobSourceTest {
  private FakeRegistry fake;
  private Repository repo;
  private byte[] blob;
  private Digest digest;

  @AfterEach
  void stop() {
    if (fake != null) {
      fake.close();
    }
  }

  private void start(FakeRegistry.Builder b, Registry.Builder client) throws Exception {
    fake = b.start();
    repo = client.build().repository(ImageReference.parse(fake.host() + "/lazy/repo:latest"));
    blob = random(200_000, 7);
    digest = Digest.sha256(blob);
    repo.pushBlob(digest, blob.length, BlobContent.of(blob));
    fake.clearRequests();
  }

  private void anonymous() throws Exception {
    start(FakeRegistry.builder(), RepositoryContract.quick().anonymous());
  }

  private void bearer() throws Exception {
    start(
        FakeRegistry.builder().bearerAuth("bob", "pw"),
        RepositoryContract.quick().credentials("bob", "pw"));
  }

  private byte[] expected(long offset, int length) {
    return Arrays.copyOfRange(blob, (int) offset, (int) offset + length);
  }

  private List<RecordedRequest> blobReads() {
    return fake.requests(r -> r.method().equals("GET") && r.path().contains("/blobs/"));
  }

  @Test
  void eachReadIsOneSingleRangeGetWithIdentityEncoding() throws Exception {
    anonymous();
    RegistryBlobSource source = repo.openBlob(digest, blob.length);
    assertThat(source.read(1000, 5000)).isEqualTo(expected(1000, 5000));
    assertThat(source.read(150_000, 50_000)).isEqualTo(expected(150_000, 50_000));
    List<RecordedRequest> reads = blobReads();
    assertThat(reads).hasSize(2);
    assertThat(reads.get(0).header("Range")).hasValue("bytes=1000-5999");
    assertThat(reads.get(1).header("Range")).hasValue("bytes=150000-199999");
    assertThat(reads).allSatisfy(r -> assertThat(r.header("Accept-Encoding")).hasValue("identity"));
    RegistryBlobSource.Statistics s = source.statistics();
    assertThat(s.requests()).isEqualTo(2);
    assertThat(s.bytesReceived()).isEqualTo(55_000);
    assertThat(s.rangesIgnored()).isFalse();
  }

  @Test
  void sizeFromHeadWhenUnknownAndRangesOutsideTheBlobFail() throws Exception {
    anonymous();
    RegistryBlobSource source = repo.openBlob(digest, -1);
    assertThat(source.size()).isEqualTo(blob.length);
    assertThatThrownBy(() -> source.read(blob.length - 10, 11))
        .isInstanceOf(EOFException.class)
        .hasMessageContaining(digest.toString());
    assertThatThrownBy(() -> repo.openBlob(Digest.sha256(new byte[1]), -1))
        .isInstanceOf(RegistryException.class)
        .satisfies(e -> assertThat(((RegistryException) e).status()).isEqualTo(404));
  }

  @Test
  void aWholeBlobInsteadOfARangeGivesTheWantedBytesAndIsReported() throws Exception {
    anonymous();
    fake.inject(RequestMatcher.blobGet(), Fault.ignoreRange(), 1);
    RegistryBlobSource source = repo.openBlob(digest, blob.length);
    assertThat(source.read(30_000, 100)).isEqualTo(expected(30_000, 100));
    RegistryBlobSource.Statistics s = source.statistics();
    assertThat(s.rangesIgnored()).isTrue();
    assertThat(source.rangesIgnored()).isTrue();
    // the body was closed after the wanted bytes: not read to its end
    assertThat(s.bytesReceived()).isLessThan(blob.length);
    assertThat(s.requests()).isEqualTo(1);
    // the next read is still correct
    assertThat(source.read(10, 10)).isEqualTo(expected(10, 10));
  }

  @Test
  void aWholeBlobInsteadOfARangeFailsFastWhenTold() throws Exception {
    anonymous();
    fake.inject(RequestMatcher.blobGet(), Fault.ignoreRange(), 1);
    RegistryBlobSource source =
        repo.openBlob(
            digest,
            blob.length,
            RegistryBlobSource.Options.defaults().withFailOnIgnoredRanges(true));
    assertThatThrownBy(() -> source.read(30_000, 100))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("ignored the Range header");
  }

  @Test
  void aPartialAnswerForAnotherRangeIsRefused() throws Exception {
    anonymous();
    fake.inject(RequestMatcher.blobGet(), Fault.shiftRange(), FaultRule.ALWAYS);
    RegistryBlobSource source = repo.openBlob(digest, blob.length);
    assertThatThrownBy(() -> source.read(1000, 5000))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("answered bytes 1001-6000 for bytes 1000-5999");
    fake.clearFaults();
    assertThat(source.read(1000, 5000)).isEqualTo(expected(1000, 5000));
  }

  @Test
  void anInterruptedReadFailsAsInterruptedNotAsARegistryFailure() throws Exception {
    anonymous();
    fake.inject(RequestMatcher.blobGet(), Fault.delay(Duration.ofSeconds(5)), FaultRule.ALWAYS);
    RegistryBlobSource source = repo.openBlob(digest, blob.length);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread reader =
        new Thread(
            () -> {
              try {
                source.read(0, 1000);
              } catch (Throwable e) {
                failure.set(e);
              }
            });
    reader.start();
    // The fake logs a request once answered, so wait for the reader to block on the answer.
    while (reader.getState() != Thread.State.WAITING
        && reader.getState() != Thread.State.TIMED_WAITING) {
      Thread.sleep(5);
    }
    Thread.sleep(200);
    reader.interrupt();
    reader.join(10_000);
    assertThat(reader.isAlive()).isFalse();
    assertThat(failure.get())
        .isInstanceOf(InterruptedIOException.class)
        .hasMessageContaining("interrupted");
    // (a retry would have ended in a RegistryException or in the bytes, not in this)
  }

  @Test
  void aBodyDroppedMidwayIsResumedForTheMissingBytesOnly() throws Exception {
    anonymous();
    fake.inject(RequestMatcher.blobGet(), Fault.dropAfter(4000), 1);
    RegistryBlobSource source = repo.openBlob(digest, blob.length);
    assertThat(source.read(10_000, 20_000)).isEqualTo(expected(10_000, 20_000));
    List<RecordedRequest> reads = blobReads();
    assertThat(reads).hasSize(2);
    assertThat(reads.get(0).header("Range")).hasValue("bytes=10000-29999");
    assertThat(reads.get(1).header("Range")).hasValue("bytes=14000-29999");
    assertThat(source.statistics().resumes()).isEqualTo(1);
    assertThat(source.statistics().bytesReceived()).isEqualTo(20_000);
  }

  @Test
  void aBodyThatKeepsBreakingFailsWithoutWrongBytes() throws Exception {
    anonymous();
    fake.inject(RequestMatcher.blobGet(), Fault.dropMidBody(), 100);
    RegistryBlobSource source = repo.openBlob(digest, blob.length);
    assertThatThrownBy(() -> source.read(0, 20_000))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("still missing");
  }

  @Test
  void theResolvedCrossOriginUrlIsKeptAndNeverGetsCredentials() throws Exception {
    bearer();
    fake.inject(RequestMatcher.blobGet(), Fault.redirectToBlobHost(), 1);
    RegistryBlobSource source = repo.openBlob(digest, blob.length);
    for (int i = 0; i < 3; i++) {
      assertThat(source.read(i * 1000L, 500)).isEqualTo(expected(i * 1000L, 500));
    }
    // one request at the registry (redirected), then straight to the blob host
    assertThat(fake.requests(RequestMatcher.blobGet())).hasSize(1);
    List<RecordedRequest> atHost = fake.requests(RequestMatcher.blobHost());
    assertThat(atHost).hasSize(3);
    assertThat(atHost).allSatisfy(r -> assertThat(r.header("Authorization")).isEmpty());
    assertThat(atHost.get(2).header("Range")).hasValue("bytes=2000-2499");
  }

  @Test
  void anExpiredPresignedUrlIsResolvedAgainOnce() throws Exception {
    anonymous();
    fake.inject(RequestMatcher.blobGet(), Fault.redirectToBlobHost(), 2);
    RegistryBlobSource source = repo.openBlob(digest, blob.length);
    assertThat(source.read(0, 100)).isEqualTo(expected(0, 100));
    fake.inject(RequestMatcher.blobHost(), Fault.status(403), 1);
    assertThat(source.read(500, 100)).isEqualTo(expected(500, 100));
    assertThat(source.statistics().reresolutions()).isEqualTo(1);
    assertThat(fake.requests(RequestMatcher.blobGet())).hasSize(2);
  }

  @Test
  void aUrlThatStaysRefusedFailsAfterOneReresolution() throws Exception {
    anonymous();
    fake.inject(RequestMatcher.blobGet(), Fault.redirectToBlobHost(), 100);
    RegistryBlobSource source = repo.openBlob(digest, blob.length);
    assertThat(source.read(0, 100)).isEqualTo(expected(0, 100));
    fake.inject(RequestMatcher.blobHost(), Fault.status(403), 100);
    assertThatThrownBy(() -> source.read(500, 100))
        .isInstanceOf(RegistryException.class)
        .hasMessageNotContaining(FakeRegistry.PRESIGNED_SIGNATURE)
        .satisfies(e -> assertThat(((RegistryException) e).status()).isEqualTo(403));
    assertThat(source.statistics().reresolutions()).isEqualTo(1);
  }

  @Test
  void aTokenExpiringBetweenTwoReadsIsRefreshed() throws Exception {
    bearer();
    RegistryBlobSource source = repo.openBlob(digest, blob.length);
    assertThat(source.read(0, 1000)).isEqualTo(expected(0, 1000));
    int tokens = fake.requests(RequestMatcher.token()).size();
    fake.expireTokens();
    assertThat(source.read(100_000, 1000)).isEqualTo(expected(100_000, 1000));
    assertThat(fake.requests(RequestMatcher.token()).size()).isGreaterThan(tokens);
    // the blob reads all carried a token
    assertThat(blobReads()).allSatisfy(r -> assertThat(r.header("Range")).isPresent());
  }

  @Test
  void concurrentReadsAreIndependent() throws Exception {
    anonymous();
    RegistryBlobSource source = repo.openBlob(digest, blob.length);
    List<Thread> threads = new java.util.ArrayList<>();
    java.util.concurrent.ConcurrentLinkedQueue<Throwable> failures =
        new java.util.concurrent.ConcurrentLinkedQueue<>();
    for (int t = 0; t < 8; t++) {
      int k = t;
      Thread th =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < 10; i++) {
                    long off = (k * 10L + i) * 1500;
                    assertThat(source.read(off, 1500)).isEqualTo(expected(off, 1500));
                  }
                } catch (Throwable e) {
                  failures.add(e);
                }
              });
      threads.add(th);
      th.start();
    }
    for (Thread th : threads) {
      th.join();
    }
    assertThat(failures).isEmpty();
    assertThat(source.statistics().requests()).isEqualTo(80);
  }
}
