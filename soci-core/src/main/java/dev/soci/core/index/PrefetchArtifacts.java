package dev.soci.core.index;

import dev.soci.oci.Annotations;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.InvalidDocumentException;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciJson;
import dev.soci.oci.PrefetchArtifact;
import dev.soci.oci.SociIndex;
import dev.soci.oci.layout.OciLayout;
import dev.soci.ztoc.Ztoc;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reading the prefetch artifacts of a SOCI index, as a lazy loader does before it serves reads
 * ({@code spec/lazy-loading.md} section 8): each artifact checked against its descriptor, decoded
 * strictly ({@link PrefetchArtifact#decode}) and checked against the zTOC of its layer, so that
 * every span it names exists.
 *
 * <pre>{@code
 * Descriptor a = index.prefetchArtifact(layer.digest());   // null: nothing to prefetch
 * if (a != null) {
 *   PrefetchArtifact spans = PrefetchArtifacts.read(a, fetch(a), ztocOfLayer);
 *   for (PrefetchArtifact.Span s : spans.spans()) { ... fetch spans s.startSpan()..s.endSpan() }
 * }
 * }</pre>
 */
public final class PrefetchArtifacts {
  private PrefetchArtifacts() {}

  /**
   * Checks {@code bytes} against the descriptor {@code artifact} (media type, size, digest),
   * decodes them and checks that every span lies in {@code ztoc}.
   *
   * @throws SociIndexException if the descriptor is not a prefetch artifact's or the bytes are not
   *     its blob
   * @throws InvalidDocumentException if the artifact is invalid (version, no spans, a span outside
   *     the zTOC)
   */
  public static PrefetchArtifact read(Descriptor artifact, byte[] bytes, Ztoc ztoc)
      throws IOException {
    String where = "prefetch artifact " + artifact.digest();
    if (!MediaTypes.SOCI_PREFETCH.equals(artifact.mediaType())) {
      throw new SociIndexException(
          where
              + ": media type is \""
              + artifact.mediaType()
              + "\", expected \""
              + MediaTypes.SOCI_PREFETCH
              + "\"");
    }
    if (bytes.length != artifact.size() || !Digest.sha256(bytes).equals(artifact.digest())) {
      throw new SociIndexException(
          where + ": the " + bytes.length + " bytes read are not the blob its descriptor names");
    }
    PrefetchArtifact a = PrefetchArtifact.decode(bytes, where);
    a.checkWithin(ztoc.maxSpanId(), where);
    return a;
  }

  /**
   * The prefetch artifacts of {@code index}, by the digest of the layer each is for (in index
   * order; the first artifact of a layer wins, as in upstream's snapshotter), read from {@code
   * layout} and checked against the layer's zTOC in the same index.
   *
   * @throws SociIndexException if an artifact names no layer or a layer without a zTOC in the index
   */
  public static Map<Digest, PrefetchArtifact> read(OciLayout layout, SociIndex index)
      throws IOException {
    Map<Digest, PrefetchArtifact> out = new LinkedHashMap<>();
    for (Descriptor d : index.prefetchArtifacts()) {
      String layer = d.annotation(Annotations.SOCI_IMAGE_LAYER_DIGEST);
      if (layer == null || !Digest.isValid(layer)) {
        throw new SociIndexException(
            "prefetch artifact "
                + d.digest()
                + ": missing or invalid "
                + Annotations.SOCI_IMAGE_LAYER_DIGEST
                + " annotation");
      }
      Digest l = Digest.parse(layer);
      if (out.containsKey(l)) {
        continue;
      }
      Descriptor z = index.ztoc(l);
      if (z == null) {
        throw new SociIndexException(
            "prefetch artifact " + d.digest() + ": the index has no zTOC for layer " + l);
      }
      Ztoc ztoc =
          Ztoc.decode(layout.readBlob(z, dev.soci.ztoc.ZtocLimits.defaults().maxZtocSize()));
      out.put(l, read(d, layout.readBlob(d, OciJson.decoder().maxDocumentSize()), ztoc));
    }
    return out;
  }
}
