package dev.soci.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.core.BlobSource;
import dev.soci.oci.Annotations;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciJson;
import dev.soci.oci.layout.OciLayout;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OCI layout content source: references, verified documents, blobs and referrers. */
class OciLayoutSourceTest {
  @TempDir Path tmp;

  record Fixture(
      OciLayout layout,
      Descriptor index,
      Descriptor manifest,
      Descriptor layer,
      Descriptor referrer) {}

  Fixture fixture() throws Exception {
    OciLayout layout = OciLayout.init(tmp.resolve("l"));
    try (OciLayout.Transaction tx = layout.begin()) {
      Descriptor config =
          tx.writeBlob(MediaTypes.OCI_CONFIG, "{}".getBytes(StandardCharsets.UTF_8));
      Descriptor layer = tx.writeBlob(MediaTypes.OCI_LAYER_GZIP, new byte[] {1, 2, 3, 4});
      Descriptor manifest =
          tx.writeBlob(
              MediaTypes.OCI_MANIFEST,
              OciJson.encode(ImageManifest.of(MediaTypes.OCI_MANIFEST, config, List.of(layer))));
      Descriptor index =
          tx.writeBlob(
              MediaTypes.OCI_INDEX,
              OciJson.encode(ImageIndex.of(MediaTypes.OCI_INDEX, List.of(manifest))));
      Descriptor typed =
          tx.writeBlob(
              MediaTypes.OCI_MANIFEST,
              OciJson.encode(
                  ImageManifest.of(
                          MediaTypes.OCI_MANIFEST,
                          Descriptor.of(MediaTypes.SOCI_INDEX_V1, config.digest(), config.size()),
                          List.of())
                      .withSubject(manifest)));
      Descriptor other =
          tx.writeBlob(
              MediaTypes.OCI_MANIFEST,
              OciJson.encode(
                  ImageManifest.of(MediaTypes.OCI_MANIFEST, config, List.of())
                      .withSubject(manifest)));
      tx.commit(
          tx.index()
              .withManifest(index.withAnnotations(Map.of(Annotations.REF_NAME, "app")))
              .withManifest(typed)
              .withManifest(other));
      return new Fixture(layout, index, manifest, layer, typed);
    }
  }

  @Test
  void resolvesTagsAndDigestsReachedThroughIndexes() throws Exception {
    Fixture f = fixture();
    OciLayoutSource s = OciLayoutSource.of(f.layout());
    assertThat(s.resolve("app").digest()).isEqualTo(f.index().digest());
    assertThat(s.resolve(f.manifest().digest().toString())).isEqualTo(f.manifest());
    assertThatThrownBy(() -> s.resolve("nope"))
        .isInstanceOf(ContentNotFoundException.class)
        .hasMessageContaining("\"nope\"");
    assertThatThrownBy(() -> s.resolve(Digest.sha256(new byte[1]).toString()))
        .isInstanceOf(ContentNotFoundException.class);
  }

  @Test
  void referrersAreFilteredBySubjectAndArtifactType() throws Exception {
    Fixture f = fixture();
    OciLayoutSource s = OciLayoutSource.of(f.layout());
    List<Descriptor> r = s.referrers(f.manifest().digest(), MediaTypes.SOCI_INDEX_V1);
    assertThat(r).extracting(Descriptor::digest).containsExactly(f.referrer().digest());
    assertThat(r.get(0).artifactType()).isEqualTo(MediaTypes.SOCI_INDEX_V1);
    assertThat(s.referrers(f.layer().digest(), MediaTypes.SOCI_INDEX_V1)).isEmpty();
  }

  @Test
  void documentsAndBlobsAreCheckedAgainstTheirDescriptors() throws Exception {
    Fixture f = fixture();
    OciLayoutSource s = OciLayoutSource.of(f.layout());
    assertThat(s.fetch(f.manifest(), 1 << 20)).hasSize((int) f.manifest().size());
    assertThatThrownBy(() -> s.fetch(f.manifest(), 10)).hasMessageContaining("limit");
    try (BlobSource b = s.openBlob(f.layer())) {
      assertThat(b.read(1, 2)).containsExactly(2, 3);
    }
    Path blob = f.layout().blobPath(f.layer().digest());
    Files.write(blob, new byte[] {1, 2, 3, 5});
    try (InputStream in = s.streamBlob(f.layer())) {
      assertThatThrownBy(() -> in.transferTo(OutputStream.nullOutputStream()))
          .hasMessageContaining("digest");
    }
    Files.write(blob, new byte[] {1, 2, 3});
    assertThatThrownBy(() -> s.openBlob(f.layer())).hasMessageContaining("3 bytes");
    Files.delete(blob);
    assertThatThrownBy(() -> s.openBlob(f.layer())).isInstanceOf(ContentNotFoundException.class);
    assertThatThrownBy(() -> s.fetch(f.layer(), 100)).isInstanceOf(ContentNotFoundException.class);
  }
}
