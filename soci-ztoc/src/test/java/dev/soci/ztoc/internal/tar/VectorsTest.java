package dev.soci.ztoc.internal.tar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.ztoc.EntryType;
import dev.soci.ztoc.FileMetadata;
import dev.soci.ztoc.PaxRecord;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The spec's vectors: the TOC tables of {@code basic.tar} and {@code text.tar}. */
class VectorsTest {
  private static final String T0 = "2023-11-14T22:13:20Z";

  private static FileMetadata.Builder entry(
      String name, EntryType type, long offset, long size, long mode) {
    return FileMetadata.builder()
        .name(name)
        .type(type)
        .uncompressedOffset(offset)
        .uncompressedSize(size)
        .mode(mode)
        .modTime(T0);
  }

  static List<FileMetadata> expectedBasic() {
    return List.of(
        entry("etc/", EntryType.DIR, 512, 0, 0755).userName("root").groupName("root").build(),
        entry("etc/hello.txt", EntryType.REG, 1024, 5500, 0644)
            .uid(1000)
            .gid(1000)
            .userName("user")
            .groupName("staff")
            .build(),
        entry("data/random.bin", EntryType.REG, 8192, 200000, 0600)
            .modTime("2023-11-14T22:13:20.25Z")
            .addPaxRecord(PaxRecord.of("mtime", "1700000000.25"))
            .build(),
        entry("link", EntryType.SYMLINK, 208896, 0, 0777).linkName("etc/hello.txt").build(),
        entry("hard", EntryType.HARDLINK, 209408, 0, 0644).linkName("etc/hello.txt").build(),
        entry("xattr.txt", EntryType.REG, 210944, 5, 0644)
            .addPaxRecord(
                PaxRecord.of("SCHILY.xattr.security.selinux", "system_u:object_r:etc_t:s0"))
            .addPaxRecord(PaxRecord.of("SCHILY.xattr.user.test", "value1"))
            .build(),
        entry("dev/null", EntryType.CHAR, 211968, 0, 0666).devMajor(1).devMinor(3).build(),
        entry("fifo", EntryType.FIFO, 212480, 0, 0644).build(),
        entry("usr/share/compressible.bin", EntryType.REG, 212992, 30000, 0644).build());
  }

  static List<FileMetadata> expectedText() {
    FileMetadata.Builder[] b = {
      entry("docs/file0.txt", EntryType.REG, 512, 60000, 0644),
      entry("docs/file1.txt", EntryType.REG, 61440, 61000, 0644),
      entry("docs/file2.txt", EntryType.REG, 123392, 62000, 0644),
      entry("docs/file3.txt", EntryType.REG, 186368, 63000, 0644),
    };
    for (int i = 0; i < b.length; i++) {
      b[i].userName("root").groupName("root").modTime("2020-09-13T12:26:4" + i + "Z");
    }
    return List.of(
        b[0].build(),
        b[1].build(),
        b[2].build(),
        b[3].build(),
        entry("deep/" + "x".repeat(120) + "/name.txt", EntryType.REG, 251392, 3, 0644)
            .modTime("2020-09-13T12:26:40Z")
            .build());
  }

  @ParameterizedTest
  @ValueSource(strings = {"basic.tar", "basic.tar.gz", "fname.tar.gz", "multi.tar.gz"})
  void basicTar(String file) throws Exception {
    TarToc toc = TestData.parse(TestData.uncompressedLayer("vectors/" + file));
    assertThat(toc.entries()).containsExactlyElementsOf(expectedBasic());
    assertThat(toc.archiveSize()).isEqualTo(244224);
  }

  @ParameterizedTest
  @ValueSource(strings = {"text.tar", "text.tar.gz"})
  void textTar(String file) throws Exception {
    TarToc toc = TestData.parse(TestData.uncompressedLayer("vectors/" + file));
    assertThat(toc.entries()).containsExactlyElementsOf(expectedText());
    assertThat(toc.archiveSize()).isEqualTo(252928);
  }

  @Test
  void expectedZtocsAgree() throws Exception {
    ReferenceZtoc basic = ReferenceZtoc.decode(TestData.read("vectors/expected-basic.tar.ztoc"));
    assertThat(basic.entries).containsExactlyElementsOf(expectedBasic());
    assertThat(basic.uncompressedArchiveSize).isEqualTo(244224);
    ReferenceZtoc text = ReferenceZtoc.decode(TestData.read("vectors/expected-text.tar.ztoc"));
    assertThat(text.entries).containsExactlyElementsOf(expectedText());
    assertThat(text.uncompressedArchiveSize).isEqualTo(252928);
  }

  @Test
  void berlinTimeZone() throws Exception {
    byte[] tar = TestData.read("vectors/basic.tar");
    TarTocParser p = new TarTocParser(ZoneId.of("Europe/Berlin"), TarLimits.defaults());
    p.write(tar, 0, tar.length);
    List<FileMetadata> entries = p.finish().entries();
    assertThat(entries.get(2).modTime()).isEqualTo("2023-11-14T23:13:20.25+01:00");
    assertThat(entries.get(0).modTime()).isEqualTo("2023-11-14T23:13:20+01:00");
  }

  @Test
  void bytesAfterEndMarkerAreIgnored() throws Exception {
    byte[] tar = TestData.read("vectors/basic.tar");
    TarTocParser p = new TarTocParser();
    p.write(tar, 0, 244224);
    assertThat(p.isEndOfArchive()).isTrue();
    p.write(tar, 244224, tar.length - 244224);
    p.write(new byte[] {1, 2, 3}, 0, 3); // garbage after the marker is not even looked at
    assertThat(p.finish().archiveSize()).isEqualTo(244224);
  }
}
