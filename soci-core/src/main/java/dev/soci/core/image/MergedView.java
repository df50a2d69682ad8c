package dev.soci.core.image;

import dev.soci.ztoc.EntryType;
import dev.soci.ztoc.FileMetadata;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.TreeSet;

/**
 * The image's file tree as a container sees it: its layers stacked, the top one first, with OCI
 * whiteouts and opaque directories applied, and paths resolved the way the kernel resolves them
 * inside a {@code chroot}: symbolic links are followed in every component, absolute targets start
 * again at the image root, {@code ..} at the root stays at the root (nothing resolves outside the
 * image), and more than {@value #MAX_SYMLINK_HOPS} links in one resolution is an error (a loop).
 * Hard links name the entry that holds the data, in their own layer or a lower one.
 *
 * <p>Layers are asked for lazily ({@link Layers#tree}), only when a lookup reaches them.
 * Thread-safe if {@link Layers} is.
 */
final class MergedView {
  /** The most symbolic links one resolution follows (Linux's {@code MAXSYMLINKS}). */
  static final int MAX_SYMLINK_HOPS = 40;

  /** The layers, 0 the bottom one. */
  interface Layers {
    int count();

    LayerTree tree(int layer) throws IOException;
  }

  /**
   * A path of the merged view and what it is.
   *
   * @param path the cleaned path, {@code ""} for the root
   * @param metadata the entry (a hard link's own entry), or {@code null} for the root and for a
   *     directory that only exists because entries lie below it
   * @param layer the layer it comes from (0 the bottom), -1 for the root
   */
  record Node(String path, FileMetadata metadata, int layer) {
    boolean isDirectory() {
      return metadata == null || metadata.type() == EntryType.DIR;
    }

    EntryType type() {
      return metadata == null ? EntryType.DIR : metadata.type();
    }
  }

  private final Layers layers;

  MergedView(Layers layers) {
    this.layers = layers;
  }

  /** What {@link #find} saw: the node, or why there is none. */
  private record Found(Node node, int deletedIn) {}

  /**
   * The top-most node at the cleaned {@code path} among layers {@code top} and below, without
   * following links; the path's parent must be a directory of the merged view.
   */
  private Found find(String path, int top) throws IOException {
    if (path.isEmpty()) {
      return new Found(new Node("", null, -1), -1);
    }
    int implicitAt = -1;
    for (int i = top; i >= 0; i--) {
      LayerTree t = layers.tree(i);
      FileMetadata e = t.entry(path);
      if (e != null) {
        if (implicitAt >= 0 && e.type() != EntryType.DIR) {
          break; // the upper layer made a directory where this one has a file
        }
        return new Found(new Node(path, e, i), -1);
      }
      if (t.isImplicitDir(path)) {
        implicitAt = i; // the lowest layer that made it; look further down for its own entry
      }
      if (t.hidesBelow(path)) {
        if (implicitAt < 0) {
          return new Found(null, t.whitesOut(path) ? i : -1);
        }
        break;
      }
    }
    return new Found(implicitAt >= 0 ? new Node(path, null, implicitAt) : null, -1);
  }

  /**
   * Resolves {@code path} (absolute or relative to the root) through the merged view.
   *
   * @param followLast whether a symbolic link in the last component is followed ({@code stat}) or
   *     returned ({@code lstat}); links in the other components always are
   * @return the node; a hard link is returned as itself (see {@link #hardLinkTarget})
   * @throws NoSuchFileException if a component does not exist (saying when a whiteout deleted it)
   * @throws NotDirectoryException if a component other than the last is not a directory
   * @throws FileSystemException if more than {@value #MAX_SYMLINK_HOPS} symbolic links are met
   */
  Node lookup(String path, boolean followLast) throws IOException {
    Deque<String> rest = new ArrayDeque<>(Arrays.asList(path.split("/")));
    List<String> resolved = new ArrayList<>();
    Node current = new Node("", null, -1);
    int hops = 0;
    while (!rest.isEmpty()) {
      String c = rest.pollFirst();
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        if (!resolved.isEmpty()) {
          resolved.remove(resolved.size() - 1);
        }
        current = null; // recomputed below if this was the last component
        continue;
      }
      String candidate = LayerTree.join(String.join("/", resolved), c);
      Found f = find(candidate, layers.count() - 1);
      if (f.node() == null) {
        throw new NoSuchFileException(
            path,
            null,
            "no such file or directory in the image"
                + (candidate.equals(LayerTree.clean(path)) ? "" : " (" + candidate + " is missing)")
                + (f.deletedIn() >= 0
                    ? " (deleted by a whiteout in layer " + (f.deletedIn() + 1) + ")"
                    : ""));
      }
      Node n = hardLinkTarget(f.node());
      boolean last = rest.stream().allMatch(s -> s.isEmpty() || s.equals("."));
      if (n.type() == EntryType.SYMLINK && (!last || followLast)) {
        if (++hops > MAX_SYMLINK_HOPS) {
          throw new FileSystemException(
              path,
              null,
              "too many levels of symbolic links (more than "
                  + MAX_SYMLINK_HOPS
                  + "; a loop at "
                  + candidate
                  + "?)");
        }
        String target = n.metadata().linkName();
        if (target.isEmpty()) {
          throw new NoSuchFileException(path, null, "symbolic link " + candidate + " is empty");
        }
        if (target.startsWith("/")) {
          resolved.clear();
        }
        String[] parts = target.split("/");
        for (int k = parts.length - 1; k >= 0; k--) {
          rest.addFirst(parts[k]);
        }
        current = null;
        continue;
      }
      if (!last && !n.isDirectory()) {
        throw new NotDirectoryException(path + ": " + candidate + " is not a directory");
      }
      resolved.add(c);
      current = f.node();
    }
    if (current == null) {
      // the last step was ".." or a followed link: the directory reached is already resolved
      String p = String.join("/", resolved);
      current = find(p, layers.count() - 1).node();
    }
    return current;
  }

  /**
   * The node holding a hard link's data (the link's target, itself followed if it is a hard link),
   * or {@code node} itself for any other type. A target is looked up in the link's layer, then
   * below it.
   */
  Node hardLinkTarget(Node node) throws IOException {
    Node n = node;
    for (int hops = 0; n.type() == EntryType.HARDLINK; hops++) {
      if (hops > MAX_SYMLINK_HOPS) {
        throw new FileSystemException(node.path(), null, "hard link chain too long or a loop");
      }
      String target = LayerTree.clean(n.metadata().linkName());
      FileMetadata same = layers.tree(n.layer()).entry(target);
      Node next =
          same != null
              ? new Node(target, same, n.layer())
              : n.layer() > 0 ? find(target, n.layer() - 1).node() : null;
      if (next == null || next.metadata() == null) {
        throw new NoSuchFileException(node.path(), target, "hard link target is not in the image");
      }
      n = next;
    }
    return n;
  }

  /**
   * The nodes directly in the directory {@code dir} (links followed to reach it), sorted by name.
   *
   * @throws NotDirectoryException if {@code dir} is not a directory
   */
  List<Node> list(String dir) throws IOException {
    Node d = lookup(dir, true);
    if (!hardLinkTarget(d).isDirectory()) {
      throw new NotDirectoryException(dir);
    }
    String p = d.path();
    TreeSet<String> names = new TreeSet<>();
    for (int i = layers.count() - 1; i >= 0; i--) {
      LayerTree t = layers.tree(i);
      names.addAll(t.children(p)); // find() below drops the names hidden from the merged view
    }
    List<Node> out = new ArrayList<>();
    for (String name : names) {
      Node n = find(LayerTree.join(p, name), layers.count() - 1).node();
      if (n != null) {
        out.add(n);
      }
    }
    return out;
  }
}
