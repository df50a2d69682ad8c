package dev.soci.core.registry;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * A client of OCI distribution registries (distribution-spec 1.1), on {@code java.net.http}. One
 * instance holds the connection pool, the credentials and the token cache: make one and share it
 * (it is thread-safe); {@link #repository} gives the per-repository operations.
 *
 * <pre>{@code
 * Registry registry = Registry.builder().build(); // docker's config.json, HTTPS (HTTP on loopback)
 * ImageReference ref = ImageReference.parse("127.0.0.1:5000/team/app:v1");
 * FetchedManifest m = registry.repository(ref).getManifest(ref.reference());
 * }</pre>
 *
 * <p>Registries are reached over HTTPS unless {@link Builder#plainHttp} is set or the host is a
 * loopback address. Credentials come from {@link Builder#credentials} if given, else from docker's
 * {@code config.json} ({@code DOCKER_CONFIG} or {@code ~/.docker/config.json}: {@code auths},
 * {@code credsStore}, {@code credHelpers}). Requests are logged at DEBUG on the {@code
 * dev.soci.core.registry} {@link System.Logger}, with secrets redacted.
 */
public final class Registry {
  private final boolean plainHttp;
  private final boolean loopbackHttps;
  final Transport transport;
  final int maxPages;

  private Registry(Builder b) {
    this.plainHttp = b.plainHttp;
    this.loopbackHttps = b.loopbackHttps;
    this.maxPages = b.maxPages;
    Authenticator.CredentialSource source = credentialSource(b);
    this.transport =
        new Transport(
            new Transport.Settings(
                b.connectTimeout,
                b.readTimeout,
                b.deadline,
                b.maxAttempts,
                b.initialBackoff,
                b.maxBackoff,
                b.sslContext),
            new Authenticator(source, b.clock),
            b.clock);
  }

  private static Authenticator.CredentialSource credentialSource(Builder b) {
    if (b.user != null) {
      Credentials c = new Credentials(b.user, b.password, null);
      return registry -> c;
    }
    if (b.anonymous) {
      return registry -> Credentials.ANONYMOUS;
    }
    Path file = b.dockerConfig != null ? b.dockerConfig : DockerConfig.defaultLocation(b.env);
    Map<String, String> env = b.env;
    return new Authenticator.CredentialSource() {
      private DockerConfig config;

      @Override
      public synchronized Credentials forRegistry(String registry) throws RegistryException {
        if (config == null) {
          try {
            config = DockerConfig.load(file, env);
          } catch (IOException e) {
            throw new RegistryException(
                "read docker credentials from " + file,
                e.getMessage(),
                RegistryException.NO_STATUS,
                null,
                null,
                null,
                null,
                e);
          }
        }
        return config.lookup(registry);
      }
    };
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The repository a reference names (its tag and digest are not used). */
  public Repository repository(ImageReference reference) {
    return new Repository(this, reference.registry(), reference.apiHost(), reference.repository());
  }

  /** The base URI of a registry's API ({@code https://host[:port]}). */
  URI baseUri(String apiHost) {
    boolean http = plainHttp || !loopbackHttps && Urls.isLoopback(apiHost);
    return URI.create((http ? "http" : "https") + "://" + apiHost.toLowerCase(Locale.ROOT));
  }

  /** Builds a {@link Registry}. */
  public static final class Builder {
    private boolean plainHttp;
    private boolean loopbackHttps;
    private SSLContext sslContext;
    private String user;
    private String password;
    private boolean anonymous;
    private Path dockerConfig;
    private Map<String, String> env = System.getenv();
    private Clock clock = Clock.systemUTC();
    private Duration connectTimeout = Duration.ofSeconds(30);
    private Duration readTimeout = Duration.ofSeconds(60);
    private Duration deadline = Duration.ofMinutes(5);
    private int maxAttempts = 6;
    private Duration initialBackoff = Duration.ofMillis(200);
    private Duration maxBackoff = Duration.ofSeconds(10);
    private int maxPages = 1000;

    private Builder() {}

    /** Plain HTTP to every registry (default: HTTPS except for loopback hosts). */
    public Builder plainHttp(boolean plain) {
      this.plainHttp = plain;
      return this;
    }

    /**
     * The TLS context of HTTPS connections: its trust managers decide which registry certificates
     * are trusted (a corporate CA, a self-signed development registry), its key managers give a
     * client certificate if a registry asks for one. It applies to this client only; no JVM-wide
     * setting changes. Host names are verified against the certificates whatever the context.
     *
     * <p>Default: the JVM's default context ({@link SSLContext#getDefault()}), i.e. the default
     * trust store ({@code javax.net.ssl.trustStore} or the JDK's {@code cacerts}).
     */
    public Builder sslContext(SSLContext context) {
      this.sslContext = Objects.requireNonNull(context, "context");
      return this;
    }

    /** Basic credentials for every registry, instead of docker's configuration. */
    public Builder credentials(String user, String password) {
      this.user = Objects.requireNonNull(user, "user");
      this.password = Objects.requireNonNull(password, "password");
      return this;
    }

    /**
     * Credentials as {@code --user} gives them: {@code user:password} (the first colon separates).
     *
     * @throws IllegalArgumentException without a colon
     */
    public Builder credentials(String userColonPassword) {
      int colon = userColonPassword.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("credentials must be given as user:password");
      }
      return credentials(
          userColonPassword.substring(0, colon), userColonPassword.substring(colon + 1));
    }

    /** No credentials at all (not even docker's configuration). */
    public Builder anonymous() {
      this.anonymous = true;
      return this;
    }

    /** Reads credentials from this docker {@code config.json} instead of the default one. */
    public Builder dockerConfig(Path configJson) {
      this.dockerConfig = Objects.requireNonNull(configJson, "configJson");
      return this;
    }

    /** Time allowed to open a connection (default 30 s). */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connect timeout");
      return this;
    }

    /** Time allowed for the response headers and between data of a body (default 60 s). */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = positive(timeout, "read timeout");
      return this;
    }

    /** The overall time one operation may take including its retries (default 5 min). */
    public Builder deadline(Duration deadline) {
      this.deadline = positive(deadline, "deadline");
      return this;
    }

    /** Attempts per request, the first included (default 6; 1 disables retries). */
    public Builder maxAttempts(int attempts) {
      if (attempts < 1) {
        throw new IllegalArgumentException("max attempts must be at least 1");
      }
      this.maxAttempts = attempts;
      return this;
    }

    /** The first retry delay, doubled per attempt up to {@code max} (defaults 200 ms, 10 s). */
    public Builder backoff(Duration initial, Duration max) {
      this.initialBackoff = positive(initial, "initial backoff");
      this.maxBackoff = positive(max, "max backoff");
      return this;
    }

    /** The most pages read from a paginated list (tags, referrers; default 1000). */
    public Builder maxPages(int pages) {
      if (pages < 1) {
        throw new IllegalArgumentException("max pages must be at least 1");
      }
      this.maxPages = pages;
      return this;
    }

    /** HTTPS to loopback hosts too, instead of plain HTTP (tests of TLS against local servers). */
    Builder loopbackHttps(boolean https) {
      this.loopbackHttps = https;
      return this;
    }

    /** The environment read for {@code DOCKER_CONFIG} and {@code PATH} (tests). */
    Builder environment(Map<String, String> environment) {
      this.env = Map.copyOf(environment);
      return this;
    }

    /** The clock of token expiry and Retry-After dates (tests). */
    Builder clock(Clock c) {
      this.clock = Objects.requireNonNull(c);
      return this;
    }

    private static Duration positive(Duration d, String what) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive");
      }
      return d;
    }

    /** The registry client. */
    public Registry build() {
      return new Registry(this);
    }
  }
}
