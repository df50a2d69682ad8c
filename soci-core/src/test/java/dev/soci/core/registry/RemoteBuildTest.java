package dev.soci.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.soci.core.index.ConvertResult;
import dev.soci.core.index.CreateResult;
import dev.soci.core.index.IndexResult;
import dev.soci.core.index.LayerResult;
import dev.soci.core.index.PlatformSelection;
import dev.soci.core.index.SociIndexBuilder;
import dev.soci.core.index.SociIndexException;
import dev.soci.core.registry.testing.RegistryProcess;
import dev.soci.oci.Descriptor;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciJson;
import dev.soci.oci.Platform;
import dev.soci.oci.layout.OciLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Indexing an image where it lives (docker-registry 2.8): the indexes and zTOCs are those of a
 * pull, a layout build and a push of the same image.
 */
class RemoteBuildTest {
  @TempDir static Path shared;
  static RegistryProcess registry;
  static Registry client;
  static ImageReference image;

  private static final SociIndexBuilder BUILDER =
      SociIndexBuilder.withDefaults().spanSize(64 << 10).minLayerSize(0);

  @BeforeAll
  static void pushPlainImage() throws Exception {
    assumeTrue(SociPushPullTest.onPath("umoci"), "umoci is not installed");
    RegistryProcess.assumeAvailable();
    Path layoutDir = shared.resolve("layout");
    Path work = Files.createDirectories(shared.resolve("work"));
    SociPushPullTest.run(work, "umoci", "init", "--layout", layoutDir.toString());
    SociPushPullTest.run(work, "umoci", "new", "--image", layoutDir + ":app");
    for (int i = 0; i < 3; i++) {
      Path f = work.resolve("f" + i);
      byte[] b = new byte[200_000 + 50_000 * i];
      new Random(i).nextBytes(b);
      Files.write(f, b);
      SociPushPullTest.run(
          work, "umoci", "insert", "--image", layoutDir + ":app", f.toString(), "/file" + i);
    }
    registry = RegistryProcess.startPlain();
    client = RepositoryContract.quick().anonymous().build();
    image = ImageReference.parse(registry.host() + "/remote/app:v1");
    SociPusher.to(client).push(OciLayout.open(layoutDir), "app", image);
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  /** {@code soci pull} of the image into a fresh layout. */
  private static OciLayout pulled(String name) throws Exception {
    Path dir = shared.resolve(name);
    SociPuller.from(client).pull(image, dir, "app");
    return OciLayout.open(dir);
  }

  private static List<String> ztocs(List<IndexResult> indexes) {
    return indexes.stream()
        .flatMap(i -> i.layers().stream())
        .map(LayerResult::ztoc)
        .filter(z -> z != null)
        .map(z -> z.digest().toString())
        .toList();
  }

  @Test
  void createGivesTheBytesOfPullCreatePush() throws Exception {
    OciLayout layout = pulled("create");
    CreateResult local = BUILDER.create(layout, "app", PlatformSelection.defaultPlatform());
    ImageReference copy = image.inRepository("remote/local-create", "v1");
    SociPusher.to(client).push(layout, "app", copy);

    ImageReference ref = image.inRepository("remote/app", "v1");
    CreateResult remote = BUILDER.create(client, ref, PlatformSelection.defaultPlatform());

    Descriptor mine = remote.indexes().get(0).descriptor();
    assertThat(mine.digest()).isEqualTo(local.indexes().get(0).descriptor().digest());
    assertThat(ztocs(remote.indexes())).hasSize(3).isEqualTo(ztocs(local.indexes()));
    Repository repo = client.repository(ref);
    Descriptor manifest = repo.getManifest("v1").descriptor();
    assertThat(repo.referrers(manifest.digest(), MediaTypes.SOCI_INDEX_V1))
        .extracting(Descriptor::digest)
        .containsExactly(mine.digest());
    // the same bytes as pushed from the layout
    assertThat(repo.getManifest(mine.digest().toString()).content())
        .isEqualTo(client.repository(copy).getManifest(mine.digest().toString()).content());
    for (String z : ztocs(remote.indexes())) {
      assertThat(repo.headBlob(dev.soci.oci.Digest.parse(z))).isPresent();
    }

    // again: every zTOC is found through the index just pushed and reused
    CreateResult again = BUILDER.create(client, ref, PlatformSelection.defaultPlatform());
    assertThat(again.indexes().get(0).layers())
        .extracting(LayerResult::status)
        .containsOnly(LayerResult.Status.REUSED);
    assertThat(again.indexes().get(0).descriptor().digest()).isEqualTo(mine.digest());
  }

  @Test
  void convertGivesTheBytesOfPullConvertPush() throws Exception {
    OciLayout layout = pulled("convert");
    ConvertResult local =
        BUILDER.convert(layout, "app", "app-soci", PlatformSelection.defaultPlatform());

    ConvertResult remote =
        BUILDER.convert(client, image, "v1-soci", PlatformSelection.defaultPlatform());

    assertThat(remote.imageIndex().digest()).isEqualTo(local.imageIndex().digest());
    assertThat(ztocs(remote.indexes())).hasSize(3).isEqualTo(ztocs(local.indexes()));
    Repository repo = client.repository(image);
    assertThat(repo.getManifest("v1-soci").descriptor().digest())
        .isEqualTo(local.imageIndex().digest());
    // the SOCI-enabled image pulls whole into a layout, and pushes from it as a no-op
    Path dir = shared.resolve("converted-pull");
    SociPuller.from(client).pull(image.withTag("v1-soci"), dir, "x");
    SociPusher.Result again =
        SociPusher.to(client).push(OciLayout.open(dir), "x", image.withTag("v1-soci"));
    assertThat(again.upToDate()).isTrue();

    // converting again names the same image; another span size makes another image, and the tag
    // is not moved without being asked
    assertThat(
            BUILDER
                .convert(client, image, "v1-soci", PlatformSelection.defaultPlatform())
                .imageIndex())
        .isEqualTo(remote.imageIndex());
    SociIndexBuilder other = BUILDER.spanSize(32 << 10);
    assertThatThrownBy(
            () -> other.convert(client, image, "v1-soci", PlatformSelection.defaultPlatform()))
        .isInstanceOf(SociIndexException.class)
        .hasMessageContaining("already names another image");
    assertThat(repo.getManifest("v1-soci").descriptor().digest())
        .isEqualTo(local.imageIndex().digest());
    ConvertResult moved =
        other
            .overwriteTag(true)
            .convert(client, image, "v1-soci", PlatformSelection.defaultPlatform());
    assertThat(repo.getManifest("v1-soci").descriptor().digest())
        .isEqualTo(moved.imageIndex().digest())
        .isNotEqualTo(local.imageIndex().digest());
  }

  /** The files of {@code repository} in the registry's storage: its blob links, manifests, tags. */
  private static long stored(String repository) throws IOException {
    Path dir =
        registry.storageRoot().resolve("docker/registry/v2/repositories").resolve(repository);
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(Files::isRegularFile).count();
    }
  }

  @Test
  void convertRefusesATagThatCannotNameTheConversionBeforeUploadingAnything() throws Exception {
    ImageReference v1 = image.inRepository("remote/taken", "v1");
    OciLayout layout = OciLayout.open(shared.resolve("layout"));
    SociPusher.to(client).push(layout, "app", v1);
    SociPusher.to(client).push(layout, "app", v1.withTag("plain"));
    Repository repo = client.repository(v1);
    Descriptor plain = repo.getManifest("plain").descriptor();
    // a span size no other test uses: every zTOC would be a new blob
    SociIndexBuilder builder = BUILDER.spanSize(32 << 10);

    // the tag names an image manifest, which no conversion is
    long before = stored("remote/taken");
    assertThatThrownBy(() -> builder.convert(client, v1, "plain", PlatformSelection.all()))
        .isInstanceOf(SociIndexException.class)
        .hasMessageContaining("tag \"plain\" already names another image (" + plain.digest());
    assertThat(stored("remote/taken")).isEqualTo(before);
    assertThat(repo.getManifest("plain").descriptor()).isEqualTo(plain);

    // the tag names a SOCI-enabled image index of another shape: the conversion of the manifest
    // (one image entry), where an image index of two platforms is converted
    Descriptor converted =
        BUILDER.convert(client, v1, "conv", PlatformSelection.all()).imageIndex();
    Descriptor entry =
        OciJson.decoder()
            .decodeIndex(repo.getManifest("conv").content(), "conv")
            .manifests()
            .get(0);
    Descriptor manifest = repo.getManifest("v1").descriptor();
    byte[] multi =
        OciJson.encode(
            ImageIndex.of(
                MediaTypes.OCI_INDEX,
                List.of(
                    manifest.withPlatform(entry.platform()),
                    manifest.withPlatform(Platform.parse("linux/s390x")))));
    repo.putManifest("multi", MediaTypes.OCI_INDEX, multi);
    ImageReference multiRef = v1.withTag("multi");
    before = stored("remote/taken");
    assertThatThrownBy(
            () -> builder.convert(client, multiRef, "conv", PlatformSelection.defaultPlatform()))
        .isInstanceOf(SociIndexException.class)
        .hasMessageContaining("tag \"conv\" already names another image (" + converted.digest());
    assertThat(stored("remote/taken")).isEqualTo(before);
    assertThat(repo.getManifest("conv").descriptor().digest()).isEqualTo(converted.digest());

    // moved when asked
    ConvertResult moved =
        builder
            .overwriteTag(true)
            .convert(client, multiRef, "conv", PlatformSelection.defaultPlatform());
    assertThat(repo.getManifest("conv").descriptor().digest())
        .isEqualTo(moved.imageIndex().digest())
        .isNotEqualTo(converted.digest());
    assertThat(stored("remote/taken")).isGreaterThan(before);
  }
}
