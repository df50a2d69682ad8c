package dev.soci.core.image;

import dev.soci.ztoc.EntryType;
import dev.soci.ztoc.FileMetadata;
import java.time.Instant;

/**
 * A path of an image's merged view and what it is, as {@code lstat} would tell inside a container
 * (see {@link SociImage#lookup}). Hard links are shown as what they link to (a hard link is just
 * another name of a file): their type, size and attributes are the target's, and {@link
 * #metadata()} is the target's entry, which holds the data.
 *
 * @param path the path in the image, cleaned, without a leading slash ({@code ""} for the root)
 * @param type the entry type: never {@link EntryType#HARDLINK}
 * @param size the file size in bytes (0 for anything but a regular file)
 * @param mode the permission and special mode bits from the tar header ({@code 0755} for a
 *     directory that has no entry of its own)
 * @param uid the owner's user id
 * @param gid the owner's group id
 * @param modTime the modification time, or {@code null} when unknown (a directory without entry)
 * @param linkTarget the target of a symbolic link or hard link as stored, else {@code ""}
 * @param layer the layer the path comes from, 0 the bottom one; -1 for the root
 * @param dataLayer the layer holding the data: {@code layer}, or the hard link target's layer
 * @param metadata the TOC entry holding the data, or {@code null} for the root and for directories
 *     without an entry of their own
 */
public record ImageEntry(
    String path,
    EntryType type,
    long size,
    long mode,
    long uid,
    long gid,
    Instant modTime,
    String linkTarget,
    int layer,
    int dataLayer,
    FileMetadata metadata) {

  /** Whether this is a directory. */
  public boolean isDirectory() {
    return type == EntryType.DIR;
  }

  /** Whether this is a regular file (possibly reached through a hard link). */
  public boolean isRegularFile() {
    return type == EntryType.REG;
  }

  /** Whether this is a symbolic link. */
  public boolean isSymbolicLink() {
    return type == EntryType.SYMLINK;
  }

  /** The last component of {@link #path()} ({@code ""} for the root). */
  public String name() {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  static ImageEntry of(MergedView.Node node, MergedView.Node data) {
    FileMetadata m = data.metadata();
    if (m == null) {
      return new ImageEntry(
          node.path(), EntryType.DIR, 0, 0755, 0, 0, null, "", node.layer(), data.layer(), null);
    }
    String link = node.metadata() != null ? node.metadata().linkName() : "";
    return new ImageEntry(
        node.path(),
        m.type(),
        m.type() == EntryType.REG ? m.uncompressedSize() : 0,
        m.mode(),
        m.uid(),
        m.gid(),
        m.modTimeInstant().orElse(null),
        link,
        node.layer(),
        data.layer(),
        m);
  }
}
