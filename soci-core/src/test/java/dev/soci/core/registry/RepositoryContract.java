package dev.soci.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciJson;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The distribution-spec conformance checks (pull, push monolithic, chunked and by mount, tags
 * pagination, referrers, deletes) of the client, run by subclasses against the in-process fake and
 * against Debian's {@code docker-registry} with each authentication setup.
 */
abstract class RepositoryContract {
  /** The client, configured for the registry under test. */
  abstract Registry client();

  /** A client with quick retries. */
  static Registry.Builder quick() {
    return Registry.builder()
        .backoff(java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(10));
  }

  /** The registry's {@code host:port}. */
  abstract String host();

  /** Whether manifest and blob deletes are enabled (distribution disables them by default). */
  boolean supportsDelete() {
    return true;
  }

  Repository repo(String name) {
    return client().repository(ImageReference.parse(host() + "/" + name + ":latest"));
  }

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static byte[] readAll(InputStream in) throws Exception {
    try (in) {
      return in.readAllBytes();
    }
  }

  /** Pushes a config and a layer and returns the manifest that lists them (not pushed). */
  static ImageManifest pushImageBlobs(Repository repo, long seed) throws Exception {
    byte[] config =
        ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"seed\":" + seed + "}")
            .getBytes(StandardCharsets.UTF_8);
    byte[] layer = random(3000, seed);
    repo.pushBlob(Digest.sha256(config), config.length, BlobContent.of(config));
    repo.pushBlob(Digest.sha256(layer), layer.length, BlobContent.of(layer));
    return new ImageManifest(
        2,
        MediaTypes.OCI_MANIFEST,
        "",
        Descriptor.ofContent(MediaTypes.OCI_CONFIG, config),
        List.of(Descriptor.ofContent(MediaTypes.OCI_LAYER_GZIP, layer)),
        null,
        null);
  }

  @Test
  void pushesMonolithicallyAndPullsWholeAndRanged() throws Exception {
    Repository repo = repo("contract/mono");
    byte[] blob = random(100_000, 1);
    Digest d = Digest.sha256(blob);
    assertThat(repo.headBlob(d)).isEmpty();
    repo.pushBlob(d, blob.length, BlobContent.of(blob));
    assertThat(repo.headBlob(d)).hasValue(blob.length);
    assertThat(readAll(repo.getBlob(d, blob.length))).isEqualTo(blob);
    assertThat(readAll(repo.getBlobRange(d, 1234, 5000)))
        .isEqualTo(Arrays.copyOfRange(blob, 1234, 6234));
    assertThat(readAll(repo.getBlobRange(d, blob.length - 1, 1)))
        .containsExactly(blob[blob.length - 1]);
    // pushing it again is harmless
    repo.pushBlob(d, blob.length, BlobContent.of(blob));
  }

  @Test
  void pushesInChunks() throws Exception {
    Repository repo = repo("contract/chunked");
    byte[] blob = random(25_000, 2);
    Digest d = Digest.sha256(blob);
    repo.pushBlobChunked(d, blob.length, BlobContent.of(blob), 10_000);
    assertThat(readAll(repo.getBlob(d, blob.length))).isEqualTo(blob);
  }

  @Test
  void mountsFromAnotherRepository() throws Exception {
    Repository from = repo("contract/mount-src");
    Repository to = repo("contract/mount-dst");
    byte[] blob = random(5000, 3);
    Digest d = Digest.sha256(blob);
    from.pushBlob(d, blob.length, BlobContent.of(blob));
    to.mountBlob(d, blob.length, from.name(), BlobContent.of(blob));
    assertThat(to.headBlob(d)).hasValue(blob.length);
    assertThat(readAll(to.getBlob(d, blob.length))).isEqualTo(blob);
  }

  @Test
  void putsAndGetsManifestsByTagAndDigest() throws Exception {
    Repository repo = repo("contract/manifests");
    ImageManifest m = pushImageBlobs(repo, 4);
    byte[] json = OciJson.encode(m);
    Descriptor d = repo.putManifest("v1", MediaTypes.OCI_MANIFEST, json);
    assertThat(d).isEqualTo(Descriptor.ofContent(MediaTypes.OCI_MANIFEST, json));
    assertThat(repo.getManifest("v1").content()).isEqualTo(json);
    assertThat(repo.getManifest(d.digest().toString()).descriptor()).isEqualTo(d);
    assertThat(repo.headManifest("v1")).contains(d);
    assertThat(repo.headManifest(d.digest().toString())).contains(d);
    assertThat(repo.headManifest("absent")).isEmpty();
    assertThatThrownBy(() -> repo.getManifest("absent"))
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.status()).isEqualTo(404));
    assertThat(repo.putManifest(d.digest().toString(), MediaTypes.OCI_MANIFEST, json)).isEqualTo(d);
  }

  @Test
  void listsTagsAcrossPages() throws Exception {
    Repository repo = repo("contract/tags");
    byte[] json = OciJson.encode(pushImageBlobs(repo, 5));
    List<String> tags = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      tags.add("t" + i);
      repo.putManifest("t" + i, MediaTypes.OCI_MANIFEST, json);
    }
    // distribution 2.8 does not keep the order across pages: completeness is the contract
    assertThat(repo.listTags(2)).containsExactlyInAnyOrderElementsOf(tags);
    assertThat(repo.listTags()).containsExactlyInAnyOrderElementsOf(tags);
  }

  @Test
  void findsReferrersThroughTheApiOrTheFallbackTag() throws Exception {
    Repository repo = repo("contract/referrers");
    byte[] image = OciJson.encode(pushImageBlobs(repo, 6));
    Descriptor subject = repo.putManifest("img", MediaTypes.OCI_MANIFEST, image);
    byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
    repo.pushBlob(Digest.sha256(empty), empty.length, BlobContent.of(empty));
    byte[] ztoc = random(700, 7);
    repo.pushBlob(Digest.sha256(ztoc), ztoc.length, BlobContent.of(ztoc));
    List<Descriptor> pushed = new ArrayList<>();
    for (String type : new String[] {MediaTypes.SOCI_INDEX_V1, "application/vnd.example+json"}) {
      ImageManifest referrer =
          new ImageManifest(
              2,
              MediaTypes.OCI_MANIFEST,
              type,
              Descriptor.ofContent(MediaTypes.OCI_EMPTY, empty),
              List.of(Descriptor.ofContent(MediaTypes.SOCI_ZTOC, ztoc)),
              subject,
              Map.of("com.example.kind", type));
      byte[] json = OciJson.encode(referrer);
      pushed.add(repo.putManifest(Digest.sha256(json).toString(), MediaTypes.OCI_MANIFEST, json));
    }
    List<Descriptor> soci = repo.referrers(subject.digest(), MediaTypes.SOCI_INDEX_V1);
    assertThat(soci).hasSize(1);
    assertThat(soci.get(0).digest()).isEqualTo(pushed.get(0).digest());
    assertThat(soci.get(0).artifactType()).isEqualTo(MediaTypes.SOCI_INDEX_V1);
    assertThat(soci.get(0).annotations())
        .containsEntry("com.example.kind", MediaTypes.SOCI_INDEX_V1);
    assertThat(repo.referrers(subject.digest(), null))
        .extracting(Descriptor::digest)
        .containsExactlyInAnyOrderElementsOf(pushed.stream().map(Descriptor::digest).toList());
    // a fresh client (no knowledge of the API) finds the same
    Repository fresh = client().repository(ImageReference.parse(host() + "/contract/referrers:x"));
    assertThat(fresh.referrers(subject.digest(), MediaTypes.SOCI_INDEX_V1))
        .extracting(Descriptor::digest)
        .containsExactly(pushed.get(0).digest());
    // an unknown subject has none
    assertThat(fresh.referrers(Digest.sha256(new byte[] {42}), null)).isEmpty();
  }

  @Test
  void deletesManifestsAndBlobs() throws Exception {
    Repository repo = repo("contract/deletes");
    ImageManifest m = pushImageBlobs(repo, 8);
    byte[] json = OciJson.encode(m);
    Descriptor d = repo.putManifest("doomed", MediaTypes.OCI_MANIFEST, json);
    if (!supportsDelete()) {
      assertThatThrownBy(() -> repo.deleteManifest(d.digest()))
          .isInstanceOfSatisfying(
              RegistryException.class, e -> assertThat(e.status()).isEqualTo(405));
      return;
    }
    repo.deleteManifest(d.digest());
    assertThat(repo.headManifest(d.digest().toString())).isEmpty();
    Digest layer = m.layers().get(0).digest();
    repo.deleteBlob(layer);
    assertThat(repo.headBlob(layer)).isEmpty();
  }
}
