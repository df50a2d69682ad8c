package dev.soci.oci;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The writer against Go's {@code encoding/json} rules (expected strings are what Go 1.22+ prints).
 */
class GoJsonTest {
  private static final Digest D = Digest.sha256("x".getBytes(UTF_8));

  private static String str(String s) {
    return new String(OciJson.encodeString(s), UTF_8);
  }

  @Test
  void stringsAreEscapedAsGoEscapesThem() {
    assertThat(str("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
    assertThat(str("\b\f\n\r\t")).isEqualTo("\"\\b\\f\\n\\r\\t\"");
    assertThat(str("\u0000\u0001\u001f")).isEqualTo("\"\\u0000\\u0001\\u001f\"");
    assertThat(str("<a href=\"x\">&amp;</a>"))
        .isEqualTo("\"\\u003ca href=\\\"x\\\"\\u003e\\u0026amp;\\u003c/a\\u003e\"");
    assertThat(str("line\u2028para\u2029")).isEqualTo("\"line\\u2028para\\u2029\"");
    assertThat(str("\u007f/é€😀")).isEqualTo("\"\u007f/é€😀\""); // DEL, slash and non-ASCII raw
    assertThat(OciJson.encodeString("é€😀")).isEqualTo("\"é€😀\"".getBytes(UTF_8));
    assertThat(str("lone \ud800 and \udc00")).isEqualTo("\"lone \\ufffd and \\ufffd\"");
    assertThat(str("\uFFFD")).isEqualTo("\"\uFFFD\""); // a real U+FFFD stays raw
  }

  @Test
  void descriptorMembersInStructOrderWithEmptyOnesLeftOut() {
    assertThat(new String(OciJson.encode(Descriptor.of("", D, 0)), UTF_8))
        .isEqualTo("{\"mediaType\":\"\",\"digest\":\"" + D + "\",\"size\":0}");
    Descriptor full =
        Descriptor.builder()
            .artifactType("at")
            .platform(new Platform("arm64", "linux", "10.0", List.of("f1", "f2"), "v8"))
            .data(new byte[] {1, 2, 3})
            .annotations(Map.of("b", "2", "a", "1"))
            .urls(List.of("https://x/y"))
            .size(5)
            .digest(D)
            .mediaType("mt")
            .build();
    assertThat(new String(OciJson.encode(full), UTF_8))
        .isEqualTo(
            "{\"mediaType\":\"mt\",\"digest\":\""
                + D
                + "\",\"size\":5,\"urls\":[\"https://x/y\"],\"annotations\":{\"a\":\"1\",\"b\":\"2\"},\"data\":\"AQID\","
                + "\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\",\"os.version\":\"10.0\","
                + "\"os.features\":[\"f1\",\"f2\"],\"variant\":\"v8\"},\"artifactType\":\"at\"}");
  }

  @Test
  void annotationKeysSortByUtf8Bytes() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("\uFF21", "fullwidth A (EF BC A1)");
    m.put("😀", "emoji (F0 9F 98 80), a surrogate pair in Java, which sorts it before U+FF21");
    m.put("Z", "");
    m.put("a", "");
    m.put("B", "");
    Descriptor d = Descriptor.of("m", D, 1).withAnnotations(m);
    assertThat(d.annotations().keySet()).containsExactly("B", "Z", "a", "\uFF21", "😀");
  }

  @Test
  void manifestAndIndexMembersAndOmitempty() {
    Descriptor c = Descriptor.of("c", D, 2);
    assertThat(new String(OciJson.encode(ImageManifest.of("", c, List.of())), UTF_8))
        .isEqualTo(
            "{\"schemaVersion\":2,\"config\":"
                + new String(OciJson.encode(c), UTF_8)
                + ",\"layers\":[]}");
    ImageManifest m = new ImageManifest(2, "mt", "at", c, List.of(c), c, Map.of("k", "v"));
    String cj = new String(OciJson.encode(c), UTF_8);
    assertThat(new String(OciJson.encode(m), UTF_8))
        .isEqualTo(
            "{\"schemaVersion\":2,\"mediaType\":\"mt\","
                + "\"artifactType\":\"at\",\"config\":"
                + cj
                + ",\"layers\":["
                + cj
                + "],\"subject\":"
                + cj
                + ",\"annotations\":{\"k\":\"v\"}}");
    assertThat(new String(OciJson.encode(ImageIndex.of("", List.of())), UTF_8))
        .isEqualTo("{\"schemaVersion\":2,\"manifests\":[]}");
    ImageIndex x = new ImageIndex(2, "mt", "at", List.of(c), c, Map.of("k", "v"));
    assertThat(new String(OciJson.encode(x), UTF_8))
        .isEqualTo(
            "{\"schemaVersion\":2,\"mediaType\":\"mt\","
                + "\"artifactType\":\"at\",\"manifests\":["
                + cj
                + "],\"subject\":"
                + cj
                + ",\"annotations\":{\"k\":\"v\"}}");
  }

  @Test
  void specExampleV1AndV2Indexes() {
    // spec/index.md section 2.2: basic.tar.gz indexed with span size 65536, made-up subject
    Descriptor ztoc =
        Descriptor.of(
                MediaTypes.SOCI_ZTOC,
                Digest.parse(
                    "sha256:22e84112d297ad6b21b1e4effc78259da91cb8b6cdad58a1dfccbf1de928edfb"),
                133376)
            .withAnnotations(
                Map.of(
                    Annotations.SOCI_IMAGE_LAYER_DIGEST,
                    "sha256:6e3c76cb62b7498e36e61e0c3d8b888f9d6be56465c8613579679360dbb12bff",
                    Annotations.SOCI_IMAGE_LAYER_MEDIA_TYPE,
                    MediaTypes.OCI_LAYER_GZIP,
                    Annotations.SOCI_SPAN_SIZE,
                    "65536"));
    Descriptor subject =
        Descriptor.of(
                MediaTypes.OCI_MANIFEST,
                Digest.parse(
                    "sha256:0000000000000000000000000000000000000000000000000000000000000abc"),
                1234)
            .withPlatform(Platform.of("linux", "amd64"))
            .withAnnotation("dropped", "yes");
    byte[] v1 = SociIndex.v1(List.of(ztoc), subject, "AWS SOCI CLI v0.2").encode();
    assertThat(v1).hasSize(873);
    assertThat(Digest.sha256(v1))
        .hasToString("sha256:148c731bb0c4c66133567aa91ef8f7cfd18c83a845d2b24bd1d0f21e23ab27ca");
    byte[] v2 = SociIndex.v2(List.of(ztoc), "AWS SOCI CLI v0.2").encode();
    assertThat(v2).hasSize(709);
    assertThat(Digest.sha256(v2))
        .hasToString("sha256:b09f8347df6bad9df54a511edc38d41f4e9b13d95f49e416dcb6a07cb57f437a");
  }

  @Test
  void indentIsGosJsonIndent() {
    String in = "{\"a\":[],\"b\":{},\"c\":[1,{\"d\":\"x\\u003c\\\"}\"}],\"e\":null}";
    assertThat(new String(OciJson.indent(in.getBytes(UTF_8)), UTF_8))
        .isEqualTo(
            """
        {
          "a": [],
          "b": {},
          "c": [
            1,
            {
              "d": "x\\u003c\\"}"
            }
          ],
          "e": null
        }
        """);
  }
}
