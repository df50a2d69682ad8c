package dev.soci.oci;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The strict decoder: any order, unknown members, typed errors naming document and field, limits.
 */
class DocumentReaderTest {
  private static final String D = "sha256:" + "a".repeat(64);
  private static final String DESC = "{\"mediaType\":\"m\",\"digest\":\"" + D + "\",\"size\":3}";

  private static ImageManifest manifest(String json) throws InvalidDocumentException {
    return OciJson.decoder().decodeManifest(json.getBytes(UTF_8), "doc.json");
  }

  private static InvalidDocumentException manifestError(String json) {
    try {
      manifest(json);
    } catch (InvalidDocumentException e) {
      return e;
    }
    throw new AssertionError("accepted: " + json);
  }

  @Test
  void anyMemberOrderUnknownMembersAndNullsAsAbsent() throws Exception {
    ImageManifest m =
        manifest(
            "{\"unknown\":{\"deep\":[1,2,{\"x\":null}]},\"layers\":["
                + DESC
                + "],"
                + "\"annotations\":null,\"subject\":null,\"config\":{\"size\":3,\"extra\":true,\"digest\":\""
                + D
                + "\",\"mediaType\":\"c\"},\"schemaVersion\":2}");
    assertThat(m.config().mediaType()).isEqualTo("c");
    assertThat(m.layers()).hasSize(1);
    assertThat(m.subject()).isNull();
    assertThat(m.mediaType()).isEmpty();
  }

  @Test
  void duplicateMembersLastWinsAsInGo() throws Exception {
    ImageManifest m =
        manifest(
            "{\"schemaVersion\":2,\"mediaType\":\"a\",\"mediaType\":\"b\",\"config\":"
                + DESC
                + ",\"layers\":[]}");
    assertThat(m.mediaType()).isEqualTo("b");
  }

  @Test
  void wrongTypesNameTheField() {
    InvalidDocumentException e =
        manifestError(
            "{\"schemaVersion\":2,\"config\":"
                + DESC
                + ",\"layers\":[{"
                + "\"mediaType\":\"m\",\"digest\":\""
                + D
                + "\",\"size\":\"3\"}]}");
    assertThat(e.document()).isEqualTo("doc.json");
    assertThat(e.field()).isEqualTo("layers[0].size");
    assertThat(e).hasMessage("doc.json: field layers[0].size: expected an integer, found a string");
    assertThat(manifestError("{\"schemaVersion\":2,\"config\":" + DESC + ",\"layers\":{}}").field())
        .isEqualTo("layers");
    assertThat(
            manifestError("{\"schemaVersion\":2.0,\"config\":" + DESC + ",\"layers\":[]}").field())
        .isEqualTo("schemaVersion");
    assertThat(
            manifestError(
                    "{\"schemaVersion\":2,\"config\":"
                        + DESC
                        + ",\"layers\":[],\"annotations\":{\"a\":1}}")
                .field())
        .isEqualTo("annotations[\"a\"]");
    assertThat(
            manifestError(
                    "{\"schemaVersion\":2,\"config\":"
                        + DESC.replace("\"size\":3", "\"size\":1.5")
                        + ",\"layers\":[]}")
                .getMessage())
        .contains("config.size")
        .contains("floating-point");
    assertThat(
            manifestError(
                    "{\"schemaVersion\":2,\"config\":"
                        + DESC.replace("\"size\":3", "\"size\":99999999999999999999")
                        + ",\"layers\":[]}")
                .getMessage())
        .contains("out of the int64 range");
  }

  @Test
  void missingRequiredMembersAreNamed() {
    assertThat(manifestError("{\"config\":" + DESC + ",\"layers\":[]}").field())
        .isEqualTo("schemaVersion");
    assertThat(manifestError("{\"schemaVersion\":2,\"layers\":[]}").field()).isEqualTo("config");
    assertThat(manifestError("{\"schemaVersion\":2,\"config\":" + DESC + "}").getMessage())
        .isEqualTo("doc.json: field layers: missing required field");
    assertThat(
            manifestError(
                    "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"m\",\"size\":1},\"layers\":[]}")
                .field())
        .isEqualTo("config.digest");
    assertThat(
            manifestError(
                    "{\"schemaVersion\":2,\"config\":"
                        + DESC
                        + ",\"layers\":[{\"digest\":\""
                        + D
                        + "\",\"size\":1}]}")
                .field())
        .isEqualTo("layers[0].mediaType");
    assertThat(
            manifestError(
                    "{\"schemaVersion\":2,\"config\":"
                        + DESC.replace("}", ",\"platform\":{\"os\":\"linux\"}}")
                        + ",\"layers\":[]}")
                .field())
        .isEqualTo("config.platform.architecture");
  }

  @Test
  void invalidValuesAreRejected() {
    assertThat(
            manifestError(
                    "{\"schemaVersion\":2,\"config\":"
                        + DESC.replace(D, "sha256:abc")
                        + ",\"layers\":[]}")
                .getMessage())
        .contains("config.digest")
        .contains("64 lowercase hex");
    assertThat(
            manifestError(
                    "{\"schemaVersion\":2,\"config\":"
                        + DESC.replace(D, "md5:" + "a".repeat(32))
                        + ",\"layers\":[]}")
                .getMessage())
        .contains("unsupported digest algorithm");
    assertThat(
            manifestError(
                    "{\"schemaVersion\":2,\"config\":"
                        + DESC.replace("3", "-1")
                        + ",\"layers\":[]}")
                .getMessage())
        .contains("negative size");
    assertThat(
            manifestError("{\"schemaVersion\":1,\"config\":" + DESC + ",\"layers\":[]}")
                .getMessage())
        .contains("unsupported schema version 1");
    assertThat(manifestError("{\"schemaVersion\":2,\"manifests\":[]}").getMessage())
        .contains("expected an image manifest but found an image index");
    assertThat(manifestError("{\"schemaVersion\":1,\"fsLayers\":[]}").getMessage())
        .contains("schema 1");
    assertThatThrownBy(
            () ->
                OciJson.decoder()
                    .decodeIndex(
                        ("{\"schemaVersion\":2,\"mediaType\":\""
                                + MediaTypes.OCI_MANIFEST
                                + "\",\"manifests\":[]}")
                            .getBytes(UTF_8),
                        "i.json"))
        .hasMessageContaining("expected an image index but found an image manifest");
  }

  @Test
  void malformedJsonAndTrailingContent() {
    assertThat(manifestError("").getMessage()).contains("empty document");
    assertThat(manifestError("{\"schemaVersion\":2,").getMessage())
        .startsWith("doc.json: malformed JSON at line 1");
    assertThat(manifestError("[]").getMessage()).contains("expected an object");
    assertThat(
            manifestError("{\"schemaVersion\":2,\"config\":" + DESC + ",\"layers\":[]} {}")
                .getMessage())
        .contains("unexpected content after the top-level value");
    assertThat(manifestError("\uFEFF{}").getMessage()).contains("byte order mark");
  }

  @Test
  void limitsAreCheckedWhileParsing() {
    String deep = "[".repeat(70) + "]".repeat(70);
    String json = "{\"schemaVersion\":2,\"config\":" + DESC + ",\"layers\":[],\"x\":" + deep + "}";
    assertThat(manifestError(json).getMessage()).contains("nested deeper than 64");
    assertThatThrownBy(
            () -> OciJson.decoder().maxDocumentSize(10).decodeManifest(json.getBytes(UTF_8), "big"))
        .isInstanceOf(InvalidDocumentException.class)
        .hasMessageContaining("more than the limit of 10");
    String shallow =
        "{\"schemaVersion\":2,\"config\":"
            + DESC
            + ",\"layers\":[],\"x\":"
            + "[".repeat(6)
            + "]".repeat(6)
            + "}";
    assertThatThrownBy(
            () -> OciJson.decoder().maxDepth(5).decodeManifest(shallow.getBytes(UTF_8), "d"))
        .hasMessageContaining("nested deeper than 5");
  }

  @Test
  void stringsDecodeAsGoDecodesThem() throws Exception {
    byte[] json =
        ("{\"schemaVersion\":2,\"config\":"
                + DESC
                + ",\"layers\":[],\"annotations\":{\"k\":\"A\\ud800B"
                + "\\ud83d\\ude00X\",\"bad\":\"")
            .getBytes(UTF_8);
    byte[] tail = "\"}}".getBytes(UTF_8);
    byte[] all = new byte[json.length + 3 + tail.length];
    System.arraycopy(json, 0, all, 0, json.length);
    all[json.length] = (byte) 0xE2; // truncated 3-byte sequence: two bytes, each replaced
    all[json.length + 1] = (byte) 0x82;
    all[json.length + 2] = (byte) 0xFF;
    System.arraycopy(tail, 0, all, json.length + 3, tail.length);
    ImageManifest m = OciJson.decoder().decodeManifest(all, "doc");
    assertThat(m.annotations().get("k")).isEqualTo("A\uFFFDB😀X");
    assertThat(m.annotations().get("bad")).isEqualTo("\uFFFD\uFFFD\uFFFD");
    // re-encoded, the replacement characters are valid UTF-8 and written raw, as Go does
    assertThat(new String(OciJson.encode(m), UTF_8)).contains("\"bad\":\"\uFFFD\uFFFD\uFFFD\"");
  }

  @Test
  void platformsDropTheUnknownFeaturesMember() throws Exception {
    Platform p =
        OciJson.decoder()
            .decodePlatform(
                "{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\",\"features\":[\"sse4\"]}"
                    .getBytes(UTF_8),
                "p");
    assertThat(new String(OciJson.encode(p), UTF_8))
        .isEqualTo("{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"}");
  }
}
