package dev.soci.ztoc.internal.tar;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.ztoc.EntryType;
import dev.soci.ztoc.FileMetadata;
import dev.soci.ztoc.PaxRecord;
import java.io.ByteArrayOutputStream;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Tars written by commons-compress in its long-name and big-number modes. */
class CommonsCompressTarTest {
  private static final String LONG_NAME = "long/" + "n".repeat(150) + "/file.txt";
  private static final String LONG_LINK = "../" + "t".repeat(150) + "/target";
  private static final Instant T = Instant.ofEpochSecond(1_700_000_000L);

  private interface Writer {
    void write(TarArchiveOutputStream out) throws Exception;
  }

  private static byte[] tar(int longFileMode, int bigNumberMode, Writer w) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
      out.setLongFileMode(longFileMode);
      out.setBigNumberMode(bigNumberMode);
      w.write(out);
      out.finish();
    }
    return bytes.toByteArray();
  }

  private static void add(TarArchiveOutputStream out, TarArchiveEntry e, byte[] data)
      throws Exception {
    e.setLastModifiedTime(FileTime.from(T));
    if (data != null) {
      e.setSize(data.length);
    }
    out.putArchiveEntry(e);
    if (data != null) {
      out.write(data);
    }
    out.closeArchiveEntry();
  }

  private static void longNames(TarArchiveOutputStream out) throws Exception {
    add(out, new TarArchiveEntry("long/"), null);
    add(out, new TarArchiveEntry(LONG_NAME), "content".getBytes(UTF_8));
    TarArchiveEntry sym = new TarArchiveEntry("sym", TarConstants.LF_SYMLINK);
    sym.setLinkName(LONG_LINK);
    add(out, sym, null);
    TarArchiveEntry hard = new TarArchiveEntry("hard", TarConstants.LF_LINK);
    hard.setLinkName(LONG_NAME);
    add(out, hard, null);
    add(out, new TarArchiveEntry("after.bin"), new byte[70_000]);
  }

  @Test
  void gnuLongNames() throws Exception {
    byte[] tar =
        tar(
            TarArchiveOutputStream.LONGFILE_GNU,
            TarArchiveOutputStream.BIGNUMBER_ERROR,
            CommonsCompressTarTest::longNames);
    TarToc toc = TestData.parse(tar);
    assertLongNames(toc);
    // L headers cost a header block plus a payload block each.
    assertThat(toc.entries().get(1).uncompressedOffset()).isEqualTo(512 + 3 * 512);
    assertThat(toc.entries()).allSatisfy(e -> assertThat(e.paxRecords()).isEmpty());
    CommonsCompressOracle.assertSameEntries(tar, toc);
  }

  @Test
  void posixLongNames() throws Exception {
    byte[] tar =
        tar(
            TarArchiveOutputStream.LONGFILE_POSIX,
            TarArchiveOutputStream.BIGNUMBER_ERROR,
            CommonsCompressTarTest::longNames);
    TarToc toc = TestData.parse(tar);
    assertLongNames(toc);
    assertThat(toc.entries().get(1).paxRecords()).contains(PaxRecord.of("path", LONG_NAME));
    assertThat(toc.entries().get(2).paxRecords()).contains(PaxRecord.of("linkpath", LONG_LINK));
    CommonsCompressOracle.assertSameEntries(tar, toc);
  }

  private static void assertLongNames(TarToc toc) {
    List<FileMetadata> e = toc.entries();
    assertThat(e)
        .extracting(FileMetadata::name)
        .containsExactly("long/", LONG_NAME, "sym", "hard", "after.bin");
    assertThat(e)
        .extracting(FileMetadata::type)
        .containsExactly(
            EntryType.DIR, EntryType.REG, EntryType.SYMLINK, EntryType.HARDLINK, EntryType.REG);
    assertThat(e.get(2).linkName()).isEqualTo(LONG_LINK);
    assertThat(e.get(3).linkName()).isEqualTo(LONG_NAME);
    FileMetadata last = e.get(4);
    assertThat(toc.archiveSize())
        .isEqualTo(last.uncompressedOffset() + 70_144 + 1024); // data padded, 2 zero blocks
  }

  @ParameterizedTest
  @ValueSource(
      ints = {TarArchiveOutputStream.BIGNUMBER_STAR, TarArchiveOutputStream.BIGNUMBER_POSIX})
  void bigNumbers(int mode) throws Exception {
    Instant future = Instant.parse("2500-01-02T03:04:05Z");
    Instant past = Instant.parse("1901-02-03T04:05:06Z");
    byte[] tar =
        tar(
            TarArchiveOutputStream.LONGFILE_ERROR,
            mode,
            out -> {
              TarArchiveEntry big = new TarArchiveEntry("big-ids");
              big.setUserId(3_000_000L);
              big.setGroupId(4_000_000_000L);
              add(out, big, "x".getBytes(UTF_8));
              TarArchiveEntry dev = new TarArchiveEntry("dev", TarConstants.LF_CHR);
              dev.setDevMajor(3_000_000);
              dev.setDevMinor(7);
              add(out, dev, null);
              TarArchiveEntry f = new TarArchiveEntry("future");
              f.setModTime(future.toEpochMilli()); // setLastModifiedTime in add() would override
              out.putArchiveEntry(withTime(f, future));
              out.closeArchiveEntry();
              out.putArchiveEntry(withTime(new TarArchiveEntry("past"), past));
              out.closeArchiveEntry();
            });
    TarToc toc = TestData.parse(tar);
    List<FileMetadata> e = toc.entries();
    assertThat(e)
        .extracting(FileMetadata::name)
        .containsExactly("big-ids", "dev", "future", "past");
    assertThat(e.get(0).uid()).isEqualTo(3_000_000L);
    assertThat(e.get(0).gid()).isEqualTo(4_000_000_000L);
    assertThat(e.get(1).devMinor()).isEqualTo(7);
    assertThat(e.get(2).modTime()).isEqualTo("2500-01-02T03:04:05Z");
    assertThat(e.get(3).modTime()).isEqualTo("1901-02-03T04:05:06Z");
    if (mode == TarArchiveOutputStream.BIGNUMBER_POSIX) {
      assertThat(e.get(0).paxRecords()).extracting(PaxRecord::key).contains("uid", "gid");
      // Go (and so upstream) ignores SCHILY.devmajor: the header field (0) stays.
      assertThat(e.get(1).devMajor()).isZero();
      assertThat(e.get(1).paxRecords()).contains(PaxRecord.of("SCHILY.devmajor", "3000000"));
      CommonsCompressOracle.assertDataAtOffsets(tar, toc);
    } else {
      assertThat(e.get(1).devMajor()).isEqualTo(3_000_000);
      assertThat(e).allSatisfy(x -> assertThat(x.paxRecords()).isEmpty());
      // The fields really are base-256: uid of entry 0, devmajor of 1, mtime of 2 and 3.
      assertThat(tar[(int) e.get(0).uncompressedOffset() - 512 + 108] & 0x80).isNotZero();
      assertThat(tar[(int) e.get(1).uncompressedOffset() - 512 + 329] & 0x80).isNotZero();
      assertThat(tar[(int) e.get(2).uncompressedOffset() - 512 + 136] & 0x80).isNotZero();
      assertThat(tar[(int) e.get(3).uncompressedOffset() - 512 + 136] & 0xC0).isEqualTo(0xC0);
      CommonsCompressOracle.assertSameEntries(tar, toc);
    }
  }

  private static TarArchiveEntry withTime(TarArchiveEntry e, Instant t) {
    e.setLastModifiedTime(FileTime.from(t));
    return e;
  }

  @Test
  void nonAsciiNamesInPaxHeaders() throws Exception {
    String name = "d\u00e9j\u00e0/\u65e5\u672c.txt";
    byte[] tar =
        tar(
            TarArchiveOutputStream.LONGFILE_POSIX,
            TarArchiveOutputStream.BIGNUMBER_POSIX,
            out -> {
              out.setAddPaxHeadersForNonAsciiNames(true);
              TarArchiveEntry e = new TarArchiveEntry(name);
              e.addPaxHeader("SCHILY.xattr.user.k", "v");
              add(out, e, "data".getBytes(UTF_8));
            });
    TarToc toc = TestData.parse(tar);
    FileMetadata e = toc.entries().get(0);
    assertThat(e.name()).isEqualTo(name);
    assertThat(e.paxRecords())
        .contains(PaxRecord.of("path", name), PaxRecord.of("SCHILY.xattr.user.k", "v"));
    CommonsCompressOracle.assertSameEntries(tar, toc);
  }
}
