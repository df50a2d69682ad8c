package dev.soci.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.cli.SociCommandTest.Result;
import dev.soci.core.registry.testing.FakeRegistry;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --ca-file PEM}: the trust the registry client gets is the JVM's CAs plus the file's, shown
 * against an HTTPS fake registry with a self-signed certificate; bad files are usage errors.
 */
class CaFileOptionTest {
  @TempDir Path dir;

  @Test
  void trustsTheFileCertificatesBesidesTheDefaultOnes() throws Exception {
    try (FakeRegistry fake = FakeRegistry.builder().https().start()) {
      Path pem = Files.writeString(dir.resolve("ca.pem"), fake.certificatePem());
      KeyStore store = RegistryOptions.trustStore(pem);
      // the JDK's public CAs stay trusted (a blob host behind a public CA), plus the file's one
      assertThat(store.size()).isGreaterThan(1);
      assertThat(store.getCertificateAlias(certificateOf(fake))).isNotNull();

      HttpRequest ping = HttpRequest.newBuilder(fake.baseUri().resolve("/v2/")).build();
      HttpClient trusting =
          HttpClient.newBuilder()
              .sslContext(RegistryOptions.sslContext(store))
              .connectTimeout(Duration.ofSeconds(5))
              .build();
      assertThat(trusting.send(ping, HttpResponse.BodyHandlers.discarding()).statusCode())
          .isEqualTo(200);
      HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      assertThatThrownBy(() -> plain.send(ping, HttpResponse.BodyHandlers.discarding()))
          .isInstanceOf(javax.net.ssl.SSLException.class);
    }
  }

  @Test
  void unreadableOrEmptyFilesAreUsageErrors() throws Exception {
    Path missing = dir.resolve("missing.pem");
    assertThatThrownBy(() -> RegistryOptions.trustStore(missing))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--ca-file " + missing);
    Path empty = Files.writeString(dir.resolve("empty.pem"), "");
    assertThatThrownBy(() -> RegistryOptions.trustStore(empty))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("holds no PEM certificate");
    Path garbage =
        Files.writeString(
            dir.resolve("garbage.pem"),
            "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n");
    assertThatThrownBy(() -> RegistryOptions.trustStore(garbage))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--ca-file " + garbage);
  }

  @Test
  void commandsTakeTheOption() throws Exception {
    Path missing = dir.resolve("missing.pem");
    Result pull =
        SociCommandTest.run(
            "pull",
            "--ca-file",
            missing.toString(),
            "--layout",
            dir.resolve("out").toString(),
            "127.0.0.1:1/x:y");
    assertThat(pull.code()).as(pull.err()).isEqualTo(2);
    assertThat(pull.err()).contains("--ca-file " + missing);
    Result ls =
        SociCommandTest.run(
            "ls", "--layout", dir.toString(), "--image", "x", "--ca-file", missing.toString());
    assertThat(ls.code()).as(ls.err()).isEqualTo(2);
    assertThat(ls.err()).contains("are for a registry SRC");
  }

  private static java.security.cert.Certificate certificateOf(FakeRegistry fake) throws Exception {
    return java.security.cert.CertificateFactory.getInstance("X.509")
        .generateCertificate(
            new java.io.ByteArrayInputStream(
                fake.certificatePem().getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
  }
}
