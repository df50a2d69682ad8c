package dev.soci.oci;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.oci.PrefetchArtifact.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Prefetch artifacts: upstream's exact bytes, and a decoder that rejects anything invalid. */
class PrefetchArtifactTest {
  private static final Digest LAYER = Digest.parse("sha256:" + "1".repeat(64));

  private static PrefetchArtifact decode(String json) throws InvalidDocumentException {
    return PrefetchArtifact.decode(json.getBytes(UTF_8), "artifact.json");
  }

  @Test
  void specExampleBytesAndDigest() {
    PrefetchArtifact a = PrefetchArtifact.of(List.of(new Span(0, 10), new Span(20, 30)));
    byte[] json = a.encode();
    assertThat(new String(json, UTF_8))
        .isEqualTo(
            "{\"version\":\"1.0\",\"prefetch_spans\":[{\"start_span\":0,\"end_span\":10},"
                + "{\"start_span\":20,\"end_span\":30}]}");
    assertThat(json).hasSize(99);
    Descriptor d = a.descriptor(LAYER);
    assertThat(d.digest().toString())
        .isEqualTo("sha256:6ba27e2723b81ce84195e09f5964192c229c2f058d3f2a74b42522cb83669351");
    assertThat(d.size()).isEqualTo(99);
    assertThat(new String(OciJson.encode(d), UTF_8))
        .isEqualTo(
            "{\"mediaType\":\"application/vnd.amazon.soci.prefetch.v1+json\",\"digest\":\""
                + d.digest()
                + "\",\"size\":99,\"annotations\":{\"com.amazon.soci.image-layer-digest\":\""
                + LAYER
                + "\"}}");
  }

  @Test
  void priorityIsWrittenOnlyWhenSet() {
    assertThat(new String(PrefetchArtifact.of(List.of(new Span(1, 2, 3))).encode(), UTF_8))
        .isEqualTo(
            "{\"version\":\"1.0\",\"prefetch_spans\":[{\"start_span\":1,\"end_span\":2,\"priority\":3}]}");
  }

  @Test
  void decodesWhatItWritesAndToleratesUnknownMembers() throws Exception {
    assertThat(
            decode(
                    "{\"x\":[1],\"prefetch_spans\":[{\"end_span\":4,\"start_span\":2,\"y\":null}],"
                        + "\"version\":\"1.0\"}")
                .spans())
        .containsExactly(new Span(2, 4));
  }

  @Test
  void rejectsInvalidArtifactsWithTheFieldNamed() {
    assertThatThrownBy(() -> decode("{\"version\":\"1.1\",\"prefetch_spans\":[{}]}"))
        .isInstanceOf(InvalidDocumentException.class)
        .hasMessageContaining("artifact.json")
        .hasMessageContaining("unsupported prefetch artifact version: 1.1");
    assertThatThrownBy(() -> decode("{\"prefetch_spans\":[{}]}"))
        .hasMessageContaining("unsupported prefetch artifact version: (none)");
    assertThatThrownBy(() -> decode("{\"version\":\"1.0\",\"prefetch_spans\":[]}"))
        .hasMessageContaining("prefetch artifact is empty");
    assertThatThrownBy(() -> decode("{\"version\":\"1.0\",\"prefetch_spans\":null}"))
        .hasMessageContaining("prefetch artifact is empty");
    assertThatThrownBy(() -> decode("{\"version\":\"1.0\"}"))
        .hasMessageContaining("prefetch artifact is empty");
    assertThatThrownBy(
            () ->
                decode(
                    "{\"version\":\"1.0\",\"prefetch_spans\":[{\"start_span\":3,\"end_span\":2}]}"))
        .hasMessageContaining("prefetch_spans[0]")
        .hasMessageContaining("before start_span");
    assertThatThrownBy(
            () ->
                decode(
                    "{\"version\":\"1.0\",\"prefetch_spans\":[{\"start_span\":-1,\"end_span\":2}]}"))
        .hasMessageContaining("prefetch_spans[0].start_span");
    assertThatThrownBy(
            () ->
                decode(
                    "{\"version\":\"1.0\",\"prefetch_spans\":[{\"start_span\":0,\"end_span\":2147483648}]}"))
        .hasMessageContaining("out of range");
    assertThatThrownBy(
            () -> decode("{\"version\":\"1.0\",\"prefetch_spans\":[{\"start_span\":\"0\"}]}"))
        .hasMessageContaining("expected an integer");
    assertThatThrownBy(() -> decode("{\"version\":\"1.0\",\"prefetch_spans\":[null]}"))
        .hasMessageContaining("prefetch_spans[0]");
    assertThatThrownBy(() -> decode("{\"version\":\"1.0\",\"prefetch_spans\":{}}"))
        .hasMessageContaining("expected an array of prefetch spans");
    assertThatThrownBy(() -> decode("[]")).isInstanceOf(InvalidDocumentException.class);
    assertThatThrownBy(() -> decode("{\"version\":\"1.0\"} x"))
        .isInstanceOf(InvalidDocumentException.class);
  }

  @Test
  void checkWithinNamesTheFirstSpanOutsideTheZtoc() throws Exception {
    PrefetchArtifact a = PrefetchArtifact.of(List.of(new Span(0, 1), new Span(3, 5)));
    a.checkWithin(5, "a");
    assertThatThrownBy(() -> a.checkWithin(4, "a"))
        .isInstanceOf(InvalidDocumentException.class)
        .hasMessageContaining("prefetch_spans[1]")
        .hasMessageContaining("last span is 4");
    assertThatThrownBy(() -> a.checkWithin(-1, "a")).hasMessageContaining("prefetch_spans[0]");
  }

  @Test
  void theModelRefusesInvalidValues() {
    assertThatThrownBy(() -> PrefetchArtifact.of(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PrefetchArtifact("2.0", List.of(new Span(0, 0))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Span(2, 1)).isInstanceOf(IllegalArgumentException.class);
  }

  /** Property: any valid artifact round-trips; any mutation of its bytes decodes or fails typed. */
  @Test
  void roundTripAndMutationsFailOnlyTyped() throws Exception {
    Random r = new Random(16);
    for (int i = 0; i < 500; i++) {
      List<Span> spans = new ArrayList<>();
      for (int k = 0, n = 1 + r.nextInt(5); k < n; k++) {
        int s = r.nextInt(1000);
        spans.add(new Span(s, s + r.nextInt(50), r.nextInt(3) == 0 ? r.nextInt(9) - 4 : 0));
      }
      PrefetchArtifact a = PrefetchArtifact.of(spans);
      byte[] json = a.encode();
      assertThat(PrefetchArtifact.decode(json, "p")).isEqualTo(a);
      byte[] bad = json.clone();
      bad[r.nextInt(bad.length)] = (byte) r.nextInt(256);
      try {
        PrefetchArtifact.decode(bad, "p");
      } catch (InvalidDocumentException expected) {
        assertThat(expected).hasMessageStartingWith("p: ");
      }
    }
  }

  @Test
  void stringArrays() throws Exception {
    assertThat(
            OciJson.decoder()
                .decodeStringArray("[\"a\", null, \"/b\"]".getBytes(UTF_8), "files.json"))
        .containsExactly("a", "", "/b");
    assertThatThrownBy(
            () -> OciJson.decoder().decodeStringArray("{\"a\":1}".getBytes(UTF_8), "files.json"))
        .isInstanceOf(InvalidDocumentException.class)
        .hasMessageContaining("files.json");
    assertThatThrownBy(
            () -> OciJson.decoder().decodeStringArray("[1]".getBytes(UTF_8), "files.json"))
        .hasMessageContaining("expected a string");
  }

  @Test
  void indexListsPrefetchArtifactsByLayer() {
    Descriptor z =
        Descriptor.of(MediaTypes.SOCI_ZTOC, Digest.sha256(new byte[] {1}), 1)
            .withAnnotations(
                java.util.Map.of(Annotations.SOCI_IMAGE_LAYER_DIGEST, LAYER.toString()));
    Descriptor p = PrefetchArtifact.of(List.of(new Span(0, 0))).descriptor(LAYER);
    SociIndex index = SociIndex.v2(List.of(z, p), "t");
    assertThat(index.ztocs()).containsExactly(z);
    assertThat(index.prefetchArtifacts()).containsExactly(p);
    assertThat(index.prefetchArtifact(LAYER)).isEqualTo(p);
    assertThat(index.ztoc(LAYER)).isEqualTo(z);
    assertThat(index.prefetchArtifact(Digest.sha256(new byte[0]))).isNull();
  }
}
