package dev.soci.cli;

import static dev.soci.cli.IndexCommandsTest.sh;
import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.cli.SociCommandTest.Result;
import dev.soci.core.registry.testing.RegistryProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code soci ls} on a two-layer umoci image (a whiteout, a setuid file, {@code bin -> usr/bin}),
 * converted with {@code soci convert}.
 */
class LsCommandTest {
  @TempDir static Path shared;
  static Path layout;

  @BeforeAll
  static void image() throws Exception {
    layout = shared.resolve("layout");
    String image = layout + ":app";
    sh(shared, "umoci", "init", "--layout", layout.toString());
    sh(shared, "umoci", "new", "--image", image);
    Path one = shared.resolve("one");
    Files.createDirectories(one.resolve("usr/bin"));
    Files.createDirectories(one.resolve("etc"));
    byte[] big = new byte[300_000];
    new Random(3).nextBytes(big);
    Files.write(one.resolve("usr/bin/big"), big);
    Files.writeString(one.resolve("usr/bin/tool"), "tool\n");
    Files.setPosixFilePermissions(
        one.resolve("usr/bin/tool"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setAttribute(one.resolve("usr/bin/tool"), "unix:mode", 04755);
    Files.writeString(one.resolve("etc/motd"), "hello\n");
    Files.writeString(one.resolve("etc/passwd"), "root\n");
    Files.createSymbolicLink(one.resolve("bin"), Path.of("usr/bin"));
    for (String f : new String[] {"usr/bin/big", "usr/bin/tool", "etc/motd", "etc/passwd"}) {
      Files.setLastModifiedTime(one.resolve(f), FileTime.fromMillis(1_700_000_000_000L));
    }
    sh(shared, "touch", "-h", "-d", "@1700000000", one.resolve("bin").toString());
    sh(shared, "umoci", "insert", "--image", image, one.toString(), "/");
    sh(shared, "umoci", "insert", "--image", image, "--whiteout", "/etc/motd");
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
            "0",
            "--span-size",
            "65536");
    assertThat(r.code()).as(r.err()).isZero();
  }

  static Result ls(String... args) {
    String[] all = new String[args.length + 5];
    all[0] = "ls";
    all[1] = "--layout";
    all[2] = layout.toString();
    all[3] = "--image";
    all[4] = "app-soci";
    System.arraycopy(args, 0, all, 5, args.length);
    return SociCommandTest.run(all);
  }

  @Test
  void listsTheRootByDefaultWithoutDeletedFiles() {
    Result r = ls();
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.outText()).isEqualTo("bin\netc\nusr\n");
    assertThat(ls("/etc").outText()).isEqualTo("passwd\n");
    assertThat(ls("bin").outText()).isEqualTo("big\ntool\n");
  }

  @Test
  void longFormatShowsModeOwnerSizeTimeAndLinkTargets() {
    Result r = ls("-l", "/usr/bin", "/etc/passwd", "/bin");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.outText())
        .isEqualTo(
            "-rw-r--r--     0     0          5 2023-11-14 22:13 /etc/passwd\n"
                + "lrwxrwxrwx     0     0          7 2023-11-14 22:13 /bin -> usr/bin\n"
                + "\n/usr/bin:\n"
                + "-rw-r--r--     0     0     300000 2023-11-14 22:13 big\n"
                + "-rwsr-xr-x     0     0          5 2023-11-14 22:13 tool\n");
  }

  @Test
  void recursiveListingDoesNotFollowLinks() {
    Result r = ls("-R");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.outText())
        .isEqualTo("/:\nbin\netc\nusr\n\n/etc:\npasswd\n\n/usr:\nbin\n\n/usr/bin:\nbig\ntool\n");
  }

  @Test
  void statsShowThatAListingReadsNoLayerBytes() {
    Result r = ls("-lR", "--stats");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).contains("layer bytes fetched 0 (0.00% of the image's");
  }

  @Test
  void missingPathsAndNonLayoutsFailWithOneLine() {
    Result r = ls("/etc/motd");
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).startsWith("error: ").contains("/etc/motd").contains("no such file");
    Result s = SociCommandTest.run("ls", "--layout", shared.toString(), "--image", "x");
    assertThat(s.code()).isNotZero();
    assertThat(s.err()).contains("not an OCI image layout directory");
  }

  @Test
  void aRegistryImageListsAsItsLayoutDoes() throws Exception {
    RegistryProcess.assumeAvailable();
    try (RegistryProcess registry = RegistryProcess.startPlain()) {
      String src = registry.host() + "/cli/ls:soci";
      Result push =
          SociCommandTest.run("push", "--layout", layout.toString(), "--image", "app-soci", src);
      assertThat(push.code()).as(push.err()).isZero();
      Result remote = SociCommandTest.run("ls", src, "-lR", "/", "--stats");
      assertThat(remote.code()).as(remote.err()).isZero();
      assertThat(remote.outText()).isEqualTo(ls("-lR", "/").outText());
      assertThat(remote.err()).contains("layer bytes fetched 0 (0.00% of the image's");
      Result missing = SociCommandTest.run("ls", src, "/etc/motd");
      assertThat(missing.code()).isNotZero();
      assertThat(missing.err()).startsWith("error: ").contains("/etc/motd");
    }
    Result neither = SociCommandTest.run("ls");
    assertThat(neither.code()).isEqualTo(2);
    Result both =
        SociCommandTest.run("ls", "--layout", layout.toString(), "--plain-http", "--image", "x");
    assertThat(both.code()).isEqualTo(2);
  }
}
