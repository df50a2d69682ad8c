package dev.soci.ztoc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The zTOCs upstream wrote for real layers ({@code testdata/upstream/reference}). */
class ReferenceZtocTest {
  private static final Path REFERENCE = TestData.path("upstream", "reference");

  static List<Path> readableZtocs() {
    return TestData.list(REFERENCE, ".ztoc").stream()
        .filter(p -> !p.getFileName().toString().startsWith("sparse."))
        .toList();
  }

  static List<Path> sparseZtocs() {
    return TestData.list(REFERENCE, ".ztoc").stream()
        .filter(p -> p.getFileName().toString().startsWith("sparse."))
        .toList();
  }

  /**
   * {@code reference/<file>.ztoc} -> [digest, size, remarshal_identical or null] from index.json.
   */
  static Map<String, String[]> index() {
    String json = TestData.readString(TestData.path("upstream", "index.json"));
    Matcher block = Pattern.compile("\\{[^{}]*\"ztoc\"[^{}]*\\}").matcher(json);
    Map<String, String[]> out = new LinkedHashMap<>();
    while (block.find()) {
      String b = block.group();
      out.put(
          field(b, "ztoc"),
          new String[] {field(b, "digest"), field(b, "size"), field(b, "remarshal_identical")});
    }
    return out;
  }

  private static String field(String block, String name) {
    Matcher m = Pattern.compile("\"" + name + "\": \"?([^\",\\s}]*)").matcher(block);
    return m.find() ? m.group(1) : null;
  }

  @Test
  void indexListsEveryReferenceZtocWithItsDigest() {
    Map<String, String[]> index = index();
    List<Path> all = TestData.list(REFERENCE, ".ztoc");
    assertThat(all).hasSize(39);
    assertThat(index).hasSize(all.size());
    for (Path p : all) {
      String[] e = index.get("reference/" + p.getFileName());
      assertThat(e).as(p.toString()).isNotNull();
      byte[] bytes = TestData.read(p);
      assertThat("sha256:" + TestData.sha256(bytes)).isEqualTo(e[0]);
      assertThat(bytes.length).isEqualTo(Integer.parseInt(e[1]));
      boolean sparse = p.getFileName().toString().startsWith("sparse.");
      boolean special = p.getFileName().toString().startsWith("special.");
      // Upstream cannot re-marshal "special" identically (an empty mod_time comes back as Go's
      // zero time); we keep mod_time verbatim, so decodeThenEncodeGivesIdenticalBytes covers it.
      assertThat(e[2]).isEqualTo(sparse ? null : special ? "false" : "true");
    }
  }

  @ParameterizedTest
  @MethodSource("readableZtocs")
  void decodeThenEncodeGivesIdenticalBytes(Path file) throws Exception {
    byte[] bytes = TestData.read(file);
    Ztoc ztoc = Ztoc.decode(bytes);
    assertThat(ztoc.version()).isEqualTo("0.9");
    assertThat(ztoc.buildToolIdentifier()).isEqualTo("AWS SOCI CLI v0.2");
    assertThat(ztoc.spanDigests()).hasSize(ztoc.maxSpanId() + 1);
    byte[] again = ztoc.encode();
    assertThat(TestData.sha256(again)).isEqualTo(TestData.sha256(bytes));
    assertThat(again).isEqualTo(bytes);
  }

  @ParameterizedTest
  @MethodSource("readableZtocs")
  void infoJsonMatchesUpstreamByteForByte(Path file) throws Exception {
    byte[] bytes = TestData.read(file);
    String name = file.getFileName().toString();
    Path expectedFile =
        file.resolveSibling(name.substring(0, name.length() - ".ztoc".length()) + ".info.json");
    String expected = new String(Files.readAllBytes(expectedFile), StandardCharsets.UTF_8);
    String actual = ZtocInfo.of(Ztoc.decode(bytes), bytes.length).toJson();
    assertThat(actual).isEqualTo(expected);
  }

  @ParameterizedTest
  @MethodSource("sparseZtocs")
  void sparseZtocsAreRejectedLikeUpstream(Path file) {
    byte[] bytes = TestData.read(file);
    assertThatThrownBy(() -> Ztoc.decode(bytes))
        .isInstanceOf(MalformedZtocException.class)
        .hasMessageStartingWith("invalid toc entry");
  }
}
