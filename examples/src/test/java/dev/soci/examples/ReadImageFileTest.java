package dev.soci.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.core.index.PlatformSelection;
import dev.soci.core.index.SociIndexBuilder;
import dev.soci.oci.Descriptor;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciJson;
import dev.soci.oci.Platform;
import dev.soci.oci.layout.OciLayout;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadImageFileTest {
  @Test
  void printsAFileOfAConvertedImage(@TempDir Path dir) throws Exception {
    Path layer =
        Path.of(System.getProperty("soci.testdata"), "upstream/layers/basic.gnutar.gzip6.tar.gz");
    OciLayout layout = OciLayout.init(dir.resolve("layout"));
    try (OciLayout.Transaction tx = layout.begin()) {
      Descriptor config =
          tx.writeBlob(
              MediaTypes.OCI_CONFIG,
              ("{\"architecture\":\""
                      + Platform.host().architecture()
                      + "\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\"}}")
                  .getBytes(StandardCharsets.UTF_8));
      Descriptor blob = tx.writeBlob(MediaTypes.OCI_LAYER_GZIP, Files.readAllBytes(layer));
      Descriptor manifest =
          tx.writeBlob(
              MediaTypes.OCI_MANIFEST,
              OciJson.encode(ImageManifest.of(MediaTypes.OCI_MANIFEST, config, List.of(blob))));
      tx.commit(
          tx.index()
              .withManifest(
                  manifest.withAnnotations(Map.of("org.opencontainers.image.ref.name", "app"))));
    }
    SociIndexBuilder.withDefaults()
        .minLayerSize(0)
        .spanSize(65_536)
        .convert(layout, "app", "app-soci", PlatformSelection.defaultPlatform());

    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ByteArrayOutputStream messages = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(messages, true, StandardCharsets.UTF_8));
      ReadImageFile.main(new String[] {layout.root().toString(), "app-soci", "/data/s1024"});
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    Process tar = new ProcessBuilder("tar", "-xzOf", layer.toString(), "./data/s1024").start();
    byte[] expected = tar.getInputStream().readAllBytes();
    assertThat(tar.waitFor()).isZero();
    assertThat(expected).hasSize(1024);
    assertThat(bytes.toByteArray()).isEqualTo(expected);
    assertThat(messages.toString(StandardCharsets.UTF_8))
        .startsWith("/data/s1024: SOCI index sha256:")
        .contains("requests");
  }
}
