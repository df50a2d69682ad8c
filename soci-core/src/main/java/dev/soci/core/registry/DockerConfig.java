package dev.soci.core.registry;

import dev.soci.oci.InvalidDocumentException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Docker's {@code config.json} as docker and its credential helpers use it: {@code auths} (base64
 * {@code auth} or {@code username}/{@code password}, {@code identitytoken}), {@code credsStore}
 * (the default helper) and {@code credHelpers} (a helper per registry), a helper being the program
 * {@code docker-credential-<name>} found on {@code PATH}, run as {@code get} with the server URL on
 * its standard input.
 */
final class DockerConfig {
  private static final Pattern HELPER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final long HELPER_TIMEOUT_SECONDS = 60;
  private static final int MAX_HELPER_OUTPUT = 1 << 20;

  /** The key docker uses for Docker Hub. */
  static final String DOCKER_HUB_KEY = "https://index.docker.io/v1/";

  private final String source;
  private final Map<String, Credentials> auths;
  private final String credsStore;
  private final Map<String, String> credHelpers;
  private final Map<String, String> env;

  private DockerConfig(
      String source,
      Map<String, Credentials> auths,
      String credsStore,
      Map<String, String> credHelpers,
      Map<String, String> env) {
    this.source = source;
    this.auths = auths;
    this.credsStore = credsStore;
    this.credHelpers = credHelpers;
    this.env = env;
  }

  /** An empty configuration: everything anonymous. */
  static DockerConfig empty() {
    return new DockerConfig("(none)", Map.of(), null, Map.of(), Map.of());
  }

  /**
   * The file docker reads: {@code $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json}.
   */
  static Path defaultLocation(Map<String, String> env) {
    String dir = env.get("DOCKER_CONFIG");
    if (dir != null && !dir.isEmpty()) {
      return Path.of(dir, "config.json");
    }
    return Path.of(System.getProperty("user.home"), ".docker", "config.json");
  }

  /** Loads a file; a missing file is an empty configuration. */
  static DockerConfig load(Path file, Map<String, String> env) throws IOException {
    byte[] json;
    try {
      json = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return new DockerConfig(file.toString(), Map.of(), null, Map.of(), env);
    }
    return parse(json, file.toString(), env);
  }

  /** Parses a {@code config.json}. */
  static DockerConfig parse(byte[] json, String source, Map<String, String> env)
      throws InvalidDocumentException {
    Map<String, Object> root = Json.object(json, source);
    Map<String, Credentials> auths = new HashMap<>();
    Map<String, Object> a = Json.object(root, "auths", source);
    if (a != null) {
      for (Map.Entry<String, Object> e : a.entrySet()) {
        String at = "auths[" + e.getKey() + "]";
        if (!(e.getValue() instanceof Map<?, ?>)) {
          throw new InvalidDocumentException(source, at, "expected an object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> entry = (Map<String, Object>) e.getValue();
        String user = Json.string(entry, "username", source);
        String password = Json.string(entry, "password", source);
        String auth = Json.string(entry, "auth", source);
        if (auth != null && !auth.isEmpty()) {
          String decoded;
          try {
            decoded = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
          } catch (IllegalArgumentException ex) {
            throw new InvalidDocumentException(source, at + ".auth", "invalid base64");
          }
          int colon = decoded.indexOf(':');
          if (colon < 0) {
            throw new InvalidDocumentException(
                source, at + ".auth", "expected base64 of \"user:password\"");
          }
          user = decoded.substring(0, colon);
          password = decoded.substring(colon + 1);
        }
        String token = Json.string(entry, "identitytoken", source);
        if (token != null && token.isEmpty()) {
          token = null;
        }
        auths.put(normalize(e.getKey()), new Credentials(user, password, token));
      }
    }
    String store = Json.string(root, "credsStore", source);
    Map<String, String> helpers = new HashMap<>();
    Map<String, Object> h = Json.object(root, "credHelpers", source);
    if (h != null) {
      for (Map.Entry<String, Object> e : h.entrySet()) {
        if (!(e.getValue() instanceof String s)) {
          throw new InvalidDocumentException(
              source, "credHelpers[" + e.getKey() + "]", "expected a string");
        }
        helpers.put(normalize(e.getKey()), s);
      }
    }
    return new DockerConfig(
        source, Map.copyOf(auths), store == null || store.isEmpty() ? null : store, helpers, env);
  }

  /**
   * A registry key as docker compares them: without scheme and path, lower-case, Docker Hub's
   * aliases folded into {@code docker.io}.
   */
  static String normalize(String key) {
    String k = key.trim();
    int scheme = k.indexOf("://");
    if (scheme >= 0) {
      k = k.substring(scheme + 3);
    }
    int slash = k.indexOf('/');
    if (slash >= 0) {
      k = k.substring(0, slash);
    }
    k = k.toLowerCase(Locale.ROOT);
    if (k.equals("index.docker.io") || k.equals("registry-1.docker.io")) {
      return ImageReference.DOCKER_HUB;
    }
    return k;
  }

  /**
   * The credentials for a registry (as written in references: {@code docker.io} for Docker Hub): a
   * per-registry helper first, then {@code auths}, then the default store; anonymous when none has
   * any.
   *
   * @throws RegistryException when a configured helper fails (other than "not found")
   */
  Credentials lookup(String registry) throws RegistryException {
    String key = normalize(registry);
    String helper = credHelpers.get(key);
    if (helper != null) {
      return runHelper(helper, key);
    }
    Credentials c = auths.get(key);
    if (c != null && !c.isAnonymous()) {
      return c;
    }
    if (credsStore != null) {
      return runHelper(credsStore, key);
    }
    return Credentials.ANONYMOUS;
  }

  private Credentials runHelper(String name, String key) throws RegistryException {
    String action = "get credentials for " + key + " from docker-credential-" + name;
    if (!HELPER_NAME.matcher(name).matches()) {
      throw failure(action, "the helper name \"" + name + "\" in " + source + " is not valid");
    }
    Path program = findOnPath("docker-credential-" + name);
    if (program == null) {
      throw failure(action, "docker-credential-" + name + " is not on PATH");
    }
    String serverUrl = key.equals(ImageReference.DOCKER_HUB) ? DOCKER_HUB_KEY : key;
    byte[] out;
    int exit;
    try {
      ProcessBuilder pb = new ProcessBuilder(program.toString(), "get");
      pb.redirectErrorStream(true);
      if (!env.isEmpty()) {
        pb.environment().clear();
        pb.environment().putAll(env);
      }
      Process p = pb.start();
      try (OutputStream stdin = p.getOutputStream()) {
        stdin.write(serverUrl.getBytes(StandardCharsets.UTF_8));
      }
      out = readCapped(p.getInputStream());
      if (!p.waitFor(HELPER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw failure(action, "it did not finish within " + HELPER_TIMEOUT_SECONDS + " s");
      }
      exit = p.exitValue();
    } catch (IOException e) {
      throw failure(action, "it could not be run: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure(action, "the thread was interrupted");
    }
    String text = new String(out, StandardCharsets.UTF_8).trim();
    if (exit != 0) {
      if (text.toLowerCase(Locale.ROOT).contains("credentials not found")) {
        return Credentials.ANONYMOUS;
      }
      // the helper's output may echo secrets: only its first line, shortened, is shown
      String first = text.lines().findFirst().orElse("");
      throw failure(
          action,
          "it exited with status "
              + exit
              + (first.isEmpty()
                  ? ""
                  : ": " + (first.length() > 200 ? first.substring(0, 200) + "..." : first)));
    }
    Map<String, Object> m;
    try {
      m = Json.object(out, "docker-credential-" + name + " output");
      String user = Json.string(m, "Username", "docker-credential-" + name + " output");
      String secret = Json.string(m, "Secret", "docker-credential-" + name + " output");
      if ("<token>".equals(user)) {
        return new Credentials(null, null, secret);
      }
      return new Credentials(user, secret, null);
    } catch (InvalidDocumentException e) {
      throw failure(action, "its output is not the expected JSON object");
    }
  }

  private static RegistryException failure(String action, String reason) {
    return new RegistryException(
        action, reason, RegistryException.NO_STATUS, null, null, null, null, null);
  }

  private Path findOnPath(String program) {
    String path = env.containsKey("PATH") ? env.get("PATH") : System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path p = Path.of(dir, program);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  private static byte[] readCapped(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    for (int n; (n = in.read(buf)) > 0; ) {
      if (b.size() + n > MAX_HELPER_OUTPUT) {
        throw new IOException("more than " + MAX_HELPER_OUTPUT + " bytes of output");
      }
      b.write(buf, 0, n);
    }
    return b.toByteArray();
  }
}
