package dev.soci.core.registry.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@link TokenIssuer}'s endpoint and JWTs, checked without a registry. */
class TokenIssuerTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void jwtIsRs256SignedByTheCertificateInItsX5cHeader() throws Exception {
    try (TokenIssuer issuer = TokenIssuer.start()) {
      String jwt = issuer.issue("someone", List.of(Scope.parse("repository:a/b:pull,push")));
      String[] parts = jwt.split("\\.");
      assertThat(parts).hasSize(3);
      String header = decode(parts[0]);
      String claims = decode(parts[1]);
      assertThat(header).contains("\"alg\":\"RS256\"").contains("\"x5c\":[");
      assertThat(claims)
          .contains("\"iss\":\"" + TokenIssuer.DEFAULT_ISSUER + "\"")
          .contains("\"aud\":\"" + TokenIssuer.DEFAULT_SERVICE + "\"") // a string, as 2.8 wants
          .contains("\"sub\":\"someone\"")
          .contains("{\"type\":\"repository\",\"name\":\"a/b\",\"actions\":[\"pull\",\"push\"]}");

      Matcher x5c = Pattern.compile("\"x5c\":\\[\"([^\"]+)\"\\]").matcher(header);
      assertThat(x5c.find()).isTrue();
      X509Certificate certificate =
          (X509Certificate)
              CertificateFactory.getInstance("X.509")
                  .generateCertificate(
                      new ByteArrayInputStream(Base64.getDecoder().decode(x5c.group(1))));
      X509Certificate bundled =
          (X509Certificate)
              CertificateFactory.getInstance("X.509")
                  .generateCertificate(
                      new ByteArrayInputStream(
                          issuer.certificatePem().getBytes(StandardCharsets.US_ASCII)));
      assertThat(certificate).isEqualTo(bundled);
      certificate.checkValidity();
      Signature verifier = Signature.getInstance("SHA256withRSA");
      verifier.initVerify(certificate.getPublicKey());
      verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      assertThat(verifier.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();
    }
  }

  @Test
  void keyIdHeaderIsTheLibtrustFingerprint() throws Exception {
    try (TokenIssuer issuer = TokenIssuer.builder().keyIdHeader().start()) {
      String header = decode(issuer.issue("x", List.of()).split("\\.")[0]);
      assertThat(header).contains("\"kid\":\"" + issuer.keyId() + "\"").doesNotContain("x5c");
      // twelve groups of four base32 characters
      assertThat(issuer.keyId()).matches("[A-Z2-7]{4}(:[A-Z2-7]{4}){11}");
    }
  }

  @Test
  void endpointChecksServiceAndCredentialsAndSpeaksOAuth2() throws Exception {
    try (TokenIssuer issuer = TokenIssuer.builder().user("alice", "pw").anonymous(false).start()) {
      String query = "?service=" + issuer.service() + "&scope=repository:a:pull";
      assertThat(get(URI.create(issuer.realm() + query), null).statusCode()).isEqualTo(401);
      assertThat(
              get(URI.create(issuer.realm() + "?service=other"), basic("alice", "pw")).statusCode())
          .isEqualTo(400);
      assertThat(get(URI.create(issuer.realm() + query), basic("alice", "no")).statusCode())
          .isEqualTo(401);
      HttpResponse<String> ok = get(URI.create(issuer.realm() + query), basic("alice", "pw"));
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).contains("\"token\":").contains("\"expires_in\":300");

      HttpResponse<String> password =
          post(
              issuer.realm(),
              "grant_type=password&username=alice&password=pw&service="
                  + issuer.service()
                  + "&scope=repository:a:pull&client_id=soci");
      assertThat(password.statusCode()).isEqualTo(200);
      Matcher refresh = Pattern.compile("\"refresh_token\":\"([^\"]+)\"").matcher(password.body());
      assertThat(refresh.find()).isTrue();
      HttpResponse<String> refreshed =
          post(
              issuer.realm(),
              "grant_type=refresh_token&refresh_token="
                  + refresh.group(1)
                  + "&service="
                  + issuer.service()
                  + "&scope=repository:a:pull");
      assertThat(refreshed.statusCode()).isEqualTo(200);
      assertThat(refreshed.body()).contains("\"access_token\":");
      assertThat(
              post(
                      issuer.realm(),
                      "grant_type=refresh_token&refresh_token=bogus&service=" + issuer.service())
                  .statusCode())
          .isEqualTo(401);
      assertThat(issuer.requests())
          .extracting(TokenIssuer.TokenRequest::status)
          .containsExactly(401, 400, 401, 200, 200, 200, 401);
      assertThat(issuer.requests().get(3).account()).isEqualTo("alice");
    }
  }

  private static String decode(String part) {
    return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
  }

  private static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private static HttpResponse<String> get(URI uri, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri);
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(URI uri, String form) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
