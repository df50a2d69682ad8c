package dev.soci.core.registry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's {@code docker-registry} (distribution 2.8, {@code /usr/bin/docker-registry}) run as a
 * child process on {@code 127.0.0.1} with an ephemeral port and filesystem storage in a temporary
 * directory, for integration tests.
 *
 * <p>Three setups: {@link #startPlain()} (anonymous), {@link #startWithBasicAuth} (an htpasswd file
 * made with {@code htpasswd -Bbn}: 2.8 reads bcrypt only) and {@link #startWithTokenAuth} (bearer
 * tokens from a {@link TokenIssuer} the test runs). Deletes are enabled. A start returns once
 * {@code GET /v2/} answers; {@link #close()} stops the process and deletes the directory.
 *
 * <p>Tests call {@link #assumeAvailable()} first: without the binary they are skipped on a
 * developer machine, and fail when the {@code CI} environment variable is {@code true} (CI installs
 * it through {@code scripts/setup.sh}).
 */
public final class RegistryProcess implements AutoCloseable {
  private static final Path BINARY = Path.of("/usr/bin/docker-registry");
  private static final Path HTPASSWD = Path.of("/usr/bin/htpasswd");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  /** How the registry authenticates its clients. */
  public enum Auth {
    /** Anonymous pull and push. */
    NONE,
    /** HTTP Basic against an htpasswd file. */
    BASIC,
    /** The docker bearer-token flow against a {@link TokenIssuer}. */
    TOKEN
  }

  private final Process process;
  private final Path directory;
  private final int port;
  private final Auth auth;
  private final String user;
  private final String password;
  private final TokenIssuer issuer;

  private RegistryProcess(
      Process process,
      Path directory,
      int port,
      Auth auth,
      String user,
      String password,
      TokenIssuer issuer) {
    this.process = process;
    this.directory = directory;
    this.port = port;
    this.auth = auth;
    this.user = user;
    this.password = password;
    this.issuer = issuer;
  }

  /** True when the registry binary is installed. */
  public static boolean available() {
    return Files.isExecutable(BINARY);
  }

  /**
   * Skips the calling test when the registry binary (or {@code htpasswd}) is missing, except under
   * {@code CI=true}, where the test fails: CI installs both, so a missing binary there is a broken
   * setup, not a reason to skip.
   */
  public static void assumeAvailable() {
    boolean present = available() && Files.isExecutable(HTPASSWD);
    if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
      Assertions.fail(
          "CI=true but "
              + BINARY
              + " or "
              + HTPASSWD
              + " is missing: scripts/setup.sh installs"
              + " the Debian packages docker-registry and apache2-utils");
    }
    Assumptions.assumeTrue(
        present,
        BINARY + " or " + HTPASSWD + " not installed (Debian: docker-registry apache2-utils)");
  }

  /** Starts an anonymous registry. */
  public static RegistryProcess startPlain() throws IOException {
    return start(Auth.NONE, null, null, null, "");
  }

  /**
   * Starts an anonymous registry with {@code extraConfig} appended to its {@code config.yml}
   * (top-level sections such as {@code notifications:}, in YAML, ending with a newline).
   */
  public static RegistryProcess startPlain(String extraConfig) throws IOException {
    return start(Auth.NONE, null, null, null, extraConfig);
  }

  /** Starts a registry that wants HTTP Basic {@code user}:{@code password} on every request. */
  public static RegistryProcess startWithBasicAuth(String user, String password)
      throws IOException {
    return start(Auth.BASIC, user, password, null, "");
  }

  /**
   * Starts a registry that wants bearer tokens from {@code issuer}: its challenge names the
   * issuer's realm and service, and it trusts the issuer's certificate ({@code rootcertbundle}).
   * The issuer stays open: the caller closes it after the registry.
   */
  public static RegistryProcess startWithTokenAuth(TokenIssuer issuer) throws IOException {
    return start(Auth.TOKEN, null, null, issuer, "");
  }

  private static RegistryProcess start(
      Auth auth, String user, String password, TokenIssuer issuer, String extraConfig)
      throws IOException {
    Path directory = Files.createTempDirectory("soci-registry-");
    try {
      Path storage = Files.createDirectory(directory.resolve("storage"));
      String authSection = "";
      if (auth == Auth.BASIC) {
        Path htpasswd = directory.resolve("htpasswd");
        Files.writeString(htpasswd, htpasswdLine(user, password));
        authSection = "auth:\n  htpasswd:\n    realm: soci-test\n    path: " + htpasswd + "\n";
      } else if (auth == Auth.TOKEN) {
        Path bundle = directory.resolve("rootcertbundle.pem");
        Files.writeString(bundle, issuer.certificatePem());
        authSection =
            "auth:\n  token:\n"
                + "    realm: "
                + issuer.realm()
                + "\n"
                + "    service: "
                + issuer.service()
                + "\n"
                + "    issuer: "
                + issuer.issuer()
                + "\n"
                + "    rootcertbundle: "
                + bundle
                + "\n";
      }
      IOException last = null;
      // A port chosen free may be taken before the registry binds it: try a few.
      for (int attempt = 0; attempt < 3; attempt++) {
        int port = freePort();
        Path config = directory.resolve("config.yml");
        Files.writeString(
            config,
            "version: 0.1\n"
                + "log:\n  level: warn\n  accesslog:\n    disabled: true\n"
                + "storage:\n  filesystem:\n    rootdirectory: "
                + storage
                + "\n"
                + "  delete:\n    enabled: true\n"
                + "  maintenance:\n    uploadpurging:\n      enabled: false\n"
                + "http:\n  addr: 127.0.0.1:"
                + port
                + "\n  secret: soci-test-secret\n"
                + authSection
                + extraConfig);
        Path log = directory.resolve("registry-" + attempt + ".log");
        Process process =
            new ProcessBuilder(BINARY.toString(), "serve", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
          awaitReady(process, port, log);
          return new RegistryProcess(process, directory, port, auth, user, password, issuer);
        } catch (IOException e) {
          destroy(process);
          last = e;
        }
      }
      throw last;
    } catch (IOException | RuntimeException e) {
      deleteTree(directory);
      throw e;
    }
  }

  private static String htpasswdLine(String user, String password) throws IOException {
    // -i reads the password from stdin, keeping it out of the process list.
    Process htpasswd =
        new ProcessBuilder(HTPASSWD.toString(), "-niB", user).redirectErrorStream(false).start();
    try (var stdin = htpasswd.getOutputStream()) {
      stdin.write(password.getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(htpasswd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(htpasswd.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (htpasswd.waitFor() != 0 || !out.startsWith(user + ":$2")) {
        throw new IOException("htpasswd failed: " + err.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for htpasswd", e);
    }
    return out.strip() + "\n";
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void awaitReady(Process process, int port, Path log) throws IOException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest ping =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/"))
            .timeout(Duration.ofSeconds(2))
            .build();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(
            "docker-registry exited with " + process.exitValue() + ": " + readLog(log));
      }
      try {
        HttpResponse<Void> response = client.send(ping, HttpResponse.BodyHandlers.discarding());
        // 200 when anonymous, 401 with a challenge otherwise: either way it serves.
        if (response.statusCode() == 200 || response.statusCode() == 401) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted waiting for docker-registry", e);
      }
      try {
        Thread.sleep(25);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted waiting for docker-registry", e);
      }
    }
    throw new IOException(
        "docker-registry did not answer /v2/ within " + START_TIMEOUT + ": " + readLog(log));
  }

  private static String readLog(Path log) {
    try {
      String text = Files.readString(log);
      return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** The setup this registry was started with. */
  public Auth auth() {
    return auth;
  }

  /** The port on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** {@code 127.0.0.1:PORT}, the registry part of a reference. */
  public String host() {
    return "127.0.0.1:" + port;
  }

  /** {@code http://127.0.0.1:PORT}. */
  public URI baseUri() {
    return URI.create("http://" + host());
  }

  /** The user of the Basic setup, empty otherwise. */
  public Optional<String> user() {
    return Optional.ofNullable(user);
  }

  /** The password of the Basic setup, empty otherwise. */
  public Optional<String> password() {
    return Optional.ofNullable(password);
  }

  /** The token issuer of the token setup, empty otherwise. */
  public Optional<TokenIssuer> tokenIssuer() {
    return Optional.ofNullable(issuer);
  }

  /**
   * The value of an {@code Authorization} header that this registry accepts for {@code scopes}
   * (Basic credentials, or a freshly minted bearer token), empty for the anonymous setup. For
   * raw-HTTP tests; a client under test should authenticate by itself.
   */
  public Optional<String> authorization(List<Scope> scopes) {
    return switch (auth) {
      case NONE -> Optional.empty();
      case BASIC ->
          Optional.of(
              "Basic "
                  + Base64.getEncoder()
                      .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
      case TOKEN -> Optional.of("Bearer " + issuer.issue("soci-test", scopes));
    };
  }

  /**
   * The storage root ({@code rootdirectory}); 2.8 keeps a blob's bytes at {@code
   * docker/registry/v2/blobs/sha256/<first two hex>/<hex>/data} (see {@link #blobData}).
   */
  public Path storageRoot() {
    return directory.resolve("storage");
  }

  /** The file holding the bytes of blob {@code digest} ({@code sha256:<hex>}). */
  public Path blobData(String digest) {
    int colon = digest.indexOf(':');
    String algorithm = digest.substring(0, colon);
    String hex = digest.substring(colon + 1);
    return storageRoot()
        .resolve("docker/registry/v2/blobs")
        .resolve(algorithm)
        .resolve(hex.substring(0, 2))
        .resolve(hex)
        .resolve("data");
  }

  /**
   * Inverts the byte at {@code offset} of a stored blob, in place: the registry then serves bytes
   * that do not match the digest (2.8 does not re-verify on read).
   */
  public void flipByte(String digest, long offset) throws IOException {
    try (FileChannel channel =
        FileChannel.open(blobData(digest), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      if (channel.read(one, offset) != 1) {
        throw new IOException("blob " + digest + " has no byte at offset " + offset);
      }
      one.put(0, (byte) ~one.get(0)).rewind();
      channel.write(one, offset);
    }
  }

  /** The registry's log (stdout and stderr), for a failing test's message. */
  public String log() {
    try (Stream<Path> logs = Files.list(directory)) {
      return logs.filter(p -> p.getFileName().toString().endsWith(".log"))
          .max(Comparator.naturalOrder())
          .map(RegistryProcess::readLog)
          .orElse("");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the process (SIGTERM, then SIGKILL after 5 s) and deletes its directory. */
  @Override
  public void close() {
    destroy(process);
    deleteTree(directory);
  }

  private static void destroy(Process process) {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + root, e);
    }
  }

  @Override
  public String toString() {
    return "docker-registry " + auth + " at " + host();
  }
}
