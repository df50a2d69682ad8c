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
 * {@code soci cat} reads lazily through what {@code soci create REF} and {@code soci convert REF
 * --to TAG} built in docker-registry: only the spans of one file of a layer of several files are
 * fetched. Each test pushes the plain image to a repository of its own, so none depends on what
 * another built.
 */
class RemoteBuildCatTest {
  @TempDir static Path shared;
  static RegistryProcess registry;
  static Path layout;
  static final int FILES = 6;
  static final int FILE_SIZE = 300_000;
  static final int SPAN = 65_536;
  static final byte[][] CONTENT = new byte[FILES][];

  @BeforeAll
  static void plainImage() throws Exception {
    assumeTrue(RegistryCommandsTest.onPath("umoci"), "umoci is needed");
    RegistryProcess.assumeAvailable();
    layout = shared.resolve("layout");
    sh(shared, "umoci", "init", "--layout", layout.toString());
    sh(shared, "umoci", "new", "--image", layout + ":app");
    // one layer of six incompressible files: reading one of them is a sixth of the layer, and
    // some of its neighbours' bytes in the spans it shares with them
    Path root = Files.createDirectories(shared.resolve("root/data"));
    for (int i = 0; i < FILES; i++) {
      CONTENT[i] = new byte[FILE_SIZE];
      new Random(40 + i).nextBytes(CONTENT[i]);
      Files.write(root.resolve("f" + i + ".bin"), CONTENT[i]);
    }
    sh(shared, "umoci", "insert", "--image", layout + ":app", root.toString(), "/data");
    registry = RegistryProcess.startPlain();
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  /** Pushes the plain image (no SOCI index) to {@code host/<repository>:v1}. */
  private static String pushPlain(String repository) {
    String image = registry.host() + "/" + repository + ":v1";
    ok("push", "--layout", layout.toString(), "--image", "app", image);
    return image;
  }

  private static Result ok(String... args) {
    Result r = SociCommandTest.run(args);
    assertThat(r.code()).as(String.join(" ", args) + "\n" + r.err()).isZero();
    return r;
  }

  private static long stat(String stats, String regex) {
    Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(stats);
    assertThat(m.find()).as(regex + " in\n" + stats).isTrue();
    return Long.parseLong(m.group(1));
  }

  /**
   * Reads {@code /data/f2.bin} of {@code ref} and checks that it went through zTOC spans: the
   * bytes, no "has no SOCI index" note, spans fetched, and the layer bytes fetched at least the
   * file but under a third of the layer, which a read without index fetches whole. (A span ends at
   * the first deflate block boundary past the span size, so spans of incompressible data are larger
   * than the span size: the bound is the layer's share, not a number of spans.)
   */
  private static void catReadsThroughSpans(String ref) throws Exception {
    Path out = shared.resolve(ref.replaceAll("[^A-Za-z0-9]", "_"));
    Result r = ok("cat", ref, "/data/f2.bin", "-o", out.toString(), "--stats");
    assertThat(Files.readAllBytes(out)).isEqualTo(CONTENT[2]);
    String err = r.err();
    assertThat(err).doesNotContain("has no SOCI index").doesNotContain("note:");
    assertThat(stat(err, "^spans fetched (\\d+)$")).isPositive();
    long layerBytes = stat(err, "of the image's (\\d+) layer bytes");
    long fetched = stat(err, "^layer bytes fetched (\\d+)");
    assertThat(layerBytes).isGreaterThan((long) FILES * FILE_SIZE);
    assertThat(fetched).as(err).isGreaterThanOrEqualTo(FILE_SIZE).isLessThan(layerBytes / 3);
  }

  @Test
  void catReadsThroughTheIndexARemoteCreateMade() throws Exception {
    String image = pushPlain("cat-create/app");
    Result create = ok("create", image, "--min-layer-size", "0", "--span-size", "" + SPAN, "-q");
    assertThat(create.outText().trim()).matches("sha256:[0-9a-f]{64}");
    catReadsThroughSpans(image);
  }

  @Test
  void catReadsThroughTheImageARemoteConvertMade() throws Exception {
    String image = pushPlain("cat-convert/app");
    ok("convert", image, "--to", "v1-soci", "--min-layer-size", "0", "--span-size", "" + SPAN);
    catReadsThroughSpans(registry.host() + "/cat-convert/app:v1-soci");
  }

  @Test
  void withoutABuildTheSameReadFetchesTheWholeLayer() throws Exception {
    // the contrast that makes the two tests above meaningful: the same read of the plain image
    String image = pushPlain("cat-plain/app");
    Result r = ok("cat", image, "/data/f2.bin", "--stats");
    assertThat(r.out()).isEqualTo(CONTENT[2]);
    assertThat(r.err()).contains("has no SOCI index");
    assertThat(stat(r.err(), "^layer bytes fetched (\\d+)"))
        .isGreaterThanOrEqualTo(stat(r.err(), "of the image's (\\d+) layer bytes"));
  }
}
