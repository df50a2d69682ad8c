package dev.soci.cli;

import dev.soci.core.index.PlatformSelection;
import dev.soci.core.registry.Registry;
import dev.soci.oci.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** The options {@code soci push} and {@code soci pull} share (and the registry builds). */
final class RegistryOptions {
  /** More CAs to trust for HTTPS (every command that reaches a registry takes it). */
  static final OptionSpec CA_FILE =
      OptionSpec.value(
          "--ca-file",
          "PEM",
          "Also trust the CA certificates of this PEM file for HTTPS (default: the JVM's trust"
              + " store only).");

  /** How to reach a registry: plain HTTP, credentials, trusted CAs. */
  static final List<OptionSpec> CONNECTION =
      List.of(
          OptionSpec.flag(
              "--plain-http", "Use plain HTTP (default: HTTPS, except for loopback registries)."),
          OptionSpec.value(
              "--user",
              "U:P",
              "Credentials (default: docker's config.json, its credential helpers, or anonymous)."),
          CA_FILE);

  static final List<OptionSpec> OPTIONS =
      concat(
          CONNECTION,
          OptionSpec.value(
                  "-p, --platform",
                  "PLATFORM",
                  "A platform, e.g. linux/arm64 (repeatable; default: the image's own, or the"
                      + " host's for a multi-platform image).")
              .asRepeatable(),
          OptionSpec.flag("--all-platforms", "Every platform of the image."));

  private static List<OptionSpec> concat(List<OptionSpec> first, OptionSpec... more) {
    List<OptionSpec> all = new ArrayList<>(first);
    all.addAll(List.of(more));
    return List.copyOf(all);
  }

  /** The logger the registry client writes its request log to. */
  private static final Logger REQUEST_LOG = Logger.getLogger("dev.soci.core.registry");

  private RegistryOptions() {}

  static Registry registry(Arguments a) {
    Registry.Builder b = Registry.builder().plainHttp(a.flag("--plain-http"));
    String user = a.value("--user");
    if (user != null) {
      b.credentials(user);
    }
    String caFile = a.value("--ca-file");
    if (caFile != null) {
      b.sslContext(sslContext(trustStore(Path.of(caFile))));
    }
    if (a.standardFlag("--debug")) {
      // each request: method, URL without secrets, status, time
      ConsoleHandler h = new ConsoleHandler();
      h.setLevel(Level.ALL);
      h.setFormatter(new SimpleFormatter());
      REQUEST_LOG.setLevel(Level.FINE);
      REQUEST_LOG.addHandler(h);
      REQUEST_LOG.setUseParentHandlers(false);
    }
    return b.build();
  }

  /**
   * The JVM's default trusted CAs plus the certificates of a PEM file: a private registry's CA must
   * not make the public ones (of a blob host a registry redirects to) untrusted.
   *
   * @throws UsageException if the file cannot be read or holds no certificate
   */
  static KeyStore trustStore(Path pemFile) {
    Collection<? extends Certificate> extra;
    try (InputStream in = Files.newInputStream(pemFile)) {
      extra = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (IOException | GeneralSecurityException e) {
      throw new UsageException(
          "could not read the certificates of --ca-file " + pemFile + ": " + e);
    }
    if (extra.isEmpty()) {
      throw new UsageException("--ca-file " + pemFile + " holds no PEM certificate");
    }
    try {
      TrustManagerFactory defaults =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      defaults.init((KeyStore) null);
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      int n = 0;
      for (TrustManager tm : defaults.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          for (X509Certificate c : x.getAcceptedIssuers()) {
            store.setCertificateEntry("default-" + n++, c);
          }
        }
      }
      for (Certificate c : extra) {
        store.setCertificateEntry("ca-file-" + n++, c);
      }
      return store;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("could not build a trust store: " + e, e);
    }
  }

  /** A TLS context trusting the certificates of {@code trusted}. */
  static SSLContext sslContext(KeyStore trusted) {
    try {
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not make a TLS context: " + e, e);
    }
  }

  static PlatformSelection selection(Arguments a) {
    List<String> platforms = a.values("--platform");
    if (a.flag("--all-platforms") && !platforms.isEmpty()) {
      throw new IllegalArgumentException("--platform and --all-platforms cannot be used together");
    }
    if (a.flag("--all-platforms")) {
      return PlatformSelection.all();
    }
    List<Platform> ps = new ArrayList<>();
    for (String p : platforms) {
      try {
        ps.add(Platform.parse(p));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "could not parse platform " + p + ": " + e.getMessage(), e);
      }
    }
    return PlatformSelection.of(ps);
  }
}
