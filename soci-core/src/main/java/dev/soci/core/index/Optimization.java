package dev.soci.core.index;

import java.util.Locale;

/** The build optimizations upstream's {@code --optimizations} option accepts. */
public enum Optimization {
  /**
   * {@code xattr}: a zTOC whose layer has no extended attributes ({@code SCHILY.xattr.*} PAX
   * records) and no opaque whiteout gets the annotation {@code com.amazon.soci.disable-xattrs:
   * "true"}, which lets the snapshotter skip extended attribute lookups for that layer.
   */
  XATTR;

  /** The name on the command line: {@code xattr}. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The optimization named {@code name} on the command line.
   *
   * @throws IllegalArgumentException naming the valid optimizations
   */
  public static Optimization parse(String name) {
    for (Optimization o : values()) {
      if (o.cliName().equals(name)) {
        return o;
      }
    }
    throw new IllegalArgumentException(
        "optimization " + name + " is not supported (supported: xattr)");
  }
}
