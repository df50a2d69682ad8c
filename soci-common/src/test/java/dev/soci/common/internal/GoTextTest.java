package dev.soci.common.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Go's UTF-8 and JSON string rules. The byte form is also tested through {@code soci ztoc info}
 * (GoJsonTest in soci-ztoc) and the string form through the OCI JSON writer (soci-oci-model).
 */
class GoTextTest {
  private static String json(String s) {
    StringBuilder sb = new StringBuilder();
    GoText.appendJsonString(sb, s);
    return sb.toString();
  }

  private static String json(byte[] b) {
    StringBuilder sb = new StringBuilder();
    GoText.appendJsonString(sb, b);
    return sb.toString();
  }

  @Test
  void escapesAsGoDoes() {
    assertThat(json("a\"b\\c\n\t\u0001<>&\u2028\u2029\u007f é😀"))
        .isEqualTo("\"a\\\"b\\\\c\\n\\t\\u0001\\u003c\\u003e\\u0026\\u2028\\u2029\u007f é😀\"");
  }

  @Test
  void anUnpairedSurrogateIsWrittenAsGoWritesInvalidUtf8() {
    assertThat(json("x\uD800y\uDC00")).isEqualTo("\"x\\ufffdy\\ufffd\"");
    assertThat(json(new byte[] {'x', (byte) 0xFF})).isEqualTo("\"x\\ufffd\"");
    // a real U+FFFD is valid text, copied as it is
    assertThat(json("\uFFFD")).isEqualTo("\"\uFFFD\"");
    assertThat(json("\uFFFD".getBytes(StandardCharsets.UTF_8))).isEqualTo("\"\uFFFD\"");
  }

  @Test
  void decodesEachInvalidByteAsOneReplacement() {
    byte[] s = {
      'a', (byte) 0xE2, (byte) 0x82, 'b', (byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80
    };
    assertThat(new String(GoText.decodeUtf8(s))).isEqualTo("a\uFFFD\uFFFDb😀");
    assertThat(GoText.replaceLoneSurrogates("a\uD800b\uD83D\uDE00")).isEqualTo("a\uFFFDb😀");
  }

  /** Property: on valid text the string form and the byte form write the same JSON. */
  @Test
  void stringAndBytesAgreeOnValidText() {
    Random r = new Random(7);
    for (int round = 0; round < 2000; round++) {
      StringBuilder text = new StringBuilder();
      int n = r.nextInt(12);
      for (int i = 0; i < n; i++) {
        int cp;
        do {
          cp =
              switch (r.nextInt(4)) {
                case 0 -> r.nextInt(0x80);
                case 1 -> r.nextInt(0x800);
                case 2 -> 0x2020 + r.nextInt(16);
                default -> r.nextInt(0x110000);
              };
        } while (cp >= 0xD800 && cp <= 0xDFFF);
        text.appendCodePoint(cp);
      }
      String s = text.toString();
      assertThat(json(s)).isEqualTo(json(s.getBytes(StandardCharsets.UTF_8)));
      assertThat(new String(GoText.decodeUtf8(s.getBytes(StandardCharsets.UTF_8)))).isEqualTo(s);
    }
  }
}
