package dev.soci.core.extract;

import java.util.List;

/**
 * What {@link LayerExtractor#extract} created.
 *
 * @param files regular files written
 * @param directories directories created or already present
 * @param symlinks symbolic links created
 * @param hardLinks hard links created (to files extracted earlier in the same run)
 * @param specialFiles device files and fifos created (only when allowed)
 * @param skipped names of entries not extracted, with the reason, e.g. {@code "dev/null (character
 *     device; devices not allowed)"}
 */
public record ExtractionResult(
    int files,
    int directories,
    int symlinks,
    int hardLinks,
    int specialFiles,
    List<String> skipped) {
  /** Copies {@code skipped}. */
  public ExtractionResult {
    skipped = List.copyOf(skipped);
  }
}
