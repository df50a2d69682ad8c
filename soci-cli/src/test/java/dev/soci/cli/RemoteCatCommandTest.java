package dev.soci.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.soci.cli.SociCommandTest.Result;
import dev.soci.core.registry.testing.RegistryProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code soci cat SRC PATH} against Debian's docker-registry on loopback: an umoci image converted
 * with {@code soci convert} and pushed with {@code soci push}, read lazily.
 */
class RemoteCatCommandTest {
  @TempDir static Path shared;
  static Path layout;
  static byte[] big;
  static final String SMALL = "hello from a small file\n";

  @BeforeAll
  static void image() throws Exception {
    assumeTrue(RegistryCommandsTest.onPath("umoci"), "umoci is needed");
    RegistryProcess.assumeAvailable();
    layout = shared.resolve("layout");
    RegistryCommandsTest.sh(shared, "umoci", "init", "--layout", layout.toString());
    RegistryCommandsTest.sh(shared, "umoci", "new", "--image", layout + ":app");
    big = new byte[600_000];
    new Random(5).nextBytes(big);
    Path root = Files.createDirectories(shared.resolve("root/srv"));
    Files.write(root.resolve("big.bin"), big);
    Files.writeString(root.resolve("small.txt"), SMALL);
    RegistryCommandsTest.sh(
        shared,
        "umoci",
        "insert",
        "--image",
        layout + ":app",
        shared.resolve("root/srv").toString(),
        "/srv");
    Result convert =
        SociCommandTest.run(
            "convert",
            "--to",
            "app-soci",
            "--layout",
            layout.toString(),
            "--image",
            "app",
            "--min-layer-size",
            "0",
            "--span-size",
            "65536");
    assertThat(convert.code()).as(convert.err()).isZero();
  }

  private static long fetchedLayerBytes(String stats) {
    Matcher m = Pattern.compile("layer bytes fetched (\\d+)").matcher(stats);
    assertThat(m.find()).as(stats).isTrue();
    return Long.parseLong(m.group(1));
  }

  @Test
  void catReadsOneFileOfARegistryImageLazily() throws Exception {
    try (RegistryProcess registry = RegistryProcess.startPlain()) {
      String host = registry.host();
      Result push =
          SociCommandTest.run(
              "push", "--layout", layout.toString(), "--image", "app-soci", host + "/cli/app:soci");
      assertThat(push.code()).as(push.err()).isZero();

      Result small =
          SociCommandTest.run("cat", host + "/cli/app:soci", "/srv/small.txt", "--stats");
      assertThat(small.code()).as(small.err()).isZero();
      assertThat(small.outText()).isEqualTo(SMALL);
      assertThat(small.err()).contains("fetched ").contains("requests ").contains("spans fetched");
      assertThat(small.err()).doesNotContain("note:");
      // the spans of one small file (64 KiB each, at most two with its header) and the gzip
      // header, not the 600 kB layer
      assertThat(fetchedLayerBytes(small.err())).isPositive().isLessThan(2 * 65_536 + 2048);

      Path out = shared.resolve("big.out");
      Result whole =
          SociCommandTest.run(
              "cat", host + "/cli/app:soci", "srv/big.bin", "-o", out.toString(), "--stats");
      assertThat(whole.code()).as(whole.err()).isZero();
      assertThat(Files.readAllBytes(out)).isEqualTo(big);

      Result missing = SociCommandTest.run("cat", host + "/cli/app:soci", "srv/nope");
      assertThat(missing.code()).isEqualTo(1);
      assertThat(missing.err()).contains("srv/nope");

      Result noTag = SociCommandTest.run("cat", host + "/cli/app:nope", "srv/small.txt");
      assertThat(noTag.code()).isEqualTo(1);
      assertThat(noTag.err()).contains("nope");
    }
  }

  @Test
  void anImageWithoutIndexIsReadWholeWithANote() throws Exception {
    try (RegistryProcess registry = RegistryProcess.startPlain()) {
      String host = registry.host();
      Result push =
          SociCommandTest.run(
              "push", "--layout", layout.toString(), "--image", "app", host + "/cli/plain:1");
      assertThat(push.code()).as(push.err()).isZero();
      Result r = SociCommandTest.run("cat", host + "/cli/plain:1", "srv/small.txt", "--stats");
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.outText()).isEqualTo(SMALL);
      assertThat(r.err()).contains("note:").contains("has no SOCI index");
      assertThat(fetchedLayerBytes(r.err())).isGreaterThan(big.length);
    }
  }

  @Test
  void usageErrors() {
    Result both =
        SociCommandTest.run(
            "cat", "--layout", layout.toString(), "--image", "app", "127.0.0.1:1/x:y", "a");
    assertThat(both.code()).isEqualTo(2);
    Result half = SociCommandTest.run("cat", "--layout", layout.toString(), "a");
    assertThat(half.code()).isEqualTo(2);
    assertThat(half.err()).contains("--layout and --image go together");
    Result noPath = SociCommandTest.run("cat", "127.0.0.1:1/x:y");
    assertThat(noPath.code()).isEqualTo(2);
    assertThat(noPath.err()).contains("PATH");
    Result bad = SociCommandTest.run("cat", "Bad//Ref", "a");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(new String(bad.out(), StandardCharsets.UTF_8)).isEmpty();
  }
}
