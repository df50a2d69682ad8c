package dev.soci.core.index;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The name a converted image gets in a layout: image-spec's {@code
 * org.opencontainers.image.ref.name} grammar, checked before anything is built.
 */
final class RefName {
  private static final Pattern TAG =
      Pattern.compile(
          "[A-Za-z0-9]+(?:(?:[._:+-]|--)[A-Za-z0-9]+)*(?:/[A-Za-z0-9]+(?:(?:[._:+-]|--)[A-Za-z0-9]+)*)*");

  private RefName() {}

  /**
   * Checks that {@code tag} can name an image in a layout (image-spec's {@code ref.name} grammar:
   * components of letters and digits joined by {@code . _ - : +} or {@code --}, separated by {@code
   * /}) and is not a digest.
   */
  static void checkTag(String tag) {
    Objects.requireNonNull(tag, "tag");
    if (tag.isEmpty()) {
      throw new IllegalArgumentException("the destination tag cannot be empty");
    }
    if (tag.contains("@") || dev.soci.oci.Digest.isValid(tag)) {
      throw new IllegalArgumentException(
          "the destination must be a tag, not a digest: \"" + tag + "\"");
    }
    if (!TAG.matcher(tag).matches()) {
      throw new IllegalArgumentException(
          "invalid tag \""
              + tag
              + "\": expected letters and digits joined by"
              + " '.', '_', '-', ':', '+' or '--', in '/'-separated components");
    }
  }
}
