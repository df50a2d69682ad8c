package dev.soci.core.index;

import java.util.List;

/**
 * What {@link SociIndexBuilder#create} stored: one v1 SOCI index per platform.
 *
 * @param indexes the indexes, in platform order
 */
public record CreateResult(List<IndexResult> indexes) {
  /** Copies the list. */
  public CreateResult {
    indexes = List.copyOf(indexes);
  }

  /** A short summary (the full contents are in the accessors). */
  @Override
  public String toString() {
    return "CreateResult[" + indexes.size() + " indexes]";
  }
}
