package dev.soci.core.image;

import dev.soci.ztoc.EntryType;
import dev.soci.ztoc.FileMetadata;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One layer's changeset, indexed by cleaned path ({@link #clean}): its entries, the directories
 * that exist only because something lies below them (implicit directories), the paths its OCI
 * whiteouts ({@code .wh.<name>}) delete from lower layers, and its opaque directories ({@code
 * .wh..wh..opq}). Whiteout markers are not entries: they are never seen in the merged view. A path
 * that occurs twice keeps its last entry, as extracting the tar would. Immutable.
 */
final class LayerTree {
  static final String WHITEOUT_PREFIX = ".wh.";
  static final String OPAQUE_MARKER = ".wh..wh..opq";

  private final Map<String, FileMetadata> entries = new HashMap<>();
  private final Set<String> implicitDirs = new HashSet<>();
  private final Set<String> whiteouts = new HashSet<>();
  private final Set<String> opaque = new HashSet<>();
  private final Map<String, Set<String>> children = new HashMap<>();

  private LayerTree(List<FileMetadata> files) {
    for (FileMetadata f : files) {
      String path = clean(f.name());
      if (path.isEmpty()) {
        continue; // the root itself: the merged root is always a directory
      }
      String parent = parent(path);
      String base = path.substring(parent.isEmpty() ? 0 : parent.length() + 1);
      if (base.startsWith(WHITEOUT_PREFIX)) {
        if (base.equals(OPAQUE_MARKER)) {
          opaque.add(parent);
        } else if (!base.startsWith(WHITEOUT_PREFIX + WHITEOUT_PREFIX)) {
          whiteouts.add(join(parent, base.substring(WHITEOUT_PREFIX.length())));
        } // other .wh..wh.* names are aufs bookkeeping: ignored
        addParents(parent);
        continue;
      }
      entries.put(path, f);
      implicitDirs.remove(path);
      children.computeIfAbsent(parent, k -> new TreeSet<>()).add(base);
      addParents(parent);
    }
  }

  /** Indexes the entries of one layer, in tar order. */
  static LayerTree of(List<FileMetadata> files) {
    return new LayerTree(files);
  }

  /** Records {@code dir} and its ancestors as directories of this layer. */
  private void addParents(String dir) {
    while (!dir.isEmpty()) {
      if (!entries.containsKey(dir)) {
        implicitDirs.add(dir);
      }
      String p = parent(dir);
      children
          .computeIfAbsent(p, k -> new TreeSet<>())
          .add(dir.substring(p.isEmpty() ? 0 : p.length() + 1));
      dir = p;
    }
  }

  /** The entry at {@code path}, or {@code null}. */
  FileMetadata entry(String path) {
    return entries.get(path);
  }

  /** Whether {@code path} is a directory of this layer only because entries lie below it. */
  boolean isImplicitDir(String path) {
    return implicitDirs.contains(path);
  }

  /**
   * Whether this layer hides {@code path} of the layers below it: a whiteout of the path or of a
   * proper ancestor, an opaque proper ancestor, or a proper ancestor that is not a directory here
   * (a file that replaced a directory deletes what was below it).
   */
  boolean hidesBelow(String path) {
    if (whiteouts.contains(path)) {
      return true;
    }
    for (String a = parent(path); ; a = parent(a)) {
      if (opaque.contains(a)) {
        return true;
      }
      if (a.isEmpty()) {
        return false;
      }
      if (whiteouts.contains(a)) {
        return true;
      }
      FileMetadata e = entries.get(a);
      if (e != null && e.type() != EntryType.DIR) {
        return true;
      }
    }
  }

  /** Whether a whiteout of this layer names {@code path} itself. */
  boolean whitesOut(String path) {
    return whiteouts.contains(path);
  }

  /** The names directly below {@code dir} in this layer (entries and implicit directories). */
  Set<String> children(String dir) {
    Set<String> c = children.get(dir);
    return c == null ? Set.of() : Collections.unmodifiableSet(c);
  }

  /**
   * Go's {@code path.Clean("/" + p)} without the leading slash: {@code ./a//b/../c/} becomes {@code
   * a/c}, {@code ..} at the root stays at the root, and the root is {@code ""}.
   */
  static String clean(String p) {
    List<String> parts = new ArrayList<>();
    for (String seg : p.split("/", -1)) {
      if (seg.equals("..")) {
        if (!parts.isEmpty()) {
          parts.remove(parts.size() - 1);
        }
      } else if (!seg.isEmpty() && !seg.equals(".")) {
        parts.add(seg);
      }
    }
    return String.join("/", parts);
  }

  /** The parent of a cleaned path ({@code ""} for a top-level name and for the root). */
  static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

  /** {@code dir/name}, or {@code name} at the root. */
  static String join(String dir, String name) {
    return dir.isEmpty() ? name : dir + "/" + name;
  }
}
