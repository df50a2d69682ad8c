package dev.soci.cli;

import static dev.soci.cli.IndexCommandsTest.sh;
import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.cli.SociCommandTest.Result;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code soci cat --layout DIR --image REF PATH} on a three-layer umoci image (a whiteout, a file
 * replaced in a higher layer, {@code bin -> usr/bin}), converted with {@code soci convert}.
 */
class CatCommandTest {
  @TempDir static Path shared;
  static Path layout;
  static final byte[] BIG = new byte[200_000];
  @TempDir Path tmp;

  @BeforeAll
  static void image() throws Exception {
    new Random(5).nextBytes(BIG);
    layout = shared.resolve("layout");
    String image = layout + ":app";
    sh(shared, "umoci", "init", "--layout", layout.toString());
    sh(shared, "umoci", "new", "--image", image);
    Path one = shared.resolve("one");
    Files.createDirectories(one.resolve("usr/lib"));
    Files.createDirectories(one.resolve("usr/bin"));
    Files.createDirectories(one.resolve("etc"));
    Files.write(one.resolve("usr/lib/big.bin"), BIG);
    Files.writeString(one.resolve("usr/bin/tool"), "tool v1\n");
    Files.writeString(one.resolve("etc/motd"), "hello\n");
    sh(shared, "umoci", "insert", "--image", image, one.toString(), "/");
    sh(shared, "umoci", "insert", "--image", image, "--whiteout", "/etc/motd");
    Path three = shared.resolve("three");
    Files.createDirectories(three.resolve("usr/bin"));
    Files.writeString(three.resolve("usr/bin/tool"), "tool v2\n");
    Files.createSymbolicLink(three.resolve("bin"), Path.of("usr/bin"));
    sh(shared, "umoci", "insert", "--image", image, three.toString(), "/");
    Result r =
        SociCommandTest.run(
            "convert",
            "--layout",
            layout.toString(),
            "--image",
            "app",
            "--to",
            "app-soci",
            "--min-layer-size",
            "100000",
            "--span-size",
            "65536");
    assertThat(r.code()).as(r.err()).isZero();
  }

  static Result cat(String... args) {
    String[] all = new String[args.length + 5];
    all[0] = "cat";
    all[1] = "--layout";
    all[2] = layout.toString();
    all[3] = "--image";
    all[4] = "app-soci";
    System.arraycopy(args, 0, all, 5, args.length);
    return SociCommandTest.run(all);
  }

  @Test
  void printsTheTopLayersBytesThroughBinToUsrBin() {
    Result r = cat("/bin/tool");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.outText()).isEqualTo("tool v2\n");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void statsSayWhatWasFetchedOneFactALine() {
    Result r = cat("usr/lib/big.bin", "--stats");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo(BIG);
    String[] lines = r.err().split("\n");
    assertThat(lines[0]).matches("fetched \\d+ bytes");
    assertThat(lines[1]).matches("requests \\d+");
    assertThat(lines[2])
        .matches("layer bytes fetched \\d+ \\(\\d+\\.\\d\\d% of the image's \\d+ layer bytes\\)");
    assertThat(r.err())
        .containsPattern(Pattern.compile("^spans fetched [1-9]\\d*$", Pattern.MULTILINE))
        .containsPattern(Pattern.compile("^spans from cache \\d+$", Pattern.MULTILINE))
        .containsPattern(Pattern.compile("^time \\d+\\.\\d{3} s$", Pattern.MULTILINE));
  }

  @Test
  void deletedFileIsAClearNoSuchFile() {
    Result r = cat("etc/motd");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .startsWith("error: no such file: etc/motd")
        .contains("deleted by a whiteout in layer 2");
  }

  @Test
  void writesOutAtomicallyAndNeverOverwritesWithoutForce() throws Exception {
    Path out = tmp.resolve("tool");
    Result r = cat("bin/tool", "-o", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(Files.readString(out)).isEqualTo("tool v2\n");

    Files.writeString(out, "mine\n");
    Result again = cat("usr/lib/big.bin", "-o", out.toString());
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err()).contains("file exists").contains("--force");
    assertThat(Files.readString(out)).isEqualTo("mine\n");

    Result failed = cat("etc/motd", "-o", out.toString(), "--force");
    assertThat(failed.code()).isEqualTo(1);
    assertThat(Files.readString(out)).isEqualTo("mine\n");

    Result forced = cat("usr/lib/big.bin", "-o", out.toString(), "--force");
    assertThat(forced.code()).as(forced.err()).isZero();
    assertThat(Files.readAllBytes(out)).isEqualTo(BIG);
    try (var s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("tool");
    }
  }

  @Test
  void imageWithoutIndexIsReadWholeWithANote() {
    Result r =
        SociCommandTest.run(
            "cat", "--layout", layout.toString(), "--image", "app", "bin/tool", "--stats");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.outText()).isEqualTo("tool v2\n");
    assertThat(r.err().lines().filter(l -> l.startsWith("note:")).toList())
        .singleElement()
        .asString()
        .contains("app")
        .contains("no SOCI index")
        .contains("read whole");
    // only the top layer is needed (it holds bin and usr/bin/tool), and it is fetched whole
    java.util.regex.Matcher m =
        Pattern.compile("layer bytes fetched (\\d+) \\(.*the image's (\\d+) layer bytes")
            .matcher(r.err());
    assertThat(m.find()).as(r.err()).isTrue();
    assertThat(Long.parseLong(m.group(1))).isPositive().isLessThan(Long.parseLong(m.group(2)) / 10);
  }

  @Test
  void directoriesLoopsAndOtherPlatformsFailClearly() {
    Result dir = cat("bin");
    assertThat(dir.code()).isEqualTo(1);
    assertThat(dir.err()).contains("is a directory");
    Result platform = cat("-p", "linux/s390x", "bin/tool");
    assertThat(platform.code()).isEqualTo(1);
    assertThat(platform.err()).contains("no manifest for platform linux/s390x");
    Result missing = cat();
    assertThat(missing.code()).isEqualTo(2);
    assertThat(new String(missing.out(), StandardCharsets.UTF_8)).isEmpty();
  }
}
