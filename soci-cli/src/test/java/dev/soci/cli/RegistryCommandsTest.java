package dev.soci.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.soci.cli.SociCommandTest.Result;
import dev.soci.core.registry.testing.RegistryProcess;
import dev.soci.oci.layout.OciLayout;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code soci push} and {@code soci pull} against Debian's docker-registry on loopback, with skopeo
 * reading what was pushed.
 */
class RegistryCommandsTest {
  @TempDir static Path shared;
  static Path layout;

  static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  static String sh(Path cwd, String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = p.getInputStream()) {
      in.transferTo(out);
    }
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
    return out.toString(StandardCharsets.UTF_8);
  }

  @BeforeAll
  static void image() throws Exception {
    assumeTrue(onPath("umoci") && onPath("skopeo"), "umoci and skopeo are needed");
    RegistryProcess.assumeAvailable();
    layout = shared.resolve("layout");
    sh(shared, "umoci", "init", "--layout", layout.toString());
    sh(shared, "umoci", "new", "--image", layout + ":app");
    byte[] big = new byte[300_000];
    new Random(3).nextBytes(big);
    Files.write(shared.resolve("big"), big);
    sh(
        shared,
        "umoci",
        "insert",
        "--image",
        layout + ":app",
        shared.resolve("big").toString(),
        "/big.bin");
    String[] build = {
      "--layout",
      layout.toString(),
      "--image",
      "app",
      "--min-layer-size",
      "0",
      "--span-size",
      "65536"
    };
    assertThat(SociCommandTest.run(concat(new String[] {"create"}, build)).code()).isZero();
    assertThat(
            SociCommandTest.run(concat(new String[] {"convert", "--to", "app-soci"}, build)).code())
        .isZero();
  }

  static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void pushThenSkopeoThenPullIntoAnEmptyDirectory() throws Exception {
    try (RegistryProcess registry = RegistryProcess.startWithBasicAuth("alice", "pw")) {
      String host = registry.host();
      Result v2 =
          SociCommandTest.run(
              "push",
              "--layout",
              layout.toString(),
              "--image",
              "app-soci",
              "--user",
              "alice:pw",
              host + "/cli/app:soci");
      assertThat(v2.code()).as(v2.err()).isZero();
      assertThat(v2.outText()).contains("pushed " + host + "/cli/app:soci -> sha256:");
      Result v1 =
          SociCommandTest.run(
              "push",
              "--layout",
              layout.toString(),
              "--image",
              "app",
              "--user",
              "alice:pw",
              "-q",
              host + "/cli/app:v1");
      assertThat(v1.code()).as(v1.err()).isZero();
      String[] digests = v1.outText().trim().split("\n");
      assertThat(digests).hasSize(2).allMatch(d -> d.matches("sha256:[0-9a-f]{64}"));
      assertThat(digests[0]).isEqualTo(OciLayout.open(layout).resolve("app").digest().toString());

      Result again =
          SociCommandTest.run(
              "push",
              "--layout",
              layout.toString(),
              "--image",
              "app-soci",
              "--user",
              "alice:pw",
              host + "/cli/app:soci");
      assertThat(again.outText()).contains("is up to date");

      // skopeo, a third-party client, reads the image and copies everything the index reaches
      String creds = "--creds=alice:pw";
      String raw =
          sh(
              shared,
              "skopeo",
              "inspect",
              "--raw",
              "--tls-verify=false",
              creds,
              "docker://" + host + "/cli/app:soci");
      assertThat(raw).contains("application/vnd.amazon.soci.index.v2+json");
      Path copied = shared.resolve("skopeo-" + System.nanoTime());
      sh(
          shared,
          "skopeo",
          "copy",
          "--all",
          "--src-tls-verify=false",
          "--src-creds=alice:pw",
          "docker://" + host + "/cli/app:soci",
          "oci:" + copied + ":soci");
      // skopeo may re-encode the index it writes, but every manifest and blob it reaches arrives
      dev.soci.oci.ImageIndex source =
          OciLayout.open(layout).readIndex(OciLayout.open(layout).resolve("app-soci"));
      for (dev.soci.oci.Descriptor child : source.manifests()) {
        assertThat(OciLayout.open(copied).exists(child)).as(child.toString()).isTrue();
      }
      // the v1 index is reachable through its fallback tag
      String fallback = "sha256-" + digests[0].substring("sha256:".length());
      assertThat(
              sh(
                  shared,
                  "skopeo",
                  "inspect",
                  "--raw",
                  "--tls-verify=false",
                  creds,
                  "docker://" + host + "/cli/app:" + fallback))
          .contains(digests[1]);

      Path pulled = shared.resolve("pulled-" + System.nanoTime());
      Result pullV2 =
          SociCommandTest.run(
              "pull", host + "/cli/app:soci", "--layout", pulled.toString(), "--user", "alice:pw");
      assertThat(pullV2.code()).as(pullV2.err()).isZero();
      Result pullV1 =
          SociCommandTest.run(
              "pull",
              host + "/cli/app:v1",
              "--layout",
              pulled.toString(),
              "--image",
              "app",
              "--user",
              "alice:pw",
              "-q");
      assertThat(pullV1.code()).as(pullV1.err()).isZero();
      assertThat(pullV1.outText().trim()).isEqualTo(digests[0]);
      OciLayout p = OciLayout.open(pulled);
      assertThat(p.resolve("soci").digest())
          .isEqualTo(OciLayout.open(layout).resolve("app-soci").digest());
      assertThat(p.resolve("app").digest())
          .isEqualTo(OciLayout.open(layout).resolve("app").digest());
      Result list = SociCommandTest.run("index", "list", "--layout", pulled.toString());
      assertThat(list.code()).as(list.err()).isZero();
      assertThat(list.outText()).contains(digests[1]).contains("v2");
      Result ztocs = SociCommandTest.run("ztoc", "list", "--layout", pulled.toString());
      assertThat(ztocs.code()).as(ztocs.err()).isZero();
      assertThat(ztocs.outText()).contains("sha256:");
    }
  }

  @Test
  void badDestinationsAreUsageErrors() {
    Result r =
        SociCommandTest.run("push", "--layout", layout.toString(), "--image", "app", "Bad//Ref");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("invalid image reference");
    Result policy =
        SociCommandTest.run(
            "push",
            "--layout",
            layout.toString(),
            "--image",
            "app",
            "--existing-index",
            "maybe",
            "127.0.0.1:1/x:y");
    assertThat(policy.code()).isEqualTo(2);
    assertThat(policy.err()).contains("warn, skip or allow");
  }
}
