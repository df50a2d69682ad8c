package dev.soci.ztoc;

/** Reads and validates a zTOC flatbuffer (stub; see the codec task). */
final class ZtocDecoder {
  private ZtocDecoder() {}

  static Ztoc decode(byte[] bytes) throws MalformedZtocException {
    throw new UnsupportedOperationException("not yet implemented");
  }
}
