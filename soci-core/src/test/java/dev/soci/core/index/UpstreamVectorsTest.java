package dev.soci.core.index;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciJson;
import dev.soci.oci.SociIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs the builder's own create and convert code on upstream's index vectors ({@code
 * testdata/vectors/index}): the documents it writes must be those upstream's {@code
 * IndexBuilder.Build} and {@code Convert} wrote, byte for byte. As when the vectors were made, the
 * layers are not present and every indexed layer has a zTOC "already built" at this span size.
 */
class UpstreamVectorsTest {
  static Path vector(String name) {
    String dir = System.getProperty("soci.testdata");
    return Path.of(dir != null ? dir : "../testdata").resolve("vectors/index").resolve(name);
  }

  static byte[] bytes(String name) throws Exception {
    return Files.readAllBytes(vector(name));
  }

  private MemoryStore store(String prefix) throws Exception {
    MemoryStore s = new MemoryStore();
    s.put(bytes(prefix + "input-image-manifest.json"));
    s.put(bytes("input-image-config.json"));
    try (JsonParser p =
        new JsonFactory().createParser(vector("input-build-options.json").toFile())) {
      String layer = null;
      String ztoc = null;
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t == JsonToken.FIELD_NAME) {
          switch (p.currentName()) {
            case "layerDigest" -> layer = p.nextTextValue();
            case "ztocDigest" -> ztoc = p.nextTextValue();
            case "ztocSize" -> {
              p.nextToken();
              s.ztocs.put(
                  layer + "@4194304",
                  Descriptor.of(MediaTypes.SOCI_ZTOC, Digest.parse(ztoc), p.getLongValue()));
            }
            default -> {}
          }
        }
      }
    }
    assertThat(s.ztocs).hasSize(2);
    return s;
  }

  private static Engine engine(Store s, List<LayerResult> events) {
    return new Engine(
        s,
        new Engine.Options(4194304, 10485760, "AWS SOCI CLI v0.2", ZoneOffset.UTC, 2),
        new BuildListener() {
          @Override
          public void onLayer(LayerResult r) {
            events.add(r);
          }
        });
  }

  private Descriptor target(String prefix) throws Exception {
    return OciJson.decoder()
        .decodeDescriptor(bytes(prefix + "input-image-target-descriptor.json"), "target");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "docker-"})
  void createWritesUpstreamsV1Index(String prefix) throws Exception {
    MemoryStore s = store(prefix);
    List<LayerResult> events = new ArrayList<>();
    IndexResult r =
        engine(s, events)
            .build(
                target(prefix), dev.soci.oci.Platform.of("linux", "amd64"), SociIndex.Version.V1);
    assertThat(OciJson.encode(r.descriptor()))
        .isEqualTo(bytes(prefix + "soci-index-v1.descriptor.json"));
    assertThat(s.blobs.get(r.descriptor().digest()))
        .isEqualTo(bytes(prefix + "soci-index-v1.json"));
    assertThat(s.blobs.get(SociIndex.CONFIG_DIGEST)).isEqualTo(bytes("soci-index-config.json"));
    assertThat(events)
        .extracting(LayerResult::message)
        .containsExactly(
            "layer sha256:ce58ff49145a62882103063e524b55ff8379eb65037ec1b5644877293a96dd28 -> ztoc "
                + "sha256:cdbd936cf657db2c2c28ab17066ca5cd721192f33a724652776d10dce97490bd (already exists)",
            "layer sha256:ec74b0417941180e1705ffd30e3af7f7ef05d9f856238e442ccf0fe33ee43a01 -> ztoc "
                + "sha256:9a0163dab2ff92a87161ef1d5ce45524cd23b38dcf5837f3d672aaf229fbb9de (already exists)",
            "ztoc skipped - layer sha256:bf648e6cf017cb3b83832698f6cf36d8ab293c907d67ce5d5829b2b8faeaae98 ("
                + (prefix.isEmpty() ? MediaTypes.OCI_LAYER_GZIP : MediaTypes.DOCKER_LAYER_GZIP)
                + ") size 2000 is less than min-layer-size 10485760");
    // what the snapshotter does after downloading: decode and re-encode gives the same bytes
    assertThat(SociIndex.decode(bytes(prefix + "soci-index-v1.json"), "v1").encode())
        .isEqualTo(bytes(prefix + "soci-index-v1.json"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "docker-"})
  void convertWritesUpstreamsV2IndexManifestAndImageIndex(String prefix) throws Exception {
    MemoryStore s = store(prefix);
    Engine.Converted c =
        engine(s, new ArrayList<>()).convert(target(prefix), PlatformSelection.defaultPlatform());
    assertThat(OciJson.encode(c.imageIndex()))
        .isEqualTo(bytes(prefix + "soci-enabled-image-index.descriptor.json"));
    assertThat(s.blobs.get(c.imageIndex().digest()))
        .isEqualTo(bytes(prefix + "soci-enabled-image-index.json"));
    IndexResult r = c.indexes().get(0);
    Descriptor v2 =
        Descriptor.of(r.descriptor().mediaType(), r.descriptor().digest(), r.descriptor().size())
            .withArtifactType(r.descriptor().artifactType());
    assertThat(OciJson.encode(v2)).isEqualTo(bytes(prefix + "soci-index-v2.descriptor.json"));
    assertThat(s.blobs.get(v2.digest())).isEqualTo(bytes(prefix + "soci-index-v2.json"));
    byte[] manifest = bytes(prefix + "soci-enabled-image-manifest.json");
    assertThat(s.blobs.get(Digest.sha256(manifest))).isEqualTo(manifest);
    // blobs written by convert, in upstream's order: {} config, SOCI index, annotated manifest, OCI
    // index
    assertThat(s.writes)
        .containsExactly(
            SociIndex.CONFIG_DIGEST, v2.digest(), Digest.sha256(manifest), c.imageIndex().digest());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "docker-"})
  void everyOutputVectorSurvivesDecodeAndReencode(String prefix) throws Exception {
    for (String name :
        List.of("soci-index-v1.json", "soci-index-v2.json", "soci-enabled-image-manifest.json")) {
      byte[] b = bytes(prefix + name);
      assertThat(OciJson.encode(OciJson.decoder().decodeManifest(b, name))).as(name).isEqualTo(b);
    }
    byte[] idx = bytes(prefix + "soci-enabled-image-index.json");
    assertThat(OciJson.encode(OciJson.decoder().decodeIndex(idx, "index"))).isEqualTo(idx);
    for (String name :
        List.of(
            "soci-index-v1.descriptor.json",
            "soci-index-v2.descriptor.json",
            "soci-enabled-image-index.descriptor.json",
            "input-image-target-descriptor.json")) {
      byte[] b = bytes(prefix + name);
      assertThat(OciJson.encode(OciJson.decoder().decodeDescriptor(b, name))).as(name).isEqualTo(b);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "docker-"})
  void aSecondConversionOfTheConvertedImageIsIdempotent(String prefix) throws Exception {
    MemoryStore s = store(prefix);
    Engine.Converted first =
        engine(s, new ArrayList<>()).convert(target(prefix), PlatformSelection.defaultPlatform());
    Engine.Converted again =
        engine(s, new ArrayList<>())
            .convert(first.imageIndex(), PlatformSelection.defaultPlatform());
    assertThat(again.imageIndex()).isEqualTo(first.imageIndex());
  }
}
