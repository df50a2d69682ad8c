package dev.soci.cli;

import dev.soci.core.index.PlatformSelection;
import dev.soci.core.registry.Registry;
import dev.soci.oci.Platform;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/** The options {@code soci push} and {@code soci pull} share (and the registry builds). */
final class RegistryOptions {
  /** How to reach a registry: plain HTTP, credentials. */
  static final List<OptionSpec> CONNECTION =
      List.of(
          OptionSpec.flag(
              "--plain-http", "Use plain HTTP (default: HTTPS, except for loopback registries)."),
          OptionSpec.value(
              "--user",
              "U:P",
              "Credentials (default: docker's config.json, its credential helpers, or anonymous)."));

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
