package dev.soci.ztoc;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of a zTOC's table of contents: a tar entry with the offset of its data in the
 * uncompressed tar stream. Names, link names and user/group names are kept as the raw bytes of the
 * tar (never normalized); the {@code String} accessors decode them as UTF-8 for display. PAX
 * records are kept sorted by key (unsigned byte order), one record per key. Immutable.
 */
public final class FileMetadata {
  private final byte[] name;
  private final EntryType type;
  private final long uncompressedOffset;
  private final long uncompressedSize;
  private final byte[] linkName;
  private final long mode;
  private final long uid;
  private final long gid;
  private final byte[] userName;
  private final byte[] groupName;
  private final String modTime;
  private final long devMajor;
  private final long devMinor;
  private final List<PaxRecord> paxRecords;

  private FileMetadata(Builder b) {
    this.name = b.name;
    this.type = Objects.requireNonNull(b.type, "type");
    this.uncompressedOffset = b.uncompressedOffset;
    this.uncompressedSize = b.uncompressedSize;
    this.linkName = b.linkName;
    this.mode = b.mode;
    this.uid = b.uid & 0xFFFF_FFFFL;
    this.gid = b.gid & 0xFFFF_FFFFL;
    this.userName = b.userName;
    this.groupName = b.groupName;
    this.modTime = b.modTime;
    this.devMajor = b.devMajor;
    this.devMinor = b.devMinor;
    this.paxRecords = sortedUnique(b.paxRecords);
  }

  private static List<PaxRecord> sortedUnique(List<PaxRecord> records) {
    int n = records.size();
    if (n == 0) {
      return List.of();
    }
    boolean strictlyAscending = true;
    for (int i = 1; i < n && strictlyAscending; i++) {
      strictlyAscending =
          Arrays.compareUnsigned(records.get(i - 1).keyBytes(), records.get(i).keyBytes()) < 0;
    }
    if (strictlyAscending) {
      return Collections.unmodifiableList(new ArrayList<>(records));
    }
    // Stable sort, then keep the last record of each run of equal keys: later records win.
    List<PaxRecord> sorted = new ArrayList<>(records);
    sorted.sort((x, y) -> Arrays.compareUnsigned(x.keyBytes(), y.keyBytes()));
    List<PaxRecord> unique = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      if (i + 1 < n && Arrays.equals(sorted.get(i).keyBytes(), sorted.get(i + 1).keyBytes())) {
        continue;
      }
      unique.add(sorted.get(i));
    }
    return Collections.unmodifiableList(unique);
  }

  /** Returns a new builder with every field empty or zero. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder initialised with this entry's fields. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.type = type;
    b.uncompressedOffset = uncompressedOffset;
    b.uncompressedSize = uncompressedSize;
    b.linkName = linkName;
    b.mode = mode;
    b.uid = uid;
    b.gid = gid;
    b.userName = userName;
    b.groupName = groupName;
    b.modTime = modTime;
    b.devMajor = devMajor;
    b.devMinor = devMinor;
    b.paxRecords = new ArrayList<>(paxRecords);
    return b;
  }

  /** The entry name decoded as UTF-8. */
  public String name() {
    return new String(name, StandardCharsets.UTF_8);
  }

  /** The entry name as raw tar bytes (a copy). */
  public byte[] rawName() {
    return name.clone();
  }

  /** The entry type. */
  public EntryType type() {
    return type;
  }

  /** Offset of the entry's first data byte in the uncompressed tar stream. */
  public long uncompressedOffset() {
    return uncompressedOffset;
  }

  /** Size of the entry's data as the tar header (or PAX {@code size}) states it. */
  public long uncompressedSize() {
    return uncompressedSize;
  }

  /** The link target decoded as UTF-8 ({@code ""} when none). */
  public String linkName() {
    return new String(linkName, StandardCharsets.UTF_8);
  }

  /** The link target as raw tar bytes (a copy). */
  public byte[] rawLinkName() {
    return linkName.clone();
  }

  /** The raw mode field of the tar header (permission and any other bits the writer stored). */
  public long mode() {
    return mode;
  }

  /** Owner user id, as the unsigned 32-bit value a zTOC stores. */
  public long uid() {
    return uid;
  }

  /** Owner group id, as the unsigned 32-bit value a zTOC stores. */
  public long gid() {
    return gid;
  }

  /** Owner user name decoded as UTF-8. */
  public String userName() {
    return new String(userName, StandardCharsets.UTF_8);
  }

  /** Owner group name decoded as UTF-8. */
  public String groupName() {
    return new String(groupName, StandardCharsets.UTF_8);
  }

  /** The modification time as stored: Go RFC 3339 text, or {@code ""} when out of range. */
  public String modTime() {
    return modTime;
  }

  /** The modification time parsed from {@link #modTime()}, empty when it does not parse. */
  public Optional<Instant> modTimeInstant() {
    try {
      return Optional.of(OffsetDateTime.parse(modTime).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** Device major number (devices; 0 otherwise unless the tar stored one). */
  public long devMajor() {
    return devMajor;
  }

  /** Device minor number. */
  public long devMinor() {
    return devMinor;
  }

  /** All PAX records of the entry, sorted by key in unsigned byte order. */
  public List<PaxRecord> paxRecords() {
    return paxRecords;
  }

  /** Whether this entry's name is exactly {@code rawName}. */
  public boolean hasName(byte[] rawName) {
    return Arrays.equals(name, rawName);
  }

  // Package-private views without copies, for the codec and lookups.
  byte[] nameBytes() {
    return name;
  }

  byte[] linkNameBytes() {
    return linkName;
  }

  byte[] userNameBytes() {
    return userName;
  }

  byte[] groupNameBytes() {
    return groupName;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof FileMetadata)) {
      return false;
    }
    FileMetadata f = (FileMetadata) o;
    return Arrays.equals(name, f.name)
        && type == f.type
        && uncompressedOffset == f.uncompressedOffset
        && uncompressedSize == f.uncompressedSize
        && Arrays.equals(linkName, f.linkName)
        && mode == f.mode
        && uid == f.uid
        && gid == f.gid
        && Arrays.equals(userName, f.userName)
        && Arrays.equals(groupName, f.groupName)
        && modTime.equals(f.modTime)
        && devMajor == f.devMajor
        && devMinor == f.devMinor
        && paxRecords.equals(f.paxRecords);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(name), type, uncompressedOffset, uncompressedSize);
  }

  @Override
  public String toString() {
    return type.wireName()
        + " "
        + name()
        + " @"
        + uncompressedOffset
        + "+"
        + uncompressedSize
        + (linkName.length > 0 ? " -> " + linkName() : "");
  }

  /** Builds a {@link FileMetadata}; every field defaults to empty or zero. Not thread-safe. */
  public static final class Builder {
    private byte[] name = new byte[0];
    private EntryType type = EntryType.REG;
    private long uncompressedOffset;
    private long uncompressedSize;
    private byte[] linkName = new byte[0];
    private long mode;
    private long uid;
    private long gid;
    private byte[] userName = new byte[0];
    private byte[] groupName = new byte[0];
    private String modTime = "";
    private long devMajor;
    private long devMinor;
    private List<PaxRecord> paxRecords = new ArrayList<>();

    private Builder() {}

    /** Sets the raw name bytes (copied). */
    public Builder name(byte[] raw) {
      this.name = raw.clone();
      return this;
    }

    /** Sets the name from a string, encoded as UTF-8. */
    public Builder name(String name) {
      this.name = name.getBytes(StandardCharsets.UTF_8);
      return this;
    }

    /** Sets the entry type. */
    public Builder type(EntryType type) {
      this.type = type;
      return this;
    }

    /** Sets the offset of the first data byte in the uncompressed tar. */
    public Builder uncompressedOffset(long offset) {
      this.uncompressedOffset = offset;
      return this;
    }

    /** Sets the data size. */
    public Builder uncompressedSize(long size) {
      this.uncompressedSize = size;
      return this;
    }

    /** Sets the raw link target bytes (copied). */
    public Builder linkName(byte[] raw) {
      this.linkName = raw.clone();
      return this;
    }

    /** Sets the link target from a string, encoded as UTF-8. */
    public Builder linkName(String linkName) {
      this.linkName = linkName.getBytes(StandardCharsets.UTF_8);
      return this;
    }

    /** Sets the raw mode field. */
    public Builder mode(long mode) {
      this.mode = mode;
      return this;
    }

    /** Sets the user id; only the low 32 bits are kept, as in a zTOC. */
    public Builder uid(long uid) {
      this.uid = uid;
      return this;
    }

    /** Sets the group id; only the low 32 bits are kept, as in a zTOC. */
    public Builder gid(long gid) {
      this.gid = gid;
      return this;
    }

    /** Sets the raw user name bytes (copied). */
    public Builder userName(byte[] raw) {
      this.userName = raw.clone();
      return this;
    }

    /** Sets the user name from a string, encoded as UTF-8. */
    public Builder userName(String s) {
      this.userName = s.getBytes(StandardCharsets.UTF_8);
      return this;
    }

    /** Sets the raw group name bytes (copied). */
    public Builder groupName(byte[] raw) {
      this.groupName = raw.clone();
      return this;
    }

    /** Sets the group name from a string, encoded as UTF-8. */
    public Builder groupName(String s) {
      this.groupName = s.getBytes(StandardCharsets.UTF_8);
      return this;
    }

    /** Sets the modification time text exactly as it is to be stored. */
    public Builder modTime(String text) {
      this.modTime = Objects.requireNonNull(text, "modTime");
      return this;
    }

    /** Sets the device major number. */
    public Builder devMajor(long devMajor) {
      this.devMajor = devMajor;
      return this;
    }

    /** Sets the device minor number. */
    public Builder devMinor(long devMinor) {
      this.devMinor = devMinor;
      return this;
    }

    /** Replaces the PAX records (a later record with the same key wins). */
    public Builder paxRecords(List<PaxRecord> records) {
      this.paxRecords = new ArrayList<>(records);
      return this;
    }

    /** Adds one PAX record (replacing an earlier one with the same key). */
    public Builder addPaxRecord(PaxRecord record) {
      this.paxRecords.add(record);
      return this;
    }

    // Package-private setters that take ownership of the array (no copy), for the decoder.
    Builder nameBytes(byte[] raw) {
      this.name = raw;
      return this;
    }

    Builder linkNameBytes(byte[] raw) {
      this.linkName = raw;
      return this;
    }

    Builder userNameBytes(byte[] raw) {
      this.userName = raw;
      return this;
    }

    Builder groupNameBytes(byte[] raw) {
      this.groupName = raw;
      return this;
    }

    /** Builds the immutable entry. */
    public FileMetadata build() {
      return new FileMetadata(this);
    }
  }
}
