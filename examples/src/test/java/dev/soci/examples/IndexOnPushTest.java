package dev.soci.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.soci.core.index.SociIndexBuilder;
import dev.soci.core.registry.ImageReference;
import dev.soci.core.registry.Registry;
import dev.soci.core.registry.Repository;
import dev.soci.core.registry.testing.RegistryProcess;
import dev.soci.oci.Descriptor;
import dev.soci.oci.MediaTypes;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docker-registry notifies the worker of a {@code skopeo copy}; the SOCI index appears. */
class IndexOnPushTest {
  static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  static void run(Path cwd, String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + out).isZero();
  }

  @Test
  void indexesAnImagePushedWithSkopeo(@TempDir Path dir) throws Exception {
    assumeTrue(onPath("umoci") && onPath("skopeo"), "umoci and skopeo are needed");
    RegistryProcess.assumeAvailable();
    Path layout = dir.resolve("layout");
    run(dir, "umoci", "init", "--layout", layout.toString());
    run(dir, "umoci", "new", "--image", layout + ":app");
    byte[] b = new byte[300_000];
    new Random(7).nextBytes(b);
    Files.write(dir.resolve("f"), b);
    run(dir, "umoci", "insert", "--image", layout + ":app", dir.resolve("f").toString(), "/f");

    // the worker's port must be in the registry's config before either starts
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String notifications =
        "notifications:\n  endpoints:\n    - name: soci\n"
            + "      url: http://127.0.0.1:"
            + port
            + "/events\n"
            + "      timeout: 5s\n      threshold: 5\n      backoff: 200ms\n"
            + "      ignoredmediatypes:\n        - application/octet-stream\n";
    Registry client = Registry.builder().anonymous().build();
    try (RegistryProcess registry = RegistryProcess.startPlain(notifications);
        IndexOnPush worker =
            IndexOnPush.start(
                port,
                client,
                registry.host(),
                SociIndexBuilder.withDefaults().minLayerSize(0).spanSize(64 << 10))) {
      ImageReference ref = ImageReference.parse(registry.host() + "/pushed/app:v1");
      run(
          dir,
          "skopeo",
          "copy",
          "--dest-tls-verify=false",
          "oci:" + layout + ":app",
          "docker://" + ref);
      Repository repo = client.repository(ref);
      Descriptor image = repo.getManifest("v1").descriptor();
      List<Descriptor> found = List.of();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (found.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(100);
        found = repo.referrers(image.digest(), MediaTypes.SOCI_INDEX_V1);
      }
      assertThat(found).as(registry.log()).hasSize(1);
      assertThat(worker.port()).isEqualTo(port);
    }
  }
}
