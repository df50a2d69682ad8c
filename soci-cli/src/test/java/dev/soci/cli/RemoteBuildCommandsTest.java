package dev.soci.cli;

import static dev.soci.cli.RegistryCommandsTest.sh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.soci.cli.SociCommandTest.Result;
import dev.soci.core.registry.testing.RegistryProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
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

  /** The files under {@code dir} of the registry's storage (none when it does not exist). */
  private static long files(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(Files::isRegularFile).count();
    }
  }

  @Test
  void convertRefusesATagNamingAnotherImageBeforeUploadingAnything() throws Exception {
    // a repository of its own: the plain image, tagged v1 and taken
    String repo = registry.host() + "/remote/taken";
    String layout = shared.resolve("layout").toString();
    ok("push", "--layout", layout, "--image", "app", repo + ":v1");
    ok("push", "--layout", layout, "--image", "app", repo + ":taken");
    Path storage = registry.storageRoot().resolve("docker/registry/v2");
    Path links = storage.resolve("repositories/remote/taken");
    long blobs = files(storage.resolve("blobs"));
    long repoFiles = files(links);
    String taken =
        ok("pull", repo + ":taken", "--layout", shared.resolve("taken").toString(), "-q")
            .outText()
            .trim();
    assertThat(taken).matches(DIGEST);

    // a span size no other test uses: the zTOCs are blobs the registry does not hold yet
    String[] convert = {
      "convert",
      repo + ":v1",
      "--to",
      "taken",
      "-q",
      "--min-layer-size",
      "0",
      "--span-size",
      "32768"
    };
    Result refused = SociCommandTest.run(convert);
    assertThat(refused.code()).as(refused.err()).isEqualTo(1);
    assertThat(refused.err())
        .startsWith("error: tag \"taken\" already names another image (" + taken + ")")
        .contains("--force")
        .satisfies(e -> assertThat(e.strip()).doesNotContain("\n"));
    assertThat(refused.outText()).isEmpty();
    // nothing was uploaded: no zTOC blob, no manifest, no link in the repository
    assertThat(files(storage.resolve("blobs"))).isEqualTo(blobs);
    assertThat(files(links)).isEqualTo(repoFiles);

    Result forced = ok(with(convert, "--force"));
    String converted = forced.outText().trim();
    assertThat(converted).matches(DIGEST).isNotEqualTo(taken);
    assertThat(files(storage.resolve("blobs"))).isGreaterThan(blobs);
    Result pulled =
        ok("pull", repo + ":taken", "--layout", shared.resolve("moved").toString(), "-q");
    assertThat(pulled.outText()).contains(converted);
    // converting again to the tag that now names the conversion is not a conflict
    assertThat(ok(convert).outText().trim()).isEqualTo(converted);
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
