package dev.soci.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.oci.Digest;
import dev.soci.oci.layout.OciLayout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexImageTest {
  private static final String LAYER = "basic.gnutar.gzip6.tar.gz";

  @Test
  void indexesAnImageSkopeoWroteWithUpstreamsZtocsAndSkopeoReadsTheResult(@TempDir Path dir)
      throws Exception {
    Path layer = Programs.upstream().resolve("layers/" + LAYER);
    Digest layerDigest = Digest.sha256(Files.readAllBytes(layer));
    Digest upstreamZtoc =
        Digest.sha256(
            Files.readAllBytes(
                Programs.upstream().resolve("reference/" + LAYER + ".4194304.ztoc")));
    Path src = imageDirectory(dir.resolve("src"), layer);
    Path layout = dir.resolve("layout");
    Programs.tool(dir, "skopeo", "copy", "dir:" + src, "oci:" + layout + ":latest");
    byte[] original = Programs.tool(dir, "skopeo", "inspect", "--raw", "oci:" + layout + ":latest");

    Programs.Output out =
        Programs.run(IndexImage::main, layout.toString(), "latest", "latest-soci");

    // create indexes the layer; convert finds the zTOC in the layout and reuses it
    assertThat(out.text().lines())
        .containsSubsequence(
            "layer " + layerDigest + " -> ztoc " + upstreamZtoc,
            "layer " + layerDigest + " -> ztoc " + upstreamZtoc + " (already exists)");
    OciLayout oci = OciLayout.open(layout);
    Digest v1 = Digest.parse(line(out, "soci index v1 "));
    Digest v2 = Digest.parse(line(out, "soci index v2 "));
    assertThat(oci.index().manifests()).anyMatch(d -> d.digest().equals(v1));
    // skopeo reads the SOCI-enabled image and copies it with every manifest it lists
    byte[] converted =
        Programs.tool(dir, "skopeo", "inspect", "--raw", "oci:" + layout + ":latest-soci");
    assertThat(line(out, "latest-soci -> ")).isEqualTo(Digest.sha256(converted).toString());
    assertThat(new String(converted, StandardCharsets.UTF_8)).contains(v2.toString());
    Programs.tool(
        dir,
        "skopeo",
        "copy",
        "--all",
        "oci:" + layout + ":latest-soci",
        "oci:" + dir.resolve("copy") + ":x");
    assertThat(Programs.tool(dir, "skopeo", "inspect", "--raw", "oci:" + layout + ":latest"))
        .isEqualTo(original);
  }

  private static String line(Programs.Output out, String prefix) {
    return out.text()
        .lines()
        .filter(l -> l.startsWith(prefix))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no line " + prefix + "... in\n" + out.text()))
        .substring(prefix.length());
  }

  /**
   * An image in skopeo's {@code dir:} format holding one gzip layer as it is, so that skopeo copies
   * the layer's bytes into the layout unchanged.
   */
  private static Path imageDirectory(Path dir, Path layer) throws IOException {
    Files.createDirectories(dir);
    byte[] blob = Files.readAllBytes(layer);
    Digest diffId;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(layer))) {
      diffId = Digest.compute("sha256", in);
    }
    byte[] config =
        ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                + diffId
                + "\"]}}")
            .getBytes(StandardCharsets.UTF_8);
    byte[] manifest =
        ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
                + descriptor(config)
                + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
                + descriptor(blob)
                + "}]}")
            .getBytes(StandardCharsets.UTF_8);
    Files.write(dir.resolve(Digest.sha256(blob).hex()), blob);
    Files.write(dir.resolve(Digest.sha256(config).hex()), config);
    Files.write(dir.resolve("manifest.json"), manifest);
    Files.writeString(dir.resolve("version"), "Directory Transport Version: 1.1\n");
    return dir;
  }

  private static String descriptor(byte[] content) {
    return "\"digest\":\"" + Digest.sha256(content) + "\",\"size\":" + content.length;
  }
}
