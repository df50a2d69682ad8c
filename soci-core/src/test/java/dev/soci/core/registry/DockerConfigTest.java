package dev.soci.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.oci.InvalidDocumentException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerConfigTest {
  @TempDir Path dir;

  private static byte[] json(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsAuths() throws Exception {
    DockerConfig c =
        DockerConfig.parse(
            json(
                "{\"auths\":{"
                    + "\"https://index.docker.io/v1/\":{\"auth\":\""
                    + b64("hub:p:w")
                    + "\"},"
                    + "\"http://127.0.0.1:5000/v2/\":{\"username\":\"u\",\"password\":\"p\"},"
                    + "\"ghcr.io\":{\"identitytoken\":\"refresh\"},"
                    + "\"empty.io\":{}}}"),
            "config.json",
            Map.of());
    assertThat(c.lookup("docker.io")).isEqualTo(new Credentials("hub", "p:w", null));
    assertThat(c.lookup("127.0.0.1:5000")).isEqualTo(new Credentials("u", "p", null));
    assertThat(c.lookup("GHCR.IO").identityToken()).isEqualTo("refresh");
    assertThat(c.lookup("empty.io").isAnonymous()).isTrue();
    assertThat(c.lookup("other.io")).isEqualTo(Credentials.ANONYMOUS);
    assertThat(c.lookup("docker.io").toString()).doesNotContain("p:w");
  }

  @Test
  void rejectsMalformedConfigsNamingTheField() {
    assertThatThrownBy(
            () ->
                DockerConfig.parse(
                    json("{\"auths\":{\"h\":{\"auth\":\"!!\"}}}"), "c.json", Map.of()))
        .isInstanceOf(InvalidDocumentException.class)
        .hasMessageContaining("auths[h].auth")
        .hasMessageContaining("c.json");
    assertThatThrownBy(
            () ->
                DockerConfig.parse(
                    json("{\"auths\":{\"h\":{\"auth\":\"" + b64("nocolon") + "\"}}}"),
                    "c",
                    Map.of()))
        .isInstanceOf(InvalidDocumentException.class)
        .hasMessageContaining("user:password")
        .hasMessageNotContaining("nocolon");
    assertThatThrownBy(() -> DockerConfig.parse(json("{\"auths\":[]}"), "c", Map.of()))
        .isInstanceOf(InvalidDocumentException.class);
    assertThatThrownBy(() -> DockerConfig.parse(json("{\"credHelpers\":{\"h\":1}}"), "c", Map.of()))
        .isInstanceOf(InvalidDocumentException.class)
        .hasMessageContaining("credHelpers[h]");
    assertThatThrownBy(() -> DockerConfig.parse(json("[]"), "c", Map.of()))
        .isInstanceOf(InvalidDocumentException.class);
  }

  @Test
  void randomBytesFailOnlyAsInvalidDocuments() {
    Random rnd = new Random(13);
    String alphabet = "{}[]\":,authsuserpwd0 \\";
    for (int i = 0; i < 20000; i++) {
      StringBuilder b = new StringBuilder();
      for (int n = rnd.nextInt(40); n > 0; n--) {
        b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
      }
      try {
        DockerConfig.parse(json(b.toString()), "c", Map.of()).lookup("h");
      } catch (InvalidDocumentException e) {
        assertThat(e.getMessage()).contains("c");
      } catch (RegistryException e) {
        // a credsStore named by random text: not on PATH
        assertThat(e.getMessage()).contains("docker-credential-");
      }
    }
  }

  @Test
  void missingFileIsAnonymousAndDefaultLocationFollowsDockerConfig() throws Exception {
    assertThat(DockerConfig.load(dir.resolve("none.json"), Map.of()).lookup("h"))
        .isEqualTo(Credentials.ANONYMOUS);
    assertThat(DockerConfig.defaultLocation(Map.of("DOCKER_CONFIG", dir.toString())))
        .isEqualTo(dir.resolve("config.json"));
    assertThat(DockerConfig.defaultLocation(Map.of()).toString()).endsWith(".docker/config.json");
  }

  private Path helper(String name, String script) throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path p = bin.resolve("docker-credential-" + name);
    Files.writeString(p, "#!/bin/sh\n" + script);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    return bin;
  }

  @Test
  void runsCredentialHelpers() throws Exception {
    // the helper echoes the server URL it was asked about into the user name
    Path bin =
        helper(
            "test",
            "read url\n"
                + "if [ \"$1\" != get ]; then exit 3; fi\n"
                + "case \"$url\" in\n"
                + "  tokenhost) echo '{\"ServerURL\":\"x\",\"Username\":\"<token>\",\"Secret\":\"rt\"}';;\n"
                + "  missing) echo 'credentials not found in native keychain'; exit 1;;\n"
                + "  broken) echo 'boom secret-ish detail'; exit 2;;\n"
                + "  *) printf '{\"ServerURL\":\"%s\",\"Username\":\"u-%s\",\"Secret\":\"s\"}' \"$url\" \"$url\";;\n"
                + "esac\n");
    helper("store", "read url\nprintf '{\"Username\":\"store\",\"Secret\":\"s2\"}'\n");
    Map<String, String> env = Map.of("PATH", bin.toString());
    DockerConfig c =
        DockerConfig.parse(
            json(
                "{\"credsStore\":\"store\",\"credHelpers\":{\"h.io\":\"test\",\"tokenhost\":\"test\","
                    + "\"missing\":\"test\",\"broken\":\"test\",\"docker.io\":\"test\",\"nohelper\":\"absent\","
                    + "\"bad\":\"../x\"},"
                    + "\"auths\":{\"a.io\":{\"auth\":\""
                    + b64("a:b")
                    + "\"}}}"),
            "config.json",
            env);
    assertThat(c.lookup("h.io")).isEqualTo(new Credentials("u-h.io", "s", null));
    assertThat(c.lookup("docker.io").username()).isEqualTo("u-" + DockerConfig.DOCKER_HUB_KEY);
    assertThat(c.lookup("tokenhost")).isEqualTo(new Credentials(null, null, "rt"));
    assertThat(c.lookup("missing")).isEqualTo(Credentials.ANONYMOUS);
    assertThat(c.lookup("a.io")).isEqualTo(new Credentials("a", "b", null));
    assertThat(c.lookup("elsewhere")).isEqualTo(new Credentials("store", "s2", null));
    assertThatThrownBy(() -> c.lookup("broken"))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("tried to get credentials for broken from docker-credential-test")
        .hasMessageContaining("exited with status 2");
    assertThatThrownBy(() -> c.lookup("nohelper"))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("docker-credential-absent is not on PATH");
    assertThatThrownBy(() -> c.lookup("bad"))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("not valid");
  }
}
