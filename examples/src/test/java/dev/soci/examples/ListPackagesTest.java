package dev.soci.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.core.index.PlatformSelection;
import dev.soci.core.index.SociIndexBuilder;
import dev.soci.core.registry.ImageReference;
import dev.soci.core.registry.Registry;
import dev.soci.core.registry.SociPusher;
import dev.soci.core.registry.testing.RegistryProcess;
import dev.soci.oci.layout.OciLayout;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@link ListPackages} on a Debian root file system image made of the build machine's own
 * {@code /var/lib/dpkg} and {@code /usr/share/doc} (two layers, tar then {@code umoci raw
 * add-layer}), converted with 1 MiB spans: it finds the packages {@code dpkg-query} lists and
 * fetches under 5% of the image's layer bytes.
 */
class ListPackagesTest {
  @Test
  void listsTheInstalledPackagesFetchingUnderFivePercent(@TempDir Path tmp) throws Exception {
    Path layout = tmp.resolve("layout");
    String image = layout + ":debian";
    run(tmp, "umoci", "init", "--layout", layout.toString());
    run(tmp, "umoci", "new", "--image", image);
    run(tmp, "tar", "-cf", "usr.tar", "-C", "/", "usr/share/doc");
    run(tmp, "umoci", "raw", "add-layer", "--image", image, "usr.tar");
    // a copy, so that a package install elsewhere on the machine cannot change it under tar
    Files.createDirectories(tmp.resolve("root/var/lib"));
    run(tmp, "cp", "-a", "/var/lib/dpkg", tmp.resolve("root/var/lib").toString());
    Files.deleteIfExists(tmp.resolve("root/var/lib/dpkg/lock"));
    Files.deleteIfExists(tmp.resolve("root/var/lib/dpkg/lock-frontend"));
    run(tmp, "tar", "-cf", "dpkg.tar", "-C", tmp.resolve("root").toString(), "var");
    run(tmp, "umoci", "raw", "add-layer", "--image", image, "dpkg.tar");
    SociIndexBuilder.withDefaults()
        .spanSize(1 << 20)
        .minLayerSize(0)
        .convert(
            OciLayout.open(layout), "debian", "debian-soci", PlatformSelection.defaultPlatform());

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ListPackages.Result r =
        ListPackages.list(
            layout, "debian-soci", new PrintStream(out, true, StandardCharsets.UTF_8));
    checkAgainstDpkgQuery(tmp, r, out, "debian-soci");

    // The same image pushed to a registry and read through a soci:// URI.
    RegistryProcess.assumeAvailable();
    try (RegistryProcess registry = RegistryProcess.startPlain()) {
      ImageReference dest = ImageReference.parse(registry.host() + "/scan/debian:soci");
      SociPusher.to(Registry.builder().anonymous().build())
          .push(OciLayout.open(layout), "debian-soci", dest);
      URI uri = URI.create("soci://" + registry.host() + "/scan/debian:soci");
      ByteArrayOutputStream remoteOut = new ByteArrayOutputStream();
      ListPackages.Result remote =
          ListPackages.list(uri, new PrintStream(remoteOut, true, StandardCharsets.UTF_8));
      checkAgainstDpkgQuery(tmp, remote, remoteOut, uri.toString());
      assertThat(remote.packages()).isEqualTo(r.packages());
    }
  }

  private static void checkAgainstDpkgQuery(
      Path tmp, ListPackages.Result r, ByteArrayOutputStream out, String image) throws Exception {

    System.out.print(out.toString(StandardCharsets.UTF_8)); // what the example shows, in the log
    String expected =
        run(
            tmp,
            "dpkg-query",
            "--admindir=" + tmp.resolve("root/var/lib/dpkg"),
            "-W",
            "-f=${db:Status-Abbrev} ${Package} ${Version}\\n");
    long installed = expected.lines().filter(l -> l.startsWith("ii ")).count();
    assertThat(r.packages()).hasSize((int) installed).isNotEmpty();
    assertThat(r.packages()).anyMatch(p -> p.startsWith("dpkg "));
    assertThat(r.statistics().layerShare()).isLessThan(0.05).isGreaterThan(0);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains(installed + " packages installed in " + image)
        .contains("% of the image's " + r.statistics().imageLayerBytes() + " layer bytes");
    // zTOCs grow as spans shrink: with 1 MiB spans, they too stay a small share of the image
    assertThat(r.statistics().bytesFetched()).isLessThan(r.statistics().imageLayerBytes() / 5);
  }

  private static String run(Path cwd, String... cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
    Process p = pb.start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = p.getInputStream()) {
      in.transferTo(out);
    }
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", cmd) + ": timed out");
    }
    String text = out.toString(StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new AssertionError(String.join(" ", cmd) + " exited " + p.exitValue() + ":\n" + text);
    }
    return text;
  }
}
