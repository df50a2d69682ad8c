package dev.soci.ztoc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class TocTest {
  private static long offset = 512;

  private static FileMetadata reg(String name, long size) {
    FileMetadata f =
        FileMetadata.builder()
            .name(name)
            .type(EntryType.REG)
            .uncompressedOffset(offset)
            .uncompressedSize(size)
            .build();
    offset += 1024;
    return f;
  }

  private static FileMetadata dir(String name) {
    return FileMetadata.builder()
        .name(name)
        .type(EntryType.DIR)
        .uncompressedOffset(offset += 512)
        .build();
  }

  private static FileMetadata symlink(String name, String target) {
    return FileMetadata.builder()
        .name(name)
        .type(EntryType.SYMLINK)
        .linkName(target)
        .uncompressedOffset(offset += 512)
        .build();
  }

  private static FileMetadata hardlink(String name, String target) {
    return FileMetadata.builder()
        .name(name)
        .type(EntryType.HARDLINK)
        .linkName(target)
        .uncompressedOffset(offset += 512)
        .build();
  }

  @Test
  void findMatchesRawNamesExactly() {
    FileMetadata passwd = reg("etc/passwd", 10);
    FileMetadata dotted = reg("./etc/group", 5);
    byte[] latin1 = {'c', (byte) 0xE9, '.', 't', 'x', 't'}; // not UTF-8
    FileMetadata odd =
        FileMetadata.builder().name(latin1).uncompressedOffset(offset += 512).build();
    Toc toc = Toc.of(List.of(dir("etc/"), passwd, dotted, odd));
    assertThat(toc.find("etc/passwd")).containsSame(passwd);
    assertThat(toc.find("./etc/passwd")).isEmpty();
    assertThat(toc.find("etc/group")).isEmpty();
    assertThat(toc.find("./etc/group")).containsSame(dotted);
    assertThat(toc.find(latin1)).containsSame(odd);
    assertThat(toc.find("cé.txt")).isEmpty(); // UTF-8 bytes differ from the raw Latin-1 name
    assertThat(toc.find("etc")).isEmpty();
  }

  @Test
  void aRepeatedNameFindsItsFirstEntry() {
    FileMetadata first = reg("a", 1);
    FileMetadata second = reg("a", 2);
    Toc toc = Toc.of(List.of(first, second));
    assertThat(toc.find("a")).containsSame(first);
    assertThat(toc.entries()).containsExactly(first, second);
  }

  @Test
  void missingNameUsesUpstreamsMessage() {
    Toc toc = Toc.of(List.of(reg("a", 1)));
    assertThatThrownBy(() -> toc.resolve("nope"))
        .isInstanceOf(EntryNotFoundException.class)
        .hasMessage("file nope does not exist in metadata");
  }

  @Test
  void linksAreFollowedLiterallyLikeUpstream() throws Exception {
    FileMetadata target = reg("etc/hello.txt", 5500);
    Toc toc =
        Toc.of(
            List.of(
                target,
                symlink("link", "etc/hello.txt"),
                hardlink("hard", "etc/hello.txt"),
                hardlink("hard2", "link")));
    assertThat(toc.resolve("link")).isSameAs(target);
    assertThat(toc.resolve("hard")).isSameAs(target);
    assertThat(toc.resolve("hard2")).isSameAs(target);
    assertThat(toc.resolve("etc/hello.txt")).isSameAs(target);
  }

  @Test
  void chainsAreFollowed() throws Exception {
    List<FileMetadata> entries = new ArrayList<>();
    FileMetadata end = reg("end", 3);
    entries.add(end);
    entries.add(symlink("l0", "end"));
    for (int i = 1; i < 200; i++) {
      entries.add(symlink("l" + i, "l" + (i - 1)));
    }
    Toc toc = Toc.of(entries);
    assertThat(toc.resolve("l199")).isSameAs(end);
  }

  @Test
  @Timeout(5)
  void loopsAreReportedNotFollowed() {
    Toc toc =
        Toc.of(
            List.of(
                symlink("a", "b"),
                symlink("b", "a"),
                symlink("self", "self"),
                hardlink("h", "h"),
                symlink("x", "./x")));
    assertThatThrownBy(() -> toc.resolve("a"))
        .isInstanceOf(EntryNotFoundException.class)
        .hasMessage("symlink loop at a");
    assertThatThrownBy(() -> toc.resolve("b"))
        .isInstanceOf(EntryNotFoundException.class)
        .hasMessage("symlink loop at b");
    assertThatThrownBy(() -> toc.resolve("self"))
        .isInstanceOf(EntryNotFoundException.class)
        .hasMessage("symlink loop at self");
    assertThatThrownBy(() -> toc.resolve("h"))
        .isInstanceOf(EntryNotFoundException.class)
        .hasMessageStartingWith("symlink loop at h");
    assertThatThrownBy(() -> toc.resolve("x"))
        .isInstanceOf(EntryNotFoundException.class)
        .hasMessageStartingWith("symlink loop at x");
  }

  @Test
  @Timeout(5)
  void chainsLongerThanTheLimitAreReportedAsLoops() {
    List<FileMetadata> entries = new ArrayList<>();
    entries.add(reg("end", 3));
    entries.add(symlink("l0", "end"));
    for (int i = 1; i <= Toc.MAX_LINK_DEPTH; i++) {
      entries.add(symlink("l" + i, "l" + (i - 1)));
    }
    Toc toc = Toc.of(entries);
    assertThatThrownBy(() -> toc.resolve("l" + Toc.MAX_LINK_DEPTH))
        .isInstanceOf(EntryNotFoundException.class)
        .hasMessageStartingWith("symlink loop at ");
  }

  @Test
  void relativeSymlinkTargetsResolveAgainstTheLinkDirectory() throws Exception {
    FileMetadata busybox = reg("bin/busybox", 100);
    FileMetadata libc = reg("./lib/libc.so.6", 100);
    FileMetadata conf = reg("/etc/app.conf", 10);
    Toc toc =
        Toc.of(
            List.of(
                dir("bin/"),
                busybox,
                symlink("bin/sh", "busybox"),
                dir("./lib/"),
                libc,
                symlink("./lib/libc.so", "libc.so.6"),
                symlink("usr/lib/libc.so", "../../lib/libc.so"),
                symlink("usr/bin/sh", "../../bin/./sh"),
                conf,
                symlink("etc/app", "app.conf"),
                symlink("bin/up", "../../../../bin/busybox"),
                symlink("bin/dir", "../lib/")));
    assertThat(toc.resolve("bin/sh")).isSameAs(busybox);
    assertThat(toc.resolve("./lib/libc.so")).isSameAs(libc);
    assertThat(toc.resolve("usr/lib/libc.so")).isSameAs(libc); // two relative hops
    assertThat(toc.resolve("usr/bin/sh")).isSameAs(busybox);
    assertThat(toc.resolve("etc/app"))
        .isSameAs(conf); // "/etc/app.conf" differs only by the leading "/"
    assertThat(toc.resolve("bin/up")).isSameAs(busybox); // ".." stops at the root
    assertThat(toc.resolve("bin/dir").type()).isEqualTo(EntryType.DIR); // trailing "/" ignored
  }

  @Test
  void absoluteSymlinkTargetsResolveAgainstTheRoot() throws Exception {
    FileMetadata busybox = reg("./bin/busybox", 100);
    Toc toc =
        Toc.of(
            List.of(
                busybox,
                symlink("./usr/bin/env", "/bin/busybox"),
                symlink("./usr/bin/bad", "/bin/nothing")));
    assertThat(toc.resolve("./usr/bin/env")).isSameAs(busybox);
    assertThatThrownBy(() -> toc.resolve("./usr/bin/bad"))
        .isInstanceOf(EntryNotFoundException.class)
        .hasMessage("file /bin/nothing does not exist in metadata");
  }

  @Test
  void literalTargetWinsOverTheRelativeReading() throws Exception {
    // Upstream looks link names up literally; keep that where it finds something.
    FileMetadata rootPasswd = reg("etc/passwd", 1);
    FileMetadata nested = reg("a/etc/passwd", 2);
    Toc toc = Toc.of(List.of(rootPasswd, nested, symlink("a/link", "etc/passwd")));
    assertThat(toc.resolve("a/link")).isSameAs(rootPasswd);
  }

  @Test
  void hardLinkTargetsMatchIgnoringDotSlash() throws Exception {
    FileMetadata target = reg("./data/file", 1);
    Toc toc = Toc.of(List.of(target, hardlink("./data/hard", "data/file")));
    assertThat(toc.resolve("./data/hard")).isSameAs(target);
  }

  @Test
  void rawByteNamesResolve() throws Exception {
    byte[] name = {'d', (byte) 0xFF, 'x'};
    FileMetadata f = FileMetadata.builder().name(name).uncompressedOffset(offset += 512).build();
    FileMetadata link =
        FileMetadata.builder()
            .name("l")
            .type(EntryType.SYMLINK)
            .linkName(name)
            .uncompressedOffset(offset += 512)
            .build();
    Toc toc = Toc.of(List.of(f, link));
    assertThat(toc.resolve("l".getBytes(StandardCharsets.UTF_8))).isSameAs(f);
  }

  @Test
  void cleanIsGoPathCleanWithoutTheLeadingSlash() {
    assertThat(Toc.clean("./a/b/")).isEqualTo("a/b");
    assertThat(Toc.clean("/a//b/./c/..")).isEqualTo("a/b");
    assertThat(Toc.clean("../..")).isEqualTo("");
    assertThat(Toc.clean("./")).isEqualTo("");
    assertThat(Toc.clean("")).isEqualTo("");
    assertThat(Toc.clean("a/../../b")).isEqualTo("b");
    assertThat(Toc.clean("...")).isEqualTo("...");
  }
}
