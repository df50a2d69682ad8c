package dev.soci.oci.layout;

import dev.soci.common.internal.AtomicFiles;
import dev.soci.oci.Annotations;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.Digester;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.InvalidDocumentException;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciJson;
import dev.soci.oci.internal.ImageGraphWalker;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An OCI image layout directory (image-spec {@code image-layout.md}): an {@code oci-layout} file,
 * an {@code index.json}, and content-addressed blobs under {@code blobs/<algorithm>/<hex>}, as
 * {@code skopeo copy ... oci:DIR:TAG} and {@code umoci} write it.
 *
 * <p>Reading: images are found by tag (the {@value Annotations#REF_NAME} annotation of an {@code
 * index.json} entry) or by digest; every blob read is checked against its descriptor's size and
 * digest ({@link #readBlob}, {@link #openBlob}), and every problem is an {@link OciLayoutException}
 * that names the file.
 *
 * <p>Writing goes through a {@link Transaction}: new blobs are written atomically (a temporary file
 * in the same directory, then a rename, so no blob is ever seen half-written under its final name),
 * {@code index.json} is replaced last (also atomically, and only if nobody changed it meanwhile),
 * and a transaction closed without {@link Transaction#commit} removes the blobs it created, leaving
 * the layout as it was. Nothing the layout did not write itself is ever deleted, except blobs a
 * committed transaction was explicitly asked to delete, and never a blob that {@code index.json}
 * reaches when the deletion happens (reachability is computed afresh before deleting).
 *
 * <p>Concurrent writers serialize: a transaction holds the layout's exclusive lock (a lock on the
 * file {@code .soci.lock} in the layout, and a lock per layout directory inside this JVM) from
 * {@link #begin} until it is committed or closed; a writer that cannot get it within the wait given
 * to {@link #begin(Duration)} fails with an {@link OciLayoutException}. Writers that do not take
 * the lock (other tools) are still detected at commit ({@code index.json} changed). Readers take no
 * lock: {@code index.json} and blobs are only ever replaced by an atomic rename.
 *
 * <p>Confinement: the layout's real directory is resolved once, when it is opened. Writes, renames
 * and deletes happen only inside it, never through a symbolic link: a {@code blobs} or {@code
 * blobs/<algorithm>} directory that is a link is refused for writing. Reads may follow links (blob
 * content is digest-checked), but every file read must be a regular file within a size limit,
 * checked before it is opened (a FIFO or a device is refused, never opened) and while it is read.
 *
 * <p>Instances hold no open files and are thread-safe.
 */
public final class OciLayout {
  /** The layout marker file. */
  public static final String LAYOUT_FILE = "oci-layout";

  /** The layout's top-level index. */
  public static final String INDEX_FILE = "index.json";

  /** The directory holding the blobs. */
  public static final String BLOBS_DIR = "blobs";

  /**
   * The lock file writers lock (created on first write, then left in place; see {@link #begin}).
   */
  public static final String LOCK_FILE = ".soci.lock";

  /** The only layout version defined so far. */
  public static final String LAYOUT_VERSION = "1.0.0";

  /** How long {@link #begin()} waits for another writer to finish. */
  public static final Duration DEFAULT_LOCK_WAIT = Duration.ofMinutes(10);

  private final Path root;
  private final Path realRoot;
  private final OciJson.Decoder decoder;

  private OciLayout(Path root, Path realRoot, OciJson.Decoder decoder) {
    this.root = root;
    this.realRoot = realRoot;
    this.decoder = decoder;
  }

  /** Opens the layout at {@code dir}, checking {@code oci-layout} and {@code index.json}. */
  public static OciLayout open(Path dir) throws OciLayoutException {
    return open(dir, OciJson.decoder());
  }

  /** Opens the layout at {@code dir}, decoding its documents with {@code decoder}'s limits. */
  public static OciLayout open(Path dir, OciJson.Decoder decoder) throws OciLayoutException {
    Objects.requireNonNull(dir, "dir");
    if (!Files.isDirectory(dir)) {
      throw new OciLayoutException(
          dir, dir + ": not a directory (an OCI image layout is a directory)");
    }
    Path realRoot;
    try {
      realRoot = dir.toRealPath();
    } catch (IOException e) {
      throw new OciLayoutException(dir, dir + ": cannot resolve the layout directory: " + e, e);
    }
    OciLayout layout = new OciLayout(dir, realRoot, Objects.requireNonNull(decoder, "decoder"));
    Path marker = dir.resolve(LAYOUT_FILE);
    byte[] b = layout.readFile(marker, "not an OCI image layout: ");
    String version;
    try {
      version = decoder.decodeLayoutVersion(b, marker.toString());
    } catch (InvalidDocumentException e) {
      throw new OciLayoutException(marker, e.getMessage(), e);
    }
    if (!version.equals(LAYOUT_VERSION)) {
      throw new OciLayoutException(
          marker,
          marker
              + ": unsupported imageLayoutVersion \""
              + version
              + "\" (expected "
              + LAYOUT_VERSION
              + ")");
    }
    layout.index(); // fail early on a missing or malformed index.json
    return layout;
  }

  /**
   * Creates an empty layout at {@code dir} (created if absent; it must not already hold an {@code
   * oci-layout} or {@code index.json}) and opens it.
   */
  public static OciLayout init(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (String f : List.of(LAYOUT_FILE, INDEX_FILE)) {
      if (Files.exists(dir.resolve(f), LinkOption.NOFOLLOW_LINKS)) {
        throw new FileAlreadyExistsException(dir.resolve(f).toString());
      }
    }
    for (Path p : List.of(dir.resolve(BLOBS_DIR), dir.resolve(BLOBS_DIR).resolve(Digest.SHA256))) {
      if (Files.isSymbolicLink(p)) {
        throw new OciLayoutException(
            p, p + ": is " + FileKind.describe(p) + "; refusing to create a layout through a link");
      }
      if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectory(p);
      }
    }
    AtomicFiles.write(
        dir.resolve(LAYOUT_FILE),
        ("{\"imageLayoutVersion\":\"" + LAYOUT_VERSION + "\"}").getBytes(StandardCharsets.UTF_8));
    AtomicFiles.write(
        dir.resolve(INDEX_FILE), OciJson.encode(ImageIndex.of(MediaTypes.OCI_INDEX, List.of())));
    return open(dir);
  }

  /** The layout directory. */
  public Path root() {
    return root;
  }

  /** The decoder (and limits) used for the layout's documents. */
  public OciJson.Decoder decoder() {
    return decoder;
  }

  /** Reads and decodes {@code index.json} (afresh on every call). */
  public ImageIndex index() throws OciLayoutException {
    return decodeIndexFile(readIndexBytes());
  }

  private byte[] readIndexBytes() throws OciLayoutException {
    return readFile(root.resolve(INDEX_FILE), "not an OCI image layout: ");
  }

  private ImageIndex decodeIndexFile(byte[] b) throws OciLayoutException {
    Path f = root.resolve(INDEX_FILE);
    try {
      return decoder.decodeIndex(b, f.toString());
    } catch (InvalidDocumentException e) {
      throw new OciLayoutException(f, e.getMessage(), e);
    }
  }

  private byte[] readFile(Path f, String context) throws OciLayoutException {
    try {
      long size = regularFileSize(f);
      if (size > decoder.maxDocumentSize()) {
        throw new OciLayoutException(
            f, f + ": " + size + " bytes, more than the limit of " + decoder.maxDocumentSize());
      }
      return readAtMost(f, decoder.maxDocumentSize());
    } catch (NoSuchFileException e) {
      throw new OciLayoutException(f, context + f + " does not exist", e);
    } catch (OciLayoutException e) {
      throw e;
    } catch (IOException e) {
      throw new OciLayoutException(f, f + ": cannot be read: " + e, e);
    }
  }

  /**
   * The size of {@code f} (links followed) if it is a regular file; otherwise fails before anything
   * opens it (opening a FIFO would wait for a writer, a device could be endless).
   */
  private static long regularFileSize(Path f) throws IOException {
    BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
    if (!a.isRegularFile()) {
      throw new OciLayoutException(
          f, f + ": is " + FileKind.describe(f) + "; layout files must be regular files");
    }
    return a.size();
  }

  /**
   * Reads {@code f}, failing when it holds more than {@code max} bytes: the size checked before
   * opening can change (a file growing, or replaced, meanwhile), so the read itself stops one byte
   * past the limit.
   */
  private static byte[] readAtMost(Path f, long max) throws IOException {
    if (max > Integer.MAX_VALUE - 16) {
      throw new OciLayoutException(
          f, f + ": a limit of " + max + " bytes is more than can be read into memory");
    }
    byte[] b;
    try (InputStream in = Files.newInputStream(f)) {
      b = in.readNBytes((int) max + 1);
    }
    if (b.length > max) {
      throw new OciLayoutException(
          f, f + ": more than the limit of " + max + " bytes (it grew while being read)");
    }
    return b;
  }

  /**
   * The {@code index.json} entry for {@code ref}: the entry whose {@value Annotations#REF_NAME}
   * annotation equals it, or, for a digest ({@code sha256:...}), the entry with that digest in
   * {@code index.json} or in an image index it lists.
   *
   * @throws OciLayoutException naming {@code index.json} when there is no such entry, or several
   */
  public Descriptor resolve(String ref) throws OciLayoutException {
    Objects.requireNonNull(ref, "ref");
    ImageIndex index = index();
    Path f = root.resolve(INDEX_FILE);
    if (Digest.isValid(ref)) {
      Digest d = Digest.parse(ref);
      Descriptor found = findByDigest(index, d);
      if (found == null) {
        throw new OciLayoutException(f, f + ": no image with digest " + ref + " in the layout");
      }
      return found;
    }
    List<Descriptor> matches =
        index.manifests().stream()
            .filter(m -> ref.equals(m.annotation(Annotations.REF_NAME)))
            .toList();
    if (matches.isEmpty()) {
      List<String> tags = tags(index);
      throw new OciLayoutException(
          f,
          f
              + ": no image tagged \""
              + ref
              + "\""
              + (tags.isEmpty()
                  ? " (the layout has no tags)"
                  : " (tags: " + String.join(", ", tags) + ")"));
    }
    if (matches.size() > 1 && matches.stream().map(Descriptor::digest).distinct().count() > 1) {
      throw new OciLayoutException(
          f, f + ": " + matches.size() + " different entries are tagged \"" + ref + "\"");
    }
    return matches.get(0);
  }

  private Descriptor findByDigest(ImageIndex index, Digest d) throws OciLayoutException {
    for (Descriptor m : index.manifests()) {
      if (m.digest().equals(d)) {
        return m;
      }
    }
    Descriptor[] found = new Descriptor[1];
    try {
      ImageGraphWalker.withDefaults()
          .walk(
              index.manifests(),
              m -> readIndex(m).manifests(),
              (m, depth) -> {
                if (found[0] == null && depth > 0 && m.digest().equals(d)) {
                  found[0] = m;
                }
                return found[0] == null && MediaTypes.isIndex(m.mediaType()) && exists(m);
              });
    } catch (OciLayoutException e) {
      throw e;
    } catch (IOException e) {
      Path f = root.resolve(INDEX_FILE);
      throw new OciLayoutException(f, f + ": " + e.getMessage(), e);
    }
    return found[0];
  }

  /** The tags of {@code index.json}, in order, without repeats. */
  public List<String> tags() throws OciLayoutException {
    return tags(index());
  }

  private static List<String> tags(ImageIndex index) {
    return index.manifests().stream()
        .map(m -> m.annotation(Annotations.REF_NAME))
        .filter(Objects::nonNull)
        .distinct()
        .toList();
  }

  /** Where the blob with digest {@code d} lives (whether or not it exists). */
  public Path blobPath(Digest d) {
    return root.resolve(BLOBS_DIR).resolve(d.algorithm()).resolve(d.hex());
  }

  /** Whether the blob of {@code d} exists (its content is not checked). */
  public boolean exists(Descriptor d) {
    return Files.isRegularFile(blobPath(d.digest()));
  }

  /**
   * Reads the blob of {@code d} and checks its size and digest.
   *
   * @throws OciLayoutException naming the blob file when it is missing, has another size or digest,
   *     or is larger than {@code maxSize}
   */
  public byte[] readBlob(Descriptor d, long maxSize) throws OciLayoutException {
    Path f = blobPath(d.digest());
    if (d.size() > maxSize) {
      throw new OciLayoutException(
          f,
          f
              + ": blob "
              + d.digest()
              + " is "
              + d.size()
              + " bytes, more than the limit of "
              + maxSize
              + " for this kind of blob");
    }
    byte[] b;
    try {
      long actual = regularFileSize(f);
      if (actual != d.size()) {
        throw new OciLayoutException(
            f, f + ": blob has " + actual + " bytes, its descriptor gives " + d.size());
      }
      b = readAtMost(f, d.size());
    } catch (NoSuchFileException e) {
      throw missing(d, f, e);
    } catch (OciLayoutException e) {
      throw e;
    } catch (IOException e) {
      throw new OciLayoutException(f, f + ": cannot be read: " + e, e);
    }
    if (b.length != d.size()) {
      throw new OciLayoutException(
          f, f + ": blob has " + b.length + " bytes, its descriptor gives " + d.size());
    }
    Digest actual = Digest.of(d.digest().algorithm(), b);
    if (!actual.equals(d.digest())) {
      throw new OciLayoutException(
          f, f + ": blob content has digest " + actual + ", expected " + d.digest());
    }
    return b;
  }

  /** {@link #readBlob(Descriptor, long)} with a limit of 1 GiB. */
  public byte[] readBlob(Descriptor d) throws OciLayoutException {
    return readBlob(d, 1L << 30);
  }

  private static OciLayoutException missing(Descriptor d, Path f, Throwable cause) {
    return new OciLayoutException(
        f,
        "blob " + d.digest() + " (" + d.mediaType() + ") is missing: " + f + " does not exist",
        cause);
  }

  /**
   * Opens the blob of {@code d} as a stream that checks size and digest as it is read: reading its
   * end throws an {@link OciLayoutException} naming the file instead of returning -1 when they
   * differ. Read it to the end.
   */
  public InputStream openBlob(Descriptor d) throws OciLayoutException {
    Path f = blobPath(d.digest());
    try {
      regularFileSize(f); // a FIFO or device is refused before it is opened
      return new VerifyingInputStream(Files.newInputStream(f), d, f);
    } catch (NoSuchFileException e) {
      throw missing(d, f, e);
    } catch (OciLayoutException e) {
      throw e;
    } catch (IOException e) {
      throw new OciLayoutException(f, f + ": cannot be read: " + e, e);
    }
  }

  /**
   * A sink that checks the bytes written to it against the blob of {@code d}, for code that reads
   * the blob file by other means (say in one pass that also does other work): writing more than the
   * descriptor's size fails at once, and {@link OutputStream#close()} fails unless exactly that
   * size with that digest was written, with the same {@link OciLayoutException}s as {@link
   * #openBlob}.
   */
  public OutputStream blobCheck(Descriptor d) {
    return new CheckingOutputStream(d, blobPath(d.digest()));
  }

  /** Reads, verifies and decodes the image manifest (OCI or Docker) of {@code d}. */
  public ImageManifest readManifest(Descriptor d) throws OciLayoutException {
    byte[] b = readBlob(d, decoder.maxDocumentSize());
    Path f = blobPath(d.digest());
    try {
      return decoder.decodeManifest(b, f.toString());
    } catch (InvalidDocumentException e) {
      throw new OciLayoutException(f, e.getMessage(), e);
    }
  }

  /** Reads, verifies and decodes the image index (or Docker manifest list) of {@code d}. */
  public ImageIndex readIndex(Descriptor d) throws OciLayoutException {
    byte[] b = readBlob(d, decoder.maxDocumentSize());
    Path f = blobPath(d.digest());
    try {
      return decoder.decodeIndex(b, f.toString());
    } catch (InvalidDocumentException e) {
      throw new OciLayoutException(f, e.getMessage(), e);
    }
  }

  /**
   * Starts a write, waiting up to {@link #DEFAULT_LOCK_WAIT} for other writers; see {@link
   * #begin(Duration)}.
   */
  public Transaction begin() throws OciLayoutException {
    return begin(DEFAULT_LOCK_WAIT);
  }

  /**
   * Starts a write: takes the layout's exclusive lock (waiting at most {@code maxWait} for another
   * writer, in this process or another, to finish), then reads {@code index.json}. Blobs written
   * through the transaction become visible at once (they are content-addressed); {@code index.json}
   * changes only at {@link Transaction#commit}. Use with try-with-resources: closing an uncommitted
   * transaction deletes the blobs it created that nothing reaches, and releases the lock. A thread
   * must not begin a second transaction on a layout while its first is open (it would wait for
   * itself until {@code maxWait}).
   *
   * @throws OciLayoutException when the lock is not free within {@code maxWait} (naming the lock
   *     file), or {@code index.json} cannot be read
   */
  public Transaction begin(Duration maxWait) throws OciLayoutException {
    Objects.requireNonNull(maxWait, "maxWait");
    LayoutLock lock = LayoutLock.acquire(realRoot, maxWait);
    try {
      return new Transaction(lock, readIndexBytes());
    } catch (OciLayoutException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  /**
   * A write in progress, holding the layout's lock until it is committed or closed; see {@link
   * OciLayout#begin()}. Not thread-safe except {@link #writeBlob}.
   */
  public final class Transaction implements AutoCloseable {
    private final LayoutLock lock;
    private final byte[] indexAtStart;
    private final ImageIndex index;
    private final Deque<Path> created = new ArrayDeque<>();
    private final List<Digest> toDelete = new ArrayList<>();
    private boolean done;

    private Transaction(LayoutLock lock, byte[] indexAtStart) throws OciLayoutException {
      this.lock = lock;
      this.indexAtStart = indexAtStart;
      this.index = decodeIndexFile(indexAtStart);
    }

    /** The {@code index.json} this transaction started from. */
    public ImageIndex index() {
      return index;
    }

    /** The layout written to. */
    public OciLayout layout() {
      return OciLayout.this;
    }

    /**
     * Stores {@code content} as a blob (sha256) unless it is already there, and returns its
     * descriptor with the given media type. An existing blob is checked, never replaced.
     *
     * @throws OciLayoutException naming the path when {@code blobs} or {@code blobs/sha256} is a
     *     symbolic link or not a directory, or the blob cannot be written
     */
    public Descriptor writeBlob(String mediaType, byte[] content) throws OciLayoutException {
      Descriptor d = Descriptor.ofContent(mediaType, content);
      synchronized (this) {
        if (done) {
          throw new IllegalStateException("transaction already finished");
        }
        Path dir = blobDirForWriting(d.digest().algorithm(), created);
        Path f = dir.resolve(d.digest().hex());
        if (Files.exists(f, LinkOption.NOFOLLOW_LINKS)) {
          readBlob(d, Long.MAX_VALUE); // an existing blob must be intact
          return d;
        }
        try {
          AtomicFiles.write(f, content);
          created.push(f);
        } catch (IOException e) {
          throw new OciLayoutException(f, f + ": cannot write blob: " + e, e);
        }
      }
      return d;
    }

    /**
     * Stores a blob streamed from {@code content} (not closed here), checking its size and digest
     * against {@code expected} as it is written: a temporary file beside the blob is renamed into
     * place only when both match, so a short, long or wrong stream leaves nothing behind. An
     * existing blob is checked, never replaced, and the stream is then not read.
     *
     * @throws OciLayoutException when the content is not what {@code expected} describes
     */
    public Descriptor writeBlob(Descriptor expected, InputStream content) throws IOException {
      Path f;
      synchronized (this) {
        if (done) {
          throw new IllegalStateException("transaction already finished");
        }
        Path blobDir = blobDirForWriting(expected.digest().algorithm(), created);
        f = blobDir.resolve(expected.digest().hex());
        if (Files.exists(f, LinkOption.NOFOLLOW_LINKS)) {
          try (InputStream in = openBlob(expected)) {
            in.transferTo(OutputStream.nullOutputStream()); // an existing blob must be intact
          }
          return expected;
        }
      }
      Path target = f;
      try {
        // Checked as it is written: a short, long or wrong stream fails inside the writer, which
        // then leaves no file behind.
        AtomicFiles.write(
            target,
            false,
            out -> {
              Digester digester = Digester.of(expected.digest().algorithm());
              long n = 0;
              byte[] buf = new byte[64 << 10];
              for (int r; (r = content.read(buf)) > 0; ) {
                n += r;
                if (n > expected.size()) {
                  throw new OciLayoutException(
                      target,
                      target
                          + ": the content is longer than the expected "
                          + expected.size()
                          + " bytes");
                }
                digester.update(buf, 0, r);
                out.write(buf, 0, r);
              }
              if (n != expected.size()) {
                throw new OciLayoutException(
                    target,
                    target
                        + ": the content is "
                        + n
                        + " bytes, not the expected "
                        + expected.size());
              }
              Digest got = digester.digest();
              if (!got.equals(expected.digest())) {
                throw new OciLayoutException(
                    target,
                    target + ": the content's digest is " + got + ", not " + expected.digest());
              }
            });
      } catch (FileAlreadyExistsException e) {
        return expected; // written meanwhile by another thread of this transaction
      }
      synchronized (this) {
        created.push(f);
      }
      return expected;
    }

    /** Whether this transaction created the blob of {@code d}. */
    public synchronized boolean created(Digest d) {
      return created.contains(realRoot.resolve(BLOBS_DIR).resolve(d.algorithm()).resolve(d.hex()));
    }

    /**
     * Asks for the blob {@code d} to be deleted after a successful commit, unless the committed
     * {@code index.json} still reaches it.
     *
     * @throws OciLayoutException naming the path when the blob's directory is a symbolic link (no
     *     deletion goes through a link)
     */
    public synchronized void deleteAfterCommit(Digest d) throws OciLayoutException {
      checkBlobDirs(d.algorithm());
      toDelete.add(d);
    }

    /**
     * Replaces {@code index.json} with {@code newIndex} (atomically), unless someone changed it
     * since {@link OciLayout#begin()}; then deletes the blobs given to {@link #deleteAfterCommit}
     * that {@code newIndex} does not reach, and releases the lock.
     */
    public synchronized void commit(ImageIndex newIndex) throws OciLayoutException {
      if (done) {
        throw new IllegalStateException("transaction already finished");
      }
      Path f = realRoot.resolve(INDEX_FILE);
      byte[] now = readIndexBytes();
      if (!Arrays.equals(now, indexAtStart)) {
        throw new OciLayoutException(
            f,
            f
                + " was changed by someone else while this operation ran; nothing was"
                + " written, try again");
      }
      byte[] bytes = OciJson.encode(newIndex);
      if (!Arrays.equals(bytes, indexAtStart)) {
        try {
          AtomicFiles.write(f, bytes);
        } catch (IOException e) {
          throw new OciLayoutException(f, f + ": cannot write: " + e, e);
        }
      }
      done = true;
      created.clear();
      try {
        if (!toDelete.isEmpty()) {
          Set<Digest> keep = reachable(newIndex);
          for (Digest d : toDelete) {
            if (keep != null && !keep.contains(d)) {
              deleteBlob(d);
            }
          }
        }
      } finally {
        lock.close();
      }
    }

    /**
     * Finishes the transaction and releases the lock; if it was not committed, deletes the files
     * and empty directories it created, except blobs that {@code index.json} (read again now)
     * reaches: another writer may have committed a reference to a blob this one created.
     */
    @Override
    public synchronized void close() throws OciLayoutException {
      if (done) {
        lock.close();
        return;
      }
      done = true;
      try {
        Set<Digest> keep = created.isEmpty() ? Set.of() : reachableNow();
        OciLayoutException failure = null;
        while (!created.isEmpty()) {
          Path p = created.pop();
          try {
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
              deleteEmptyDirectory(p);
            } else if (keep != null && !keep.contains(digestOf(p))) {
              Files.deleteIfExists(p);
            }
          } catch (IOException e) {
            if (failure == null) {
              failure =
                  new OciLayoutException(
                      p, p + ": cannot remove after a failed operation: " + e, e);
            }
          }
        }
        if (failure != null) {
          throw failure;
        }
      } finally {
        lock.close();
      }
    }

    /** What {@code index.json} reaches now, or {@code null} when that cannot be known. */
    private Set<Digest> reachableNow() {
      try {
        return reachable(decodeIndexFile(readIndexBytes()));
      } catch (OciLayoutException e) {
        return null; // keep every blob: an orphan is harmless, a lost blob is not
      }
    }

    private Digest digestOf(Path blob) {
      return Digest.parse(blob.getParent().getFileName() + ":" + blob.getFileName());
    }

    private void deleteEmptyDirectory(Path p) throws IOException {
      try (var s = Files.list(p)) {
        if (s.findAny().isPresent()) {
          return; // another writer's blobs, or ones kept because they are reachable
        }
      }
      try {
        Files.deleteIfExists(p);
      } catch (DirectoryNotEmptyException e) {
        // filled meanwhile: keep it
      }
    }

    private void deleteBlob(Digest d) throws OciLayoutException {
      Path f = checkBlobDirs(d.algorithm()).resolve(d.hex());
      try {
        Files.deleteIfExists(f); // a link is removed itself, its target never
      } catch (IOException e) {
        throw new OciLayoutException(f, f + ": cannot delete: " + e, e);
      }
    }
  }

  /**
   * The real directory {@code blobs/<algorithm>} for writing, created if absent (each created
   * directory is pushed on {@code created}); fails if it, or {@code blobs}, is a symbolic link or
   * not a directory.
   */
  private Path blobDirForWriting(String algorithm, Deque<Path> created) throws OciLayoutException {
    Path blobs = realRoot.resolve(BLOBS_DIR);
    Path dir = blobs.resolve(algorithm);
    for (Path p : List.of(blobs, dir)) {
      try {
        Files.createDirectory(p);
        created.push(p);
      } catch (FileAlreadyExistsException e) {
        // checked below
      } catch (IOException e) {
        throw new OciLayoutException(p, p + ": cannot create: " + e, e);
      }
    }
    return checkBlobDirs(algorithm);
  }

  /**
   * The real directory {@code blobs/<algorithm>}, checked to be a directory inside the layout and
   * neither it nor {@code blobs} a symbolic link (writes and deletes never go through a link).
   */
  private Path checkBlobDirs(String algorithm) throws OciLayoutException {
    Path blobs = realRoot.resolve(BLOBS_DIR);
    Path dir = blobs.resolve(algorithm);
    for (Path p : List.of(blobs, dir)) {
      if (Files.isSymbolicLink(p)) {
        throw new OciLayoutException(
            p,
            p
                + ": is "
                + FileKind.describe(p)
                + "; refusing to write or delete blobs through a link out of the layout "
                + realRoot);
      }
      if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        throw new OciLayoutException(
            p, p + ": is " + FileKind.describe(p) + ", not a directory; cannot write blobs");
      }
    }
    return dir;
  }

  /**
   * Every digest {@code top} reaches: its entries, and through image indexes and manifests (OCI or
   * Docker) present in the layout, their children, configs, layers and subjects, through the one
   * bounded walker of the image graph; {@code null} when the answer is unknown (a document present
   * but unreadable, image indexes nested deeper than {@value ImageGraphWalker#DEFAULT_MAX_DEPTH},
   * or more than {@value #MAX_REACHABLE} descriptors), so that callers deleting blobs keep them
   * all.
   */
  Set<Digest> reachable(ImageIndex top) {
    Set<Digest> seen = new HashSet<>();
    Map<Digest, ImageManifest> read = new HashMap<>();
    try {
      ImageGraphWalker.withLimits(ImageGraphWalker.DEFAULT_MAX_DEPTH, MAX_REACHABLE)
          .walk(
              top.manifests(),
              d -> {
                if (MediaTypes.isIndex(d.mediaType())) {
                  return readIndex(d).manifests();
                }
                ImageManifest m = read.remove(d.digest());
                List<Descriptor> out = new ArrayList<>();
                out.add(m.config());
                out.addAll(m.layers());
                if (m.subject() != null) {
                  out.add(m.subject());
                }
                return out;
              },
              (d, depth) -> {
                if (!seen.add(d.digest())) {
                  return false;
                }
                boolean index = MediaTypes.isIndex(d.mediaType());
                if ((!index && !MediaTypes.isManifest(d.mediaType())) || !exists(d)) {
                  return false;
                }
                if (!index) {
                  read.put(d.digest(), readManifest(d));
                }
                return true;
              });
    } catch (IOException e) {
      return null; // unreadable, or past the walk's bounds: unknown
    }
    return seen;
  }

  private static final int MAX_REACHABLE = 4_000_000;
}
