package dev.soci.core.registry;

import dev.soci.oci.Digest;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A reference to an image or artifact in a registry, parsed as Docker parses them: {@code
 * host[:port]/path[:tag][@digest]}. A first path component that has a {@code .} or {@code :}, is
 * {@code localhost} or has upper-case letters is the registry; otherwise the registry is {@code
 * docker.io} and a single-component path gets the {@code library/} prefix. Without tag and digest
 * the tag is {@code latest}.
 *
 * <pre>{@code
 * ImageReference r = ImageReference.parse("127.0.0.1:5000/team/app:v1");
 * r.registry();   // "127.0.0.1:5000"
 * r.repository(); // "team/app"
 * r.reference();  // "v1"
 * }</pre>
 *
 * @param registry the registry host with an optional port, as written ({@code docker.io} for Docker
 *     Hub)
 * @param repository the repository path (lower-case components)
 * @param tag the tag, or null when only a digest was given
 * @param digest the digest, or null
 */
public record ImageReference(String registry, String repository, String tag, Digest digest) {
  /** Docker Hub's canonical registry name. */
  public static final String DOCKER_HUB = "docker.io";

  private static final int MAX_NAME_LENGTH = 255;
  private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
  private static final Pattern HOST =
      Pattern.compile(
          "(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
              + "(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*"
              + "|\\[[0-9a-fA-F:.]+\\])(?::[0-9]{1,5})?");

  /** Checks the parts; at least one of tag and digest must be present. */
  public ImageReference {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(repository, "repository");
    if (!HOST.matcher(registry).matches()) {
      throw new IllegalArgumentException("invalid registry host \"" + registry + "\"");
    }
    checkRepository(repository);
    if (tag != null && !TAG.matcher(tag).matches()) {
      throw new IllegalArgumentException("invalid tag \"" + tag + "\"");
    }
    if (tag == null && digest == null) {
      throw new IllegalArgumentException("a reference needs a tag or a digest");
    }
  }

  /**
   * Parses {@code host[:port]/path[:tag][@digest]}.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static ImageReference parse(String text) {
    Objects.requireNonNull(text, "text");
    if (text.isEmpty()) {
      throw new IllegalArgumentException("invalid image reference \"\": empty");
    }
    try {
      String rest = text;
      Digest digest = null;
      int at = rest.indexOf('@');
      if (at >= 0) {
        digest = Digest.parse(rest.substring(at + 1));
        rest = rest.substring(0, at);
      }
      String tag = null;
      int slash = rest.lastIndexOf('/');
      int colon = rest.lastIndexOf(':');
      if (colon > slash) {
        tag = rest.substring(colon + 1);
        rest = rest.substring(0, colon);
      }
      String registry;
      String path;
      int first = rest.indexOf('/');
      String head = first < 0 ? null : rest.substring(0, first);
      if (head != null
          && (head.contains(".")
              || head.contains(":")
              || head.equals("localhost")
              || !head.toLowerCase(Locale.ROOT).equals(head))) {
        registry = head;
        path = rest.substring(first + 1);
      } else {
        registry = DOCKER_HUB;
        path = rest;
      }
      if (registry.equals("index.docker.io")) {
        registry = DOCKER_HUB;
      }
      if (registry.equals(DOCKER_HUB) && !path.contains("/")) {
        path = "library/" + path;
      }
      if (tag == null && digest == null) {
        tag = "latest";
      }
      if (registry.length() + 1 + path.length() > MAX_NAME_LENGTH) {
        throw new IllegalArgumentException(
            "repository name longer than " + MAX_NAME_LENGTH + " characters");
      }
      return new ImageReference(registry, path, tag, digest);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "invalid image reference \"" + text + "\": " + e.getMessage(), e);
    }
  }

  private static void checkRepository(String path) {
    if (path.isEmpty()) {
      throw new IllegalArgumentException("empty repository path");
    }
    for (String c : path.split("/", -1)) {
      if (!COMPONENT.matcher(c).matches()) {
        throw new IllegalArgumentException(
            "invalid repository path component \""
                + c
                + "\" (lower-case letters, digits and single separators . _ __ - only)");
      }
    }
  }

  /** What manifest requests name: the digest when there is one, else the tag. */
  public String reference() {
    return digest != null ? digest.toString() : tag;
  }

  /** This reference with another tag (and no digest). */
  public ImageReference withTag(String newTag) {
    return new ImageReference(registry, repository, Objects.requireNonNull(newTag), null);
  }

  /** This reference pinned to a digest (the tag kept for display). */
  public ImageReference withDigest(Digest newDigest) {
    return new ImageReference(registry, repository, tag, Objects.requireNonNull(newDigest));
  }

  /** Another repository on the same registry, by tag. */
  public ImageReference inRepository(String otherRepository, String otherTag) {
    return new ImageReference(registry, otherRepository, otherTag, null);
  }

  /**
   * The host (and port) the distribution API is served on: {@code registry-1.docker.io} for Docker
   * Hub, the registry otherwise.
   */
  public String apiHost() {
    return registry.equals(DOCKER_HUB) ? "registry-1.docker.io" : registry;
  }

  /** The canonical form, {@code registry/repository[:tag][@digest]}. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(registry).append('/').append(repository);
    if (tag != null) {
      b.append(':').append(tag);
    }
    if (digest != null) {
      b.append('@').append(digest);
    }
    return b.toString();
  }
}
