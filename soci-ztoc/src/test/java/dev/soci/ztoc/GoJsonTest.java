package dev.soci.ztoc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.common.internal.GoText;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Go {@code encoding/json} string escaping (Go 1.22+, HTML escaping on) of raw bytes, as {@code
 * soci ztoc info} writes names.
 */
class GoJsonTest {
  private static String json(byte[] b) {
    StringBuilder sb = new StringBuilder();
    GoText.appendJsonString(sb, b);
    return sb.toString();
  }

  private static String json(String s) {
    return json(s.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] bytes(int... v) {
    byte[] b = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = (byte) v[i];
    }
    return b;
  }

  @Test
  void asciiEscapes() {
    assertThat(json("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
    assertThat(json("\n\r\t\b\f")).isEqualTo("\"\\n\\r\\t\\b\\f\"");
    assertThat(json("\u0000\u0001\u001f\u000b")).isEqualTo("\"\\u0000\\u0001\\u001f\\u000b\"");
    assertThat(json("<a href=x>&amp;")).isEqualTo("\"\\u003ca href=x\\u003e\\u0026amp;\"");
    assertThat(json("/ ~\u007f")).isEqualTo("\"/ ~\u007f\"");
  }

  @Test
  void validUtf8IsCopied() {
    assertThat(json("héllo/世界 😀 \uFFFD")).isEqualTo("\"héllo/世界 😀 \uFFFD\"");
    assertThat(json("a\u2028b\u2029c")).isEqualTo("\"a\\u2028b\\u2029c\"");
  }

  @Test
  void everyInvalidByteBecomesOneReplacementEscape() {
    assertThat(json(bytes('a', 0xFF, 'b'))).isEqualTo("\"a\\ufffdb\"");
    assertThat(json(bytes(0xE2, 0x82, 'x')))
        .isEqualTo("\"\\ufffd\\ufffdx\""); // truncated 3-byte sequence
    assertThat(json(bytes(0xE2, 0x82))).isEqualTo("\"\\ufffd\\ufffd\"");
    assertThat(json(bytes(0xC0, 0x80))).isEqualTo("\"\\ufffd\\ufffd\""); // overlong NUL
    assertThat(json(bytes(0xED, 0xA0, 0x80))).isEqualTo("\"\\ufffd\\ufffd\\ufffd\""); // surrogate
    assertThat(json(bytes(0xF4, 0x90, 0x80, 0x80)))
        .isEqualTo("\"\\ufffd\\ufffd\\ufffd\\ufffd\""); // > U+10FFFF
    assertThat(json(bytes(0xE0, 0x9F, 0xBF))).isEqualTo("\"\\ufffd\\ufffd\\ufffd\""); // overlong
    assertThat(json(bytes(0xF0, 0x9F, 0x98, 0x80))).isEqualTo("\"😀\"");
    assertThat(json(bytes(0xE9))).isEqualTo("\"\\ufffd\""); // Latin-1 é
  }

  @Test
  void infoJsonShape() throws Exception {
    byte[] name = bytes('<', 0xFF, '"');
    FileMetadata f =
        FileMetadata.builder().name(name).uncompressedOffset(512).uncompressedSize(3).build();
    Ztoc ztoc =
        Ztoc.assembler()
            .buildToolIdentifier("t&t")
            .files(List.of(f))
            .checkpoints(
                dev.soci.ztoc.zinfo.GzipZinfo.of(
                        1024,
                        List.of(
                            new dev.soci.ztoc.zinfo.Checkpoint(
                                10, 0, 0, new byte[dev.soci.ztoc.zinfo.Checkpoint.WINDOW_SIZE])))
                    .toBytes())
            .build();
    assertThat(ZtocInfo.of(ztoc, 77).toJson())
        .isEqualTo(
            """
        {
          "version": "0.9",
          "build_tool": "t\\u0026t",
          "size": 77,
          "span_size": 1024,
          "num_spans": 1,
          "num_files": 1,
          "num_multi_span_files": 0,
          "files": [
            {
              "filename": "\\u003c\\ufffd\\"",
              "offset": 512,
              "size": 3,
              "type": "reg",
              "start_span": 0,
              "end_span": 0
            }
          ]
        }
        """);
  }
}
