package dev.soci.ztoc.internal.tar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.soci.ztoc.EntryType;
import dev.soci.ztoc.FileMetadata;
import dev.soci.ztoc.TarFormatException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real layers from {@code testdata/upstream/layers} against what upstream soci produced for them:
 * the {@code ztoc info} JSON (name, offset, size, type) and every field of the reference zTOC, plus
 * the entry data found at each offset compared with commons-compress.
 */
class UpstreamLayersTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "basic.gnutar.go-default.tar.gz",
        "basic.gnutar.gzip6-fname.tar.gz",
        "basic.gnutar.gzip6.tar.gz",
        "basic.gnutar.pigz-multimember.tar.gz",
        "basic.gotar-pax.go-default.tar.gz",
        "dirsonly.gnutar.gzip9.tar.gz",
        "empty.gnutar.gzip6.tar.gz",
        "lodash-4.17.21.tgz",
        "small.gnutar.uncompressed.tar",
        "small.ustar.gzip6.tar.gz",
        "spans.gnutar.gzip6.tar.gz",
        "special.rawtar.pygzip6.tar.gz",
      })
  void matchesUpstream(String layer) throws Exception {
    byte[] tar = TestData.uncompressedLayer("upstream/layers/" + layer);
    TarToc toc = TestData.parse(tar);

    List<InfoFile> info = readInfo("upstream/reference/" + layer + ".65536.info.json");
    assertThat(toc.entries()).hasSameSizeAs(info);
    for (int i = 0; i < info.size(); i++) {
      FileMetadata e = toc.entries().get(i);
      InfoFile f = info.get(i);
      assertThat(
              new InfoFile(
                  e.name(), e.uncompressedOffset(), e.uncompressedSize(), e.type().wireName()))
          .as("entry %d", i)
          .isEqualTo(f);
    }

    ReferenceZtoc ref =
        ReferenceZtoc.decode(TestData.read("upstream/reference/" + layer + ".65536.ztoc"));
    assertThat(toc.archiveSize()).isEqualTo(ref.uncompressedArchiveSize);
    for (int i = 0; i < ref.entries.size(); i++) {
      assertThat(toc.entries().get(i)).as("entry %d", i).isEqualTo(ref.entries.get(i));
      assertThat(toc.entries().get(i).paxRecords())
          .as("entry %d xattrs", i)
          .isEqualTo(ref.entries.get(i).paxRecords());
    }
    assertThat(toc.entries()).containsExactlyElementsOf(ref.entries);

    CommonsCompressOracle.assertDataAtOffsets(tar, toc);
  }

  @Test
  void gitArchiveWithGlobalHeaderIsAccepted() throws Exception {
    byte[] tar = TestData.uncompressedLayer("upstream/layers/gitarchive.tar.gz");
    TarToc toc = TestData.parse(tar);
    assertThat(toc.entries())
        .extracting(FileMetadata::name)
        .containsExactly(
            "repo/",
            "repo/hello.txt",
            "repo/sub/",
            "repo/sub/empty",
            "repo/sub/link",
            "repo/sub/text.txt");
    assertThat(toc.entries())
        .extracting(FileMetadata::type)
        .containsExactly(
            EntryType.DIR,
            EntryType.REG,
            EntryType.DIR,
            EntryType.REG,
            EntryType.SYMLINK,
            EntryType.REG);
    // The global header's records (git's commit id "comment") are not attached anywhere.
    assertThat(toc.entries()).allSatisfy(e -> assertThat(e.paxRecords()).isEmpty());
    // The g header and its payload (1024 bytes) precede the first entry's header.
    assertThat(toc.entries().get(0).uncompressedOffset()).isEqualTo(1536);
    assertThat(toc.entries().get(4).linkName()).isEqualTo("../hello.txt");
    CommonsCompressOracle.assertDataAtOffsets(tar, toc);
  }

  @Test
  void sparseLayerIsRejected() {
    byte[] tar = TestData.uncompressedLayer("upstream/layers/sparse.gnutar-pax1.0.gzip6.tar.gz");
    assertThatThrownBy(() -> TestData.parse(tar))
        .isInstanceOf(TarFormatException.class)
        .hasMessageContaining("sparse files are not supported")
        .hasMessageContaining("./holes.bin")
        .satisfies(e -> assertThat(((TarFormatException) e).entryName()).hasValue("./holes.bin"))
        // The x header is at 512; the entry's own header (the offset reported) at 1536.
        .satisfies(e -> assertThat(((TarFormatException) e).offset()).isEqualTo(1536));
  }

  record InfoFile(String filename, long offset, long size, String type) {}

  static List<InfoFile> readInfo(String relative) throws IOException {
    List<InfoFile> out = new ArrayList<>();
    try (JsonParser p = new JsonFactory().createParser(TestData.read(relative))) {
      while (p.nextToken() != null) {
        if (p.currentToken() == JsonToken.FIELD_NAME && p.currentName().equals("files")) {
          p.nextToken(); // START_ARRAY
          while (p.nextToken() == JsonToken.START_OBJECT) {
            Map<String, Object> f = new java.util.HashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String k = p.currentName();
              p.nextToken();
              f.put(k, p.currentToken().isNumeric() ? (Object) p.getLongValue() : p.getText());
            }
            out.add(
                new InfoFile(
                    (String) f.get("filename"),
                    (Long) f.get("offset"),
                    (Long) f.get("size"),
                    (String) f.get("type")));
          }
        }
      }
    }
    return out;
  }
}
