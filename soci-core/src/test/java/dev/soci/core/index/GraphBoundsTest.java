package dev.soci.core.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.oci.Annotations;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciException;
import dev.soci.oci.OciJson;
import dev.soci.oci.SociIndex;
import dev.soci.oci.layout.OciLayout;
import dev.soci.oci.layout.OciLayoutException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile image graphs and outputs near the readers' limits (issue 11, causes 4 and 6): every walk
 * is bounded and fails with one clear error, only for what reaches the hostile graph; nothing is
 * written that our readers would refuse; a tag naming another image is not moved silently.
 */
class GraphBoundsTest {
  @TempDir static Path shared;
  static Path base;

  @TempDir Path tmp;

  @BeforeAll
  static void makeBaseLayout() throws Exception {
    base = shared.resolve("base");
    Map<String, byte[]> app = new LinkedHashMap<>();
    app.put("data/big1.bin", LayoutIndexTest.BIG1);
    app.put("etc/hello.txt", LayoutIndexTest.HELLO);
    Layouts.umociImage(base, "app", "amd64", app);
    Map<String, byte[]> arm = new LinkedHashMap<>();
    arm.put("data/big3.bin", LayoutIndexTest.BIG3);
    Layouts.umociImage(base, "arm", "arm64", arm);
  }

  private OciLayout copy() throws IOException {
    return OciLayout.open(LayoutIndexTest.copy(base, tmp.resolve("layout")));
  }

  /** Writes a blob file directly (20,000 transactional writes would each sync to disk). */
  private static Descriptor putBlob(OciLayout layout, String mediaType, byte[] content)
      throws IOException {
    Descriptor d = Descriptor.ofContent(mediaType, content);
    Path f = layout.blobPath(d.digest());
    Files.createDirectories(f.getParent());
    Files.write(f, content);
    return d;
  }

  /** Tags {@code tag} a chain of {@code depth} image indexes nested in each other around "app". */
  private static Descriptor chain(OciLayout layout, String tag, int depth) throws IOException {
    Descriptor inner = layout.resolve("app");
    inner = Descriptor.of(inner.mediaType(), inner.digest(), inner.size());
    for (int i = 0; i < depth; i++) {
      inner =
          putBlob(
              layout,
              MediaTypes.OCI_INDEX,
              OciJson.encode(ImageIndex.of(MediaTypes.OCI_INDEX, List.of(inner))));
    }
    try (OciLayout.Transaction tx = layout.begin()) {
      tx.commit(tx.index().withManifest(inner.withAnnotations(Map.of(Annotations.REF_NAME, tag))));
    }
    return inner;
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aChainOf20000NestedIndexesFailsClearlyAndBlocksNothingElse() throws Exception {
    OciLayout layout = copy();
    chain(layout, "bad", 20_000);

    // create of a good image in the same layout works, and lists and removes
    CreateResult created =
        LayoutIndexTest.builder().create(layout, "app", PlatformSelection.defaultPlatform());
    Digest index = created.indexes().get(0).descriptor().digest();
    SociIndexCatalog catalog = SociIndexCatalog.scan(layout);
    assertThat(catalog.indexes()).extracting(e -> e.descriptor().digest()).containsExactly(index);
    assertThat(catalog.skipped())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("image \"bad\"")
        .contains("nested deeper than 32 levels");

    // the walks that reach the chain fail with one line naming the bound
    assertThatThrownBy(
            () -> LayoutIndexTest.builder().create(layout, "bad", PlatformSelection.all()))
        .isInstanceOf(OciException.class)
        .hasMessageContaining("image indexes nested deeper than 32 levels")
        .hasMessageNotContaining("\n");
    assertThatThrownBy(() -> catalog.imageManifests("bad", List.of()))
        .isInstanceOf(OciException.class)
        .hasMessageContaining("nested deeper than 32");
    Digest app = layout.resolve("app").digest();
    assertThat(layout.resolve(app.toString()).digest()).isEqualTo(app);
    assertThatThrownBy(() -> layout.resolve("sha256:" + "0".repeat(64)))
        .isInstanceOf(OciLayoutException.class)
        .hasMessageContaining("nested deeper than 32");

    // index rm unlists the index; what the chain reaches is unknown, so no blob is deleted
    Map<String, String> before = Layouts.snapshot(layout.root().resolve("blobs"));
    assertThat(SociIndexCatalog.remove(layout, List.of(index))).isEmpty();
    assertThat(SociIndexCatalog.scan(layout).indexes()).isEmpty();
    assertThat(Layouts.snapshot(layout.root().resolve("blobs"))).isEqualTo(before);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aShallowChainIsWalkedAsBefore() throws Exception {
    OciLayout layout = copy();
    Descriptor top = chain(layout, "nested", 32);
    Digest app = layout.resolve("app").digest();
    SociIndexCatalog catalog = SociIndexCatalog.scan(layout);
    assertThat(catalog.skipped()).isEmpty();
    assertThat(catalog.imageManifests("nested", List.of())).containsExactly(app);
    assertThat(catalog.manifestRefs().get(app)).contains("app", "nested");
    assertThat(layout.resolve(top.digest().toString()).digest()).isEqualTo(top.digest());
    CreateResult r =
        LayoutIndexTest.builder().create(layout, "app", PlatformSelection.defaultPlatform());
    assertThat(SociIndexCatalog.remove(layout, List.of(r.indexes().get(0).descriptor().digest())))
        .isNotEmpty();
    Layouts.assertGraphResolves(layout);
  }

  @Test
  void aSociIndexOverTheDocumentLimitIsNotWrittenAndTheLayoutIsUnchanged() throws Exception {
    OciLayout probe = copy();
    long size =
        LayoutIndexTest.builder()
            .create(probe, "app", PlatformSelection.defaultPlatform())
            .indexes()
            .get(0)
            .descriptor()
            .size();
    Path dir = LayoutIndexTest.copy(base, tmp.resolve("small"));
    OciLayout layout = OciLayout.open(dir, OciJson.decoder().maxDocumentSize(size - 1));
    Map<String, String> before = Layouts.snapshot(dir);
    assertThatThrownBy(
            () ->
                LayoutIndexTest.builder()
                    .create(layout, "app", PlatformSelection.defaultPlatform()))
        .isInstanceOf(SociIndexException.class)
        .hasMessageContaining("would be " + size + " bytes")
        .hasMessageContaining("over the document limit of " + (size - 1) + " bytes")
        .hasMessageContaining("OciJson.Decoder.maxDocumentSize")
        .hasMessageNotContaining("\n");
    assertThat(Layouts.snapshot(dir)).isEqualTo(before);
  }

  @Test
  void indexesOverTheDefaultDocumentLimitCanStillBeListedAndRemoved() throws Exception {
    OciLayout layout = copy();
    Descriptor app = layout.resolve("app");
    List<Descriptor> ztocs = new ArrayList<>();
    for (int i = 0; i < 25_000; i++) {
      byte[] fake = ("ztoc " + i).getBytes(StandardCharsets.UTF_8);
      ztocs.add(
          Descriptor.ofContent(MediaTypes.SOCI_ZTOC, fake)
              .withAnnotations(
                  Map.of(
                      Annotations.SOCI_IMAGE_LAYER_DIGEST,
                      Digest.sha256(fake).toString(),
                      Annotations.SOCI_IMAGE_LAYER_MEDIA_TYPE,
                      MediaTypes.OCI_LAYER_GZIP,
                      Annotations.SOCI_SPAN_SIZE,
                      "4194304")));
    }
    SociIndex big =
        SociIndex.v1(
            ztocs, Descriptor.of(app.mediaType(), app.digest(), app.size()), "AWS SOCI CLI v0.2");
    byte[] bytes = big.encode();
    assertThat((long) bytes.length).isGreaterThan(OciJson.decoder().maxDocumentSize());
    Descriptor d;
    try (OciLayout.Transaction tx = layout.begin()) {
      tx.writeBlob(
          MediaTypes.SOCI_INDEX_V1, SociIndex.CONFIG_CONTENT.getBytes(StandardCharsets.UTF_8));
      d = tx.writeBlob(MediaTypes.OCI_MANIFEST, bytes).withArtifactType(MediaTypes.SOCI_INDEX_V1);
      tx.commit(tx.index().withManifest(d));
    }
    OciLayout reopened = OciLayout.open(layout.root()); // the default 4 MiB document limit
    SociIndexCatalog catalog = SociIndexCatalog.scan(reopened);
    assertThat(catalog.indexes()).hasSize(1);
    assertThat(catalog.ztocs()).hasSize(25_000);
    assertThat(SociIndexCatalog.remove(reopened, List.of(d.digest()))).contains(d.digest());
    assertThat(Files.exists(reopened.blobPath(d.digest()))).isFalse();
    Layouts.assertGraphResolves(reopened);
  }

  @Test
  void convertRefusesToMoveATagNamingAnotherImageUnlessAsked() throws Exception {
    OciLayout layout = copy();
    Descriptor arm = layout.resolve("arm");
    Map<String, String> before = Layouts.snapshot(layout.root());
    assertThatThrownBy(
            () ->
                LayoutIndexTest.builder()
                    .convert(layout, "app", "arm", PlatformSelection.defaultPlatform()))
        .isInstanceOf(SociIndexException.class)
        .hasMessageContaining("tag \"arm\" already names another image (" + arm.digest() + ")")
        .hasMessageContaining("--force");
    assertThat(Layouts.snapshot(layout.root())).isEqualTo(before);
    assertThat(layout.resolve("arm")).isEqualTo(arm);

    ConvertResult first =
        LayoutIndexTest.builder()
            .convert(layout, "app", "app-soci", PlatformSelection.defaultPlatform());
    // the same conversion again names the same image: not a conflict
    ConvertResult again =
        LayoutIndexTest.builder()
            .convert(layout, "app", "app-soci", PlatformSelection.defaultPlatform());
    assertThat(again.imageIndex().digest()).isEqualTo(first.imageIndex().digest());
    ConvertResult moved =
        LayoutIndexTest.builder()
            .overwriteTag(true)
            .convert(layout, "app", "arm", PlatformSelection.defaultPlatform());
    assertThat(layout.resolve("arm").digest()).isEqualTo(moved.imageIndex().digest());
    Layouts.assertGraphResolves(layout);
  }

  @Test
  void spanSizeZeroOrNegativeIsRefused() {
    assertThatThrownBy(() -> SociIndexBuilder.withDefaults().spanSize(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("span size must be > 0, got 0");
    assertThatThrownBy(() -> SociIndexBuilder.withDefaults().spanSize(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("span size must be > 0, got -1");
  }
}
