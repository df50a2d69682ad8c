package dev.soci.ztoc.internal.tar;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.ztoc.EntryType;
import dev.soci.ztoc.FileMetadata;
import dev.soci.ztoc.PaxRecord;
import dev.soci.ztoc.TarFormatException;
import dev.soci.ztoc.internal.tar.RawTar.Header;
import java.time.ZoneOffset;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Hand-built tars covering each header rule of {@code toc.md} and each rejection. */
class HandBuiltTarTest {
  private static final byte[] HELLO = "hello".getBytes(UTF_8);

  private static TarToc parse(RawTar tar) throws TarFormatException {
    byte[] b = tar.bytes();
    TarToc one = TestData.parse(b);
    // Every hand-built case is also checked byte-at-a-time and in random chunks.
    assertThat(TestData.parseByteAtATime(b)).isEqualTo(one);
    assertThat(TestData.parseRandomChunks(b, b.length, 700)).isEqualTo(one);
    return one;
  }

  private static FileMetadata only(RawTar tar) throws TarFormatException {
    List<FileMetadata> entries = parse(tar).entries();
    assertThat(entries).hasSize(1);
    return entries.get(0);
  }

  /** Asserts the failure, identical whether fed in one chunk or byte by byte. */
  private static AbstractThrowableAssert<?, ? extends Throwable> fails(RawTar tar, long offset) {
    byte[] b = tar.bytes();
    TarFormatException whole = catchTar(() -> TestData.parse(b));
    TarFormatException bytewise = catchTar(() -> TestData.parseByteAtATime(b));
    assertThat(bytewise.getMessage()).isEqualTo(whole.getMessage());
    assertThat(whole.offset()).as(whole.getMessage()).isEqualTo(offset);
    return assertThat(whole);
  }

  interface TarCall {
    TarToc call() throws TarFormatException;
  }

  private static TarFormatException catchTar(TarCall c) {
    try {
      c.call();
    } catch (TarFormatException e) {
      return e;
    }
    throw new AssertionError("expected a TarFormatException");
  }

  @Nested
  class Formats {
    @Test
    void v7HeaderIgnoresUstarOnlyFields() throws Exception {
      FileMetadata e =
          only(
              new RawTar()
                  .header(
                      Header.of("v7file", '0', 5)
                          .v7()
                          .uname("root")
                          .gname("wheel")
                          .devMajor(7)
                          .prefix("pre"))
                  .data(HELLO)
                  .end());
      assertThat(e.name()).isEqualTo("v7file");
      assertThat(e.userName()).isEmpty();
      assertThat(e.groupName()).isEmpty();
      assertThat(e.devMajor()).isZero();
      assertThat(e.uncompressedOffset()).isEqualTo(512);
    }

    @Test
    void v7HeaderDoesNotParseUstarNumbers() throws Exception {
      // devmajor holds garbage, but V7 headers never read it.
      FileMetadata e =
          only(new RawTar().header(Header.of("f", '0', 0).v7().string(329, 8, "zz")).end());
      assertThat(e.devMajor()).isZero();
    }

    @Test
    void ustarPrefixIsJoined() throws Exception {
      FileMetadata e =
          only(
              new RawTar()
                  .header(Header.of("name.txt", '0', 5).prefix("some/long/prefix"))
                  .data(HELLO)
                  .end());
      assertThat(e.name()).isEqualTo("some/long/prefix/name.txt");
    }

    @Test
    void ustarFieldsAreRead() throws Exception {
      FileMetadata e =
          only(
              new RawTar()
                  .header(
                      Header.of("dev", '4', 0)
                          .uname("alice")
                          .gname("disk")
                          .devMajor(8)
                          .devMinor(1)
                          .uid(1001)
                          .gid(6)
                          .mode(0660)
                          .mtime(0))
                  .end());
      assertThat(e.type()).isEqualTo(EntryType.BLOCK);
      assertThat(e.userName()).isEqualTo("alice");
      assertThat(e.groupName()).isEqualTo("disk");
      assertThat(e.devMajor()).isEqualTo(8);
      assertThat(e.devMinor()).isEqualTo(1);
      assertThat(e.uid()).isEqualTo(1001);
      assertThat(e.gid()).isEqualTo(6);
      assertThat(e.mode()).isEqualTo(0660);
      assertThat(e.modTime()).isEqualTo("1970-01-01T00:00:00Z");
    }

    @Test
    void starUsesTheShorterPrefix() throws Exception {
      Header h = Header.of("n", '0', 0).star().prefix("p".repeat(131));
      h.octal(476, 12, 1_600_000_000L).octal(488, 12, 1_600_000_000L); // atime, ctime
      FileMetadata e = only(new RawTar().header(h).end());
      assertThat(e.name()).isEqualTo("p".repeat(131) + "/n");
    }

    @Test
    void starTimesMustBeValidNumbers() {
      Header h = Header.of("n", '0', 0).star().string(476, 12, "notoctal");
      fails(new RawTar().header(h).end(), 0)
          .hasMessageContaining("invalid number in tar header field 'atime'");
    }

    @Test
    void gnuIgnoresThePrefixArea() throws Exception {
      Header h = Header.of("gnufile", '0', 0).gnu();
      h.octal(345, 12, 1_600_000_000L).octal(357, 12, 1_600_000_000L); // atime, ctime
      FileMetadata e = only(new RawTar().header(h.uname("root")).end());
      assertThat(e.name()).isEqualTo("gnufile");
      assertThat(e.userName()).isEqualTo("root");
    }

    @Test
    void gnuLegacyPrefixFallback() throws Exception {
      // Go < 1.8 wrote a USTAR prefix into GNU headers: atime does not parse, prefix is ASCII.
      FileMetadata e =
          only(new RawTar().header(Header.of("file", '0', 0).gnu().prefix("legacy/dir")).end());
      assertThat(e.name()).isEqualTo("legacy/dir/file");
    }

    @Test
    void gnuLegacyFallbackNeedsAscii() throws Exception {
      FileMetadata e =
          only(new RawTar().header(Header.of("file", '0', 0).gnu().prefix("l\u00e9gacy")).end());
      assertThat(e.name()).isEqualTo("file");
    }

    @Test
    void signedChecksumIsAccepted() throws Exception {
      Header h = Header.of("caf\u00e9\u00e9\u00e9", '0', 0);
      byte[] b = h.build();
      long signed = 0;
      for (int i = 0; i < 512; i++) {
        signed += (i >= 148 && i < 156) ? ' ' : b[i];
      }
      h.checksumField(String.format("%06o\0 ", signed));
      assertThat(only(new RawTar().header(h).end()).name()).isEqualTo("caf\u00e9\u00e9\u00e9");
    }

    @Test
    void checksumFieldWithSpacesAndNoNul() throws Exception {
      Header h = Header.of("f", '0', 0);
      long sum = Header.unsignedSum(h.build());
      h.checksumField(String.format(" %06o ", sum));
      assertThat(only(new RawTar().header(h).end()).name()).isEqualTo("f");
    }
  }

  @Nested
  class Numbers {
    @Test
    void base256SizeAndIds() throws Exception {
      Header h =
          Header.of("big", '0', 0)
              .base256(124, 12, 5)
              .base256(108, 8, 5_000_000_000L)
              .base256(116, 8, 70_000);
      FileMetadata e = only(new RawTar().header(h).data(HELLO).end());
      assertThat(e.uncompressedSize()).isEqualTo(5);
      assertThat(e.uid()).isEqualTo(5_000_000_000L & 0xFFFF_FFFFL);
      assertThat(e.gid()).isEqualTo(70_000);
    }

    @Test
    void base256NegativeMtime() throws Exception {
      Header h = Header.of("old", '0', 0).base256(136, 12, -1_000_000_000L);
      assertThat(only(new RawTar().header(h).end()).modTime()).isEqualTo("1938-04-24T22:13:20Z");
    }

    @Test
    void base256Overflow() {
      Header h = Header.of("f", '0', 0);
      byte[] field = new byte[12];
      field[0] = (byte) 0x80;
      field[3] = 1; // more than 63 bits of magnitude
      h.raw(124, 12, field);
      fails(new RawTar().header(h).end(), 0)
          .hasMessageContaining("invalid number in tar header field 'size'");
    }

    @Test
    void octalWithSpacesAndNuls() throws Exception {
      Header h = Header.of("f", '0', 0).string(124, 12, "  5 ").string(100, 8, "\u0000644");
      FileMetadata e = only(new RawTar().header(h).data(HELLO).end());
      assertThat(e.uncompressedSize()).isEqualTo(5);
      assertThat(e.mode()).isEqualTo(0644);
    }

    @Test
    void emptyNumberIsZero() throws Exception {
      FileMetadata e = only(new RawTar().header(Header.of("f", '0', 0).string(108, 8, "")).end());
      assertThat(e.uid()).isZero();
    }

    @Test
    void badOctalSize() {
      fails(new RawTar().header(Header.of("f", '0', 0).string(124, 12, "12389")).end(), 0)
          .hasMessageContaining("invalid number in tar header field 'size'")
          .hasMessageContaining("\"12389")
          .satisfies(e -> assertThat(((TarFormatException) e).entryName()).hasValue("f"));
    }

    @Test
    void badOctalDevMajorInUstar() {
      fails(
              new RawTar()
                  .file("ok", HELLO)
                  .header(Header.of("f", '0', 0).string(329, 8, "9"))
                  .end(),
              1024)
          .hasMessageContaining("'devmajor'");
    }

    @Test
    void signBitInOctalIsAnError() {
      fails(new RawTar().header(Header.of("f", '0', 0).string(100, 8, "+644")).end(), 0)
          .hasMessageContaining("'mode'");
    }

    @Test
    void negativeSizeIsRejected() {
      fails(new RawTar().header(Header.of("f", '0', 0).base256(124, 12, -1)).end(), 0)
          .hasMessageContaining("negative size");
    }

    @Test
    void negativeSizeOnSymlinkIsIgnored() throws Exception {
      FileMetadata e =
          only(new RawTar().header(Header.of("l", '2', 0).link("t").base256(124, 12, -1)).end());
      assertThat(e.uncompressedSize()).isZero();
    }

    @Test
    void mtimeOutsideYear9999IsEmpty() throws Exception {
      Header h = Header.of("f", '0', 0).base256(136, 12, 253_402_300_800L);
      assertThat(only(new RawTar().header(h).end()).modTime()).isEmpty();
    }
  }

  @Nested
  class Names {
    @Test
    void nulTypeflagWithTrailingSlashIsADirectory() throws Exception {
      List<FileMetadata> e =
          parse(
                  new RawTar()
                      .header(Header.of("adir/", '\0', 0))
                      .header(Header.of("afile", '\0', 5))
                      .data(HELLO)
                      .end())
              .entries();
      assertThat(e).extracting(FileMetadata::type).containsExactly(EntryType.DIR, EntryType.REG);
      assertThat(e.get(1).uncompressedOffset()).isEqualTo(1024);
    }

    @Test
    void nulTypeflagDirectoryWithSizeSkipsNoData() throws Exception {
      // Go converts to TypeDir before setting up the data reader: no data is skipped.
      List<FileMetadata> e =
          parse(new RawTar().header(Header.of("adir/", '\0', 700)).file("next", HELLO).end())
              .entries();
      assertThat(e.get(0).type()).isEqualTo(EntryType.DIR);
      assertThat(e.get(0).uncompressedSize()).isZero();
      assertThat(e.get(1).name()).isEqualTo("next");
      assertThat(e.get(1).uncompressedOffset()).isEqualTo(1024);
    }

    @Test
    void gnuLongNameAndLongLink() throws Exception {
      String longName = "d/".repeat(100) + "file";
      String longLink = "t/".repeat(80) + "target";
      FileMetadata e =
          only(
              new RawTar()
                  .meta('L', (longName + "\0garbage").getBytes(UTF_8))
                  .meta('K', (longLink + "\0").getBytes(UTF_8))
                  .header(Header.of("short", '2', 0).link("shortlink").gnu())
                  .end());
      assertThat(e.name()).isEqualTo(longName);
      assertThat(e.linkName()).isEqualTo(longLink);
      assertThat(e.type()).isEqualTo(EntryType.SYMLINK);
      assertThat(e.uncompressedOffset()).isEqualTo(512 + 512 + 512 + 512 + 512);
    }

    @Test
    void gnuLongNameWithoutNul() throws Exception {
      FileMetadata e =
          only(
              new RawTar()
                  .meta('L', "exact".getBytes(UTF_8))
                  .header(Header.of("short", '0', 0))
                  .end());
      assertThat(e.name()).isEqualTo("exact");
    }

    @Test
    void emptyLongNameDoesNotOverride() throws Exception {
      FileMetadata e =
          only(
              new RawTar()
                  .meta('L', "first".getBytes(UTF_8))
                  .meta('L', new byte[] {0, 'x'})
                  .header(Header.of("header-name", '0', 0))
                  .end());
      assertThat(e.name()).isEqualTo("header-name");
    }

    @Test
    void longNameWinsOverPaxPath() throws Exception {
      FileMetadata e =
          only(
              new RawTar()
                  .pax('x', "path", "pax-name", "linkpath", "pax-link")
                  .meta('L', "gnu-name".getBytes(UTF_8))
                  .meta('K', "gnu-link".getBytes(UTF_8))
                  .header(Header.of("hdr", '1', 0).link("hdr-link"))
                  .end());
      assertThat(e.name()).isEqualTo("gnu-name");
      assertThat(e.linkName()).isEqualTo("gnu-link");
      assertThat(e.paxRecords()).extracting(PaxRecord::key).containsExactly("linkpath", "path");
    }

    @Test
    void namesAreKeptVerbatim() throws Exception {
      byte[] raw = {'.', '/', 'a', '/', '/', 'b', (byte) 0xff, '/', '.', '.'};
      Header h = new Header().raw(0, 100, raw).size(0);
      FileMetadata e = only(new RawTar().header(h).end());
      assertThat(e.rawName()).isEqualTo(raw);
    }
  }

  @Nested
  class Pax {
    @Test
    void overridesHeaderFields() throws Exception {
      FileMetadata e =
          only(
              new RawTar()
                  .pax(
                      'x',
                      "path",
                      "pax/path",
                      "linkpath",
                      "pax/link",
                      "uid",
                      "5000000000",
                      "gid",
                      "-1",
                      "uname",
                      "pu",
                      "gname",
                      "pg",
                      "mtime",
                      "1700000000.123456789123",
                      "size",
                      "5",
                      "atime",
                      "1.5",
                      "ctime",
                      "-2.25",
                      "SCHILY.xattr.user.a",
                      "b",
                      "comment",
                      "")
                  .header(Header.of("hdr", '0', 999).uname("hu").gname("hg").uid(1).gid(2))
                  .data(HELLO)
                  .end());
      assertThat(e.name()).isEqualTo("pax/path");
      assertThat(e.linkName()).isEqualTo("pax/link");
      assertThat(e.uid()).isEqualTo(705_032_704L);
      assertThat(e.gid()).isEqualTo(4_294_967_295L);
      assertThat(e.userName()).isEqualTo("pu");
      assertThat(e.groupName()).isEqualTo("pg");
      assertThat(e.modTime()).isEqualTo("2023-11-14T22:13:20.123456789Z");
      assertThat(e.uncompressedSize()).isEqualTo(5);
      assertThat(e.uncompressedOffset()).isEqualTo(1536);
      // Every record is kept, the empty-valued one too, sorted by key.
      assertThat(e.paxRecords())
          .extracting(PaxRecord::key)
          .containsExactly(
              "SCHILY.xattr.user.a",
              "atime",
              "comment",
              "ctime",
              "gid",
              "gname",
              "linkpath",
              "mtime",
              "path",
              "size",
              "uid",
              "uname");
    }

    @Test
    void emptyValuesKeepHeaderFields() throws Exception {
      FileMetadata e =
          only(
              new RawTar()
                  .pax('x', "path", "", "uid", "", "mtime", "")
                  .header(Header.of("hdr", '0', 0).uid(7))
                  .end());
      assertThat(e.name()).isEqualTo("hdr");
      assertThat(e.uid()).isEqualTo(7);
      assertThat(e.modTime()).isEqualTo("2023-11-14T22:13:20Z");
      assertThat(e.paxRecords()).hasSize(3);
    }

    @Test
    void laterDuplicateKeysWin() throws Exception {
      FileMetadata e =
          only(
              new RawTar()
                  .pax('x', "path", "one", "path", "two")
                  .header(Header.of("hdr", '0', 0))
                  .end());
      assertThat(e.name()).isEqualTo("two");
      assertThat(e.paxRecords()).containsExactly(PaxRecord.of("path", "two"));
    }

    @Test
    void secondXHeaderReplacesTheFirst() throws Exception {
      FileMetadata e =
          only(
              new RawTar()
                  .pax('x', "path", "first", "uid", "9")
                  .pax('x', "comment", "second")
                  .header(Header.of("hdr", '0', 0))
                  .end());
      assertThat(e.name()).isEqualTo("hdr");
      assertThat(e.uid()).isZero();
      assertThat(e.paxRecords()).containsExactly(PaxRecord.of("comment", "second"));
      assertThat(e.uncompressedOffset()).isEqualTo(5 * 512);
    }

    @Test
    void recordsApplyOnlyToTheNextEntry() throws Exception {
      List<FileMetadata> e =
          parse(
                  new RawTar()
                      .pax('x', "uid", "9")
                      .header(Header.of("a", '0', 0))
                      .header(Header.of("b", '0', 0))
                      .end())
              .entries();
      assertThat(e.get(0).uid()).isEqualTo(9);
      assertThat(e.get(1).uid()).isZero();
      assertThat(e.get(1).paxRecords()).isEmpty();
    }

    @Test
    void negativeFractionIsSubtracted() throws Exception {
      FileMetadata e =
          only(new RawTar().pax('x', "mtime", "-1.5").header(Header.of("f", '0', 0)).end());
      assertThat(e.modTime()).isEqualTo("1969-12-31T23:59:58.5Z");
    }

    @Test
    void valuesMayContainNulExceptPathNames() throws Exception {
      FileMetadata e =
          only(
              new RawTar()
                  .pax('x', "SCHILY.xattr.user.bin", "a\0b")
                  .header(Header.of("f", '0', 0))
                  .end());
      assertThat(e.paxRecords().get(0).rawValue()).containsExactly('a', 0, 'b');
    }

    @Test
    void sparseOffsetsAreJoinedIntoAMap() throws Exception {
      // An unknown sparse version (2.0) is not sparse for Go: a regular file whose records
      // include the synthetic GNU.sparse.map.
      FileMetadata e =
          only(
              new RawTar()
                  .pax(
                      'x',
                      "GNU.sparse.major",
                      "2",
                      "GNU.sparse.minor",
                      "0",
                      "GNU.sparse.offset",
                      "0",
                      "GNU.sparse.numbytes",
                      "5",
                      "GNU.sparse.offset",
                      "10",
                      "GNU.sparse.numbytes",
                      "5")
                  .header(Header.of("f", '0', 0))
                  .end());
      assertThat(e.paxRecords())
          .containsExactly(
              PaxRecord.of("GNU.sparse.major", "2"),
              PaxRecord.of("GNU.sparse.map", "0,5,10,5"),
              PaxRecord.of("GNU.sparse.minor", "0"));
    }

    @Test
    void sparseKeysOutOfOrder() {
      fails(
              new RawTar()
                  .pax('x', "GNU.sparse.numbytes", "5")
                  .header(Header.of("f", '0', 0))
                  .end(),
              512)
          .hasMessageContaining("invalid PAX record");
    }

    @Test
    void invalidRecords() {
      String[] payloads = {
        "no-space-at-all",
        "x a=b\n",
        "4 a=\n",
        "99 a=b\n",
        "7 a=bc\n".replace('\n', '!'),
        "6 ab\n\n",
        "6 =ab\n",
        "12 path=a\u0000b\n",
        "8 a\u0000b=c\n",
        "3 \n\n",
      };
      for (String p : payloads) {
        fails(new RawTar().meta('x', p.getBytes(UTF_8)).header(Header.of("f", '0', 0)).end(), 512)
            .as(p)
            .hasMessageContaining("invalid PAX record");
      }
    }

    @Test
    void recordErrorOffsetPointsAtTheRecord() {
      byte[] payload = (new String(RawTar.record("a", "b"), UTF_8) + "5 x\n\n").getBytes(UTF_8);
      fails(new RawTar().meta('x', payload).header(Header.of("f", '0', 0)).end(), 512 + 6);
    }

    @Test
    void plusSignedRecordLengthIsAccepted() throws Exception {
      // Go's strconv.ParseInt accepts a leading '+'.
      FileMetadata e =
          only(
              new RawTar()
                  .meta('x', "+12 path=ab\n".getBytes(UTF_8))
                  .header(Header.of("f", '0', 0))
                  .end());
      assertThat(e.name()).isEqualTo("ab");
    }

    @Test
    void invalidValues() {
      String[][] cases = {
        {"uid", "12a"},
        {"gid", "99999999999999999999"},
        {"size", "0x10"},
        {"mtime", "1.5x"},
        {"mtime", ".5"},
        {"atime", "abc"},
        {"ctime", "1.2.3"},
      };
      for (String[] c : cases) {
        fails(new RawTar().pax('x', c[0], c[1]).header(Header.of("f", '0', 0)).end(), 0)
            .as(c[0] + "=" + c[1])
            .hasMessageContaining("invalid PAX record value for '" + c[0] + "'")
            .satisfies(e -> assertThat(((TarFormatException) e).entryName()).hasValue("f"));
      }
    }

    @Test
    void negativePaxSizeIsRejected() {
      fails(new RawTar().pax('x', "size", "-5").header(Header.of("f", '0', 0)).end(), 1024)
          .hasMessageContaining("negative size");
    }

    @Test
    void hugeClaimedPayloadFailsBeforeAnyPayloadArrives() throws Exception {
      byte[] header = Header.of("x", 'x', 077777777777L).build();
      TarTocParser p = new TarTocParser();
      assertThatThrownBy(() -> p.write(header, 0, header.length))
          .isInstanceOf(TarFormatException.class)
          .hasMessageContaining("'x' header payload too large")
          .hasMessageContaining("8589934591 bytes, limit 1048576");
      // The failure is sticky.
      assertThatThrownBy(() -> p.write(new byte[1], 0, 1))
          .hasMessageContaining("payload too large");
      assertThatThrownBy(p::finish).hasMessageContaining("payload too large");
    }

    @Test
    void payloadAtTheLimitIsAccepted() throws Exception {
      int size = TarLimits.DEFAULT_MAX_META_PAYLOAD_SIZE;
      byte[] payload = RawTar.paxPayload("comment", "c".repeat(size - 20));
      payload = java.util.Arrays.copyOf(payload, payload.length);
      assertThat(payload.length).isLessThanOrEqualTo(size);
      FileMetadata e = only(new RawTar().meta('x', payload).header(Header.of("f", '0', 0)).end());
      assertThat(e.paxRecords()).hasSize(1);
      byte[] tooBig = new byte[size + 1];
      fails(new RawTar().meta('L', tooBig).end(), 0).hasMessageContaining("too large");
    }
  }

  @Nested
  class Types {
    @Test
    void globalHeaderIsSkipped() throws Exception {
      List<FileMetadata> e =
          parse(
                  new RawTar()
                      .pax('g', "comment", "c0ffee", "uid", "77")
                      .file("a", HELLO)
                      .pax('g', "mtime", "1.5")
                      .file("b", HELLO)
                      .end())
              .entries();
      assertThat(e).extracting(FileMetadata::name).containsExactly("a", "b");
      assertThat(e).allSatisfy(x -> assertThat(x.paxRecords()).isEmpty());
      assertThat(e.get(0).uid()).isZero();
      assertThat(e.get(0).uncompressedOffset()).isEqualTo(1536);
      assertThat(e.get(1).uncompressedOffset()).isEqualTo(1536 + 512 + 1024 + 512);
    }

    @Test
    void globalHeaderEndsTheMetaChain() throws Exception {
      // As in Go, where 'g' is returned as an entry, pending x/L headers do not carry over.
      FileMetadata e =
          only(
              new RawTar()
                  .pax('x', "path", "from-x")
                  .meta('L', "from-L".getBytes(UTF_8))
                  .pax('g', "comment", "c")
                  .header(Header.of("hdr", '0', 0))
                  .end());
      assertThat(e.name()).isEqualTo("hdr");
      assertThat(e.paxRecords()).isEmpty();
    }

    @Test
    void globalHeaderRecordsAreValidated() {
      fails(new RawTar().meta('g', "5 ab\n".getBytes(UTF_8)).end(), 512)
          .hasMessageContaining("invalid PAX record");
    }

    @Test
    void headerOnlyTypesRecordSizeZeroAndSkipNoData() throws Exception {
      List<FileMetadata> e =
          parse(
                  new RawTar()
                      .header(Header.of("hard", '1', 5).link("target"))
                      .header(Header.of("sym", '2', 700).link("target"))
                      .header(Header.of("chr", '3', 1).devMajor(1).devMinor(3))
                      .header(Header.of("blk", '4', 1).devMajor(8).devMinor(0))
                      .header(Header.of("dir/", '5', 4096))
                      .header(Header.of("fifo", '6', 10))
                      .file("after", HELLO)
                      .end())
              .entries();
      assertThat(e)
          .extracting(FileMetadata::type)
          .containsExactly(
              EntryType.HARDLINK,
              EntryType.SYMLINK,
              EntryType.CHAR,
              EntryType.BLOCK,
              EntryType.DIR,
              EntryType.FIFO,
              EntryType.REG);
      for (int i = 0; i < 6; i++) {
        assertThat(e.get(i).uncompressedSize()).isZero();
        assertThat(e.get(i).uncompressedOffset()).isEqualTo(512L * (i + 1));
      }
      assertThat(e.get(2).devMajor()).isEqualTo(1);
      assertThat(e.get(2).devMinor()).isEqualTo(3);
      assertThat(e.get(6).uncompressedOffset()).isEqualTo(7 * 512);
      assertThat(e.get(6).uncompressedSize()).isEqualTo(5);
    }

    @Test
    void paxSizeOnHardLinkIsIgnored() throws Exception {
      List<FileMetadata> e =
          parse(
                  new RawTar()
                      .pax('x', "size", "1000")
                      .header(Header.of("hard", '1', 0).link("t"))
                      .file("next", HELLO)
                      .end())
              .entries();
      assertThat(e.get(0).uncompressedSize()).isZero();
      assertThat(e.get(1).uncompressedOffset()).isEqualTo(4 * 512);
    }

    @Test
    void contiguousFileIsRegular() throws Exception {
      FileMetadata e = only(new RawTar().header(Header.of("c", '7', 5)).data(HELLO).end());
      assertThat(e.type()).isEqualTo(EntryType.REG);
      assertThat(e.uncompressedSize()).isEqualTo(5);
    }

    @Test
    void dumpDirIsADirectoryWithItsPayloadSkipped() throws Exception {
      byte[] dump = "Nfile\0Ddir\0\0".getBytes(UTF_8);
      List<FileMetadata> e =
          parse(
                  new RawTar()
                      .header(Header.of("d/", 'D', dump.length).gnu())
                      .data(dump)
                      .file("next", HELLO)
                      .end())
              .entries();
      assertThat(e.get(0).type()).isEqualTo(EntryType.DIR);
      assertThat(e.get(0).uncompressedSize()).isEqualTo(dump.length);
      assertThat(e.get(1).uncompressedOffset()).isEqualTo(3 * 512);
    }

    @Test
    void volumeLabelAndVendorTypesAreSkipped() throws Exception {
      List<FileMetadata> e =
          parse(
                  new RawTar()
                      .header(Header.of("Volume 1", 'V', 0).gnu())
                      .pax('x', "path", "lost")
                      .header(Header.of("vendor", 'X', 5))
                      .data(HELLO)
                      .file("a", HELLO)
                      .end())
              .entries();
      assertThat(e).extracting(FileMetadata::name).containsExactly("a");
      assertThat(e.get(0).paxRecords()).isEmpty();
      assertThat(e.get(0).uncompressedOffset()).isEqualTo(6 * 512);
    }

    @Test
    void multiVolumeAndOldLongNamesAreRejected() {
      fails(new RawTar().header(Header.of("m", 'M', 5).gnu()).data(HELLO).end(), 0)
          .hasMessageContaining("unsupported tar entry type 'M'")
          .satisfies(x -> assertThat(((TarFormatException) x).entryName()).hasValue("m"));
      fails(new RawTar().file("a", HELLO).header(Header.of("n", 'N', 0).gnu()).end(), 1024)
          .hasMessageContaining("unsupported tar entry type 'N'");
    }

    @Test
    void unknownTypesAreRejected() {
      fails(new RawTar().header(Header.of("u", 'a', 0)).end(), 0)
          .hasMessageContaining("unsupported tar entry type 'a'");
      fails(new RawTar().header(Header.of("u", (char) 0xC8, 0)).end(), 0)
          .hasMessageContaining("unsupported tar entry type 0xc8");
    }

    @Test
    void oldGnuSparseIsRejected() {
      fails(new RawTar().header(Header.of("s", 'S', 0).gnu()).end(), 0)
          .hasMessageContaining("sparse files are not supported")
          .hasMessageContaining("tar entry \"s\"");
    }

    @Test
    void paxSparseFormatsAreRejected() {
      String[][] cases = {
        {
          "GNU.sparse.size",
          "100",
          "GNU.sparse.numblocks",
          "1",
          "GNU.sparse.offset",
          "0",
          "GNU.sparse.numbytes",
          "5"
        },
        {"GNU.sparse.name", "real", "GNU.sparse.map", "0,5", "GNU.sparse.numblocks", "1"},
        {"GNU.sparse.major", "1", "GNU.sparse.minor", "0", "GNU.sparse.name", "real"},
        {"GNU.sparse.major", "0", "GNU.sparse.minor", "1"},
      };
      for (String[] c : cases) {
        fails(new RawTar().pax('x', c).header(Header.of("GNUSparseFile.0/f", '0', 0)).end(), 1024)
            .hasMessageContaining("sparse files are not supported");
      }
      fails(
              new RawTar()
                  .pax(
                      'x',
                      "GNU.sparse.major",
                      "1",
                      "GNU.sparse.minor",
                      "0",
                      "GNU.sparse.name",
                      "the-real-name")
                  .header(Header.of("x/f", '0', 0))
                  .end(),
              1024)
          .satisfies(
              e -> assertThat(((TarFormatException) e).entryName()).hasValue("the-real-name"));
    }
  }

  @Nested
  class Ends {
    @Test
    void badChecksum() {
      Header h = Header.of("f", '0', 0).checksumField("0001234\0");
      long computed = Header.unsignedSum(Header.of("f", '0', 0).build());
      fails(new RawTar().file("a", HELLO).header(h).end(), 1024)
          .hasMessage(
              "invalid tar header checksum at uncompressed offset 1024 (stored 0o1234, "
                  + "computed 0o"
                  + Long.toOctalString(computed)
                  + ")");
    }

    @Test
    void unparsableChecksum() {
      fails(new RawTar().header(Header.of("f", '0', 0).checksumField("12x4\0\0\0\0")).end(), 0)
          .hasMessageContaining("invalid tar header checksum")
          .hasMessageContaining("not an octal number");
    }

    @Test
    void oneZeroBlockThenEndOfStream() throws Exception {
      TarToc toc = parse(new RawTar().file("a", HELLO).zeroBlocks(1));
      assertThat(toc.entries()).hasSize(1);
      assertThat(toc.archiveSize()).isEqualTo(1536);
    }

    @Test
    void noEndBlocks() throws Exception {
      TarToc toc = parse(new RawTar().file("a", HELLO).file("b", HELLO));
      assertThat(toc.entries()).hasSize(2);
      assertThat(toc.archiveSize()).isEqualTo(2048);
    }

    @Test
    void emptyStream() throws Exception {
      TarToc toc = parse(new RawTar());
      assertThat(toc.entries()).isEmpty();
      assertThat(toc.archiveSize()).isZero();
    }

    @Test
    void zeroBlockThenGarbage() {
      byte[] garbage = new byte[512];
      garbage[100] = 1;
      fails(new RawTar().file("a", HELLO).zeroBlocks(1).raw(garbage), 1536)
          .hasMessageContaining("a non-zero block follows an all-zero block");
    }

    @Test
    void zeroBlockThenShortBlock() {
      fails(new RawTar().file("a", HELLO).zeroBlocks(1).raw(new byte[100]), 1536)
          .hasMessageContaining("ends inside a header block");
    }

    @Test
    void truncatedInHeader() {
      byte[] h = Header.of("b", '0', 0).build();
      fails(new RawTar().file("a", HELLO).raw(java.util.Arrays.copyOf(h, 300)), 1024)
          .hasMessage(
              "tar stream ends inside a header block at uncompressed offset 1024 "
                  + "(expected 512 bytes, found 300)");
    }

    @Test
    void truncatedInData() {
      fails(
              new RawTar().file("a", HELLO).header(Header.of("big", '0', 1000)).raw(new byte[600]),
              1024)
          .hasMessage(
              "tar entry \"big\": tar stream ends inside entry data at uncompressed "
                  + "offset 1024 (expected 1000 bytes, found 600)");
    }

    @Test
    void truncatedInPaxPayload() {
      byte[] payload = RawTar.paxPayload("path", "p".repeat(600));
      fails(
              new RawTar()
                  .header(Header.of("pax", 'x', payload.length))
                  .raw(java.util.Arrays.copyOf(payload, 550)),
              0)
          .hasMessageContaining("ends inside the payload of a 'x' header")
          .hasMessageContaining("found 550");
    }

    @Test
    void truncatedInPaddingIsAccepted() throws Exception {
      // Go's reader treats EOF inside the padding after the data as the end of the archive.
      TarToc toc = parse(new RawTar().header(Header.of("a", '0', 5)).raw(HELLO).raw(new byte[7]));
      assertThat(toc.entries()).hasSize(1);
      assertThat(toc.archiveSize()).isEqualTo(512 + 5 + 7);
    }

    @Test
    void danglingMetaHeaderAtTheEndIsIgnored() throws Exception {
      TarToc toc = parse(new RawTar().file("a", HELLO).pax('x', "path", "never"));
      assertThat(toc.entries()).hasSize(1);
      assertThat(toc.archiveSize()).isEqualTo(2048);
    }

    @Test
    void writeAfterFinishIsAnError() throws Exception {
      TarTocParser p = new TarTocParser();
      TarToc toc = p.finish();
      assertThat(p.finish()).isSameAs(toc);
      assertThatThrownBy(() -> p.write(new byte[1], 0, 1))
          .isInstanceOf(IllegalStateException.class);
    }
  }

  @Nested
  class Limits {
    private TarToc parseWith(TarLimits limits, RawTar tar) throws TarFormatException {
      byte[] b = tar.bytes();
      TarTocParser p = new TarTocParser(ZoneOffset.UTC, limits);
      p.write(b, 0, b.length);
      return p.finish();
    }

    @Test
    void maxEntries() throws Exception {
      TarLimits two = new TarLimits(2, 1 << 20, 4096, 1 << 20);
      assertThat(parseWith(two, new RawTar().file("a", HELLO).file("b", HELLO).end()).entries())
          .hasSize(2);
      assertThatThrownBy(
              () ->
                  parseWith(
                      two, new RawTar().file("a", HELLO).file("b", HELLO).file("c", HELLO).end()))
          .isInstanceOf(TarFormatException.class)
          .hasMessageContaining("too many tar entries")
          .satisfies(e -> assertThat(((TarFormatException) e).offset()).isEqualTo(2048));
    }

    @Test
    void maxNameLength() {
      TarLimits limits = new TarLimits(10, 1 << 20, 50, 1 << 20);
      assertThatThrownBy(
              () ->
                  parseWith(
                      limits,
                      new RawTar()
                          .meta('L', "n".repeat(51).getBytes(UTF_8))
                          .header(Header.of("s", '0', 0))
                          .end()))
          .hasMessageContaining("name too long")
          .hasMessageContaining("51 bytes, limit 50");
      assertThatThrownBy(
              () ->
                  parseWith(
                      limits,
                      new RawTar()
                          .pax('x', "linkpath", "l".repeat(60))
                          .header(Header.of("s", '2', 0))
                          .end()))
          .hasMessageContaining("link name too long");
    }

    @Test
    void maxMetaPayload() {
      TarLimits limits = new TarLimits(10, 100, 50, 1 << 20);
      assertThatThrownBy(
              () ->
                  parseWith(
                      limits,
                      new RawTar().meta('K', new byte[101]).header(Header.of("s", '0', 0)).end()))
          .hasMessageContaining("'K' header payload too large");
    }

    @Test
    void totalMetadataCountsManyTinyRecords() throws Exception {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < 1000; i++) {
        sb.append(new String(RawTar.record("k" + i, ""), UTF_8));
      }
      TarLimits limits = new TarLimits(10, 1 << 20, 50, 50_000);
      assertThatThrownBy(
              () ->
                  parseWith(
                      limits,
                      new RawTar()
                          .meta('x', sb.toString().getBytes(UTF_8))
                          .header(Header.of("s", '0', 0))
                          .end()))
          .hasMessageContaining("too much tar metadata");
      assertThat(
              parseWith(
                      TarLimits.defaults(),
                      new RawTar()
                          .meta('x', sb.toString().getBytes(UTF_8))
                          .header(Header.of("s", '0', 0))
                          .end())
                  .entries()
                  .get(0)
                  .paxRecords())
          .hasSize(1000);
    }

    @Test
    void limitsMustBePositive() {
      assertThatThrownBy(() -> new TarLimits(0, 1, 1, 1))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
