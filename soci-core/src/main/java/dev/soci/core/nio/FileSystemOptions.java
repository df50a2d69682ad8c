package dev.soci.core.nio;

import dev.soci.oci.Platform;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The {@code env} of {@link SociFileSystemProvider#newFileSystem}, checked. Each key takes a {@code
 * String} or its natural type:
 *
 * <ul>
 *   <li>{@value #IMAGE}: the image, a tag or digest ({@code String}); required for an OCI layout;
 *       for a registry URI, the reference is in the URI (an {@code image} given too must equal it);
 *   <li>{@value #PLATFORM}: {@code os/arch[/variant]} ({@code String} or {@link Platform}); default
 *       the host's;
 *   <li>{@value #PLAIN_HTTP}: talk HTTP, not HTTPS, to the registry ({@code Boolean} or {@code
 *       "true"}/{@code "false"}); default false;
 *   <li>{@value #USERNAME}, {@value #PASSWORD}: registry credentials ({@code String}; the password
 *       also as {@code char[]}); default: docker's {@code config.json};
 *   <li>{@value #CACHE_BYTES}: the most bytes of verified span data kept in memory for reuse
 *       ({@code Long}, {@code Integer}, {@code Short}, {@code Byte}, or a decimal {@code String});
 *       default {@value #DEFAULT_CACHE_BYTES}: a {@link dev.soci.core.SpanCache} of the file
 *       system's own, emptied when it is closed; 0 keeps nothing (each read fetches its spans);
 *   <li>{@value #VERIFY}: check every span against its zTOC digest and every file's tar header
 *       ({@code Boolean} or {@code "true"}/{@code "false"}); default true.
 * </ul>
 *
 * Unknown keys are rejected, so that a misspelt key is not silently ignored.
 *
 * @param image the image reference, or {@code null}
 * @param platform the platform, or {@code null} for the host's
 * @param plainHttp whether the registry is spoken to over plain HTTP
 * @param username the registry user name, or {@code null}
 * @param password the registry password, or {@code null} (never shown by {@link #toString()})
 * @param cacheBytes the span cache bound in bytes, 0 to cache nothing
 * @param verify whether spans and tar headers are verified
 */
public record FileSystemOptions(
    String image,
    Platform platform,
    boolean plainHttp,
    String username,
    char[] password,
    long cacheBytes,
    boolean verify) {
  /** The image reference: a tag or digest. */
  public static final String IMAGE = "image";

  /** The platform of a multi-platform image, {@code os/arch[/variant]}. */
  public static final String PLATFORM = "platform";

  /** Plain HTTP to the registry. */
  public static final String PLAIN_HTTP = "plainHttp";

  /** The registry user name. */
  public static final String USERNAME = "username";

  /** The registry password. */
  public static final String PASSWORD = "password";

  /** The span cache bound in bytes. */
  public static final String CACHE_BYTES = "cacheBytes";

  /** Whether spans and tar headers are verified. */
  public static final String VERIFY = "verify";

  /** The default span cache bound: 64 MiB. */
  public static final long DEFAULT_CACHE_BYTES = 64L << 20;

  private static final Set<String> KEYS =
      Set.of(IMAGE, PLATFORM, PLAIN_HTTP, USERNAME, PASSWORD, CACHE_BYTES, VERIFY);

  /** Checks the values. */
  public FileSystemOptions {
    if (cacheBytes < 0) {
      throw new IllegalArgumentException(CACHE_BYTES + " must not be negative: " + cacheBytes);
    }
    password = password == null ? null : password.clone();
  }

  /**
   * Reads {@code env}.
   *
   * @throws IllegalArgumentException naming the key for an unknown key or a value of the wrong type
   *     or form
   */
  public static FileSystemOptions of(Map<String, ?> env) {
    Objects.requireNonNull(env, "env");
    for (String k : env.keySet()) {
      if (!KEYS.contains(k)) {
        throw new IllegalArgumentException(
            "unknown soci file system env key \""
                + k
                + "\" (known: "
                + String.join(", ", sorted())
                + ")");
      }
    }
    Object p = env.get(PLATFORM);
    Platform platform;
    if (p == null || p instanceof Platform) {
      platform = (Platform) p;
    } else if (p instanceof String s) {
      try {
        platform = Platform.parse(s);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(PLATFORM + ": " + e.getMessage(), e);
      }
    } else {
      throw wrongType(PLATFORM, p, "a String os/arch[/variant] or a Platform");
    }
    Object pw = env.get(PASSWORD);
    char[] password;
    if (pw == null || pw instanceof char[]) {
      password = (char[]) pw;
    } else if (pw instanceof String s) {
      password = s.toCharArray();
    } else {
      throw new IllegalArgumentException(PASSWORD + " must be a String or a char[]");
    }
    return new FileSystemOptions(
        string(env, IMAGE),
        platform,
        bool(env, PLAIN_HTTP, false),
        string(env, USERNAME),
        password,
        number(env, CACHE_BYTES, DEFAULT_CACHE_BYTES),
        bool(env, VERIFY, true));
  }

  private static java.util.List<String> sorted() {
    return KEYS.stream().sorted().toList();
  }

  private static String string(Map<String, ?> env, String key) {
    Object v = env.get(key);
    if (v == null || v instanceof String) {
      return (String) v;
    }
    throw wrongType(key, v, "a String");
  }

  private static boolean bool(Map<String, ?> env, String key, boolean dflt) {
    Object v = env.get(key);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(s);
    }
    throw wrongType(key, v, "a Boolean or \"true\"/\"false\"");
  }

  private static long number(Map<String, ?> env, String key, long dflt) {
    Object v = env.get(key);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Byte || v instanceof Short || v instanceof Integer || v instanceof Long) {
      return ((Number) v).longValue();
    }
    if (v instanceof String s) {
      try {
        return Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            key + " must be a whole number of bytes: \"" + s + "\"", e);
      }
    }
    throw wrongType(key, v, "an integer Number or a decimal String");
  }

  private static IllegalArgumentException wrongType(String key, Object v, String want) {
    return new IllegalArgumentException(
        key + " must be " + want + ", not a " + v.getClass().getName());
  }

  /** The password (a copy), or {@code null}. */
  @Override
  public char[] password() {
    return password == null ? null : password.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FileSystemOptions f
        && Objects.equals(image, f.image)
        && Objects.equals(platform, f.platform)
        && plainHttp == f.plainHttp
        && Objects.equals(username, f.username)
        && java.util.Arrays.equals(password, f.password)
        && cacheBytes == f.cacheBytes
        && verify == f.verify;
  }

  @Override
  public int hashCode() {
    return Objects.hash(image, platform, plainHttp, username, cacheBytes, verify);
  }

  /** The options without the password. */
  @Override
  public String toString() {
    return "FileSystemOptions[image="
        + image
        + ", platform="
        + (platform == null ? "host" : platform.format())
        + ", plainHttp="
        + plainHttp
        + ", username="
        + username
        + ", password="
        + (password == null ? "none" : "***")
        + ", cacheBytes="
        + cacheBytes
        + ", verify="
        + verify
        + "]";
  }
}
