package dev.soci.oci;

import java.util.List;
import java.util.Objects;

/**
 * A SOCI prefetch artifact ({@value MediaTypes#SOCI_PREFETCH}): the span ranges of one layer that a
 * lazy loader fetches before any read asks for them ({@code spec/index.md} section 4, upstream
 * {@code soci/prefetch.go}). A SOCI index lists one per layer that has prefetch files, after the
 * zTOCs, with the layer's digest in {@value Annotations#SOCI_IMAGE_LAYER_DIGEST}.
 *
 * <pre>{@code
 * PrefetchArtifact a = PrefetchArtifact.of(List.of(new Span(0, 10), new Span(20, 30)));
 * byte[] json = a.encode(); // {"version":"1.0","prefetch_spans":[...]}
 * PrefetchArtifact back = PrefetchArtifact.decode(json, "artifact.json");
 * back.checkWithin(ztoc.maxSpanId(), "artifact.json"); // spans inside the layer's zTOC
 * }</pre>
 *
 * <p>Immutable. A value is always valid: version {@value #VERSION}, at least one span, every span
 * with {@code 0 <= startSpan <= endSpan}.
 *
 * @param version the artifact version, always {@value #VERSION}
 * @param spans the span ranges, in the order written
 */
public record PrefetchArtifact(String version, List<Span> spans) {
  /** The only artifact version upstream writes and reads. */
  public static final String VERSION = "1.0";

  /**
   * One range of spans to prefetch, both ends included.
   *
   * @param startSpan the first span
   * @param endSpan the last span
   * @param priority upstream's optional priority (lower is sooner; 0 = unset, not written)
   */
  public record Span(int startSpan, int endSpan, long priority) {
    /** Checks {@code 0 <= startSpan <= endSpan}. */
    public Span {
      if (startSpan < 0 || endSpan < startSpan) {
        throw new IllegalArgumentException(
            "invalid prefetch span [" + startSpan + ", " + endSpan + "]");
      }
    }

    /** A range without priority. */
    public Span(int startSpan, int endSpan) {
      this(startSpan, endSpan, 0);
    }
  }

  /** Checks the version and the spans and copies the list. */
  public PrefetchArtifact {
    if (!VERSION.equals(version)) {
      throw new IllegalArgumentException(
          "unsupported prefetch artifact version: " + version + " (expected " + VERSION + ")");
    }
    spans = List.copyOf(Objects.requireNonNull(spans, "spans"));
    if (spans.isEmpty()) {
      throw new IllegalArgumentException("prefetch artifact is empty");
    }
  }

  /** An artifact of version {@value #VERSION} with these spans (at least one). */
  public static PrefetchArtifact of(List<Span> spans) {
    return new PrefetchArtifact(VERSION, spans);
  }

  /**
   * Reads an artifact strictly (see {@link OciJson}), as upstream {@code UnmarshalPrefetchArtifact}
   * does and more: the version must be {@value #VERSION}, there must be at least one span, and
   * every span must have {@code 0 <= start_span <= end_span} within the int32 range.
   *
   * @param json the artifact bytes
   * @param document names the artifact in errors (a file or a digest)
   * @throws InvalidDocumentException if it is not a valid artifact
   */
  public static PrefetchArtifact decode(byte[] json, String document)
      throws InvalidDocumentException {
    return OciJson.decoder().decodePrefetchArtifact(json, document);
  }

  /**
   * Checks that every span lies inside a zTOC with spans {@code 0..maxSpanId}.
   *
   * @param maxSpanId the zTOC's highest span id ({@code -1} if it has no spans)
   * @param document names the artifact in errors
   * @throws InvalidDocumentException naming the first span outside the zTOC
   */
  public void checkWithin(int maxSpanId, String document) throws InvalidDocumentException {
    for (int i = 0; i < spans.size(); i++) {
      Span s = spans.get(i);
      if (s.endSpan() > maxSpanId) {
        throw new InvalidDocumentException(
            document,
            "prefetch_spans[" + i + "]",
            "span range ["
                + s.startSpan()
                + ", "
                + s.endSpan()
                + "] is outside the zTOC, whose last span is "
                + maxSpanId);
      }
    }
  }

  /** The exact bytes upstream writes: Go {@code json.Marshal}, compact. */
  public byte[] encode() {
    GoJsonWriter w = new GoJsonWriter();
    w.prefetchArtifact(this);
    return w.toByteArray();
  }

  /** The descriptor of {@link #encode()} for the layer {@code layer}, as upstream lists it. */
  public Descriptor descriptor(Digest layer) {
    return Descriptor.ofContent(MediaTypes.SOCI_PREFETCH, encode())
        .withAnnotations(java.util.Map.of(Annotations.SOCI_IMAGE_LAYER_DIGEST, layer.toString()));
  }

  /** A short summary (the full contents are in the accessors). */
  @Override
  public String toString() {
    return "PrefetchArtifact[" + version + ", " + spans.size() + " span ranges]";
  }
}
