package dev.soci.ztoc.internal.tar;

import dev.soci.ztoc.FileMetadata;
import java.util.List;

/**
 * The result of parsing a layer's tar stream: its TOC entries and the archive size a zTOC records.
 * Immutable.
 *
 * @param entries the TOC entries in archive order
 * @param archiveSize upstream's {@code uncompressed_archive_size}: the number of uncompressed bytes
 *     consumed up to and including the end-of-archive zero blocks, or up to the end of the stream
 *     when it has none; bytes after the end marker are not counted
 */
public record TarToc(List<FileMetadata> entries, long archiveSize) {
  /** Copies {@code entries} into an immutable list. */
  public TarToc {
    entries = List.copyOf(entries);
  }
}
