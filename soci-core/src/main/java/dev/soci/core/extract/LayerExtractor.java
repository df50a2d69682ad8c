package dev.soci.core.extract;

import dev.soci.core.SeekableLayer;
import dev.soci.core.SequentialReader;
import dev.soci.ztoc.EntryNotFoundException;
import dev.soci.ztoc.EntryType;
import dev.soci.ztoc.FileMetadata;
import dev.soci.ztoc.ZtocException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Extracts a layer's files into a directory, safely, whatever the layer and its zTOC hold:
 *
 * <ul>
 *   <li><b>Names</b>: leading {@code /} and {@code ./} are stripped, {@code .} and empty components
 *       dropped; a name with a {@code ..} component, a NUL, or bytes that are not UTF-8 is refused.
 *   <li><b>Symbolic links</b> are created as they are (any target), but never written through when
 *       they lead outside the directory: every existing path component is read without following
 *       links, and a component that is a link is resolved to its real path, which must lie inside
 *       the directory (so {@code lib -> usr/lib} works, {@code evil -> /etc} and chains that end
 *       outside do not). The last component is created with {@code O_CREAT|O_EXCL}, which never
 *       follows a link.
 *   <li><b>Existing files</b> are never replaced unless {@link #overwrite(boolean)} is on (then a
 *       file or link in the way is removed, never followed; a non-empty directory is not).
 *   <li><b>Hard links</b> are made only to regular files extracted earlier in the same run; a link
 *       whose target was not selected gets a copy of the target's data instead.
 *   <li><b>Device files and fifos</b> are skipped unless {@link #devices(boolean)} is on (the JDK
 *       cannot create them, so {@code mknod}/{@code mkfifo} are run, with a timeout).
 *   <li><b>Modes</b> are masked to {@code 0777}: no setuid, setgid or sticky bit unless {@link
 *       #specialModeBits(boolean)} is on. Ownership is never changed. Directory modes and times are
 *       applied last, so a read-only directory can still be filled.
 * </ul>
 *
 * <p>Every file's tar header is verified and every span's digest checked on the way ({@link
 * SeekableLayer}). Extraction stops at the first entry it cannot extract safely with an {@link
 * ExtractionException}; what was extracted before stays. Other processes changing the directory
 * during extraction are outside this model (Java has no {@code openat}).
 *
 * <p>Immutable and thread-safe; options are set with the fluent methods:
 *
 * <pre>{@code
 * ExtractionResult r = LayerExtractor.withDefaults().overwrite(true).extract(layer, Path.of("out"));
 * }</pre>
 */
public final class LayerExtractor {
  private static final long COMMAND_TIMEOUT_SECONDS = 10;
  private static final LayerExtractor DEFAULTS = new LayerExtractor(false, false, false);

  private final boolean overwrite;
  private final boolean devices;
  private final boolean specialModeBits;

  private LayerExtractor(boolean overwrite, boolean devices, boolean specialModeBits) {
    this.overwrite = overwrite;
    this.devices = devices;
    this.specialModeBits = specialModeBits;
  }

  /** No overwriting, no devices, no special mode bits. */
  public static LayerExtractor withDefaults() {
    return DEFAULTS;
  }

  /** Whether an existing file, link or empty directory in the way may be replaced (default no). */
  public LayerExtractor overwrite(boolean allow) {
    return new LayerExtractor(allow, devices, specialModeBits);
  }

  /** Whether device files and fifos are created (default no: they are skipped). */
  public LayerExtractor devices(boolean allow) {
    return new LayerExtractor(overwrite, allow, specialModeBits);
  }

  /** Whether setuid, setgid and sticky bits are kept (default no). */
  public LayerExtractor specialModeBits(boolean keep) {
    return new LayerExtractor(overwrite, devices, keep);
  }

  /** Extracts every entry of {@code layer} into {@code dir} (created if missing). */
  public ExtractionResult extract(SeekableLayer layer, Path dir) throws IOException {
    return extract(layer, dir, List.of());
  }

  /**
   * Extracts the entries of {@code layer} named in {@code names} (cleaned like entry names; a
   * directory selects everything below it; empty: everything) into {@code dir}, which is created if
   * missing.
   *
   * @throws EntryNotFoundException if a name matches no entry (checked before anything is written)
   * @throws ExtractionException if an entry cannot be extracted safely
   * @throws ZtocException if the layer cannot be read (a span or header that does not verify)
   */
  public ExtractionResult extract(SeekableLayer layer, Path dir, Collection<String> names)
      throws IOException {
    Files.createDirectories(dir);
    Path root = dir.toRealPath();
    Set<String> wanted = new LinkedHashSet<>();
    for (String n : names) {
      wanted.add(String.join("/", safePath(n, n.getBytes(StandardCharsets.UTF_8), root)));
    }
    // Every name is checked before anything is written: a hostile layer leaves no trace.
    List<FileMetadata> entries = layer.toc().entries();
    List<List<String>> paths = new ArrayList<>(entries.size());
    Set<String> matched = new HashSet<>();
    for (FileMetadata f : entries) {
      List<String> p;
      try {
        p = safePath(f.name(), f.rawName(), root);
      } catch (ExtractionException e) {
        if (wanted.isEmpty()) {
          throw e;
        }
        p = null; // an unsafe name matches no (safe) name asked for
      }
      if (p != null && !p.isEmpty() && !wanted.isEmpty()) {
        String m = selection(p, wanted);
        if (m == null) {
          p = null;
        } else {
          matched.add(m);
        }
      }
      paths.add(p);
    }
    for (String w : wanted) {
      if (!matched.contains(w)) {
        throw new EntryNotFoundException("file " + w + " does not exist in metadata");
      }
    }
    try (SequentialReader reader = layer.sequentialReader()) {
      Run run = new Run(layer, reader, root);
      for (int i = 0; i < entries.size(); i++) {
        List<String> p = paths.get(i);
        if (p != null && !p.isEmpty()) {
          run.extract(entries.get(i), p);
        }
      }
      run.finishDirectories();
      return new ExtractionResult(
          run.files, run.directories.size(), run.symlinks, run.hardLinks, run.special, run.skipped);
    }
  }

  /**
   * The name in {@code wanted} that selects {@code path} (itself or a directory above it), or null.
   */
  private static String selection(List<String> path, Set<String> wanted) {
    String joined = String.join("/", path);
    for (String w : wanted) {
      if (w.isEmpty() || joined.equals(w) || joined.startsWith(w + "/")) {
        return w;
      }
    }
    return null;
  }

  /**
   * The components of a name relative to the target directory: leading {@code /} and {@code ./}
   * stripped, {@code .} and empty components dropped; {@code ..}, NUL and non-UTF-8 names refused.
   */
  static List<String> safePath(String display, byte[] raw, Path root) throws ExtractionException {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(raw));
    } catch (CharacterCodingException e) {
      throw new ExtractionException(
          display, null, "refusing to extract \"" + display + "\": its name is not valid UTF-8", e);
    }
    List<String> out = new ArrayList<>();
    for (String c : display.split("/", -1)) {
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        throw new ExtractionException(
            display,
            null,
            "refusing to extract \""
                + display
                + "\": its name has a \"..\" component, which could escape "
                + root,
            null);
      }
      if (c.indexOf('\0') >= 0) {
        throw new ExtractionException(
            display,
            null,
            "refusing to extract \"" + display + "\": its name has a NUL byte",
            null);
      }
      out.add(c);
    }
    return out;
  }

  /** The state of one extraction. */
  private final class Run {
    private final SeekableLayer layer;
    private final SequentialReader reader;
    private final Path root;

    /**
     * Parent paths (joined components) already walked in this run, and the directory each leads to,
     * checked as {@link #parentDirectory} checks. Valid while nothing is deleted: only {@link
     * #clear} deletes, and it empties the map, so a directory replaced by a link is walked again.
     */
    private final java.util.HashMap<String, Path> walked = new java.util.HashMap<>();

    private final Set<String> extractedFiles = new HashSet<>();
    private final List<Directory> directoryEntries = new ArrayList<>();
    private final Set<Path> directories = new HashSet<>();
    private final List<String> skipped = new ArrayList<>();
    private final boolean posix =
        FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    /** Permission bits the umask was seen to remove, and the bits whose fate is known. */
    private long umaskRemoved;

    private long umaskChecked;
    private int files;
    private int symlinks;
    private int hardLinks;
    private int special;

    Run(SeekableLayer layer, SequentialReader reader, Path root) {
      this.layer = layer;
      this.reader = reader;
      this.root = root;
    }

    void extract(FileMetadata f, List<String> rel) throws IOException {
      String name = f.name();
      Path parent = parentDirectory(name, rel);
      Path target = parent.resolve(rel.get(rel.size() - 1));
      try {
        switch (f.type()) {
          case DIR -> directory(f, target);
          case REG -> regularFile(f, f, target);
          case SYMLINK -> symlink(f, target);
          case HARDLINK -> hardLink(f, target);
          case CHAR, BLOCK, FIFO -> specialFile(f, target);
          default ->
              throw new ExtractionException(
                  name, target, "cannot extract \"" + name + "\": unknown type " + f.type(), null);
        }
      } catch (ZtocException | ExtractionException e) {
        throw e;
      } catch (IOException e) {
        throw new ExtractionException(
            name, target, "cannot extract \"" + name + "\" to " + target + ": " + e, e);
      }
    }

    /**
     * Walks the parent components of {@code rel} from the root without following links, creating
     * missing directories; a component that is a link must resolve inside the root.
     */
    private Path parentDirectory(String name, List<String> rel) throws IOException {
      if (rel.size() == 1) {
        return root;
      }
      String parentKey = String.join("/", rel.subList(0, rel.size() - 1));
      Path known = walked.get(parentKey);
      if (known != null) {
        return known;
      }
      Path cur = root;
      for (int i = 0; i < rel.size() - 1; i++) {
        Path next = cur.resolve(rel.get(i));
        BasicFileAttributes a;
        try {
          a = Files.readAttributes(next, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
          try {
            Files.createDirectory(next);
          } catch (IOException ce) {
            throw new ExtractionException(
                name, next, "cannot create directory " + next + " for \"" + name + "\": " + ce, ce);
          }
          directories.add(next);
          cur = next;
          continue;
        }
        if (a.isDirectory()) {
          cur = next;
        } else if (a.isSymbolicLink()) {
          Path real;
          try {
            real = next.toRealPath();
          } catch (IOException e) {
            throw new ExtractionException(
                name,
                next,
                "refusing to extract \""
                    + name
                    + "\": path component \""
                    + root.relativize(next)
                    + "\" is a symbolic link that does not resolve ("
                    + e.getMessage()
                    + ")",
                e);
          }
          if (!real.startsWith(root)) {
            throw new ExtractionException(
                name,
                next,
                "refusing to extract \""
                    + name
                    + "\": path component \""
                    + root.relativize(next)
                    + "\" is a symbolic link to "
                    + real
                    + ", outside "
                    + root,
                null);
          }
          if (!Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
            throw new ExtractionException(
                name,
                next,
                "cannot extract \""
                    + name
                    + "\": path component \""
                    + root.relativize(next)
                    + "\" is a symbolic link to "
                    + real
                    + ", which is not a directory",
                null);
          }
          cur = real;
        } else {
          throw new ExtractionException(
              name,
              next,
              "cannot extract \""
                  + name
                  + "\": path component \""
                  + root.relativize(next)
                  + "\" exists and is not a directory",
              null);
        }
      }
      walked.put(parentKey, cur);
      return cur;
    }

    /** Makes room for a new entry at {@code target}: refuses, or removes what is there. */
    private void clear(FileMetadata f, Path target) throws IOException {
      if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        return;
      }
      walked.clear();
      if (!overwrite) {
        throw new ExtractionException(
            f.name(),
            target,
            "refusing to overwrite existing "
                + target
                + " with \""
                + f.name()
                + "\" (overwriting not allowed)",
            null);
      }
      try {
        Files.delete(target); // a link itself, never what it points to
      } catch (DirectoryNotEmptyException e) {
        throw new ExtractionException(
            f.name(),
            target,
            "cannot replace the non-empty directory " + target + " with \"" + f.name() + "\"",
            e);
      }
      directories.remove(target);
    }

    private void directory(FileMetadata f, Path target) throws IOException {
      if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        directories.add(target);
      } else {
        clear(f, target);
        Files.createDirectory(target);
        directories.add(target);
      }
      directoryEntries.add(new Directory(f, target));
    }

    private void regularFile(FileMetadata f, FileMetadata data, Path target) throws IOException {
      try (InputStream in = reader.openFile(data);
          OutputStream out = createNew(f, target)) {
        in.transferTo(out);
      }
      applyCreatedMode(f, target);
      f.modTimeInstant().ifPresent(t -> setTime(target, t));
      extractedFiles.add(key(target));
      files++;
    }

    /**
     * Creates {@code target} with {@code O_CREAT|O_EXCL} (never following a link); when something
     * is there, {@link #clear} decides (refuse, or remove it) and the creation is tried once more.
     */
    private OutputStream createNew(FileMetadata f, Path target) throws IOException {
      try {
        return open(f, target);
      } catch (java.nio.file.FileAlreadyExistsException e) {
        clear(f, target);
        return open(f, target);
      }
    }

    /** Opens a new file with the entry's permission bits (the process umask may remove some). */
    private OutputStream open(FileMetadata f, Path target) throws IOException {
      Set<java.nio.file.OpenOption> options =
          Set.of(
              StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
      java.nio.channels.FileChannel ch =
          posix
              ? java.nio.channels.FileChannel.open(
                  target,
                  options,
                  java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                      permissions(maskedMode(f) & 0777)))
              : java.nio.channels.FileChannel.open(target, options);
      return java.nio.channels.Channels.newOutputStream(ch);
    }

    /**
     * Sets the mode of a file just created by {@link #open} unless the creation already gave it:
     * the umask is learned from the files created (which bits it removed, out of which bits were
     * asked for), so after the first few files a chmod is needed only where the umask interferes.
     */
    private void applyCreatedMode(FileMetadata f, Path target) throws IOException {
      long mode = maskedMode(f);
      if (!posix || (mode & 07000) != 0) {
        applyMode(f, target);
        return;
      }
      if ((mode & ~umaskChecked) != 0) {
        long actual = bits(Files.getPosixFilePermissions(target, LinkOption.NOFOLLOW_LINKS));
        umaskRemoved |= mode & ~actual;
        umaskChecked |= mode;
      }
      if ((mode & umaskRemoved) != 0) {
        applyMode(f, target);
      }
    }

    private void symlink(FileMetadata f, Path target) throws IOException {
      String to = f.linkName();
      if (to.isEmpty() || to.indexOf('\0') >= 0) {
        throw new ExtractionException(
            f.name(),
            target,
            "cannot extract symbolic link \""
                + f.name()
                + "\": its target \""
                + to
                + "\" is empty or has a NUL byte",
            null);
      }
      clear(f, target);
      Files.createSymbolicLink(target, target.getFileSystem().getPath(to));
      symlinks++;
    }

    private void hardLink(FileMetadata f, Path target) throws IOException {
      List<String> rel = safePath(f.linkName(), f.rawLinkName(), root);
      Path existing = rel.isEmpty() ? root : root.resolve(String.join("/", rel));
      if (Files.exists(existing, LinkOption.NOFOLLOW_LINKS) || Files.exists(existing)) {
        Path real = existing.toRealPath();
        if (!real.startsWith(root)
            || !extractedFiles.contains(key(real))
            || !Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
          throw new ExtractionException(
              f.name(),
              target,
              "refusing to extract hard link \""
                  + f.name()
                  + "\" to \""
                  + f.linkName()
                  + "\": "
                  + real
                  + " is not a regular file extracted from this layer",
              null);
        }
        clear(f, target);
        Files.createLink(target, real);
        hardLinks++;
        return;
      }
      // The target was not selected: write a copy of its data (looked up in the TOC, links
      // followed).
      FileMetadata data;
      try {
        data = layer.toc().resolve(f.rawLinkName());
      } catch (EntryNotFoundException e) {
        throw new ExtractionException(
            f.name(),
            target,
            "refusing to extract hard link \""
                + f.name()
                + "\" to \""
                + f.linkName()
                + "\": the layer has no such file ("
                + e.getMessage()
                + ")",
            e);
      }
      if (data.type() != EntryType.REG) {
        throw new ExtractionException(
            f.name(),
            target,
            "refusing to extract hard link \""
                + f.name()
                + "\" to \""
                + f.linkName()
                + "\": the target is a "
                + data.type().wireName()
                + ", not a regular file",
            null);
      }
      regularFile(f, data, target);
    }

    private void specialFile(FileMetadata f, Path target) throws IOException {
      String kind =
          f.type() == EntryType.FIFO
              ? "fifo"
              : f.type() == EntryType.CHAR ? "character device" : "block device";
      if (!devices) {
        skipped.add(f.name() + " (" + kind + "; devices not allowed)");
        return;
      }
      clear(f, target);
      String mode = Long.toOctalString(maskedMode(f));
      List<String> command =
          f.type() == EntryType.FIFO
              ? List.of("mkfifo", "-m", mode, "--", target.toString())
              : List.of(
                  "mknod",
                  "-m",
                  mode,
                  "--",
                  target.toString(),
                  f.type() == EntryType.CHAR ? "c" : "b",
                  Long.toString(f.devMajor()),
                  Long.toString(f.devMinor()));
      run(f, target, command);
      special++;
    }

    private void run(FileMetadata f, Path target, List<String> command) throws IOException {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      try {
        if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new ExtractionException(
              f.name(),
              target,
              "cannot create "
                  + target
                  + ": "
                  + command.get(0)
                  + " did not finish within "
                  + COMMAND_TIMEOUT_SECONDS
                  + " s",
              null);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while creating " + target);
      }
      if (p.exitValue() != 0) {
        String output =
            new String(p.getInputStream().readNBytes(1024), StandardCharsets.UTF_8).trim();
        throw new ExtractionException(
            f.name(),
            target,
            "cannot create " + target + ": " + command.get(0) + " failed (" + output + ")",
            null);
      }
    }

    private long maskedMode(FileMetadata f) {
      return f.mode() & (specialModeBits ? 07777 : 0777);
    }

    private void applyMode(FileMetadata f, Path target) throws IOException {
      if (!posix) {
        return;
      }
      long mode = maskedMode(f);
      if ((mode & 07000) != 0) {
        Files.setAttribute(target, "unix:mode", (int) mode, LinkOption.NOFOLLOW_LINKS);
      } else {
        Files.getFileAttributeView(target, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
            .setPermissions(permissions(mode));
      }
    }

    /** Directory modes and times last, deepest first, so read-only directories could be filled. */
    void finishDirectories() throws IOException {
      directoryEntries.sort(
          (x, y) -> Integer.compare(y.path.getNameCount(), x.path.getNameCount()));
      for (Directory d : directoryEntries) {
        if (Files.isDirectory(d.path, LinkOption.NOFOLLOW_LINKS)) {
          try {
            applyMode(d.entry, d.path);
          } catch (IOException e) {
            throw new ExtractionException(
                d.entry.name(), d.path, "cannot set the mode of " + d.path + ": " + e, e);
          }
          d.entry.modTimeInstant().ifPresent(t -> setTime(d.path, t));
        }
      }
    }

    private void setTime(Path p, java.time.Instant t) {
      try {
        Files.setLastModifiedTime(p, FileTime.from(t));
      } catch (IOException | ArithmeticException e) {
        // Times are best effort: a time the file system cannot hold is not an error.
      }
    }

    private String key(Path p) {
      return p.toAbsolutePath().normalize().toString();
    }
  }

  /** A directory entry whose mode and time are applied at the end. */
  private record Directory(FileMetadata entry, Path path) {}

  static long bits(Set<PosixFilePermission> permissions) {
    long mode = 0;
    for (int i = 0; i < 9; i++) {
      if (permissions.contains(permissions(1L << i).iterator().next())) {
        mode |= 1L << i;
      }
    }
    return mode;
  }

  static Set<PosixFilePermission> permissions(long mode) {
    Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] bits = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
          PosixFilePermission.OWNER_READ
    };
    for (int i = 0; i < bits.length; i++) {
      if ((mode & (1L << i)) != 0) {
        s.add(bits[i]);
      }
    }
    return s;
  }
}
