package dev.soci.oci;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OciJsonValueTest {
  private static Object decode(String json) throws InvalidDocumentException {
    return OciJson.decoder().decodeValue(json.getBytes(UTF_8), "doc");
  }

  @Test
  void decodesAnyJson() throws Exception {
    Object v =
        decode("{\"a\":1,\"b\":[true,null,\"s\",1.5],\"c\":null,\"d\":{\"e\":\"x\"},\"a\":2}");
    assertThat(v)
        .isEqualTo(
            Map.of("a", 2L, "b", Arrays.asList(true, null, "s", 1.5), "d", Map.of("e", "x")));
    assertThat(List.copyOf(((Map<?, ?>) v).keySet())).isEqualTo(List.of("a", "b", "d"));
    assertThat(decode("null")).isNull();
    assertThat(decode(" \"\\u00e9\" ")).isEqualTo("\u00e9");
    assertThat(decode("[]")).isEqualTo(List.of());
  }

  @Test
  void rejectsWhatTheStrictReaderRejects() {
    for (String bad :
        new String[] {
          "",
          "{",
          "{\"a\":1} x",
          "99999999999999999999",
          "[".repeat(100) + "]".repeat(100),
          "\uFEFF{}"
        }) {
      assertThatThrownBy(() -> decode(bad), bad)
          .isInstanceOf(InvalidDocumentException.class)
          .hasMessageContaining("doc");
    }
    assertThatThrownBy(
            () -> OciJson.decoder().maxDocumentSize(4).decodeValue("[1,2,3]".getBytes(UTF_8), "d"))
        .isInstanceOf(InvalidDocumentException.class);
  }

  @Test
  void randomBytesFailOnlyAsInvalidDocuments() {
    Random rnd = new Random(17);
    String alphabet = "{}[]\",:0123456789.eE-+truefalsn \\u";
    for (int i = 0; i < 30000; i++) {
      StringBuilder b = new StringBuilder();
      for (int n = rnd.nextInt(30); n > 0; n--) {
        b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
      }
      try {
        decode(b.toString());
      } catch (InvalidDocumentException e) {
        assertThat(e.getMessage()).contains("doc");
      }
    }
  }
}
