package dev.soci.core.index;

import dev.soci.oci.Platform;
import java.util.List;
import java.util.Objects;

/**
 * Which platforms of an image to index: the default one, the listed ones, or all of them. The
 * default is the image's own platform for a single-manifest image (read from its config) and the
 * host platform ({@link Platform#host()}) for a multi-platform image, as upstream {@code soci
 * convert} chooses. Immutable.
 */
public final class PlatformSelection {
  private static final PlatformSelection DEFAULT = new PlatformSelection(List.of(), false);
  private static final PlatformSelection ALL = new PlatformSelection(List.of(), true);

  private final List<Platform> platforms;
  private final boolean all;

  private PlatformSelection(List<Platform> platforms, boolean all) {
    this.platforms = platforms;
    this.all = all;
  }

  /** The default platform (see the class comment). */
  public static PlatformSelection defaultPlatform() {
    return DEFAULT;
  }

  /** Every platform the image has (entries with an {@code unknown} OS or architecture excluded). */
  public static PlatformSelection all() {
    return ALL;
  }

  /** These platforms, in this order (duplicates are built once); none means the default. */
  public static PlatformSelection of(List<Platform> platforms) {
    List<Platform> copy = List.copyOf(Objects.requireNonNull(platforms, "platforms"));
    return copy.isEmpty() ? DEFAULT : new PlatformSelection(copy, false);
  }

  /** These platforms, in this order. */
  public static PlatformSelection of(Platform... platforms) {
    return of(List.of(platforms));
  }

  /** Whether every platform is selected. */
  public boolean isAll() {
    return all;
  }

  /** Whether the default platform is selected. */
  public boolean isDefault() {
    return !all && platforms.isEmpty();
  }

  /** The explicitly listed platforms (empty for the default and for all). */
  public List<Platform> platforms() {
    return platforms;
  }

  @Override
  public String toString() {
    return all ? "all platforms" : platforms.isEmpty() ? "default platform" : platforms.toString();
  }
}
