package dev.soci.core.index;

import static dev.soci.core.index.Layouts.assertGraphResolves;
import static dev.soci.core.index.Layouts.run;
import static dev.soci.core.index.Layouts.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.core.SeekableLayer;
import dev.soci.oci.Annotations;
import dev.soci.oci.Descriptor;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciJson;
import dev.soci.oci.Platform;
import dev.soci.oci.SociIndex;
import dev.soci.oci.layout.OciLayout;
import dev.soci.oci.layout.OciLayoutException;
import dev.soci.ztoc.CompressionAlgorithm;
import dev.soci.ztoc.Ztoc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SOCI indexes for real layouts: images made by umoci, copied and re-encoded by skopeo (OCI and
 * Docker manifests, gzip, uncompressed and zstd layers), and a hand-made multi-platform index.
 * Converted images must be readable by skopeo, every descriptor must resolve, results must not
 * depend on the time zone, and failed builds must leave the layout untouched.
 */
class LayoutIndexTest {
  static final long MIN = 100_000;
  static final long SPAN = 65_536;
  static final byte[] BIG1 = Layouts.random(300_000, 1);
  static final byte[] BIG2 = Layouts.random(200_000, 2);
  static final byte[] BIG3 = Layouts.random(250_000, 3);
  static final byte[] HELLO = "hello from a small layer\n".getBytes(StandardCharsets.UTF_8);

  @TempDir static Path shared;
  static Path base;

  @TempDir Path tmp;

  @BeforeAll
  static void makeBaseLayout() throws Exception {
    base = shared.resolve("base");
    Map<String, byte[]> app = new LinkedHashMap<>();
    app.put("data/big1.bin", BIG1);
    app.put("etc/hello.txt", HELLO);
    app.put("data/big2.bin", BIG2);
    Layouts.umociImage(base, "app", "amd64", app);
    Map<String, byte[]> arm = new LinkedHashMap<>();
    arm.put("data/big3.bin", BIG3);
    arm.put("etc/hello.txt", HELLO);
    Layouts.umociImage(base, "arm", "arm64", arm);
    Map<String, Platform> children = new LinkedHashMap<>();
    children.put("app", Platform.of("linux", "amd64"));
    children.put("arm", Platform.of("linux", "arm64", "v8"));
    Layouts.multiPlatform(OciLayout.open(base), "multi", children);
  }

  static Path copy(Path from, Path to) throws IOException {
    return Layouts.copyTree(from, to);
  }

  static SociIndexBuilder builder(List<LayerResult> events) {
    return SociIndexBuilder.withDefaults()
        .spanSize(SPAN)
        .minLayerSize(MIN)
        .listener(
            new BuildListener() {
              @Override
              public void onLayer(LayerResult r) {
                events.add(r);
              }
            });
  }

  static SociIndexBuilder builder() {
    return builder(new ArrayList<>());
  }

  @Test
  void createOnAUmociImage() throws Exception {
    Path dir = copy(base, tmp.resolve("l"));
    OciLayout layout = OciLayout.open(dir);
    List<LayerResult> events = new ArrayList<>();
    long[] progress = new long[2];
    CreateResult r =
        builder(events)
            .listener(
                new BuildListener() {
                  @Override
                  public void onLayer(LayerResult l) {
                    events.add(l);
                  }

                  @Override
                  public void onProgress(long done, long total) {
                    progress[0] = done;
                    progress[1] = total;
                  }
                })
            .create(layout, "app", PlatformSelection.defaultPlatform());
    assertThat(progress[0])
        .isEqualTo(progress[1])
        .isEqualTo(events.get(0).layer().size() + events.get(2).layer().size());

    assertThat(events)
        .extracting(LayerResult::status)
        .containsExactly(
            LayerResult.Status.CREATED,
            LayerResult.Status.SKIPPED_TOO_SMALL,
            LayerResult.Status.CREATED);
    assertThat(events.get(1).message())
        .startsWith("ztoc skipped - layer sha256:")
        .endsWith(
            "("
                + MediaTypes.OCI_LAYER_GZIP
                + ") size "
                + events.get(1).layer().size()
                + " is less than min-layer-size "
                + MIN);
    IndexResult ir = r.indexes().get(0);
    assertThat(ir.platform()).isEqualTo(Platform.of("linux", "amd64"));
    assertThat(ir.index().version()).isEqualTo(SociIndex.Version.V1);
    assertThat(ir.index().subject()).isEqualTo(layout.resolve("app").stripped());
    assertThat(ir.index().ztocs()).hasSize(2);

    // index.json lists the v1 index (untagged, with platform and artifact type); the image is
    // unchanged
    ImageIndex top = layout.index();
    assertThat(top.manifests())
        .contains(ir.descriptor().withPlatform(Platform.of("linux", "amd64")));
    assertThat(layout.resolve("app").digest())
        .isEqualTo(OciLayout.open(base).resolve("app").digest());
    assertGraphResolves(layout);

    // the zTOC serves the file it indexes, from the real umoci layer
    Descriptor z = ir.index().ztocs().get(0);
    Descriptor layer = events.get(0).layer();
    assertThat(z.annotations())
        .containsEntry(Annotations.SOCI_IMAGE_LAYER_DIGEST, layer.digest().toString())
        .containsEntry(Annotations.SOCI_SPAN_SIZE, "65536")
        .containsEntry(Annotations.SOCI_IMAGE_LAYER_MEDIA_TYPE, MediaTypes.OCI_LAYER_GZIP);
    Ztoc ztoc = Ztoc.decode(layout.readBlob(z));
    assertThat(ztoc.compressionAlgorithm()).isEqualTo(CompressionAlgorithm.GZIP);
    assertThat(ztoc.maxSpanId()).isGreaterThan(0);
    try (SeekableLayer sl = SeekableLayer.open(layout.blobPath(layer.digest()), ztoc)) {
      assertThat(sl.readFile("data/big1.bin")).isEqualTo(BIG1);
    }

    // creating again reuses the zTOCs and writes nothing new
    Map<String, String> before = snapshot(dir);
    List<LayerResult> again = new ArrayList<>();
    CreateResult r2 = builder(again).create(layout, "app", PlatformSelection.defaultPlatform());
    assertThat(r2.indexes().get(0).descriptor()).isEqualTo(ir.descriptor());
    assertThat(again.get(0).message()).endsWith("(already exists)");
    assertThat(snapshot(dir)).containsOnlyKeys(before.keySet());

    // a stored zTOC that was tampered with is not built upon
    Path zfile = layout.blobPath(z.digest());
    byte[] zb = Files.readAllBytes(zfile);
    zb[zb.length - 1] ^= 1;
    Files.write(zfile, zb);
    assertThatThrownBy(() -> builder().create(layout, "app", PlatformSelection.defaultPlatform()))
        .isInstanceOf(OciLayoutException.class)
        .hasMessageContaining(zfile.toString());
  }

  @Test
  void convertASkopeoCopyThenSkopeoReadsIt() throws Exception {
    Path src = copy(base, tmp.resolve("src"));
    Path dir = tmp.resolve("sk");
    run(tmp, "skopeo", "copy", "oci:" + src + ":app", "oci:" + dir + ":app");
    OciLayout layout = OciLayout.open(dir);
    Descriptor original = layout.resolve("app");

    ConvertResult r =
        builder().convert(layout, "app", "app-soci", PlatformSelection.defaultPlatform());

    assertThat(layout.resolve("app")).isEqualTo(original); // the original tag is kept
    assertThat(layout.resolve("app-soci").digest()).isEqualTo(r.imageIndex().digest());
    assertThat(assertGraphResolves(layout)).isGreaterThan(8);
    validateConversion(layout, r);

    String inspect = run(tmp, "skopeo", "inspect", "oci:" + dir + ":app-soci");
    assertThat(inspect).contains("\"Architecture\": \"amd64\"");
    assertThat(run(tmp, "skopeo", "inspect", "--raw", "oci:" + dir + ":app-soci"))
        .isEqualTo(new String(layout.readBlob(r.imageIndex()), StandardCharsets.UTF_8));
    run(tmp, "skopeo", "copy", "oci:" + dir + ":app-soci", "oci:" + tmp.resolve("out1") + ":x");
    run(
        tmp,
        "skopeo",
        "copy",
        "--all",
        "oci:" + dir + ":app-soci",
        "oci:" + tmp.resolve("out2") + ":x");
    assertGraphResolves(OciLayout.open(tmp.resolve("out2")));

    // converting again gives the same image
    ConvertResult again =
        builder().convert(layout, "app", "app-soci", PlatformSelection.defaultPlatform());
    assertThat(again.imageIndex()).isEqualTo(r.imageIndex());
    assertThat(
            layout.index().manifests().stream()
                .filter(d -> "app-soci".equals(d.annotation(Annotations.REF_NAME))))
        .hasSize(1);
  }

  /** The checks upstream's integration tests make on a converted image (validateConversion). */
  static void validateConversion(OciLayout layout, ConvertResult r) throws IOException {
    ImageIndex idx = layout.readIndex(r.imageIndex());
    assertThat(idx.mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
    int soci = 0;
    for (Descriptor d : idx.manifests()) {
      if (!MediaTypes.SOCI_INDEX_V2.equals(d.artifactType())) {
        continue;
      }
      soci++;
      assertThat(d.platform()).isNotNull();
      String m = d.annotation(Annotations.SOCI_IMAGE_MANIFEST_DIGEST);
      Descriptor image =
          idx.manifests().stream()
              .filter(x -> x.digest().toString().equals(m))
              .findFirst()
              .orElseThrow();
      assertThat(image.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
      assertThat(image.artifactType()).isEmpty();
      assertThat(image.annotation(Annotations.SOCI_INDEX_DIGEST)).isEqualTo(d.digest().toString());
      ImageManifest manifest = layout.readManifest(image);
      assertThat(manifest.annotations())
          .containsEntry(Annotations.SOCI_INDEX_DIGEST, d.digest().toString());
      assertThat(manifest.config().mediaType()).isEqualTo(MediaTypes.OCI_CONFIG);
      assertThat(image.platform().os()).isEqualTo(d.platform().os());
      assertThat(image.platform().architecture()).isEqualTo(d.platform().architecture());
      SociIndex index = SociIndex.decode(layout.readBlob(d), "index");
      assertThat(index.version()).isEqualTo(SociIndex.Version.V2);
      assertThat(index.subject()).isNull();
    }
    assertThat(soci).isEqualTo(r.indexes().size());
  }

  @Test
  void convertAMultiPlatformIndexAllPlatformsAndCreateForOne() throws Exception {
    Path dir = copy(base, tmp.resolve("m"));
    OciLayout layout = OciLayout.open(dir);
    List<LayerResult> events = new ArrayList<>();
    ConvertResult r =
        builder(events).convert(layout, "multi", "multi-soci", PlatformSelection.all());
    assertThat(r.indexes())
        .extracting(IndexResult::platform)
        .containsExactly(Platform.of("linux", "amd64"), Platform.of("linux", "arm64", "v8"));
    validateConversion(layout, r);
    assertGraphResolves(layout);
    ImageIndex idx = layout.readIndex(r.imageIndex());
    assertThat(idx.manifests()).hasSize(4);
    assertThat(idx.manifests().get(3).platform()).isEqualTo(Platform.of("linux", "arm64", "v8"));
    run(tmp, "skopeo", "inspect", "oci:" + dir + ":multi-soci");
    run(
        tmp,
        "skopeo",
        "copy",
        "--all",
        "oci:" + dir + ":multi-soci",
        "oci:" + tmp.resolve("out") + ":x");

    // a v1 index for one platform of the original index, reusing the zTOC convert built
    List<LayerResult> ev = new ArrayList<>();
    CreateResult c =
        builder(ev).create(layout, "multi", PlatformSelection.of(Platform.parse("linux/arm64")));
    assertThat(c.indexes().get(0).index().subject().digest())
        .isEqualTo(layout.resolve("arm").digest());
    assertThat(ev.get(0).status()).isEqualTo(LayerResult.Status.REUSED);

    SociIndexCatalog catalog = SociIndexCatalog.scan(layout);
    assertThat(catalog.indexes()).hasSize(3);
    assertThat(catalog.indexes())
        .filteredOn(e -> e.version() == SociIndex.Version.V2)
        .allSatisfy(e -> assertThat(e.imageRefs()).containsExactly("multi-soci"));
    assertThat(catalog.indexes())
        .filteredOn(e -> e.version() == SociIndex.Version.V1)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.platformText()).isEqualTo("linux/arm64");
              assertThat(e.imageRefs()).containsExactlyInAnyOrder("arm", "multi");
            });
    assertThat(catalog.ztocs()).hasSize(3);

    // removing the v1 index keeps the zTOC the v2 index still uses, and everything still resolves
    Descriptor v1 = c.indexes().get(0).descriptor();
    List<dev.soci.oci.Digest> deleted = SociIndexCatalog.remove(layout, List.of(v1.digest()));
    assertThat(deleted).containsExactly(v1.digest());
    assertThat(layout.index().manifests()).noneMatch(d -> d.digest().equals(v1.digest()));
    assertGraphResolves(layout);
    assertThat(SociIndexCatalog.scan(layout).indexes()).hasSize(2);
    // removing a v2 index removes the SOCI-enabled image it belongs to; the original stays
    SociIndexCatalog.Removal removal =
        SociIndexCatalog.delete(layout, List.of(r.indexes().get(0).descriptor().digest()));
    assertThat(removal.images())
        .singleElement()
        .satisfies(d -> assertThat(d.annotation(Annotations.REF_NAME)).isEqualTo("multi-soci"));
    assertThat(layout.tags()).doesNotContain("multi-soci").contains("multi", "app", "arm");
    assertGraphResolves(layout);
    assertThat(SociIndexCatalog.scan(layout).indexes()).isEmpty();

    // a platform the image does not have
    assertThatThrownBy(
            () ->
                builder()
                    .create(layout, "multi", PlatformSelection.of(Platform.parse("linux/s390x"))))
        .isInstanceOf(SociIndexException.class)
        .hasMessageContaining("image manifest for linux/s390x: not found");
  }

  @Test
  void dockerManifestsAndUncompressedLayers() throws Exception {
    Path src = copy(base, tmp.resolve("src"));
    Path docker = tmp.resolve("docker");
    run(tmp, "skopeo", "copy", "--format", "v2s2", "oci:" + src + ":app", "oci:" + docker + ":d");
    OciLayout dl = OciLayout.open(docker);
    assertThat(dl.resolve("d").mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
    ConvertResult r = builder().convert(dl, "d", "d-soci", PlatformSelection.defaultPlatform());
    validateConversion(dl, r);
    ImageManifest annotated = dl.readManifest(dl.readIndex(r.imageIndex()).manifests().get(0));
    assertThat(annotated.layers())
        .extracting(Descriptor::mediaType)
        .containsOnly(MediaTypes.DOCKER_LAYER_GZIP);
    assertThat(r.indexes().get(0).index().ztocs())
        .allSatisfy(
            z ->
                assertThat(z.annotation(Annotations.SOCI_IMAGE_LAYER_MEDIA_TYPE))
                    .isEqualTo(MediaTypes.DOCKER_LAYER_GZIP));
    run(tmp, "skopeo", "inspect", "oci:" + docker + ":d-soci");

    Path plain = tmp.resolve("plain");
    run(
        tmp,
        "skopeo",
        "copy",
        "--dest-decompress",
        "oci:" + src + ":app",
        "dir:" + tmp.resolve("d"));
    run(
        tmp,
        "skopeo",
        "copy",
        "--dest-oci-accept-uncompressed-layers",
        "dir:" + tmp.resolve("d"),
        "oci:" + plain + ":u");
    OciLayout ul = OciLayout.open(plain);
    ImageManifest um = ul.readManifest(ul.resolve("u"));
    assertThat(um.layers()).extracting(Descriptor::mediaType).containsOnly(MediaTypes.OCI_LAYER);
    List<LayerResult> events = new ArrayList<>();
    CreateResult c = builder(events).create(ul, "u", PlatformSelection.defaultPlatform());
    assertThat(events)
        .extracting(LayerResult::status)
        .containsExactly(
            LayerResult.Status.CREATED,
            LayerResult.Status.SKIPPED_TOO_SMALL,
            LayerResult.Status.CREATED);
    Descriptor z = c.indexes().get(0).index().ztocs().get(1);
    Ztoc ztoc = Ztoc.decode(ul.readBlob(z));
    assertThat(ztoc.compressionAlgorithm()).isEqualTo(CompressionAlgorithm.UNCOMPRESSED);
    try (SeekableLayer sl = SeekableLayer.open(ul.blobPath(events.get(2).layer().digest()), ztoc)) {
      assertThat(sl.readFile("data/big2.bin")).isEqualTo(BIG2);
    }
    ConvertResult uc = builder().convert(ul, "u", "u-soci", PlatformSelection.defaultPlatform());
    validateConversion(ul, uc);
    run(tmp, "skopeo", "copy", "oci:" + plain + ":u-soci", "oci:" + tmp.resolve("out") + ":x");
  }

  @Test
  void zstdLayersAreSkippedAndAnImageWithNothingToIndexFailsCleanly() throws Exception {
    Path src = copy(base, tmp.resolve("src"));
    Path z = tmp.resolve("z");
    run(
        tmp,
        "skopeo",
        "copy",
        "--dest-compress-format",
        "zstd",
        "--dest-compress",
        "oci:" + src + ":app",
        "oci:" + z + ":z");
    OciLayout layout = OciLayout.open(z);
    Map<String, String> before = snapshot(z);
    List<LayerResult> events = new ArrayList<>();
    assertThatThrownBy(
            () ->
                builder(events).convert(layout, "z", "z-soci", PlatformSelection.defaultPlatform()))
        .isInstanceOf(SociIndexException.class)
        .hasMessageContaining(SociIndexException.EMPTY_INDEX);
    assertThat(events)
        .extracting(LayerResult::status)
        .containsExactly(
            LayerResult.Status.SKIPPED_UNSUPPORTED,
            LayerResult.Status.SKIPPED_TOO_SMALL,
            LayerResult.Status.SKIPPED_UNSUPPORTED);
    assertThat(events.get(0).message())
        .endsWith(
            "("
                + MediaTypes.OCI_LAYER_ZSTD
                + ") is compressed in an unsupported format. expect: [tar, gzip, unknown] but got \"zstd\"");
    assertThat(snapshot(z)).isEqualTo(before);
  }

  @Test
  void sameDigestsInEveryTimeZoneAndOnEveryRun() throws Exception {
    TimeZone saved = TimeZone.getDefault();
    List<String> results = new ArrayList<>();
    try {
      for (String zone : List.of("America/Los_Angeles", "Asia/Kolkata")) {
        TimeZone.setDefault(TimeZone.getTimeZone(zone));
        OciLayout layout = OciLayout.open(copy(base, tmp.resolve(zone.replace('/', '_'))));
        ConvertResult r =
            builder()
                .parallelism(zone.startsWith("Asia") ? 1 : 3)
                .convert(layout, "multi", "soci", PlatformSelection.all());
        CreateResult c = builder().create(layout, "app", PlatformSelection.defaultPlatform());
        results.add(
            r.imageIndex()
                + " "
                + c.indexes().get(0).descriptor()
                + " "
                + r.indexes().stream().map(i -> i.index().ztocs().toString()).toList());
      }
    } finally {
      TimeZone.setDefault(saved);
    }
    assertThat(results.get(1)).isEqualTo(results.get(0));
  }

  @Test
  void aLargeLayerBuildsFromItsFileWithTheSameZtocAndDigestCheck() throws Exception {
    // Text that gzip compresses about 3:1, enough of it for a layer that parallel inflation splits.
    String[] words = {
      "layer", "span", "zinfo", "checkpoint", "window", "deflate", "block", "tar", "index", "\n"
    };
    java.util.Random random = new java.util.Random(5);
    StringBuilder text = new StringBuilder();
    while (text.length() < 36_000_000) {
      text.append(words[random.nextInt(words.length)]).append(random.nextInt(1000)).append(' ');
    }
    Path dir = tmp.resolve("large");
    Layouts.umociImage(
        dir,
        "big",
        "amd64",
        Map.of("usr/share/big.txt", text.toString().getBytes(StandardCharsets.UTF_8)));
    OciLayout layout = OciLayout.open(dir);
    Descriptor layer = layout.readManifest(layout.resolve("big")).layers().get(0);
    Path blob = layout.blobPath(layer.digest());
    assertThat(layer.size())
        .isGreaterThan(2L * dev.soci.ztoc.gzip.SpeculativeDecoding.STRETCH_SIZE);
    Path fresh =
        copy(dir, tmp.resolve("large-bad")); // corrupted below, before any zTOC exists to reuse

    List<Long> progress = new ArrayList<>();
    SociIndexBuilder.withDefaults()
        .spanSize(SPAN)
        .listener(
            new BuildListener() {
              @Override
              public void onProgress(long done, long total) {
                progress.add(done);
                assertThat(total).isEqualTo(layer.size());
              }
            })
        .create(layout, "big", PlatformSelection.defaultPlatform());

    SociIndexCatalog.ZtocEntry entry = SociIndexCatalog.scan(layout).ztocs().get(0);
    byte[] built =
        layout.readBlob(Descriptor.of(MediaTypes.SOCI_ZTOC, entry.digest(), entry.size()));
    byte[] sequential =
        dev.soci.ztoc.ZtocBuilder.withDefaults().spanSize(SPAN).parallelism(1).build(blob).encode();
    assertThat(built).isEqualTo(sequential);
    assertThat(progress).isSorted().last().isEqualTo(layer.size());

    // The build reads the file once, so the digest check must come from that same read: a blob of
    // the right size that is still a valid layer (a changed gzip header mtime) but not the one the
    // manifest names fails, and the layout stays as it was.
    OciLayout badLayout = OciLayout.open(fresh);
    Path badBlob = badLayout.blobPath(layer.digest());
    byte[] bad = Files.readAllBytes(badBlob);
    bad[4] ^= 1;
    Files.write(badBlob, bad);
    Map<String, String> before = snapshot(fresh);
    assertThatThrownBy(
            () ->
                SociIndexBuilder.withDefaults()
                    .spanSize(SPAN)
                    .create(badLayout, "big", PlatformSelection.defaultPlatform()))
        .isInstanceOf(OciLayoutException.class)
        .hasMessageContaining(badBlob.toString())
        .hasMessageContaining("blob content has digest");
    assertThat(snapshot(fresh)).isEqualTo(before);
  }

  @Test
  void corruptLayoutsFailNamingTheFileAndChangeNothing() throws Exception {
    Path dir = copy(base, tmp.resolve("c"));
    OciLayout layout = OciLayout.open(dir);
    ImageManifest m = layout.readManifest(layout.resolve("app"));
    Path layer3 = layout.blobPath(m.layers().get(2).digest());
    byte[] good = Files.readAllBytes(layer3);

    // the last layer fails after the first one's zTOC was written: that zTOC is removed again
    byte[] bad = good.clone();
    bad[bad.length / 2] ^= 1;
    Files.write(layer3, bad);
    Map<String, String> before = snapshot(dir);
    assertThatThrownBy(
            () ->
                builder()
                    .parallelism(1)
                    .convert(layout, "app", "s", PlatformSelection.defaultPlatform()))
        .hasMessageContaining(layer3.toString());
    assertThat(snapshot(dir)).isEqualTo(before);

    // the first of several queued builds fails: the others are cancelled, nothing is left behind
    Path layer1 = layout.blobPath(m.layers().get(0).digest());
    byte[] good1 = Files.readAllBytes(layer1);
    byte[] bad1 = good1.clone();
    bad1[bad1.length / 2] ^= 1;
    Files.write(layer1, bad1);
    Files.write(layer3, good);
    Map<String, String> firstBad = snapshot(dir);
    assertThatThrownBy(
            () ->
                builder()
                    .minLayerSize(0)
                    .parallelism(1)
                    .convert(layout, "app", "s", PlatformSelection.defaultPlatform()))
        .hasMessageContaining(layer1.toString());
    assertThat(snapshot(dir)).isEqualTo(firstBad);
    Files.write(layer1, good1);

    // same size, still valid gzip (a header byte changed), but not the layer the manifest names
    bad = good.clone();
    bad[4] ^= 1;
    Files.write(layer3, bad);
    Map<String, String> withBadHeader = snapshot(dir);
    assertThatThrownBy(
            () -> builder().convert(layout, "app", "s", PlatformSelection.defaultPlatform()))
        .isInstanceOf(OciLayoutException.class)
        .hasMessageContaining(layer3.toString())
        .hasMessageContaining("blob content has digest");
    assertThat(snapshot(dir)).isEqualTo(withBadHeader);

    Files.delete(layer3);
    before = snapshot(dir);
    assertThatThrownBy(() -> builder().create(layout, "app", PlatformSelection.defaultPlatform()))
        .isInstanceOf(OciLayoutException.class)
        .hasMessageContaining("is missing")
        .hasMessageContaining(layer3.toString());
    assertThat(snapshot(dir)).isEqualTo(before);
    Files.write(layer3, good);

    // a layer whose media type is not a layer type: upstream's "not a layer mediaType", naming the
    // manifest
    Descriptor weird;
    try (OciLayout.Transaction tx = layout.begin()) {
      Descriptor foo = tx.writeBlob("application/x-foo", "foo".getBytes(StandardCharsets.UTF_8));
      Descriptor md =
          tx.writeBlob(
              MediaTypes.OCI_MANIFEST,
              OciJson.encode(m.withLayers(List.of(m.layers().get(0), foo))));
      weird = md;
      tx.commit(tx.index().withManifest(md.withAnnotations(Map.of(Annotations.REF_NAME, "weird"))));
    }
    before = snapshot(dir);
    assertThatThrownBy(() -> builder().create(layout, "weird", PlatformSelection.defaultPlatform()))
        .isInstanceOf(SociIndexException.class)
        .hasMessageContaining(layout.blobPath(weird.digest()).toString())
        .hasMessageContaining("not a layer mediaType: \"application/x-foo\"");
    assertThat(snapshot(dir)).isEqualTo(before);

    // an index.json entry of an unknown media type
    try (OciLayout.Transaction tx = layout.begin()) {
      tx.commit(
          tx.index()
              .withManifest(
                  Descriptor.of("application/x-bar", weird.digest(), weird.size())
                      .withAnnotations(Map.of(Annotations.REF_NAME, "bar"))));
    }
    assertThatThrownBy(() -> builder().create(layout, "bar", PlatformSelection.defaultPlatform()))
        .hasMessageContaining("application/x-bar")
        .hasMessageContaining("neither an image manifest nor an image index");

    // a manifest blob with the wrong content
    Path manifestFile = layout.blobPath(layout.resolve("app").digest());
    byte[] mb = Files.readAllBytes(manifestFile);
    Files.writeString(
        manifestFile,
        new String(mb, StandardCharsets.UTF_8)
            .replace("\"schemaVersion\":2", "\"schemaVersion\": 2"));
    assertThatThrownBy(() -> builder().create(layout, "app", PlatformSelection.defaultPlatform()))
        .isInstanceOf(OciLayoutException.class)
        .hasMessageContaining(manifestFile.toString());
    Files.write(manifestFile, mb);

    // malformed index.json
    Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[");
    assertThatThrownBy(() -> builder().create(layout, "app", PlatformSelection.defaultPlatform()))
        .isInstanceOf(OciLayoutException.class)
        .hasMessageContaining(dir.resolve("index.json").toString())
        .hasMessageContaining("malformed JSON");
  }

  @Test
  void destinationTagRules() throws Exception {
    OciLayout layout = OciLayout.open(copy(base, tmp.resolve("t")));
    assertThatThrownBy(
            () -> builder().convert(layout, "app", "app", PlatformSelection.defaultPlatform()))
        .hasMessageContaining("must differ");
    assertThatThrownBy(
            () ->
                builder()
                    .convert(layout, "app", "x@sha256:abc", PlatformSelection.defaultPlatform()))
        .hasMessageContaining("not a digest");
    assertThatThrownBy(
            () -> builder().convert(layout, "app", "bad tag", PlatformSelection.defaultPlatform()))
        .hasMessageContaining("invalid tag");
    RefName.checkTag("registry.example/repo:v1.2-soci");
  }
}
