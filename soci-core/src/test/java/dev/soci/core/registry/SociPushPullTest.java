package dev.soci.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.soci.core.index.ConvertResult;
import dev.soci.core.index.CreateResult;
import dev.soci.core.index.PlatformSelection;
import dev.soci.core.index.SociIndexBuilder;
import dev.soci.core.registry.testing.FakeRegistry;
import dev.soci.core.registry.testing.RecordedRequest;
import dev.soci.core.registry.testing.RegistryProcess;
import dev.soci.oci.Descriptor;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciJson;
import dev.soci.oci.layout.OciLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pushing and pulling umoci images with v1 and v2 SOCI indexes (the fake, docker-registry). */
class SociPushPullTest {
  @TempDir static Path shared;
  static Path layoutDir;
  static CreateResult v1;
  static ConvertResult v2;

  @BeforeAll
  static void image() throws Exception {
    assumeTrue(onPath("umoci"), "umoci is not installed");
    layoutDir = shared.resolve("layout");
    Path work = Files.createDirectories(shared.resolve("work"));
    run(work, "umoci", "init", "--layout", layoutDir.toString());
    run(work, "umoci", "new", "--image", layoutDir + ":app");
    for (int i = 0; i < 2; i++) {
      Path f = work.resolve("f" + i);
      byte[] b = new byte[300_000];
      new Random(i).nextBytes(b);
      Files.write(f, b);
      run(work, "umoci", "insert", "--image", layoutDir + ":app", f.toString(), "/file" + i);
    }
    OciLayout layout = OciLayout.open(layoutDir);
    SociIndexBuilder builder = SociIndexBuilder.withDefaults().spanSize(64 << 10).minLayerSize(0);
    v1 = builder.create(layout, "app", PlatformSelection.defaultPlatform());
    v2 = builder.convert(layout, "app", "app-soci", PlatformSelection.defaultPlatform());
  }

  static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  static void run(Path cwd, String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + out).isZero();
  }

  private static final class Recorder implements SociPusher.Listener {
    final List<String> events = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void blob(Descriptor blob, boolean uploaded) {
      events.add("blob " + uploaded);
    }

    @Override
    public void manifest(Descriptor manifest, boolean uploaded) {
      events.add("manifest " + uploaded);
    }

    @Override
    public void warning(String message) {
      events.add("warning " + message);
    }
  }

  @Test
  void pushesV1InSafeOrderAndRepushesAsNoOp() throws Exception {
    try (FakeRegistry fake = FakeRegistry.builder().withoutReferrersApi().start()) {
      Registry client = RepositoryContract.quick().anonymous().build();
      ImageReference dest = ImageReference.parse(fake.host() + "/push/app:v1");
      OciLayout layout = OciLayout.open(layoutDir);
      SociPusher.Result r = SociPusher.to(client).push(layout, "app", dest);
      Descriptor sociIndex = v1.indexes().get(0).descriptor();
      assertThat(r.sociIndexes())
          .extracting(Descriptor::digest)
          .containsExactly(sociIndex.digest());
      assertThat(r.blobsUploaded()).isGreaterThanOrEqualTo(5); // config, 2 layers, {}, zTOCs
      assertThat(r.upToDate()).isFalse();

      // order: every blob upload before the first manifest PUT; the tag last
      List<RecordedRequest> log = fake.requests();
      int lastBlobPut = -1;
      int firstManifestPut = Integer.MAX_VALUE;
      int tagPut = -1;
      for (int i = 0; i < log.size(); i++) {
        RecordedRequest q = log.get(i);
        if (q.method().equals("PUT") && q.path().contains("/blobs/uploads/")) {
          lastBlobPut = i;
        }
        if (q.method().equals("PUT") && q.path().contains("/manifests/")) {
          firstManifestPut = Math.min(firstManifestPut, i);
          if (q.path().endsWith("/manifests/v1")) {
            tagPut = i;
          }
        }
      }
      assertThat(lastBlobPut).isLessThan(firstManifestPut);
      assertThat(tagPut)
          .isEqualTo(
              log.stream()
                  .filter(q -> q.method().equals("PUT"))
                  .mapToInt(log::indexOf)
                  .max()
                  .orElseThrow());

      // the fallback tag lists the index; a fresh client finds it
      Repository repo = RepositoryContract.quick().anonymous().build().repository(dest);
      assertThat(repo.referrers(r.image().digest(), MediaTypes.SOCI_INDEX_V1))
          .extracting(Descriptor::digest)
          .containsExactly(sociIndex.digest());
      assertThat(repo.getManifest("v1").descriptor().digest()).isEqualTo(r.image().digest());

      Recorder again = new Recorder();
      SociPusher.Result second = SociPusher.to(client).listener(again).push(layout, "app", dest);
      assertThat(second.upToDate()).isTrue();
      assertThat(second.blobsUploaded()).isZero();
      assertThat(again.events).doesNotContain("blob true", "manifest true");
    }
  }

  @Test
  void existingIndexPolicies() throws Exception {
    try (FakeRegistry fake = FakeRegistry.start()) {
      Registry client = RepositoryContract.quick().anonymous().build();
      ImageReference dest = ImageReference.parse(fake.host() + "/push/policy:v1");
      OciLayout layout = OciLayout.open(layoutDir);
      // a different index for the same image already in the registry
      Repository repo = client.repository(dest);
      Descriptor image = layout.resolve("app");
      byte[] other =
          dev.soci.oci.SociIndex.v1(
                  v1.indexes().get(0).index().ztocs(),
                  image.toBuilder().annotations(null).build(),
                  "another tool")
              .encode();
      fake.putBlob(
          "push/policy",
          dev.soci.oci.SociIndex.CONFIG_CONTENT.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      for (Descriptor z : v1.indexes().get(0).index().ztocs()) {
        fake.putBlob("push/policy", layout.readBlob(z));
      }
      fake.putManifest("push/policy", null, MediaTypes.OCI_MANIFEST, other);
      Recorder skip = new Recorder();
      // the other index is found through the referrers API: SKIP leaves ours out
      SociPusher.Result skipped =
          SociPusher.to(client)
              .existingIndex(SociPusher.ExistingIndex.SKIP)
              .listener(skip)
              .push(layout, "app", dest);
      assertThat(skipped.sociIndexes()).isEmpty();
      assertThat(skip.events).anyMatch(e -> e.startsWith("warning skipping SOCI index"));
      Recorder warn = new Recorder();
      SociPusher.Result r =
          SociPusher.to(client)
              .existingIndex(SociPusher.ExistingIndex.WARN)
              .listener(warn)
              .push(layout, "app", dest);
      assertThat(r.sociIndexes()).hasSize(1);
      assertThat(warn.events)
          .anyMatch(e -> e.startsWith("warning the registry already has a SOCI index"));
      assertThat(repo.referrers(image.digest(), MediaTypes.SOCI_INDEX_V1)).hasSize(2);
    }
  }

  @Test
  void pushesV2ImageIndexWithEverythingItReaches() throws Exception {
    try (FakeRegistry fake = FakeRegistry.start()) {
      Registry client = RepositoryContract.quick().anonymous().build();
      ImageReference dest = ImageReference.parse(fake.host() + "/push/v2:soci");
      OciLayout layout = OciLayout.open(layoutDir);
      SociPusher.Result r =
          SociPusher.to(client).maxConcurrentUploads(2).push(layout, "app-soci", dest);
      assertThat(r.image().digest()).isEqualTo(v2.imageIndex().digest());
      Repository repo = client.repository(dest);
      ImageIndex index = OciJson.decoder().decodeIndex(repo.getManifest("soci").content(), "index");
      for (Descriptor child : index.manifests()) {
        assertThat(repo.headManifest(child.digest().toString())).isPresent();
      }
      Descriptor v2Index = v2.indexes().get(0).descriptor();
      assertThat(index.manifests()).extracting(Descriptor::digest).contains(v2Index.digest());
      // a v2 index on its own is refused
      String v2Digest = v2Index.digest().toString();
      assertThatThrownBy(() -> SociPusher.to(client).push(layout, v2Digest, dest))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("v2 SOCI index");
    }
  }

  @Test
  void pushesToDockerRegistry() throws Exception {
    RegistryProcess.assumeAvailable();
    try (RegistryProcess registry = RegistryProcess.startWithBasicAuth("u", "p")) {
      Registry client = RepositoryContract.quick().credentials("u", "p").build();
      OciLayout layout = OciLayout.open(layoutDir);
      ImageReference dest = ImageReference.parse(registry.host() + "/real/app:v1");
      SociPusher.Result r = SociPusher.to(client).push(layout, "app", dest);
      ImageReference dest2 = ImageReference.parse(registry.host() + "/real/app:soci");
      SociPusher.to(client).push(layout, "app-soci", dest2);
      Repository repo = client.repository(dest);
      assertThat(repo.referrers(r.image().digest(), MediaTypes.SOCI_INDEX_V1)).hasSize(1);
      assertThat(repo.listTags()).contains("v1", "soci", "sha256-" + r.image().digest().hex());
      assertThat(SociPusher.to(client).push(layout, "app", dest).upToDate()).isTrue();
    }
  }

  /** Every blob file of a layout with its size. */
  static java.util.Map<String, Long> blobFiles(Path layout) throws IOException {
    java.util.Map<String, Long> out = new java.util.TreeMap<>();
    try (var files = Files.walk(layout.resolve("blobs"))) {
      for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        out.put(layout.resolve("blobs").relativize(p).toString(), Files.size(p));
      }
    }
    return out;
  }

  private static void reach(OciLayout layout, Descriptor d, java.util.Set<String> out)
      throws IOException {
    out.add(d.digest().algorithm() + "/" + d.digest().hex());
    if (MediaTypes.isIndex(d.mediaType())) {
      for (Descriptor c : layout.readIndex(d).manifests()) {
        reach(layout, c, out);
      }
    } else if (MediaTypes.isManifest(d.mediaType())) {
      var m = layout.readManifest(d);
      out.add(m.config().digest().algorithm() + "/" + m.config().digest().hex());
      for (Descriptor l : m.layers()) {
        out.add(l.digest().algorithm() + "/" + l.digest().hex());
      }
    }
  }

  @Test
  void pullsBackWhatWasPushed() throws Exception {
    try (FakeRegistry fake = FakeRegistry.builder().withoutReferrersApi().start()) {
      Registry client = RepositoryContract.quick().anonymous().build();
      OciLayout layout = OciLayout.open(layoutDir);
      ImageReference v1Ref = ImageReference.parse(fake.host() + "/pull/app:v1");
      ImageReference v2Ref = ImageReference.parse(fake.host() + "/pull/app:soci");
      SociPusher.to(client).push(layout, "app", v1Ref);
      SociPusher.to(client).push(layout, "app-soci", v2Ref);

      Path target = shared.resolve("pulled-" + System.nanoTime());
      SociPuller.Result r1 = SociPuller.from(client).pull(v1Ref, target, "app");
      assertThat(r1.image().digest()).isEqualTo(layout.resolve("app").digest());
      assertThat(r1.sociIndexes())
          .extracting(Descriptor::digest)
          .containsExactly(v1.indexes().get(0).descriptor().digest());
      SociPuller.Result r2 = SociPuller.from(client).pull(v2Ref, target, "app-soci");
      assertThat(r2.image().digest()).isEqualTo(v2.imageIndex().digest());
      assertThat(r2.sociIndexes())
          .extracting(Descriptor::digest)
          .contains(v2.indexes().get(0).descriptor().digest());

      OciLayout pulled = OciLayout.open(target);
      assertThat(pulled.resolve("app").digest()).isEqualTo(layout.resolve("app").digest());
      assertThat(pulled.resolve("app-soci").digest()).isEqualTo(v2.imageIndex().digest());
      // the same blobs as the source reaches from what was pushed (umoci leaves old ones around)
      java.util.Set<String> reachable = new java.util.TreeSet<>();
      reach(layout, layout.resolve("app"), reachable);
      reach(layout, layout.resolve("app-soci"), reachable);
      reach(layout, v1.indexes().get(0).descriptor(), reachable);
      assertThat(blobFiles(target).keySet()).containsExactlyInAnyOrderElementsOf(reachable);
      assertThat(blobFiles(layoutDir)).containsAllEntriesOf(blobFiles(target));
      var catalog = dev.soci.core.index.SociIndexCatalog.scan(pulled);
      assertThat(catalog.indexes())
          .extracting(e -> e.descriptor().digest())
          .contains(
              v1.indexes().get(0).descriptor().digest(), v2.indexes().get(0).descriptor().digest());

      // pulling again downloads nothing
      assertThat(SociPuller.from(client).pull(v1Ref, target, "app").blobsDownloaded()).isZero();
    }
  }

  @Test
  void failedPullLeavesTheLayoutAsItWas() throws Exception {
    try (FakeRegistry fake = FakeRegistry.start()) {
      Registry client = RepositoryContract.quick().anonymous().maxAttempts(2).build();
      OciLayout layout = OciLayout.open(layoutDir);
      ImageReference ref = ImageReference.parse(fake.host() + "/pull/broken:v1");
      SociPusher.to(client).push(layout, "app", ref);
      Path target = shared.resolve("broken-" + System.nanoTime());
      OciLayout.init(target);
      byte[] indexBefore = Files.readAllBytes(target.resolve("index.json"));
      fake.inject(
          dev.soci.core.registry.testing.RequestMatcher.blobGet(),
          dev.soci.core.registry.testing.Fault.corruptBody(),
          1000);
      assertThatThrownBy(() -> SociPuller.from(client).pull(ref, target, "app"))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("digest");
      assertThat(Files.readAllBytes(target.resolve("index.json"))).isEqualTo(indexBefore);
      try (var files = Files.walk(target)) {
        assertThat(
                files
                    .filter(Files::isRegularFile)
                    .map(p -> target.relativize(p).toString())
                    .filter(n -> !n.equals(".soci.lock")))
            .containsExactlyInAnyOrder("oci-layout", "index.json");
      }
    }
  }

  @Test
  void failedPullIntoANewDirectoryLeavesNothing() throws Exception {
    Registry client = RepositoryContract.quick().anonymous().maxAttempts(1).build();
    Path target = shared.resolve("never-" + System.nanoTime());
    assertThatThrownBy(
            () ->
                SociPuller.from(client).pull(ImageReference.parse("127.0.0.1:1/x:y"), target, "x"))
        .isInstanceOf(RegistryException.class)
        .hasMessageStartingWith("tried to get manifest 127.0.0.1:1/x:y");
    String left = "";
    if (Files.exists(target)) {
      try (var files = Files.walk(target)) {
        left = files.map(Path::toString).toList().toString();
      }
    }
    assertThat(target).as(left).doesNotExist();
  }
}
