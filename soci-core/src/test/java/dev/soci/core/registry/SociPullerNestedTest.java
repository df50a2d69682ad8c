package dev.soci.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.core.index.PlatformSelection;
import dev.soci.core.registry.testing.FakeRegistry;
import dev.soci.core.registry.testing.RegistryProcess;
import dev.soci.oci.Annotations;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciJson;
import dev.soci.oci.Platform;
import dev.soci.oci.SociIndex;
import dev.soci.oci.layout.OciLayout;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pulling images whose image index lists image indexes: the whole graph is pulled, nesting is
 * bounded, and a child that cannot be fetched fails the pull before anything is written.
 */
class SociPullerNestedTest {
  private static final Platform OTHER = Platform.of("linux", "s390x");
  private static final Platform THIRD = Platform.of("linux", "ppc64le");

  @TempDir Path tmp;

  /** Pushes documents and blobs with {@link Repository}, children before parents. */
  private static final class Pusher {
    final Repository repo;
    final Random random = new Random(42);

    Pusher(Repository repo) {
      this.repo = repo;
    }

    Descriptor blob(String mediaType, byte[] content) throws IOException {
      Descriptor d = Descriptor.ofContent(mediaType, content);
      repo.pushBlob(d.digest(), d.size(), BlobContent.of(content));
      return d;
    }

    /** An image manifest of one gzip layer for {@code platform} (descriptor with platform). */
    Descriptor image(Platform platform) throws IOException {
      byte[] raw = new byte[2000];
      random.nextBytes(raw);
      ByteArrayOutputStream gz = new ByteArrayOutputStream();
      try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
        out.write(raw);
      }
      Descriptor layer = blob(MediaTypes.OCI_LAYER_GZIP, gz.toByteArray());
      String config =
          "{\"architecture\":\""
              + platform.architecture()
              + "\",\"os\":\""
              + platform.os()
              + "\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
              + Digest.sha256(raw)
              + "\"]}}";
      Descriptor cfg = blob(MediaTypes.OCI_CONFIG, config.getBytes(StandardCharsets.UTF_8));
      byte[] manifest =
          OciJson.encode(ImageManifest.of(MediaTypes.OCI_MANIFEST, cfg, List.of(layer)));
      Descriptor d = repo.putManifest(digestOf(manifest), MediaTypes.OCI_MANIFEST, manifest);
      return d.toBuilder().platform(platform).build();
    }

    Descriptor index(String tag, Descriptor... children) throws IOException {
      byte[] index = OciJson.encode(ImageIndex.of(MediaTypes.OCI_INDEX, List.of(children)));
      String ref = tag != null ? tag : digestOf(index);
      return repo.putManifest(ref, MediaTypes.OCI_INDEX, index);
    }

    /** A v1 SOCI index (a referrer) of {@code image}, with one zTOC-like blob. */
    Descriptor v1Index(Descriptor image) throws IOException {
      byte[] ztoc = new byte[300];
      random.nextBytes(ztoc);
      Descriptor z = blob(MediaTypes.SOCI_ZTOC, ztoc);
      blob(
          MediaTypes.SOCI_INDEX_V1,
          SociIndex.CONFIG_CONTENT.getBytes(StandardCharsets.UTF_8)); // the {} config
      byte[] doc = SociIndex.v1(List.of(z), image, "test").encode();
      return repo.putManifest(digestOf(doc), MediaTypes.OCI_MANIFEST, doc);
    }

    /** A v2 SOCI index entry of a SOCI-enabled index, for {@code platform}. */
    Descriptor v2Index(Platform platform) throws IOException {
      byte[] ztoc = new byte[300];
      random.nextBytes(ztoc);
      Descriptor z = blob(MediaTypes.SOCI_ZTOC, ztoc);
      blob(MediaTypes.SOCI_INDEX_V2, SociIndex.CONFIG_CONTENT.getBytes(StandardCharsets.UTF_8));
      byte[] doc = SociIndex.v2(List.of(z), "test").encode();
      Descriptor d = repo.putManifest(digestOf(doc), MediaTypes.OCI_MANIFEST, doc);
      return d.toBuilder().artifactType(MediaTypes.SOCI_INDEX_V2).platform(platform).build();
    }
  }

  private static String digestOf(byte[] content) {
    return Digest.sha256(content).toString();
  }

  private static Registry client() {
    return RepositoryContract.quick().anonymous().maxAttempts(2).build();
  }

  /**
   * The graph of the test: root -> (a -> (host, other, v2 of host), b -> c -> (third, an
   * attestation of platform unknown/unknown)), and a v1 SOCI index of third.
   */
  private record Graph(
      Descriptor root,
      Descriptor a,
      Descriptor b,
      Descriptor c,
      Descriptor host,
      Descriptor other,
      Descriptor third,
      Descriptor v2,
      Descriptor v1OfThird,
      Descriptor attestation) {}

  private static Graph push(Repository repo, String tag) throws IOException {
    Pusher p = new Pusher(repo);
    Descriptor host = p.image(Platform.host());
    Descriptor other = p.image(OTHER);
    Descriptor third = p.image(THIRD);
    Descriptor v2 = p.v2Index(Platform.host());
    Descriptor a = p.index(null, host, other, v2);
    Descriptor attestation = p.image(Platform.of("unknown", "unknown"));
    Descriptor c = p.index(null, third, attestation);
    Descriptor b = p.index(null, c);
    Descriptor root = p.index(tag, a, b);
    Descriptor v1 = p.v1Index(third.toBuilder().platform(null).build());
    return new Graph(root, a, b, c, host, other, third, v2, v1, attestation);
  }

  /**
   * Reads every blob reachable from {@code index.json} (manifests, indexes, configs, layers,
   * subjects), each verified by size and digest; returns their digests.
   */
  static Set<Digest> verifyReachable(OciLayout layout) throws IOException {
    Set<Digest> seen = new TreeSet<>((x, y) -> x.toString().compareTo(y.toString()));
    List<Descriptor> todo = new ArrayList<>(layout.index().manifests());
    while (!todo.isEmpty()) {
      Descriptor d = todo.remove(todo.size() - 1);
      if (!seen.add(d.digest())) {
        continue;
      }
      layout.readBlob(d); // throws naming the blob when missing or wrong
      if (MediaTypes.isIndex(d.mediaType())) {
        todo.addAll(layout.readIndex(d).manifests());
      } else if (MediaTypes.isManifest(d.mediaType())) {
        ImageManifest m = layout.readManifest(d);
        todo.add(m.config());
        todo.addAll(m.layers());
        if (m.subject() != null) {
          todo.add(m.subject());
        }
      }
    }
    return seen;
  }

  @Test
  void pullsEveryLevelOfNestedIndexes() throws Exception {
    try (FakeRegistry fake = FakeRegistry.start()) {
      Registry client = client();
      ImageReference ref = ImageReference.parse(fake.host() + "/nested/app:v1");
      Graph g = push(client.repository(ref), "v1");
      Path target = tmp.resolve("all");
      SociPuller.Result r =
          SociPuller.from(client).platforms(PlatformSelection.all()).pull(ref, target, "nested");
      assertThat(r.image().digest()).isEqualTo(g.root().digest());
      assertThat(r.manifests())
          .extracting(Descriptor::digest)
          .containsExactlyInAnyOrder(
              g.host().digest(), g.other().digest(), g.third().digest(), g.attestation().digest());
      assertThat(r.sociIndexes())
          .extracting(Descriptor::digest)
          .containsExactlyInAnyOrder(g.v2().digest(), g.v1OfThird().digest());

      OciLayout layout = OciLayout.open(target);
      Set<Digest> reached = verifyReachable(layout);
      assertThat(reached)
          .contains(
              g.root().digest(),
              g.a().digest(),
              g.b().digest(),
              g.c().digest(),
              g.host().digest(),
              g.other().digest(),
              g.third().digest(),
              g.v2().digest(),
              g.v1OfThird().digest(),
              g.attestation().digest());
      // nothing but what index.json reaches was written
      Set<String> files = new TreeSet<>(SociPushPullTest.blobFiles(target).keySet());
      Set<String> expected = new TreeSet<>();
      reached.forEach(d -> expected.add(d.algorithm() + "/" + d.hex()));
      assertThat(files).isEqualTo(expected);
      // the v1 index of the nested manifest is listed as soci create lists it
      Descriptor listed =
          layout.index().manifests().stream()
              .filter(d -> d.digest().equals(g.v1OfThird().digest()))
              .findFirst()
              .orElseThrow();
      assertThat(listed.artifactType()).isEqualTo(MediaTypes.SOCI_INDEX_V1);
      assertThat(listed.platform()).isEqualTo(THIRD);
      assertThat(layout.resolve("nested").digest()).isEqualTo(g.root().digest());

      // pulling again downloads nothing
      assertThat(
              SociPuller.from(client)
                  .platforms(PlatformSelection.all())
                  .pull(ref, target, "nested")
                  .blobsDownloaded())
          .isZero();

      if (SociPushPullTest.onPath("skopeo")) {
        // skopeo 1.9 copies no index that lists an index ("Unexpectedly received a manifest list
        // instead of a manifest for a single image"), so it reads each innermost index of the
        // pulled layout, tagged for it, with everything under it
        List<Descriptor> entries = new ArrayList<>(layout.index().manifests());
        entries.add(g.a().withAnnotations(java.util.Map.of(Annotations.REF_NAME, "a")));
        entries.add(g.c().withAnnotations(java.util.Map.of(Annotations.REF_NAME, "c")));
        try (OciLayout.Transaction tx = layout.begin()) {
          tx.commit(tx.index().withManifests(entries));
        }
        for (String tag : List.of("a", "c")) {
          Path copy = tmp.resolve("copy-" + tag);
          SociPushPullTest.run(
              tmp,
              "skopeo",
              "copy",
              "--all",
              "oci:" + target + ":" + tag,
              "oci:" + copy + ":" + tag);
          // skopeo re-encodes the index; the manifests it lists are the same
          OciLayout copied = OciLayout.open(copy);
          Descriptor original = tag.equals("a") ? g.a() : g.c();
          assertThat(copied.readIndex(copied.resolve(tag)).manifests())
              .extracting(Descriptor::digest)
              .containsExactlyElementsOf(
                  layout.readIndex(original).manifests().stream().map(Descriptor::digest).toList());
          verifyReachable(OciLayout.open(copy));
        }
      }
    }
  }

  @Test
  void pullsNestedIndexesWhateverPlatformIsSelected() throws Exception {
    try (FakeRegistry fake = FakeRegistry.start()) {
      Registry client = client();
      ImageReference ref = ImageReference.parse(fake.host() + "/nested/app:v1");
      Graph g = push(client.repository(ref), "v1");
      Path target = tmp.resolve("one");
      SociPuller.Result r =
          SociPuller.from(client).platforms(PlatformSelection.of(OTHER)).pull(ref, target, "x");
      assertThat(r.manifests()).extracting(Descriptor::digest).containsExactly(g.other().digest());
      assertThat(r.sociIndexes()).isEmpty();
      OciLayout layout = OciLayout.open(target);
      // b and c list no manifest of OTHER but the root lists b: both are there
      for (Descriptor d : List.of(g.root(), g.a(), g.b(), g.c(), g.other())) {
        assertThat(layout.exists(d)).as(d.toString()).isTrue();
        layout.readBlob(d);
      }
      for (Descriptor d : List.of(g.host(), g.third(), g.v2(), g.v1OfThird(), g.attestation())) {
        assertThat(layout.exists(d)).as(d.toString()).isFalse();
      }
      assertThat(layout.index().manifests()).hasSize(1);
    }
  }

  @Test
  void pullsNestedIndexesFromDockerRegistry() throws Exception {
    RegistryProcess.assumeAvailable();
    try (RegistryProcess registry = RegistryProcess.startPlain()) {
      Registry client = client();
      ImageReference ref = ImageReference.parse(registry.host() + "/nested/app:v1");
      Graph g = push(client.repository(ref), "v1");
      Path target = tmp.resolve("real");
      SociPuller.Result r =
          SociPuller.from(client).platforms(PlatformSelection.all()).pull(ref, target, "nested");
      assertThat(r.sociIndexes())
          .extracting(Descriptor::digest)
          .containsExactlyInAnyOrder(g.v2().digest(), g.v1OfThird().digest());
      assertThat(verifyReachable(OciLayout.open(target)))
          .contains(g.c().digest(), g.third().digest(), g.v1OfThird().digest());
    }
  }

  /** A chain of {@code levels} image indexes over one manifest, the top one tagged. */
  private static Descriptor chain(Repository repo, int levels, String tag) throws IOException {
    Pusher p = new Pusher(repo);
    Descriptor d = p.image(Platform.host());
    for (int i = 1; i <= levels; i++) {
      d = p.index(i == levels ? tag : null, d);
    }
    return d;
  }

  @Test
  void nestingIsBounded() throws Exception {
    try (FakeRegistry fake = FakeRegistry.start()) {
      Registry client = client();
      ImageReference ok = ImageReference.parse(fake.host() + "/deep/app:ok");
      chain(client.repository(ok), SociPuller.MAX_INDEX_DEPTH, "ok");
      Path good = tmp.resolve("good");
      SociPuller.from(client).pull(ok, good, "ok");
      assertThat(verifyReachable(OciLayout.open(good)))
          .hasSize(SociPuller.MAX_INDEX_DEPTH + 3); // the indexes, manifest, config, layer

      ImageReference deep = ImageReference.parse(fake.host() + "/deep/app:deep");
      Descriptor top = chain(client.repository(deep), SociPuller.MAX_INDEX_DEPTH + 1, "deep");
      Path target = tmp.resolve("deep");
      assertThatThrownBy(() -> SociPuller.from(client).pull(deep, target, "deep"))
          .isInstanceOf(RegistryException.class)
          .hasMessageStartingWith("tried to pull " + deep)
          .hasMessageContaining(
              "its image indexes are nested deeper than " + SociPuller.MAX_INDEX_DEPTH + " levels")
          .hasMessageContaining(top.digest() + " -> ");
      assertThat(target).doesNotExist();
    }
  }

  @Test
  void aMissingNestedChildFailsThePullAndWritesNothing() throws Exception {
    try (FakeRegistry fake = FakeRegistry.start()) {
      Registry client = client();
      ImageReference ref = ImageReference.parse(fake.host() + "/missing/app:v1");
      Repository repo = client.repository(ref);
      Pusher p = new Pusher(repo);
      Descriptor present = p.image(Platform.host());
      // a manifest the registry never had, listed by a nested index (stored without checks)
      byte[] ghost =
          OciJson.encode(
              ImageManifest.of(
                  MediaTypes.OCI_MANIFEST,
                  Descriptor.ofContent(
                      MediaTypes.OCI_CONFIG, "{}".getBytes(StandardCharsets.UTF_8)),
                  List.of()));
      Descriptor ghostDesc =
          Descriptor.ofContent(MediaTypes.OCI_MANIFEST, ghost).toBuilder()
              .platform(Platform.host())
              .build();
      byte[] nested =
          OciJson.encode(ImageIndex.of(MediaTypes.OCI_INDEX, List.of(present, ghostDesc)));
      fake.putManifest("missing/app", null, MediaTypes.OCI_INDEX, nested);
      Descriptor nestedDesc = Descriptor.ofContent(MediaTypes.OCI_INDEX, nested);
      byte[] root = OciJson.encode(ImageIndex.of(MediaTypes.OCI_INDEX, List.of(nestedDesc)));
      fake.putManifest("missing/app", "v1", MediaTypes.OCI_INDEX, root);

      // into a layout holding another image: it stays exactly as it was
      ImageReference good = ImageReference.parse(fake.host() + "/missing/app:good");
      p.index("good", present);
      Path target = tmp.resolve("layout");
      SociPuller.from(client).pull(good, target, "good");
      byte[] indexBefore = Files.readAllBytes(target.resolve(OciLayout.INDEX_FILE));
      var blobsBefore = SociPushPullTest.blobFiles(target);

      assertThatThrownBy(() -> SociPuller.from(client).pull(ref, target, "v1"))
          .isInstanceOf(RegistryException.class)
          .hasMessageStartingWith("tried to pull " + ref)
          .hasMessageContaining(nestedDesc.digest() + " -> " + ghostDesc.digest())
          .hasMessageContaining("could not be fetched")
          .satisfies(e -> assertThat(((RegistryException) e).status()).isEqualTo(404));
      assertThat(Files.readAllBytes(target.resolve(OciLayout.INDEX_FILE))).isEqualTo(indexBefore);
      assertThat(SociPushPullTest.blobFiles(target)).isEqualTo(blobsBefore);
      verifyReachable(OciLayout.open(target));

      // a missing nested index fails the same way, into a new directory: nothing is left
      byte[] ghostIndex =
          OciJson.encode(
              ImageIndex.of(MediaTypes.OCI_INDEX, List.of(present))
                  .withAnnotations(java.util.Map.of("never", "pushed")));
      Descriptor ghostIndexDesc = Descriptor.ofContent(MediaTypes.OCI_INDEX, ghostIndex);
      fake.putManifest(
          "missing/app",
          "v2",
          MediaTypes.OCI_INDEX,
          OciJson.encode(ImageIndex.of(MediaTypes.OCI_INDEX, List.of(ghostIndexDesc))));
      ImageReference ref2 = ImageReference.parse(fake.host() + "/missing/app:v2");
      Path fresh = tmp.resolve("fresh");
      assertThatThrownBy(() -> SociPuller.from(client).pull(ref2, fresh, "v2"))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining(ghostIndexDesc.digest().toString())
          .hasMessageContaining("could not be fetched");
      assertThat(fresh).doesNotExist();
    }
  }

  @Test
  void aChildThatIsNotWhatItsDescriptorSaysFailsThePull() throws Exception {
    try (FakeRegistry fake = FakeRegistry.start()) {
      Registry client = client();
      ImageReference ref = ImageReference.parse(fake.host() + "/liar/app:v1");
      Pusher p = new Pusher(client.repository(ref));
      Descriptor image = p.image(Platform.host());
      // the root says the manifest is an index
      Descriptor wrong = image.toBuilder().mediaType(MediaTypes.OCI_INDEX).platform(null).build();
      fake.putManifest(
          "liar/app",
          "v1",
          MediaTypes.OCI_INDEX,
          OciJson.encode(ImageIndex.of(MediaTypes.OCI_INDEX, List.of(wrong))));
      Path target = tmp.resolve("liar");
      assertThatThrownBy(() -> SociPuller.from(client).pull(ref, target, "v1"))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining(image.digest().toString())
          .hasMessageContaining("is listed with media type " + MediaTypes.OCI_INDEX);
      assertThat(target).doesNotExist();
    }
  }
}
