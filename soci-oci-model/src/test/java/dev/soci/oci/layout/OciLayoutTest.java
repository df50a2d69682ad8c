package dev.soci.oci.layout;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.oci.Annotations;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciLayoutTest {
  @TempDir Path dir;

  /** A layout with one tagged image: a config, one layer, a manifest. */
  private Descriptor image(OciLayout layout, String tag) throws IOException {
    try (OciLayout.Transaction tx = layout.begin()) {
      Descriptor config =
          tx.writeBlob(
              MediaTypes.OCI_CONFIG,
              "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(UTF_8));
      Descriptor layer = tx.writeBlob(MediaTypes.OCI_LAYER, new byte[1024]);
      Descriptor m =
          tx.writeBlob(
              MediaTypes.OCI_MANIFEST,
              OciJson.encode(ImageManifest.of(MediaTypes.OCI_MANIFEST, config, List.of(layer))));
      Descriptor tagged = m.withAnnotations(Map.of(Annotations.REF_NAME, tag));
      tx.commit(tx.index().withManifest(tagged));
      return m;
    }
  }

  private static Map<String, byte[]> snapshot(Path root) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        out.put(
            root.relativize(p).toString(),
            Files.isRegularFile(p) ? Files.readAllBytes(p) : new byte[0]);
      }
    }
    return out;
  }

  @Test
  void initWriteResolveRead() throws IOException {
    OciLayout layout = OciLayout.init(dir.resolve("L"));
    assertThat(Files.readString(dir.resolve("L/oci-layout")))
        .isEqualTo("{\"imageLayoutVersion\":\"1.0.0\"}");
    Descriptor m = image(layout, "v1");
    assertThat(layout.resolve("v1").digest()).isEqualTo(m.digest());
    assertThat(layout.resolve(m.digest().toString()).digest()).isEqualTo(m.digest());
    assertThat(layout.tags()).containsExactly("v1");
    ImageManifest manifest = layout.readManifest(layout.resolve("v1"));
    assertThat(manifest.layers()).hasSize(1);
    try (InputStream in = layout.openBlob(manifest.layers().get(0))) {
      assertThat(in.readAllBytes()).hasSize(1024);
    }
    assertThatThrownBy(() -> layout.resolve("nope"))
        .isInstanceOf(OciLayoutException.class)
        .hasMessageContaining("index.json")
        .hasMessageContaining("no image tagged \"nope\" (tags: v1)");
    try (Stream<Path> s = Files.list(layout.blobPath(m.digest()).getParent())) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.contains("tmp")); // no temp files left
    }
  }

  @Test
  void uncommittedTransactionRemovesOnlyWhatItCreated() throws IOException {
    OciLayout layout = OciLayout.init(dir);
    image(layout, "a");
    Map<String, byte[]> before = snapshot(dir);
    try (OciLayout.Transaction tx = layout.begin()) {
      tx.writeBlob(MediaTypes.OCI_LAYER, new byte[1024]); // exists already: kept
      Descriptor fresh = tx.writeBlob("x", "new".getBytes(UTF_8));
      assertThat(tx.created(fresh.digest())).isTrue();
      assertThat(layout.exists(fresh)).isTrue();
    }
    assertThat(snapshot(dir)).usingRecursiveComparison().isEqualTo(before);
  }

  @Test
  void commitRefusesWhenIndexJsonChangedMeanwhile() throws IOException {
    OciLayout layout = OciLayout.init(dir);
    try (OciLayout.Transaction tx = layout.begin()) {
      Descriptor d = tx.writeBlob("x", "data".getBytes(UTF_8));
      // a concurrent writer that takes no lock (another tool) replaces index.json
      Files.write(
          dir.resolve("index.json"),
          OciJson.encode(
              tx.index().withManifest(d.withAnnotations(Map.of(Annotations.REF_NAME, "other")))));
      assertThatThrownBy(() -> tx.commit(tx.index().withManifest(d)))
          .isInstanceOf(OciLayoutException.class)
          .hasMessageContaining("was changed by someone else");
    }
    assertThat(layout.tags()).containsExactly("other");
  }

  @Test
  void aBlobCheckFailsLikeAVerifyingRead() throws IOException {
    OciLayout layout = OciLayout.init(dir);
    Descriptor layerDescriptor = layout.readManifest(image(layout, "t")).layers().get(0);
    Path layer = layout.blobPath(layerDescriptor.digest());
    byte[] good = Files.readAllBytes(layer);

    java.io.OutputStream ok = layout.blobCheck(layerDescriptor);
    ok.write(good, 0, 100);
    ok.write(good, 100, good.length - 100);
    ok.close();

    java.io.OutputStream shortOne = layout.blobCheck(layerDescriptor);
    shortOne.write(good, 0, good.length - 1);
    assertThatThrownBy(shortOne::close)
        .isInstanceOf(OciLayoutException.class)
        .hasMessageContaining(layer.toString())
        .hasMessageContaining((good.length - 1) + " bytes");

    java.io.OutputStream longOne = layout.blobCheck(layerDescriptor);
    longOne.write(good);
    assertThatThrownBy(() -> longOne.write(0))
        .isInstanceOf(OciLayoutException.class)
        .hasMessageContaining("larger than the " + good.length + " bytes");

    byte[] wrong = good.clone();
    wrong[7] ^= 1;
    java.io.OutputStream other = layout.blobCheck(layerDescriptor);
    other.write(wrong);
    assertThatThrownBy(other::close)
        .isInstanceOf(OciLayoutException.class)
        .hasMessageContaining(layer.toString())
        .hasMessageContaining("has digest sha256:");
  }

  @Test
  void corruptLayoutsNameTheFile() throws IOException {
    OciLayout layout = OciLayout.init(dir);
    Descriptor m = image(layout, "t");
    ImageManifest manifest = layout.readManifest(m);
    Path layer = layout.blobPath(manifest.layers().get(0).digest());

    Files.write(layer, new byte[1024 - 1]);
    assertThatThrownBy(() -> layout.readBlob(manifest.layers().get(0)))
        .isInstanceOf(OciLayoutException.class)
        .hasMessageContaining(layer.toString())
        .hasMessageContaining("1023 bytes");

    byte[] wrong = new byte[1024];
    wrong[7] = 1;
    Files.write(layer, wrong);
    assertThatThrownBy(() -> layout.readBlob(manifest.layers().get(0)))
        .hasMessageContaining(layer.toString())
        .hasMessageContaining("has digest sha256:");
    assertThatThrownBy(
            () -> {
              try (InputStream in = layout.openBlob(manifest.layers().get(0))) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
              }
            })
        .isInstanceOf(OciLayoutException.class)
        .hasMessageContaining(layer.toString());

    Files.delete(layer);
    assertThatThrownBy(() -> layout.readBlob(manifest.layers().get(0)))
        .hasMessageContaining("is missing")
        .hasMessageContaining(layer.toString());

    Files.writeString(
        dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":1}]}");
    assertThatThrownBy(layout::index)
        .isInstanceOf(OciLayoutException.class)
        .hasMessageContaining(dir.resolve("index.json").toString())
        .hasMessageContaining("manifests[0].mediaType");
    assertThatThrownBy(() -> OciLayout.open(dir)).hasMessageContaining("index.json");

    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"2.0.0\"}");
    assertThatThrownBy(() -> OciLayout.open(dir))
        .hasMessageContaining("oci-layout")
        .hasMessageContaining("unsupported imageLayoutVersion");
    Files.delete(dir.resolve("oci-layout"));
    assertThatThrownBy(() -> OciLayout.open(dir))
        .hasMessageContaining("not an OCI image layout")
        .hasMessageContaining("oci-layout");
  }

  @Test
  void aManifestBlobThatIsReallyAnIndexIsRejected() throws IOException {
    OciLayout layout = OciLayout.init(dir);
    Descriptor bogus;
    try (OciLayout.Transaction tx = layout.begin()) {
      bogus =
          tx.writeBlob(
              MediaTypes.OCI_MANIFEST,
              OciJson.encode(ImageIndex.of(MediaTypes.OCI_INDEX, List.of())));
      tx.commit(tx.index());
    }
    assertThatThrownBy(() -> layout.readManifest(bogus))
        .hasMessageContaining(layout.blobPath(bogus.digest()).toString())
        .hasMessageContaining("expected an image manifest but found an image index");
  }

  @Test
  void existingCorruptBlobIsNeverOverwritten() throws IOException {
    OciLayout layout = OciLayout.init(dir);
    byte[] content = "content".getBytes(UTF_8);
    Path f = layout.blobPath(Digest.sha256(content));
    Files.writeString(f, "tampered");
    try (OciLayout.Transaction tx = layout.begin()) {
      assertThatThrownBy(() -> tx.writeBlob("x", content)).hasMessageContaining(f.toString());
    }
    assertThat(Files.readString(f)).isEqualTo("tampered");
  }

  @Test
  void streamedBlobsAreVerifiedBeforeTheyAppear() throws Exception {
    OciLayout layout = OciLayout.init(dir.resolve("streamed"));
    byte[] content = "streamed layer".getBytes(UTF_8);
    Descriptor d = Descriptor.ofContent(MediaTypes.OCI_LAYER, content);
    try (OciLayout.Transaction tx = layout.begin()) {
      for (byte[] wrong :
          new byte[][] {
            "streamed laye".getBytes(UTF_8),
            "streamed layer!".getBytes(UTF_8),
            "Streamed layer".getBytes(UTF_8)
          }) {
        assertThatThrownBy(() -> tx.writeBlob(d, new java.io.ByteArrayInputStream(wrong)))
            .isInstanceOf(OciLayoutException.class)
            .hasMessageContaining(d.digest().hex());
        assertThat(layout.exists(d)).isFalse();
      }
      assertThat(tx.writeBlob(d, new java.io.ByteArrayInputStream(content))).isEqualTo(d);
      assertThat(layout.readBlob(d)).isEqualTo(content);
      // present: checked, not read again
      assertThat(tx.writeBlob(d, InputStream.nullInputStream())).isEqualTo(d);
    }
    // not committed: the blob is gone, and no temporary file is left
    try (Stream<Path> files = Files.walk(layout.root().resolve("blobs"))) {
      assertThat(files.filter(Files::isRegularFile)).isEmpty();
    }
  }
}
