package dev.soci.core.index;

/**
 * Told about a build as it goes: one call per layer, in the image manifest's layer order, and
 * progress of the zTOC builds. {@link #onProgress} may be called from worker threads, never
 * concurrently with itself.
 */
public interface BuildListener {
  /** A layer has been dealt with (zTOC built or reused, or skipped). */
  default void onLayer(LayerResult result) {}

  /** Bytes of layers read so far by zTOC builds of the current platform, out of {@code total}. */
  default void onProgress(long done, long total) {}

  /**
   * Something the build went on despite, as upstream prints it (a prefetch file found in no layer).
   */
  default void onWarning(String message) {}

  /** A listener that ignores everything. */
  BuildListener NONE = new BuildListener() {};
}
