package dev.soci.ztoc;

/** Told how far a long operation (such as a zTOC build) has got. Called on the working thread. */
@FunctionalInterface
public interface ProgressListener {
  /**
   * @param done bytes of input processed so far
   * @param total total input bytes, or {@code -1} when unknown (a stream)
   */
  void onProgress(long done, long total);

  /** A listener that ignores progress. */
  ProgressListener NONE = (done, total) -> {};
}
