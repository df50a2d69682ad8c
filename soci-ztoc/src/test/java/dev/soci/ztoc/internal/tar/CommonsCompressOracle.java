package dev.soci.ztoc.internal.tar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.ztoc.EntryType;
import dev.soci.ztoc.FileMetadata;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Compares a TOC with what commons-compress reads from the same tar: names, types, link names,
 * owners, modes, devices, times, and each regular file's bytes found at the recorded offset of the
 * uncompressed stream.
 */
final class CommonsCompressOracle {
  private CommonsCompressOracle() {}

  /** Names, link names, types and data at offsets. */
  static void assertDataAtOffsets(byte[] tar, TarToc toc) throws IOException {
    compare(tar, toc, false);
  }

  /** Everything {@link #assertDataAtOffsets} checks plus owners, modes, devices and times. */
  static void assertSameEntries(byte[] tar, TarToc toc) throws IOException {
    compare(tar, toc, true);
  }

  private static void compare(byte[] tar, TarToc toc, boolean allFields) throws IOException {
    List<FileMetadata> entries = toc.entries();
    int i = 0;
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      TarArchiveEntry ce;
      while ((ce = in.getNextEntry()) != null) {
        if (ce.isGlobalPaxHeader()) {
          continue;
        }
        assertThat(i).as("more entries than the TOC has").isLessThan(entries.size());
        FileMetadata e = entries.get(i++);
        // commons-compress appends '/' to directory names that lack it; upstream does not.
        String name =
            e.type() == EntryType.DIR && !e.name().endsWith("/") ? e.name() + "/" : e.name();
        assertThat(name).isEqualTo(ce.getName());
        assertThat(e.linkName()).as(name).isEqualTo(ce.getLinkName());
        assertThat(e.type()).as(name).isEqualTo(typeOf(ce));
        if (allFields) {
          assertThat(e.mode()).as(name).isEqualTo(ce.getMode());
          assertThat(e.uid()).as(name).isEqualTo(ce.getLongUserId() & 0xFFFF_FFFFL);
          assertThat(e.gid()).as(name).isEqualTo(ce.getLongGroupId() & 0xFFFF_FFFFL);
          assertThat(e.userName()).as(name).isEqualTo(ce.getUserName());
          assertThat(e.groupName()).as(name).isEqualTo(ce.getGroupName());
          assertThat(e.modTimeInstant()).as(name).hasValue(ce.getLastModifiedTime().toInstant());
          if (e.type() == EntryType.CHAR || e.type() == EntryType.BLOCK) {
            assertThat(e.devMajor()).as(name).isEqualTo(ce.getDevMajor());
            assertThat(e.devMinor()).as(name).isEqualTo(ce.getDevMinor());
          }
        }
        if (e.type() == EntryType.REG) {
          byte[] data = in.readAllBytes();
          assertThat(e.uncompressedSize()).as(name).isEqualTo(data.length);
          long off = e.uncompressedOffset();
          assertThat(off % 512).isZero();
          assertThat(Arrays.equals(tar, (int) off, (int) off + data.length, data, 0, data.length))
              .as("data of %s at offset %d", name, off)
              .isTrue();
        } else {
          assertThat(e.uncompressedSize()).as(name).isZero();
        }
      }
    }
    assertThat(i).as("entries commons-compress found").isEqualTo(entries.size());
  }

  private static EntryType typeOf(TarArchiveEntry ce) {
    if (ce.isSymbolicLink()) {
      return EntryType.SYMLINK;
    }
    if (ce.isLink()) {
      return EntryType.HARDLINK;
    }
    if (ce.isCharacterDevice()) {
      return EntryType.CHAR;
    }
    if (ce.isBlockDevice()) {
      return EntryType.BLOCK;
    }
    if (ce.isFIFO()) {
      return EntryType.FIFO;
    }
    if (ce.isDirectory()) {
      return EntryType.DIR;
    }
    return EntryType.REG;
  }
}
