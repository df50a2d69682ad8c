package dev.soci.ztoc;

import dev.soci.common.internal.AtomicFiles;
import dev.soci.ztoc.zinfo.Zinfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A zTOC: the table of contents of one layer (its tar entries with their uncompressed offsets) plus
 * the checkpoints and span digests that let a reader decompress any span on its own.
 *
 * <p>Immutable and thread-safe. {@link #encode()} writes exactly the flatbuffers bytes upstream
 * soci writes for the same content; {@link #decode(byte[])} reads any zTOC upstream writes and
 * validates it.
 */
public final class Ztoc {
  /** The only zTOC version that exists. */
  public static final String VERSION_0_9 = "0.9";

  /** The build tool identifier upstream's CLI writes. */
  public static final String DEFAULT_BUILD_TOOL_IDENTIFIER = "AWS SOCI CLI v0.2";

  private final String version;
  private final String buildToolIdentifier;
  private final long compressedArchiveSize;
  private final long uncompressedArchiveSize;
  private final Toc toc;
  private final CompressionAlgorithm compressionAlgorithm;
  private final int maxSpanId;
  private final List<String> spanDigests;
  private final byte[] checkpoints;
  private volatile Zinfo zinfo;

  private Ztoc(Assembler b) {
    this.version = Objects.requireNonNull(b.version, "version");
    this.buildToolIdentifier = Objects.requireNonNull(b.buildToolIdentifier, "buildToolIdentifier");
    this.compressedArchiveSize = b.compressedArchiveSize;
    this.uncompressedArchiveSize = b.uncompressedArchiveSize;
    this.toc = new Toc(b.files);
    this.compressionAlgorithm =
        Objects.requireNonNull(b.compressionAlgorithm, "compressionAlgorithm");
    this.maxSpanId = b.maxSpanId;
    this.spanDigests = List.copyOf(b.spanDigests);
    this.checkpoints = b.checkpoints; // the assembler copied it (or owns it)
    this.zinfo =
        b.zinfo; // set instead of checkpoints by the assembler: serialized only when encoding
    if (checkpoints == null && zinfo == null) {
      throw new IllegalStateException("a zTOC needs checkpoints");
    }
  }

  /**
   * Returns a new assembler of a zTOC from its fields (to index a layer, use {@link ZtocBuilder}):
   * version 0.9, upstream's build tool identifier, gzip, no files.
   */
  public static Assembler assembler() {
    return new Assembler();
  }

  /**
   * Decodes and validates a zTOC buffer, with the {@linkplain ZtocLimits#defaults() default
   * limits}.
   */
  public static Ztoc decode(byte[] bytes) throws MalformedZtocException {
    return ZtocDecoder.decode(bytes, limitsOrDefault(null));
  }

  /**
   * Decodes and validates a zTOC buffer held to {@code limits}: its size, the number of entries,
   * name and link name lengths, PAX record sizes and total metadata.
   *
   * @throws MalformedZtocException if the buffer is malformed or exceeds a limit
   */
  public static Ztoc decode(byte[] bytes, ZtocLimits limits) throws MalformedZtocException {
    return ZtocDecoder.decode(bytes, limitsOrDefault(limits));
  }

  /** Reads and decodes the zTOC file {@code path} with the default limits. */
  public static Ztoc read(Path path) throws IOException {
    return read(path, ZtocLimits.defaults());
  }

  /**
   * Reads and decodes the zTOC file {@code path}; its size is checked against {@link
   * ZtocLimits#maxZtocSize()} before it is read.
   *
   * @throws MalformedZtocException if the file is too large, malformed or exceeds a limit
   * @throws IOException if the file cannot be read
   */
  public static Ztoc read(Path path, ZtocLimits limits) throws IOException {
    ZtocLimits l = limitsOrDefault(limits);
    try (InputStream in = Files.newInputStream(path)) {
      long size = Files.size(path);
      if (size > l.maxZtocSize()) {
        throw tooLarge(path.toString(), size + " bytes", l);
      }
      return decode(readBounded(in, path.toString(), l), l);
    }
  }

  /**
   * Writes {@link #encode()} to the file {@code path}, atomically: the bytes go to a temporary file
   * in the same directory, are forced to disk, and are then linked at {@code path} in one step, so
   * a reader sees no file or the whole zTOC, never part of it. An existing file is never replaced:
   * if {@code path} already holds exactly these bytes, nothing is written (writing the same zTOC
   * twice is harmless); if it holds anything else, the write fails.
   *
   * @throws java.nio.file.FileAlreadyExistsException if {@code path} exists with other content
   * @throws IOException if the file cannot be written
   */
  public void write(Path path) throws IOException {
    try {
      AtomicFiles.write(path, false, out -> writeTo(out));
    } catch (FileAlreadyExistsException e) {
      if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) || !holdsThisZtoc(path)) {
        throw new FileAlreadyExistsException(
            path.toString(), null, "exists with other content; not overwritten");
      }
    }
  }

  /** Whether the file at {@code path} holds exactly the bytes of {@link #encode()}. */
  private boolean holdsThisZtoc(Path path) throws IOException {
    byte[] mine = new byte[1 << 16];
    byte[] theirs = new byte[1 << 16];
    try (InputStream a = encodedStream();
        InputStream b = Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS)) {
      while (true) {
        int n = a.readNBytes(mine, 0, mine.length);
        int m = b.readNBytes(theirs, 0, theirs.length);
        if (n != m || !Arrays.equals(mine, 0, n, theirs, 0, m)) {
          return false;
        }
        if (n < mine.length) {
          return true;
        }
      }
    }
  }

  /**
   * Reads a zTOC from {@code in} to its end (not closed here) and decodes it; reading stops with an
   * error as soon as more than {@link ZtocLimits#maxZtocSize()} bytes arrive.
   */
  public static Ztoc read(InputStream in, ZtocLimits limits) throws IOException {
    ZtocLimits l = limitsOrDefault(limits);
    return decode(readBounded(in, "the stream", l), l);
  }

  private static byte[] readBounded(InputStream in, String what, ZtocLimits limits)
      throws IOException {
    byte[] bytes = in.readNBytes((int) Math.min(limits.maxZtocSize() + 1, Integer.MAX_VALUE - 8));
    if (bytes.length > limits.maxZtocSize()) {
      throw tooLarge(what, "more than " + limits.maxZtocSize() + " bytes", limits);
    }
    return bytes;
  }

  private static MalformedZtocException tooLarge(String what, String size, ZtocLimits limits) {
    return new MalformedZtocException(
        "zTOC "
            + what
            + " is "
            + size
            + ", over the limit of "
            + limits.maxZtocSize()
            + " bytes (ZtocLimits.maxZtocSize)");
  }

  private static ZtocLimits limitsOrDefault(ZtocLimits limits) {
    return limits != null ? limits : ZtocLimits.defaults();
  }

  /** Encodes this zTOC as the flatbuffers bytes upstream soci writes for it. */
  public byte[] encode() {
    return ZtocEncoder.encode(this);
  }

  /**
   * Writes the same bytes as {@link #encode()} to {@code out} and returns their number. Does not
   * close {@code out}. The checkpoint windows, most of a zTOC's bytes, are written from this zTOC
   * rather than copied into one buffer first (see {@link #encodedStream()}).
   */
  public long writeTo(java.io.OutputStream out) throws IOException {
    try (InputStream in = encodedStream()) {
      return in.transferTo(out);
    }
  }

  /**
   * The bytes of {@link #encode()} as a stream made as it is read. For a zTOC built from a layer,
   * the checkpoint windows (32 KiB a span: most of the bytes) are read from this zTOC a checkpoint
   * at a time, never copied into one buffer, so writing, hashing or uploading a zTOC needs little
   * memory beside it; the rest of the encoding (the TOC) is made in memory when this is called.
   * Each call makes a new stream from the start.
   */
  public InputStream encodedStream() {
    return ZtocEncoder.encodedStream(this);
  }

  /** The format version, {@code "0.9"}. */
  public String version() {
    return version;
  }

  /** The build tool identifier recorded by whoever built this zTOC. */
  public String buildToolIdentifier() {
    return buildToolIdentifier;
  }

  /** Size in bytes of the layer blob as stored (compressed). */
  public long compressedArchiveSize() {
    return compressedArchiveSize;
  }

  /** Offset in the uncompressed tar just after its end-of-archive marker. */
  public long uncompressedArchiveSize() {
    return uncompressedArchiveSize;
  }

  /** The table of contents: entries in archive order, with name lookup. */
  public Toc toc() {
    return toc;
  }

  /** Shortcut for {@code toc().entries()}. */
  public List<FileMetadata> files() {
    return toc.entries();
  }

  /** How the layer is compressed. */
  public CompressionAlgorithm compressionAlgorithm() {
    return compressionAlgorithm;
  }

  /** Number of spans minus one. */
  public int maxSpanId() {
    return maxSpanId;
  }

  /** One {@code "sha256:<hex>"} digest per span, of the span's compressed bytes. */
  public List<String> spanDigests() {
    return spanDigests;
  }

  /** The raw checkpoints blob (a gzip zinfo blob or a {@code TarZinfo} flatbuffer); a copy. */
  public byte[] checkpoints() {
    return checkpoints != null ? checkpoints.clone() : zinfo.toBytes();
  }

  /** The stored blob, or null when this zTOC was built in memory and holds only its zinfo. */
  byte[] checkpointBytesOrNull() {
    return checkpoints;
  }

  int checkpointsSize() {
    return checkpoints != null ? checkpoints.length : zinfo.serializedSize();
  }

  /** The parsed checkpoints, validated against this zTOC; parsed once and cached. */
  public Zinfo zinfo() throws MalformedZtocException {
    Zinfo z = zinfo;
    if (z == null) {
      z = Zinfo.parse(compressionAlgorithm, checkpoints);
      zinfo = z;
    }
    return z;
  }

  Zinfo zinfoOrNull() {
    return zinfo;
  }

  /** Stores an already parsed and validated zinfo (the decoder parses it anyway). */
  void cacheZinfo(Zinfo parsed) {
    this.zinfo = parsed;
  }

  /** Returns an assembler initialised with this zTOC's fields. */
  public Assembler toAssembler() {
    Assembler b = new Assembler();
    b.version = version;
    b.buildToolIdentifier = buildToolIdentifier;
    b.compressedArchiveSize = compressedArchiveSize;
    b.uncompressedArchiveSize = uncompressedArchiveSize;
    b.files = toc.entries();
    b.compressionAlgorithm = compressionAlgorithm;
    b.maxSpanId = maxSpanId;
    b.spanDigests = spanDigests;
    b.checkpoints = checkpoints;
    b.zinfo = checkpoints == null ? zinfo : null;
    return b;
  }

  @Override
  public String toString() {
    return "Ztoc["
        + compressionAlgorithm.wireName()
        + ", "
        + toc.entries().size()
        + " files, "
        + (maxSpanId + 1)
        + " spans, "
        + compressedArchiveSize
        + " -> "
        + uncompressedArchiveSize
        + " bytes]";
  }

  /** Assembles a {@link Ztoc} from its parts. Not thread-safe. */
  public static final class Assembler {
    private String version = VERSION_0_9;
    private String buildToolIdentifier = DEFAULT_BUILD_TOOL_IDENTIFIER;
    private long compressedArchiveSize;
    private long uncompressedArchiveSize;
    private List<FileMetadata> files = List.of();
    private CompressionAlgorithm compressionAlgorithm = CompressionAlgorithm.GZIP;
    private int maxSpanId;
    private List<String> spanDigests = List.of();
    private byte[] checkpoints = new byte[0];
    private Zinfo zinfo;

    private Assembler() {}

    /** Sets the version string (default {@code "0.9"}). */
    public Assembler version(String version) {
      this.version = version;
      return this;
    }

    /** Sets the build tool identifier (default {@value Ztoc#DEFAULT_BUILD_TOOL_IDENTIFIER}). */
    public Assembler buildToolIdentifier(String id) {
      this.buildToolIdentifier = id;
      return this;
    }

    /** Sets the compressed (blob) size. */
    public Assembler compressedArchiveSize(long size) {
      this.compressedArchiveSize = size;
      return this;
    }

    /** Sets the uncompressed tar size up to its end-of-archive marker. */
    public Assembler uncompressedArchiveSize(long size) {
      this.uncompressedArchiveSize = size;
      return this;
    }

    /** Sets the TOC entries, in archive order. */
    public Assembler files(List<FileMetadata> files) {
      this.files = List.copyOf(files);
      return this;
    }

    /** Sets the compression algorithm (default gzip). */
    public Assembler compressionAlgorithm(CompressionAlgorithm algorithm) {
      this.compressionAlgorithm = algorithm;
      return this;
    }

    /** Sets the number of spans minus one. */
    public Assembler maxSpanId(int maxSpanId) {
      this.maxSpanId = maxSpanId;
      return this;
    }

    /** Sets the span digests, {@code "sha256:<hex>"} each, in span order. */
    public Assembler spanDigests(List<String> digests) {
      this.spanDigests = List.copyOf(digests);
      return this;
    }

    /** Sets the raw checkpoints blob (copied). */
    public Assembler checkpoints(byte[] blob) {
      this.checkpoints = blob.clone();
      this.zinfo = null;
      return this;
    }

    /**
     * Sets the checkpoints as a zinfo object, serialized only when the zTOC is encoded: a large
     * layer's windows are then held once, not twice.
     */
    public Assembler zinfo(Zinfo zinfo) {
      this.zinfo = Objects.requireNonNull(zinfo, "zinfo");
      this.checkpoints = null;
      return this;
    }

    /** Sets the checkpoints blob, taking ownership of the array (no copy), for the decoder. */
    Assembler checkpointsOwned(byte[] blob) {
      this.checkpoints = blob;
      this.zinfo = null;
      return this;
    }

    /** Builds the immutable zTOC. */
    public Ztoc build() {
      return new Ztoc(this);
    }
  }
}
