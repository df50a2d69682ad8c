package dev.soci.ztoc;

import java.util.Locale;

/** How a layer blob is compressed, as recorded in a zTOC's {@code compression_info}. */
public enum CompressionAlgorithm {
  /** A gzip stream (one or more members); checkpoints are a gzip zinfo blob. */
  GZIP(1),
  /** A plain tar; checkpoints are a {@code TarZinfo} flatbuffer. */
  UNCOMPRESSED(2);

  private final int wireValue;

  CompressionAlgorithm(int wireValue) {
    this.wireValue = wireValue;
  }

  /** The value of the flatbuffers enum {@code CompressionAlgorithm}. */
  public int wireValue() {
    return wireValue;
  }

  /** The lower-case name upstream uses ({@code "gzip"}, {@code "uncompressed"}). */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Returns the algorithm for a flatbuffers enum value, or {@code null} if there is none. */
  public static CompressionAlgorithm fromWireValue(int value) {
    for (CompressionAlgorithm a : values()) {
      if (a.wireValue == value) {
        return a;
      }
    }
    return null;
  }
}
