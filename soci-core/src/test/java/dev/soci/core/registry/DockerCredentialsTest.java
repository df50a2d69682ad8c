package dev.soci.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.core.registry.testing.FakeRegistry;
import dev.soci.core.registry.testing.RequestMatcher;
import dev.soci.oci.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Credentials from docker's config.json, end to end against the fake with basic and bearer. */
class DockerCredentialsTest {
  @TempDir Path dir;

  private Registry client(String configJson, Map<String, String> env) throws Exception {
    Path config = dir.resolve("docker");
    Files.createDirectories(config);
    Files.writeString(config.resolve("config.json"), configJson);
    Map<String, String> e = new java.util.HashMap<>(env);
    e.put("DOCKER_CONFIG", config.toString());
    return RepositoryContract.quick().environment(e).build();
  }

  private static void pushAndRead(Registry client, FakeRegistry fake) throws Exception {
    Repository repo = client.repository(ImageReference.parse(fake.host() + "/creds/app:v1"));
    byte[] blob = "credentials".getBytes(StandardCharsets.UTF_8);
    Digest d = Digest.sha256(blob);
    repo.pushBlob(d, blob.length, BlobContent.of(blob));
    assertThat(repo.headBlob(d)).hasValue(blob.length);
  }

  @Test
  void authsEntryIsUsed() throws Exception {
    try (FakeRegistry fake = FakeRegistry.builder().basicAuth("alice", "pw").start()) {
      String auth = Base64.getEncoder().encodeToString("alice:pw".getBytes(StandardCharsets.UTF_8));
      pushAndRead(
          client(
              "{\"auths\":{\"http://" + fake.host() + "\":{\"auth\":\"" + auth + "\"}}}", Map.of()),
          fake);
      assertThat(fake.requests(RequestMatcher.withHeader("Authorization"))).isNotEmpty();
    }
  }

  @Test
  void credentialHelperOnPathIsRun() throws Exception {
    try (FakeRegistry fake = FakeRegistry.builder().bearerAuth("bob", "secret").start()) {
      Path bin = Files.createDirectories(dir.resolve("bin"));
      Path helper = bin.resolve("docker-credential-test");
      Files.writeString(
          helper,
          "#!/bin/sh\n"
              + "read server\n"
              + "[ \"$1\" = get ] || exit 1\n"
              + "[ \"$server\" = \""
              + fake.host()
              + "\" ] || { echo 'credentials not found'; exit 1; }\n"
              + "echo '{\"ServerURL\":\"'$server'\",\"Username\":\"bob\",\"Secret\":\"secret\"}'\n");
      Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwx------"));
      Map<String, String> env = Map.of("PATH", bin + ":/usr/bin:/bin");
      pushAndRead(client("{\"credHelpers\":{\"" + fake.host() + "\":\"test\"}}", env), fake);
      assertThat(fake.requests(RequestMatcher.token())).isNotEmpty();

      // a helper that has nothing for the registry: anonymous, refused by the registry
      Registry none = client("{\"credsStore\":\"test\",\"credHelpers\":{}}", env);
      Repository other =
          none.repository(ImageReference.parse("localhost:" + fake.port() + "/creds/app:v1"));
      assertThatThrownBy(() -> other.headBlob(Digest.sha256(new byte[] {1})))
          .isInstanceOfSatisfying(
              RegistryException.class, e -> assertThat(e.status()).isIn(401, 403));
    }
  }
}
