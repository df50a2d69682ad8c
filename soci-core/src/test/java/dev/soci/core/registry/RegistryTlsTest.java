package dev.soci.core.registry;

import static dev.soci.core.registry.RepositoryContract.random;
import static dev.soci.core.registry.RepositoryContract.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.core.registry.testing.FakeRegistry;
import dev.soci.core.registry.testing.Fault;
import dev.soci.core.registry.testing.RequestMatcher;
import dev.soci.oci.Digest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client over HTTPS against the fake's TLS mode (a self-signed certificate for 127.0.0.1): its
 * own trust ({@link Registry.Builder#sslContext}), a refused certificate, and redirects that leave
 * TLS (refused before any request) or the origin (no {@code Authorization} carried).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // a hang guard, not a measurement
class RegistryTlsTest {
  private static final String REPO = "tls/repo";
  private static final RequestMatcher AUTHENTICATED_BLOB_GET =
      RequestMatcher.blobGet().and(RequestMatcher.withHeader("Authorization"));
  private final List<FakeRegistry> fakes = new ArrayList<>();

  @AfterEach
  void stop() {
    fakes.forEach(FakeRegistry::close);
  }

  private FakeRegistry start(FakeRegistry.Builder b) throws Exception {
    FakeRegistry fake = b.start();
    fakes.add(fake);
    return fake;
  }

  /** A client that speaks HTTPS to the loopback fake, with bob's credentials. */
  private static Registry.Builder client() {
    return RepositoryContract.quick().loopbackHttps(true).credentials("bob", "pw");
  }

  private static Repository repository(Registry registry, FakeRegistry fake) {
    return registry.repository(ImageReference.parse(fake.host() + "/" + REPO + ":v1"));
  }

  @Test
  void pullsManifestAndBlobOverHttpsWithTheGivenTrust() throws Exception {
    FakeRegistry fake = start(FakeRegistry.builder().https().bearerAuth("bob", "pw"));
    byte[] blob = random(50_000, 1);
    String digest = fake.putBlob(REPO, blob);
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    String configDigest = fake.putBlob(REPO, config);
    byte[] manifest =
        ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
                + "\"digest\":\""
                + configDigest
                + "\",\"size\":2},\"layers\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\""
                + digest
                + "\",\"size\":"
                + blob.length
                + "}]}")
            .getBytes(StandardCharsets.UTF_8);
    String manifestDigest =
        fake.putManifest(REPO, "v1", "application/vnd.oci.image.manifest.v1+json", manifest);

    Repository repo = repository(client().sslContext(fake.clientSslContext()).build(), fake);
    FetchedManifest fetched = repo.getManifest("v1");
    assertThat(fetched.content()).isEqualTo(manifest);
    assertThat(fetched.descriptor().digest().toString()).isEqualTo(manifestDigest);
    assertThat(readAll(repo.getBlob(Digest.parse(digest), blob.length))).isEqualTo(blob);
    assertThat(readAll(repo.getBlobRange(Digest.parse(digest), 1000, 10)))
        .isEqualTo(java.util.Arrays.copyOfRange(blob, 1000, 1010));
    // the bearer token came from the realm over the same TLS trust
    assertThat(fake.requests(RequestMatcher.token())).isNotEmpty();
    assertThat(fake.requests(RequestMatcher.blobGet()))
        .extracting(r -> r.status())
        .contains(200, 206);
  }

  @Test
  void untrustedCertificateIsATypedTlsFailureNamingTheHost() throws Exception {
    FakeRegistry fake = start(FakeRegistry.builder().https().bearerAuth("bob", "pw"));
    String digest = fake.putBlob(REPO, random(100, 2));
    // the JVM's default trust store does not know the fake's self-signed certificate
    Repository repo = repository(client().build(), fake);

    assertThatThrownBy(() -> readAll(repo.getBlob(Digest.parse(digest), 100)))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.status()).isEqualTo(RegistryException.NO_STATUS);
              assertThat(e.url()).startsWith("https://" + fake.host() + "/v2/");
            })
        .hasMessageContaining("TLS certificate of " + fake.host())
        .hasMessageContaining("not trusted")
        .hasMessageContaining("sslContext");
    // the handshake failed before any HTTP request, and was not retried into the registry
    assertThat(fake.requests()).isEmpty();
  }

  @Test
  void contextRefusingTheCertificateFails() throws Exception {
    FakeRegistry fake = start(FakeRegistry.builder().https());
    String digest = fake.putBlob(REPO, random(100, 3));
    // a context whose trust managers refuse the server (as one for another CA would)
    javax.net.ssl.SSLContext other = javax.net.ssl.SSLContext.getInstance("TLS");
    other.init(null, new javax.net.ssl.TrustManager[] {new TrustNothing()}, null);
    Repository repo = repository(client().sslContext(other).build(), fake);

    assertThatThrownBy(() -> repo.headBlob(Digest.parse(digest)))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("TLS certificate of " + fake.host());
    assertThat(fake.requests()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(ints = {301, 302, 303, 307, 308})
  void redirectFromHttpsToHttpIsRefusedBeforeAnyRequest(int status) throws Exception {
    FakeRegistry fake = start(FakeRegistry.builder().https().basicAuth("bob", "pw"));
    FakeRegistry plain = start(FakeRegistry.builder().basicAuth("bob", "pw"));
    byte[] blob = random(1000, 4);
    String digest = fake.putBlob(REPO, blob);
    plain.putBlob(REPO, blob); // if the redirect were followed, it would succeed
    String target = plain.baseUri() + "/v2/" + REPO + "/blobs/" + digest;
    // the authenticated GET is redirected: a followed redirect would have a credential to leak
    fake.inject(AUTHENTICATED_BLOB_GET, Fault.redirect(status, target), 100);
    Repository repo = repository(client().sslContext(fake.clientSslContext()).build(), fake);

    assertThatThrownBy(() -> readAll(repo.getBlob(Digest.parse(digest), blob.length)))
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.status()).isEqualTo(status))
        .hasMessageContaining("redirected from https to plain http")
        .hasMessageContaining(plain.host())
        .hasMessageContaining("refused")
        .hasMessageNotContaining("Basic ");
    assertThat(plain.requests()).isEmpty();
    // the registry did get the authenticated request that was redirected
    assertThat(fake.requests(AUTHENTICATED_BLOB_GET))
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.status()).isEqualTo(status));
  }

  @Test
  void redirectToAnotherHttpsOriginWorksWithoutAuthorization() throws Exception {
    FakeRegistry fake = start(FakeRegistry.builder().https().bearerAuth("bob", "pw"));
    byte[] blob = random(20_000, 5);
    String digest = fake.putBlob(REPO, blob);
    fake.inject(AUTHENTICATED_BLOB_GET, Fault.redirectToBlobHost(), 100);
    assertThat(fake.blobHostUri().getScheme()).isEqualTo("https");
    Repository repo = repository(client().sslContext(fake.clientSslContext()).build(), fake);

    assertThat(readAll(repo.getBlob(Digest.parse(digest), blob.length))).isEqualTo(blob);
    var atBlobHost = fake.requests(RequestMatcher.blobHost());
    assertThat(atBlobHost).hasSize(1);
    assertThat(atBlobHost.get(0).status()).isEqualTo(200);
    assertThat(atBlobHost.get(0).header("Authorization")).isEmpty();
    assertThat(fake.requests(AUTHENTICATED_BLOB_GET))
        .singleElement()
        .satisfies(r -> assertThat(r.status()).isEqualTo(307));
  }

  /** Trusts no certificate at all. */
  private static final class TrustNothing implements javax.net.ssl.X509TrustManager {
    @Override
    public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType)
        throws java.security.cert.CertificateException {
      throw new java.security.cert.CertificateException("no client is trusted");
    }

    @Override
    public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType)
        throws java.security.cert.CertificateException {
      throw new java.security.cert.CertificateException("no server is trusted");
    }

    @Override
    public java.security.cert.X509Certificate[] getAcceptedIssuers() {
      return new java.security.cert.X509Certificate[0];
    }
  }
}
