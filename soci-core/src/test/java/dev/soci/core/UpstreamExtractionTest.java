package dev.soci.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.soci.ztoc.Ztoc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file upstream soci could extract from the reference layers, read through upstream's own
 * zTOCs with {@link SeekableLayer}: same bytes. Entries upstream failed on (relative symlinks, for
 * one) must either fail cleanly or, where we do better, give the target's bytes.
 */
class UpstreamExtractionTest {
  record Expected(String name, String type, String sha256, long size, String error) {}

  static Stream<Path> fileLists() throws IOException {
    try (Stream<Path> s = Files.list(TestData.file("upstream/reference"))) {
      return s.filter(p -> p.toString().endsWith(".files.json")).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fileLists")
  void extractsWhatUpstreamExtracted(Path filesJson) throws Exception {
    String base = filesJson.getFileName().toString().replace(".files.json", "");
    String layer = base.substring(0, base.lastIndexOf('.'));
    Ztoc ztoc =
        Ztoc.decode(Files.readAllBytes(TestData.file("upstream/reference/" + base + ".ztoc")));
    List<Expected> expected = parse(filesJson);
    int checked = 0;
    try (SeekableLayer l = SeekableLayer.open(TestData.file("upstream/layers/" + layer), ztoc)) {
      for (Expected e : expected) {
        if (e.error() != null || e.sha256() == null) {
          continue;
        }
        byte[] data = l.readFile(e.name());
        assertThat(data.length).as(e.name()).isEqualTo(e.size());
        assertThat(sha256(data)).as(e.name()).isEqualTo(e.sha256());
        checked++;
      }
    }
    assertThat(checked)
        .isEqualTo(expected.stream().filter(e -> e.error() == null && e.sha256() != null).count());
  }

  static List<Expected> parse(Path json) throws IOException {
    List<Expected> out = new ArrayList<>();
    try (JsonParser p = new JsonFactory().createParser(json.toFile())) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        throw new IOException("expected an array in " + json);
      }
      while (p.nextToken() == JsonToken.START_OBJECT) {
        String name = null, type = null, sha = null, error = null;
        long size = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String f = p.currentName();
          JsonToken v = p.nextToken();
          switch (f) {
            case "name" -> name = p.getText();
            case "type" -> type = p.getText();
            case "sha256" -> sha = v == JsonToken.VALUE_NULL ? null : p.getText();
            case "error" -> error = v == JsonToken.VALUE_NULL ? null : p.getText();
            case "size" -> size = v == JsonToken.VALUE_NULL ? -1 : p.getLongValue();
            default -> p.skipChildren();
          }
        }
        out.add(new Expected(name, type, sha, size, error));
      }
    }
    return out;
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }
}
