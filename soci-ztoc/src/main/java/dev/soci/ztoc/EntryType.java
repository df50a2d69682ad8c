package dev.soci.ztoc;

/** The kind of a TOC entry, with the type string a zTOC stores for it. */
public enum EntryType {
  /** Regular file (tar typeflag {@code '0'} or NUL). */
  REG("reg", '0'),
  /** Hard link (typeflag {@code '1'}). */
  HARDLINK("hardlink", '1'),
  /** Symbolic link (typeflag {@code '2'}). */
  SYMLINK("symlink", '2'),
  /** Character device (typeflag {@code '3'}). */
  CHAR("char", '3'),
  /** Block device (typeflag {@code '4'}). */
  BLOCK("block", '4'),
  /** Directory (typeflag {@code '5'}). */
  DIR("dir", '5'),
  /** Named pipe (typeflag {@code '6'}). */
  FIFO("fifo", '6');

  private final String wireName;
  private final char typeflag;

  EntryType(String wireName, char typeflag) {
    this.wireName = wireName;
    this.typeflag = typeflag;
  }

  /** The string stored in {@code FileMetadata.type}. */
  public String wireName() {
    return wireName;
  }

  /** The tar typeflag this type is written with. */
  public char typeflag() {
    return typeflag;
  }

  /** Returns the type for a stored type string, or {@code null} if it is not one of ours. */
  public static EntryType fromWireName(String name) {
    for (EntryType t : values()) {
      if (t.wireName.equals(name)) {
        return t;
      }
    }
    return null;
  }
}
