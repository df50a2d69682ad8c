package dev.soci.oci.layout;

import dev.soci.oci.Annotations;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.InvalidDocumentException;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
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
 * committed transaction was explicitly asked to delete. Concurrent writers to the same layout are
 * detected at commit ({@code index.json} changed) but not otherwise coordinated.
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

  /** The only layout version defined so far. */
  public static final String LAYOUT_VERSION = "1.0.0";

  private final Path root;
  private final OciJson.Decoder decoder;

  private OciLayout(Path root, OciJson.Decoder decoder) {
    this.root = root;
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
    OciLayout layout = new OciLayout(dir, Objects.requireNonNull(decoder, "decoder"));
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
    Files.createDirectories(dir.resolve(BLOBS_DIR).resolve(Digest.SHA256));
    writeAtomically(
        dir.resolve(LAYOUT_FILE),
        ("{\"imageLayoutVersion\":\"" + LAYOUT_VERSION + "\"}").getBytes(StandardCharsets.UTF_8));
    writeAtomically(
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
      long size = Files.size(f);
      if (size > decoder.maxDocumentSize()) {
        throw new OciLayoutException(
            f, f + ": " + size + " bytes, more than the limit of " + decoder.maxDocumentSize());
      }
      return Files.readAllBytes(f);
    } catch (NoSuchFileException e) {
      throw new OciLayoutException(f, context + f + " does not exist", e);
    } catch (OciLayoutException e) {
      throw e;
    } catch (IOException e) {
      throw new OciLayoutException(f, f + ": cannot be read: " + e, e);
    }
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
      Descriptor found = findByDigest(index, d, new HashSet<>());
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

  private Descriptor findByDigest(ImageIndex index, Digest d, Set<Digest> visited)
      throws OciLayoutException {
    for (Descriptor m : index.manifests()) {
      if (m.digest().equals(d)) {
        return m;
      }
    }
    for (Descriptor m : index.manifests()) {
      if (MediaTypes.isIndex(m.mediaType()) && visited.add(m.digest()) && exists(m)) {
        Descriptor found = findByDigest(readIndex(m), d, visited);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
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
      long actual = Files.size(f);
      if (actual != d.size()) {
        throw new OciLayoutException(
            f, f + ": blob has " + actual + " bytes, its descriptor gives " + d.size());
      }
      b = Files.readAllBytes(f);
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
      return new VerifyingInputStream(Files.newInputStream(f), d, f);
    } catch (NoSuchFileException e) {
      throw missing(d, f, e);
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
   * Starts a write: blobs written through the transaction become visible at once (they are
   * content-addressed); {@code index.json} changes only at {@link Transaction#commit}. Use with
   * try-with-resources: closing an uncommitted transaction deletes the blobs it created.
   */
  public Transaction begin() throws OciLayoutException {
    return new Transaction(readIndexBytes());
  }

  /**
   * A write in progress; see {@link OciLayout#begin()}. Not thread-safe except {@link #writeBlob}.
   */
  public final class Transaction implements AutoCloseable {
    private final byte[] indexAtStart;
    private final ImageIndex index;
    private final Deque<Path> created = new ArrayDeque<>();
    private final List<Digest> toDelete = new ArrayList<>();
    private boolean done;

    private Transaction(byte[] indexAtStart) throws OciLayoutException {
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
     */
    public Descriptor writeBlob(String mediaType, byte[] content) throws OciLayoutException {
      Descriptor d = Descriptor.ofContent(mediaType, content);
      Path f = blobPath(d.digest());
      synchronized (this) {
        if (done) {
          throw new IllegalStateException("transaction already finished");
        }
        if (Files.exists(f, LinkOption.NOFOLLOW_LINKS)) {
          readBlob(d, Long.MAX_VALUE); // an existing blob must be intact
          return d;
        }
        try {
          Path dir = f.getParent();
          Path blobs = dir.getParent();
          if (!Files.isDirectory(blobs)) {
            Files.createDirectory(blobs);
            created.push(blobs);
          }
          if (!Files.isDirectory(dir)) {
            Files.createDirectory(dir);
            created.push(dir);
          }
          writeAtomically(f, content);
          created.push(f);
        } catch (IOException e) {
          throw new OciLayoutException(f, f + ": cannot write blob: " + e, e);
        }
      }
      return d;
    }

    /** Whether this transaction created the blob of {@code d}. */
    public synchronized boolean created(Digest d) {
      return created.contains(blobPath(d));
    }

    /** Asks for the blob {@code d} to be deleted after a successful commit. */
    public synchronized void deleteAfterCommit(Digest d) {
      toDelete.add(d);
    }

    /**
     * Replaces {@code index.json} with {@code newIndex} (atomically), unless someone changed it
     * since {@link OciLayout#begin()}; then deletes the blobs given to {@link #deleteAfterCommit}.
     */
    public synchronized void commit(ImageIndex newIndex) throws OciLayoutException {
      if (done) {
        throw new IllegalStateException("transaction already finished");
      }
      Path f = root.resolve(INDEX_FILE);
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
          writeAtomically(f, bytes);
        } catch (IOException e) {
          throw new OciLayoutException(f, f + ": cannot write: " + e, e);
        }
      }
      done = true;
      created.clear();
      for (Digest d : toDelete) {
        try {
          Files.deleteIfExists(blobPath(d));
        } catch (IOException e) {
          throw new OciLayoutException(blobPath(d), blobPath(d) + ": cannot delete: " + e, e);
        }
      }
    }

    /**
     * Finishes the transaction; if it was not committed, deletes every file and directory it
     * created.
     */
    @Override
    public synchronized void close() throws OciLayoutException {
      if (done) {
        return;
      }
      done = true;
      OciLayoutException failure = null;
      while (!created.isEmpty()) {
        Path p = created.pop();
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          if (failure == null) {
            failure =
                new OciLayoutException(p, p + ": cannot remove after a failed operation: " + e, e);
          }
        }
      }
      if (failure != null) {
        throw failure;
      }
    }
  }

  /**
   * Writes {@code bytes} to a temporary file beside {@code target}, syncs it, and renames it into
   * place.
   */
  static void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, ".tmp-" + target.getFileName(), ".part");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
          OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
        out.write(bytes);
        out.flush();
        ch.force(true);
      }
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: keep the default permissions
      }
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
