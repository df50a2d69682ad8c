package dev.soci.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.core.registry.testing.FakeRegistry;
import dev.soci.core.registry.testing.RegistryProcess;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * The registry fixtures of soci-core's test-jar are usable from the CLI's tests (which run in
 * module {@code dev.soci.cli}; the pom adds {@code jdk.httpserver} and {@code java.net.http}).
 */
class RegistryFixturesTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void fakeRegistryServesTheCliTests() throws Exception {
    try (FakeRegistry registry = FakeRegistry.start()) {
      HttpResponse<String> ping =
          HTTP.send(
              HttpRequest.newBuilder(registry.baseUri().resolve("/v2/")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(ping.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void realRegistryStartsForTheCliTests() throws Exception {
    RegistryProcess.assumeAvailable();
    try (RegistryProcess registry = RegistryProcess.startPlain()) {
      HttpResponse<String> ping =
          HTTP.send(
              HttpRequest.newBuilder(registry.baseUri().resolve("/v2/")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(ping.statusCode()).isEqualTo(200);
    }
  }
}
