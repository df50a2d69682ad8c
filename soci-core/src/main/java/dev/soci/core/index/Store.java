package dev.soci.core.index;

import dev.soci.core.registry.BlobContent;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * Where the builder reads an image and writes SOCI artifacts: an OCI image layout in production
 * ({@link LayoutStore}), an in-memory stand-in in the upstream-vector tests (as upstream's own
 * vectors were made with in-memory stores). Implementations verify what they return and are safe
 * for concurrent {@link #open} and {@link #write} calls.
 */
interface Store {
  /** The verified bytes of a blob no larger than {@code maxSize}. */
  byte[] read(Descriptor d, long maxSize) throws IOException;

  /** The verified, decoded image manifest of {@code d}. */
  ImageManifest manifest(Descriptor d) throws IOException;

  /** The verified, decoded image index of {@code d}. */
  ImageIndex index(Descriptor d) throws IOException;

  /** Whether the blob of {@code d} is present. */
  boolean exists(Descriptor d);

  /** The blob of {@code d} as a stream verified at its end. */
  InputStream open(Descriptor d) throws IOException;

  /**
   * The file that holds the blob of {@code d}, not yet verified, when the store keeps blobs as
   * files and this one has the descriptor's size; otherwise {@code null} (then use {@link #open}).
   * A zTOC built from the file can be inflated by several threads; the caller passes what it read
   * through {@link #check}.
   */
  default Path file(Descriptor d) {
    return null;
  }

  /**
   * A sink that checks the bytes of the blob of {@code d} read from {@link #file}: its {@code
   * close()} fails unless they are the blob the descriptor names.
   */
  default OutputStream check(Descriptor d) {
    throw new UnsupportedOperationException("this store has no blob files");
  }

  /** Stores {@code content}; returns {@code {mediaType, digest, size}}. */
  Descriptor write(String mediaType, byte[] content) throws IOException;

  /**
   * Stores the blob {@code d} describes, streamed from {@code content} (opened from the start, or
   * from an offset when an upload resumes), without holding it in memory where the store can: a
   * large zTOC is written or uploaded from the zTOC itself. The content is checked against {@code
   * d}'s size and digest.
   */
  default Descriptor write(Descriptor d, BlobContent content) throws IOException {
    byte[] bytes;
    try (InputStream in = content.open(0)) {
      bytes = in.readNBytes((int) Math.min(d.size() + 1, Integer.MAX_VALUE - 8));
    }
    Descriptor written = write(d.mediaType(), bytes);
    if (!written.digest().equals(d.digest()) || written.size() != d.size()) {
      throw new SociIndexException(
          describe(d) + ": the content written is " + written + ", not the blob expected");
    }
    return written;
  }

  /**
   * A zTOC already stored for the layer {@code layer} built with {@code spanSize}, checked to be
   * present and intact, or {@code null}.
   */
  Descriptor existingZtoc(Digest layer, long spanSize) throws IOException;

  /**
   * The largest document (manifest, index) this store's reader accepts; nothing larger is written.
   */
  default long maxDocumentSize() {
    return dev.soci.oci.OciJson.decoder().maxDocumentSize();
  }

  /** How to name the blob of {@code d} in messages (its file). */
  String describe(Descriptor d);
}
