package dev.soci.oci;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Objects;

/**
 * JSON for the OCI types. Encoding gives exactly the bytes Go's {@code encoding/json} writes for
 * the image-spec v1.1.1 structs (what upstream soci and the snapshotter produce and expect, {@code
 * spec/index.md} section 2.1): compact, no trailing newline, members in struct order, empty {@code
 * omitempty} members left out, annotation keys sorted, Go's string escapes. Decoding is strict, on
 * jackson-core's streaming parser, with limits on document size and nesting depth checked while
 * parsing (defaults 4 MiB and 64 levels).
 *
 * <pre>{@code
 * byte[] json = OciJson.encode(manifest);
 * ImageManifest m = OciJson.decoder().decodeManifest(json, "blobs/sha256/ab12...");
 * ImageIndex big = OciJson.decoder().maxDocumentSize(16 << 20).decodeIndex(bytes, "index.json");
 * }</pre>
 *
 * <p>Thread-safe; decoders are immutable.
 */
public final class OciJson {
  /** The default maximum document size, 4 MiB. */
  public static final long DEFAULT_MAX_DOCUMENT_SIZE = 4L << 20;

  /** The default maximum nesting depth, 64. */
  public static final int DEFAULT_MAX_DEPTH = 64;

  private static final Decoder DEFAULT = new Decoder(DEFAULT_MAX_DOCUMENT_SIZE, DEFAULT_MAX_DEPTH);

  private OciJson() {}

  /** Go's encoding of an image manifest. */
  public static byte[] encode(ImageManifest manifest) {
    GoJsonWriter w = new GoJsonWriter();
    w.manifest(Objects.requireNonNull(manifest));
    return w.toByteArray();
  }

  /** Go's encoding of an image index. */
  public static byte[] encode(ImageIndex index) {
    GoJsonWriter w = new GoJsonWriter();
    w.index(Objects.requireNonNull(index));
    return w.toByteArray();
  }

  /** Go's encoding of a descriptor. */
  public static byte[] encode(Descriptor descriptor) {
    GoJsonWriter w = new GoJsonWriter();
    w.descriptor(Objects.requireNonNull(descriptor));
    return w.toByteArray();
  }

  /** Go's encoding of a platform. */
  public static byte[] encode(Platform platform) {
    GoJsonWriter w = new GoJsonWriter();
    w.platform(Objects.requireNonNull(platform));
    return w.toByteArray();
  }

  /** Go's encoding of a string, quotes included. */
  public static byte[] encodeString(String s) {
    GoJsonWriter w = new GoJsonWriter();
    w.string(Objects.requireNonNull(s));
    return w.toByteArray();
  }

  /** A decoder with the default limits. */
  public static Decoder decoder() {
    return DEFAULT;
  }

  /**
   * Go's {@code json.Indent(dst, src, "", " ")} followed by a newline, as {@code soci index info}
   * prints a stored index: the tokens are kept as they are (escapes included), whitespace between
   * them is replaced by newlines and two-space indentation, {@code ": "} separates names from
   * values and empty objects and arrays stay {@code {}} and {@code []}. The input must be valid
   * JSON (decode it first).
   */
  public static byte[] indent(byte[] json) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(json.length * 2);
    int depth = 0;
    boolean needIndent = false;
    int i = 0;
    int n = json.length;
    while (i < n && isSpace(json[i])) {
      i++;
    }
    for (; i < n; i++) {
      byte c = json[i];
      if (isSpace(c)) {
        continue;
      }
      if (needIndent && c != ']' && c != '}') {
        needIndent = false;
        depth++;
        newline(out, depth);
      }
      switch (c) {
        case '"' -> {
          int j = i + 1;
          while (j < n && json[j] != '"') {
            j += json[j] == '\\' ? 2 : 1;
          }
          out.write(json, i, Math.min(j, n - 1) - i + 1);
          i = j;
        }
        case '{', '[' -> {
          out.write(c);
          needIndent = true;
        }
        case ',' -> {
          out.write(c);
          newline(out, depth);
        }
        case ':' -> {
          out.write(c);
          out.write(' ');
        }
        case '}', ']' -> {
          if (needIndent) {
            needIndent = false; // empty: "{}" or "[]"
          } else {
            depth--;
            newline(out, depth);
          }
          out.write(c);
        }
        default -> out.write(c);
      }
    }
    out.write('\n');
    return out.toByteArray();
  }

  private static boolean isSpace(byte c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }

  private static void newline(ByteArrayOutputStream out, int depth) {
    out.write('\n');
    for (int k = 0; k < depth; k++) {
      out.write(' ');
      out.write(' ');
    }
  }

  /**
   * Decodes OCI documents strictly: any member order, unknown members ignored, {@code null} as
   * absent; wrong types, missing required members ({@code schemaVersion} (which must be 2), {@code
   * config}, {@code layers}, {@code manifests}, and a descriptor's {@code mediaType}, {@code
   * digest}, {@code size}; a platform's {@code architecture} and {@code os}), invalid digests,
   * negative sizes, a manifest that is really an index (or the reverse), trailing content, and
   * documents over the limits fail with an {@link InvalidDocumentException} naming the document and
   * the field. Immutable and thread-safe.
   */
  public static final class Decoder {
    private final long maxDocumentSize;
    private final int maxDepth;
    private final JsonFactory factory;

    private Decoder(long maxDocumentSize, int maxDepth) {
      this.maxDocumentSize = maxDocumentSize;
      this.maxDepth = maxDepth;
      int maxString = (int) Math.min(Integer.MAX_VALUE, Math.max(maxDocumentSize, 1));
      this.factory =
          JsonFactory.builder()
              .streamReadConstraints(
                  StreamReadConstraints.builder()
                      .maxNestingDepth(maxDepth)
                      .maxStringLength(maxString)
                      .maxDocumentLength(maxDocumentSize)
                      .build())
              .build();
    }

    /** This decoder with another maximum document size in bytes (at least 2). */
    public Decoder maxDocumentSize(long bytes) {
      if (bytes < 2) {
        throw new IllegalArgumentException(
            "maximum document size must be at least 2, got " + bytes);
      }
      return new Decoder(bytes, maxDepth);
    }

    /** This decoder with another maximum nesting depth (at least 4, enough for every OCI type). */
    public Decoder maxDepth(int depth) {
      if (depth < 4) {
        throw new IllegalArgumentException("maximum depth must be at least 4, got " + depth);
      }
      return new Decoder(maxDocumentSize, depth);
    }

    /** The maximum document size in bytes. */
    public long maxDocumentSize() {
      return maxDocumentSize;
    }

    /** The maximum nesting depth. */
    public int maxDepth() {
      return maxDepth;
    }

    /**
     * Decodes an image manifest (OCI or Docker v2 schema 2); {@code document} names it in errors.
     */
    public ImageManifest decodeManifest(byte[] json, String document)
        throws InvalidDocumentException {
      return read(
          json,
          document,
          r -> {
            r.root();
            return r.manifest();
          });
    }

    /** Decodes an image index, a Docker manifest list or an image layout's {@code index.json}. */
    public ImageIndex decodeIndex(byte[] json, String document) throws InvalidDocumentException {
      return read(
          json,
          document,
          r -> {
            r.root();
            return r.index();
          });
    }

    /** Decodes a descriptor. */
    public Descriptor decodeDescriptor(byte[] json, String document)
        throws InvalidDocumentException {
      return read(
          json,
          document,
          r -> {
            r.root();
            return r.descriptor("");
          });
    }

    /** Reads one document under this decoder's size and depth limits. */
    private <T> T read(byte[] json, String document, DocumentReader.Body<T> body)
        throws InvalidDocumentException {
      return DocumentReader.read(factory, json, document, maxDocumentSize, maxDepth, body);
    }

    /** Decodes a platform object. */
    public Platform decodePlatform(byte[] json, String document) throws InvalidDocumentException {
      return read(
          json,
          document,
          r -> {
            r.root();
            return r.platform("", true);
          });
    }

    /**
     * Reads the platform members of an image config ({@code architecture}, {@code os}, {@code
     * os.version}, {@code os.features}, {@code variant}; all optional), as containerd's {@code
     * images.ConfigPlatform} does before normalizing.
     */
    public Platform decodeConfigPlatform(byte[] json, String document)
        throws InvalidDocumentException {
      return read(
          json,
          document,
          r -> {
            r.root();
            return r.platform("", false);
          });
    }

    /**
     * Decodes a prefetch artifact and validates it (see {@link PrefetchArtifact#decode}); {@code
     * document} names it in errors.
     */
    public PrefetchArtifact decodePrefetchArtifact(byte[] json, String document)
        throws InvalidDocumentException {
      return read(
          json,
          document,
          r -> {
            r.root();
            return r.prefetchArtifact();
          });
    }

    /**
     * Decodes a JSON array of strings (such as upstream's {@code --prefetch-files-json} file); a
     * {@code null} element reads as {@code ""}, as in Go.
     */
    public List<String> decodeStringArray(byte[] json, String document)
        throws InvalidDocumentException {
      return read(
          json,
          document,
          r -> {
            r.root();
            return r.stringArray();
          });
    }

    /**
     * Decodes any JSON document (registry error bodies, token responses, tag lists, docker {@code
     * config.json}) under the same limits and string rules as the OCI documents: objects become
     * unmodifiable insertion-ordered {@code Map<String, Object>} (members whose value is {@code
     * null} left out, the last of duplicated members wins), arrays unmodifiable {@code
     * List<Object>}, strings {@code String}, integers {@code Long} (outside the int64 range fails),
     * other numbers {@code Double}, booleans {@code Boolean}, and a top-level {@code null} {@code
     * null}.
     */
    public Object decodeValue(byte[] json, String document) throws InvalidDocumentException {
      return read(
          json,
          document,
          r -> {
            r.root();
            return r.value("");
          });
    }

    /** Reads the {@code imageLayoutVersion} of an image layout's {@code oci-layout} file. */
    public String decodeLayoutVersion(byte[] json, String document)
        throws InvalidDocumentException {
      return read(
          json,
          document,
          r -> {
            r.root();
            return r.layoutVersion();
          });
    }
  }
}
