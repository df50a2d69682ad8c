package dev.soci.ztoc;

import java.util.List;

/**
 * The table of contents of a layer: its tar entries in archive order, with lookup by name.
 * Immutable and thread-safe.
 */
public final class Toc {
  private final List<FileMetadata> entries;

  Toc(List<FileMetadata> entries) {
    this.entries = List.copyOf(entries);
  }

  /** The entries in archive order. */
  public List<FileMetadata> entries() {
    return entries;
  }
}
