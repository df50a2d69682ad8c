package dev.soci.core.nio;

import dev.soci.core.image.ImageEntry;
import dev.soci.ztoc.EntryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What {@code lstat} tells of an entry of the image, as {@code basic}, {@code posix} and {@code
 * unix} attributes. A symbolic link's size is its target's length, as on Linux; a directory's is 0.
 * Owners are numeric ids (the image's {@code /etc/passwd} is not consulted). The file key is the
 * layer and path of the entry that holds the data, so every name of a hard-linked file has the same
 * key.
 */
final class SociFileAttributes implements PosixFileAttributes {
  private static final PosixFilePermission[] BITS = {
    PosixFilePermission.OTHERS_EXECUTE,
    PosixFilePermission.OTHERS_WRITE,
    PosixFilePermission.OTHERS_READ,
    PosixFilePermission.GROUP_EXECUTE,
    PosixFilePermission.GROUP_WRITE,
    PosixFilePermission.GROUP_READ,
    PosixFilePermission.OWNER_EXECUTE,
    PosixFilePermission.OWNER_WRITE,
    PosixFilePermission.OWNER_READ
  };

  /** The identity of a file: the layer and path of the entry holding its data. */
  record Key(int layer, String path) {}

  private final ImageEntry entry;

  SociFileAttributes(ImageEntry entry) {
    this.entry = entry;
  }

  ImageEntry entry() {
    return entry;
  }

  @Override
  public FileTime lastModifiedTime() {
    return entry.modTime() == null ? FileTime.fromMillis(0) : FileTime.from(entry.modTime());
  }

  @Override
  public FileTime lastAccessTime() {
    return lastModifiedTime();
  }

  @Override
  public FileTime creationTime() {
    return lastModifiedTime();
  }

  @Override
  public boolean isRegularFile() {
    return entry.isRegularFile();
  }

  @Override
  public boolean isDirectory() {
    return entry.isDirectory();
  }

  @Override
  public boolean isSymbolicLink() {
    return entry.isSymbolicLink();
  }

  @Override
  public boolean isOther() {
    return !isRegularFile() && !isDirectory() && !isSymbolicLink();
  }

  @Override
  public long size() {
    if (entry.type() == EntryType.SYMLINK) {
      return entry.linkTarget().getBytes(StandardCharsets.UTF_8).length;
    }
    return entry.size();
  }

  @Override
  public Key fileKey() {
    if (entry.metadata() == null) {
      return new Key(entry.layer(), entry.path());
    }
    return new Key(entry.dataLayer(), entry.metadata().name());
  }

  @Override
  public UserPrincipal owner() {
    return new Principal.User(entry.uid());
  }

  @Override
  public GroupPrincipal group() {
    return new Principal.Group(entry.gid());
  }

  @Override
  public Set<PosixFilePermission> permissions() {
    Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
    for (int i = 0; i < BITS.length; i++) {
      if ((entry.mode() & (1L << i)) != 0) {
        s.add(BITS[i]);
      }
    }
    return s;
  }

  /** The {@code st_mode} bits: the file type and the permission and special bits. */
  int mode() {
    int type =
        switch (entry.type()) {
          case DIR -> 0040000;
          case SYMLINK -> 0120000;
          case CHAR -> 0020000;
          case BLOCK -> 0060000;
          case FIFO -> 0010000;
          default -> 0100000;
        };
    return type | (int) (entry.mode() & 07777);
  }

  /**
   * The attributes {@code names} of {@code view} ({@code basic}, {@code posix} or {@code unix}).
   */
  Map<String, Object> asMap(String view, Set<String> names) {
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("lastModifiedTime", lastModifiedTime());
    all.put("lastAccessTime", lastAccessTime());
    all.put("creationTime", creationTime());
    all.put("size", size());
    all.put("isRegularFile", isRegularFile());
    all.put("isDirectory", isDirectory());
    all.put("isSymbolicLink", isSymbolicLink());
    all.put("isOther", isOther());
    all.put("fileKey", fileKey());
    if (!view.equals("basic")) {
      all.put("owner", owner());
      all.put("group", group());
      all.put("permissions", permissions());
    }
    if (view.equals("unix")) {
      all.put("mode", mode());
      all.put("uid", (int) entry.uid());
      all.put("gid", (int) entry.gid());
    }
    if (names.contains("*")) {
      return all;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (String n : names) {
      if (!all.containsKey(n)) {
        throw new IllegalArgumentException("'" + n + "' not recognized for the " + view + " view");
      }
      out.put(n, all.get(n));
    }
    return out;
  }

  /** A numeric user or group. */
  sealed interface Principal extends UserPrincipal {
    record User(long id) implements Principal {
      @Override
      public String getName() {
        return Long.toString(id);
      }
    }

    record Group(long id) implements Principal, GroupPrincipal {
      @Override
      public String getName() {
        return Long.toString(id);
      }
    }
  }
}
