package dev.soci.cli;

import static dev.soci.cli.RegistryCommandsTest.sh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.soci.cli.SociCommandTest.Result;
import dev.soci.core.registry.testing.RegistryProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code soci create REF} and {@code soci convert REF --to TAG} against docker-registry: the same
 * digests as {@code soci pull}, a layout build and {@code soci push}.
 */
class RemoteBuildCommandsTest {
  @TempDir static Path shared;
  static RegistryProcess registry;
  static String image;

  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

  @BeforeAll
  static void pushPlainImage() throws Exception {
    assumeTrue(RegistryCommandsTest.onPath("umoci"), "umoci is needed");
    RegistryProcess.assumeAvailable();
    Path layout = shared.resolve("layout");
    sh(shared, "umoci", "init", "--layout", layout.toString());
    sh(shared, "umoci", "new", "--image", layout + ":app");
    for (int i = 0; i < 2; i++) {
      byte[] big = new byte[250_000];
      new Random(10 + i).nextBytes(big);
      Path f = shared.resolve("big" + i);
      Files.write(f, big);
      sh(shared, "umoci", "insert", "--image", layout + ":app", f.toString(), "/big" + i);
    }
    registry = RegistryProcess.startPlain();
    image = registry.host() + "/remote/app:v1";
    Result push =
        SociCommandTest.run("push", "--layout", layout.toString(), "--image", "app", image);
    assertThat(push.code()).as(push.err()).isZero();
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  private static final String[] OPTIONS = {"--min-layer-size", "0", "--span-size", "65536"};

  private static Result ok(String... args) {
    Result r = SociCommandTest.run(args);
    assertThat(r.code()).as(String.join(" ", args) + "\n" + r.err()).isZero();
    return r;
  }

  private static String[] with(String[] a, String... b) {
    return RegistryCommandsTest.concat(a, b);
  }

  /** soci pull into a fresh layout, tagged {@code x}. */
  private static Path pull(String name) {
    Path dir = shared.resolve(name);
    ok("pull", image, "--layout", dir.toString(), "--image", "x");
    return dir;
  }

  @Test
  void createMatchesPullCreatePush() {
    Result remote = ok(with(new String[] {"create", image}, OPTIONS));
    String out = remote.outText();
    assertThat(out.lines().filter(l -> l.matches("layer sha256:\\w+ -> ztoc sha256:\\w+")))
        .hasSize(2);
    Matcher m = Pattern.compile("soci index (sha256:[0-9a-f]{64}) \\(v1").matcher(out);
    assertThat(m.find()).as(out).isTrue();
    String remoteIndex = m.group(1);

    Path dir = pull("create");
    ok(with(new String[] {"create", "--layout", dir.toString(), "--image", "x", "-q"}, OPTIONS));
    Result pushed =
        ok(
            "push",
            "--layout",
            dir.toString(),
            "--image",
            "x",
            "-q",
            registry.host() + "/remote/copy:v1");
    String[] digests = pushed.outText().trim().split("\n");
    assertThat(digests).hasSize(2);
    assertThat(digests[1]).isEqualTo(remoteIndex);
    // the zTOC lines name the same zTOCs
    assertThat(out)
        .contains(
            new String(
                    ok(with(
                            new String[] {"create", "--layout", dir.toString(), "--image", "x"},
                            OPTIONS))
                        .out(),
                    java.nio.charset.StandardCharsets.UTF_8)
                .lines()
                .filter(l -> l.startsWith("layer "))
                .map(l -> l.replace(" (already exists)", ""))
                .toArray(String[]::new));
  }

  @Test
  void convertMatchesPullConvertPush() {
    Result remote = ok(with(new String[] {"convert", image, "--to", "v1-soci", "-q"}, OPTIONS));
    String remoteDigest = remote.outText().trim();
    assertThat(remoteDigest).matches(DIGEST);

    Path dir = pull("convert");
    Result local =
        ok(
            with(
                new String[] {
                  "convert", "--layout", dir.toString(), "--image", "x", "--to", "x-soci", "-q"
                },
                OPTIONS));
    assertThat(local.outText().trim()).isEqualTo(remoteDigest);
    Result pulled =
        ok(
            "pull",
            registry.host() + "/remote/app:v1-soci",
            "--layout",
            shared.resolve("converted").toString(),
            "-q");
    assertThat(pulled.outText()).contains(remoteDigest);
  }

  @Test
  void aRegistryReferenceExcludesTheLayoutOptions() {
    Result r = SociCommandTest.run("create", image, "--layout", shared.toString(), "--image", "x");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("either an image REF or --layout");
    Result none = SociCommandTest.run("create");
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).contains("give a registry REF, or --layout DIR and --image REF");
  }
}
