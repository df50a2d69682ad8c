package dev.soci.core.image;

import dev.soci.core.BlobSource;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Where the content of images comes from: an OCI image layout ({@link OciLayoutSource}) or a
 * registry repository ({@link RegistrySource}). {@link SociImage} asks it for exactly five things
 * and trusts none of the answers: documents are checked against their descriptors here, layer bytes
 * against the zTOC's span digests (or the layer digest) by the caller.
 *
 * <p>Implementations are thread-safe. None of the methods may block forever (every network read has
 * a timeout).
 */
public interface ContentSource extends Closeable {

  /**
   * The descriptor a reference names: a tag, or a digest ({@code sha256:...}) of a manifest or
   * image index.
   *
   * @throws ContentNotFoundException if nothing is known under {@code reference}
   */
  Descriptor resolve(String reference) throws IOException;

  /**
   * The bytes of a manifest or image index (or any small blob, such as a zTOC or a config), checked
   * against {@code descriptor}'s size and digest before they are returned.
   *
   * @param maxSize the most bytes accepted; a larger descriptor fails before anything is fetched
   * @throws ContentNotFoundException if the content does not exist
   * @throws IOException naming the content when it has another size or digest, or is too large
   */
  byte[] fetch(Descriptor descriptor, long maxSize) throws IOException;

  /**
   * Random access to a blob, for ranged reads of a layer. The returned source's size must be the
   * descriptor's; its bytes are not checked here (each span is checked against its zTOC digest).
   *
   * @throws ContentNotFoundException if the blob does not exist
   */
  BlobSource openBlob(Descriptor descriptor) throws IOException;

  /**
   * Streams a whole blob. Reading to its end checks the size and digest: an {@link IOException}
   * instead of end-of-stream when they differ. Read it to the end before trusting any byte.
   *
   * @throws ContentNotFoundException if the blob does not exist
   */
  InputStream streamBlob(Descriptor descriptor) throws IOException;

  /**
   * The descriptors of the manifests whose {@code subject} is {@code subject} and whose artifact
   * type (or config media type, for a manifest without one) is {@code artifactType}: the OCI
   * referrers API, or its equivalent in a layout. Empty when there are none, or when the source
   * cannot list referrers (a registry without the API: the caller then tries the {@code
   * <alg>-<hex>} fallback tag itself).
   */
  List<Descriptor> referrers(Digest subject, String artifactType) throws IOException;

  /** Releases what the source holds (connections, open files). */
  @Override
  default void close() throws IOException {}
}
