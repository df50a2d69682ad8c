package dev.soci.ztoc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The table of contents of a layer: its tar entries in the order given, with lookup by name.
 *
 * <p>{@link #find} matches the raw entry name exactly, like upstream's {@code GetMetadataEntry} (a
 * name that occurs twice finds its first entry). {@link #resolve} also follows links: like upstream
 * it first looks a link target up literally, but where that fails it does better for symbolic
 * links, resolving a relative target against the link's directory and an absolute one against the
 * layer root (lexically cleaned, so {@code ./a}, {@code /a} and {@code a/} all find {@code a}); and
 * it never loops.
 *
 * <p>Immutable and thread-safe. The name indexes are built once, on first use.
 */
public final class Toc {
  /** The most links {@link #resolve} follows before it reports a loop. */
  public static final int MAX_LINK_DEPTH = 255;

  private static final int TAR_BLOCK = 512;

  private final List<FileMetadata> entries;
  private volatile Index index;
  private volatile Map<FileMetadata, Long> headerOffsets;

  Toc(List<FileMetadata> entries) {
    this.entries = List.copyOf(entries);
  }

  /** Creates a TOC of the given entries, kept in the order given. */
  public static Toc of(List<FileMetadata> entries) {
    return new Toc(entries);
  }

  /** The entries in the order given (a decoded zTOC's entries are sorted by offset). */
  public List<FileMetadata> entries() {
    return entries;
  }

  /** The first entry whose raw name is exactly {@code name} encoded as UTF-8. */
  public Optional<FileMetadata> find(String name) {
    return find(name.getBytes(StandardCharsets.UTF_8));
  }

  /** The first entry whose raw name is exactly {@code rawName}. */
  public Optional<FileMetadata> find(byte[] rawName) {
    return Optional.ofNullable(index().exact.get(key(rawName)));
  }

  /**
   * Finds {@code name} (exactly) and follows links to the entry that holds the data.
   *
   * @throws EntryNotFoundException {@code file <name> does not exist in metadata} for a missing
   *     name or link target, {@code symlink loop at <name>} for a cycle or a chain longer than
   *     {@value #MAX_LINK_DEPTH} links
   */
  public FileMetadata resolve(String name) throws EntryNotFoundException {
    return resolve(name.getBytes(StandardCharsets.UTF_8));
  }

  /** Like {@link #resolve(String)} for a raw name. */
  public FileMetadata resolve(byte[] rawName) throws EntryNotFoundException {
    Index idx = index();
    FileMetadata current = idx.exact.get(key(rawName));
    if (current == null) {
      throw notFound(rawName);
    }
    Set<FileMetadata> followed = null;
    int depth = 0;
    while (current.linkNameBytes().length > 0) {
      if (followed == null) {
        followed = Collections.newSetFromMap(new IdentityHashMap<>());
      }
      if (!followed.add(current) || ++depth > MAX_LINK_DEPTH) {
        throw new EntryNotFoundException("symlink loop at " + current.name());
      }
      FileMetadata next = idx.linkTarget(current);
      if (next == null) {
        throw notFound(current.linkNameBytes());
      }
      current = next;
    }
    return current;
  }

  /**
   * Where the tar header chain of {@code entry} starts in the uncompressed layer: upstream's {@code
   * TarHeaderOffset} ({@code toc.md} section 8). It is 0 for the entry with the lowest offset, and
   * for every other entry the end of the previous entry's data (in offset order) rounded up to 512
   * bytes. The bytes {@code [headerOffset, entry.uncompressedOffset())} hold the entry's header
   * blocks, including PAX and GNU long-name headers, and must parse as that entry: {@link
   * TarHeaderVerifier} checks it.
   *
   * @throws IllegalArgumentException if {@code entry} is not one of this TOC's entries (the same
   *     object, as returned by {@link #entries()}, {@link #find} or {@link #resolve})
   */
  public long headerOffset(FileMetadata entry) {
    Map<FileMetadata, Long> m = headerOffsets;
    if (m == null) {
      m = computeHeaderOffsets(entries);
      headerOffsets = m;
    }
    Long h = m.get(entry);
    if (h == null) {
      throw new IllegalArgumentException("entry " + entry.name() + " is not in this TOC");
    }
    return h;
  }

  private static Map<FileMetadata, Long> computeHeaderOffsets(List<FileMetadata> entries) {
    List<FileMetadata> sorted = new ArrayList<>(entries);
    sorted.sort(java.util.Comparator.comparingLong(FileMetadata::uncompressedOffset)); // stable
    Map<FileMetadata, Long> m = new IdentityHashMap<>(entries.size() * 2);
    long next = 0;
    for (FileMetadata f : sorted) {
      m.put(f, next);
      long end = saturatedAdd(f.uncompressedOffset(), Math.max(0, f.uncompressedSize()));
      next = end > Long.MAX_VALUE - TAR_BLOCK ? Long.MAX_VALUE : (end + TAR_BLOCK - 1) & -TAR_BLOCK;
    }
    return m;
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }

  private static EntryNotFoundException notFound(byte[] rawName) {
    return new EntryNotFoundException(
        "file " + new String(rawName, StandardCharsets.UTF_8) + " does not exist in metadata");
  }

  private Index index() {
    Index idx = index;
    if (idx == null) {
      idx = new Index(entries);
      index = idx;
    }
    return idx;
  }

  /** A raw name as a map key: ISO-8859-1 maps every byte to one char, so nothing is lost. */
  private static String key(byte[] raw) {
    return new String(raw, StandardCharsets.ISO_8859_1);
  }

  /**
   * Go's {@code path.Clean("/" + p)} without the leading slash: the form the snapshotter gives
   * entry names ({@code ./a/b/} becomes {@code a/b}; the root is the empty string).
   */
  static String clean(String p) {
    List<String> parts = new ArrayList<>();
    int start = 0;
    int n = p.length();
    while (start <= n) {
      int slash = p.indexOf('/', start);
      int end = slash < 0 ? n : slash;
      String seg = p.substring(start, end);
      if (seg.equals("..")) {
        if (!parts.isEmpty()) {
          parts.remove(parts.size() - 1);
        }
      } else if (!seg.isEmpty() && !seg.equals(".")) {
        parts.add(seg);
      }
      start = end + 1;
    }
    return String.join("/", parts);
  }

  /** The exact-name index, and the cleaned-name index built only when a link needs it. */
  private static final class Index {
    private final List<FileMetadata> entries;
    final Map<String, FileMetadata> exact;
    private volatile Map<String, FileMetadata> cleaned;

    Index(List<FileMetadata> entries) {
      this.entries = entries;
      exact = new HashMap<>(entries.size() * 2);
      for (FileMetadata f : entries) {
        exact.putIfAbsent(key(f.nameBytes()), f);
      }
    }

    private Map<String, FileMetadata> cleaned() {
      Map<String, FileMetadata> m = cleaned;
      if (m == null) {
        m = new HashMap<>(entries.size() * 2);
        for (FileMetadata f : entries) {
          m.putIfAbsent(clean(key(f.nameBytes())), f);
        }
        cleaned = m;
      }
      return m;
    }

    /** The entry a link points to, or {@code null}. */
    FileMetadata linkTarget(FileMetadata link) {
      String target = key(link.linkNameBytes());
      FileMetadata literal = exact.get(target);
      if (literal != null) {
        return literal; // upstream's rule
      }
      String candidate;
      if (link.type() == EntryType.SYMLINK && !target.startsWith("/")) {
        String linkPath = clean(key(link.nameBytes()));
        int slash = linkPath.lastIndexOf('/');
        String dir = slash < 0 ? "" : linkPath.substring(0, slash);
        candidate = clean(dir + "/" + target);
      } else {
        // Absolute symlink targets, and hard-link targets (archive paths from the root).
        candidate = clean(target);
      }
      return cleaned().get(candidate);
    }
  }
}
