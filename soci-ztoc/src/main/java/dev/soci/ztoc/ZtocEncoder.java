package dev.soci.ztoc;

/** Writes a {@link Ztoc} as upstream's flatbuffers bytes (stub; see the codec task). */
final class ZtocEncoder {
  private ZtocEncoder() {}

  static byte[] encode(Ztoc ztoc) {
    throw new UnsupportedOperationException("not yet implemented");
  }
}
