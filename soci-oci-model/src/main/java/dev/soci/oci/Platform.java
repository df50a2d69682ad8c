package dev.soci.oci;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The platform an image runs on (image-spec v1.1.1 {@code Platform}), with the parsing,
 * normalization, strict matching and formatting rules of containerd's {@code platforms} package
 * that upstream soci uses ({@code linux/amd64}, {@code linux/arm64/v8}). Immutable; empty strings
 * stand for absent optional fields.
 *
 * @param architecture the CPU architecture, e.g. {@code amd64}
 * @param os the operating system, e.g. {@code linux}
 * @param osVersion the OS version ({@code os.version}), usually empty
 * @param osFeatures the OS features ({@code os.features}), usually empty
 * @param variant the CPU variant, e.g. {@code v8}, usually empty
 */
public record Platform(
    String architecture, String os, String osVersion, List<String> osFeatures, String variant) {
  private static final Pattern SPECIFIER = Pattern.compile("^[A-Za-z0-9_.-]+$");
  private static final Pattern OS_COMPONENT =
      Pattern.compile("^([A-Za-z0-9_-]+)(?:\\(([A-Za-z0-9_.%-]*)((?:\\+[A-Za-z0-9_.%-]+)*)\\))?$");

  /** Replaces {@code null}s with empty values and copies the feature list. */
  public Platform {
    architecture = Objects.requireNonNullElse(architecture, "");
    os = Objects.requireNonNullElse(os, "");
    osVersion = Objects.requireNonNullElse(osVersion, "");
    osFeatures = osFeatures == null ? List.of() : List.copyOf(osFeatures);
    variant = Objects.requireNonNullElse(variant, "");
  }

  /** {@code os/architecture}. */
  public static Platform of(String os, String architecture) {
    return new Platform(architecture, os, "", List.of(), "");
  }

  /** {@code os/architecture/variant}. */
  public static Platform of(String os, String architecture, String variant) {
    return new Platform(architecture, os, "", List.of(), variant);
  }

  /** This platform with another variant. */
  public Platform withVariant(String variant) {
    return new Platform(architecture, os, osVersion, osFeatures, variant);
  }

  /** This platform with another OS version. */
  public Platform withOsVersion(String osVersion) {
    return new Platform(architecture, os, osVersion, osFeatures, variant);
  }

  /** This platform with other OS features. */
  public Platform withOsFeatures(List<String> osFeatures) {
    return new Platform(architecture, os, osVersion, osFeatures, variant);
  }

  /**
   * The platform of the machine running this JVM, as containerd's {@code platforms.DefaultSpec}
   * reports it for the same machine (for example {@code linux/amd64}, {@code linux/arm64/v8}).
   */
  public static Platform host() {
    String os = hostOs();
    String arch = normalizeArch(System.getProperty("os.arch", ""), "")[0];
    String variant = arch.equals("arm64") ? "v8" : arch.equals("arm") ? "v7" : "";
    return of(os, arch, variant);
  }

  private static String hostOs() {
    String name = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    if (name.startsWith("linux")) {
      return "linux";
    } else if (name.startsWith("mac") || name.startsWith("darwin")) {
      return "darwin";
    } else if (name.startsWith("windows")) {
      return "windows";
    } else if (name.startsWith("freebsd")) {
      return "freebsd";
    }
    return name.isEmpty() ? "linux" : name.replace(' ', '_');
  }

  /**
   * Parses a containerd platform specifier: {@code <os>|<arch>|<os>/<arch>[/<variant>]}, with an
   * optional {@code (<os version>[+<feature>...])} after the OS. A lone component is an OS if it is
   * one Go knows (the host architecture is added), else an architecture (the host OS is added). The
   * architecture is normalized ({@code x86_64} to {@code amd64}, {@code aarch64} to {@code
   * arm64}...), {@code arm64} with a third component gets variant {@code v8} if empty.
   *
   * @throws IllegalArgumentException naming the bad component
   */
  public static Platform parse(String specifier) {
    Objects.requireNonNull(specifier, "specifier");
    if (specifier.contains("*")) {
      throw new IllegalArgumentException("\"" + specifier + "\": wildcards not yet supported");
    }
    String[] parts = specifier.split("/", 4);
    String os = "";
    String osVersion = "";
    List<String> features = List.of();
    for (int i = 0; i < parts.length; i++) {
      if (i == 0) {
        Matcher m = OS_COMPONENT.matcher(parts[0]);
        if (!m.matches()) {
          throw new IllegalArgumentException(
              "\"" + parts[0] + "\" is an invalid OS component of \"" + specifier + "\"");
        }
        os = normalizeOs(m.group(1));
        osVersion = decodeOsOption(m.group(2) == null ? "" : m.group(2));
        String f = m.group(3);
        if (f != null && !f.isEmpty()) {
          List<String> list = new ArrayList<>();
          for (String s : f.substring(1).split("\\+", -1)) {
            list.add(decodeOsOption(s));
          }
          features = list;
        }
      } else if (!SPECIFIER.matcher(parts[i]).matches()) {
        throw new IllegalArgumentException(
            "\"" + parts[i] + "\" is an invalid component of \"" + specifier + "\"");
      }
    }
    switch (parts.length) {
      case 1:
        {
          if (isKnownOs(os)) {
            Platform h = host();
            String variant =
                h.architecture.equals("arm") && !h.variant.equals("v7") ? h.variant : "";
            return new Platform(h.architecture, os, osVersion, features, variant);
          }
          String[] av = normalizeArch(parts[0], "");
          if (av[0].equals("arm") && av[1].equals("v7")) {
            av[1] = "";
          }
          if (isKnownArch(av[0])) {
            return new Platform(av[0], hostOs(), "", List.of(), av[1]);
          }
          throw new IllegalArgumentException(
              "\"" + specifier + "\": unknown operating system or architecture");
        }
      case 2:
        {
          String[] av = normalizeArch(parts[1], "");
          if (av[0].equals("arm") && av[1].equals("v7")) {
            av[1] = "";
          }
          return new Platform(av[0], os, osVersion, features, av[1]);
        }
      case 3:
        {
          String[] av = normalizeArch(parts[1], parts[2]);
          if (av[0].equals("arm64") && av[1].isEmpty()) {
            av[1] = "v8";
          }
          return new Platform(av[0], os, osVersion, features, av[1]);
        }
      default:
        throw new IllegalArgumentException(
            "\"" + specifier + "\": cannot parse platform specifier");
    }
  }

  /**
   * containerd's {@code platforms.Normalize}: lower-cases, maps OS and architecture aliases, drops
   * default variants ({@code arm64/v8}, {@code amd64/v1}), sorts and de-duplicates the features. An
   * empty OS becomes the host OS, as in Go.
   */
  public Platform normalize() {
    String[] av = normalizeArch(architecture, variant);
    List<String> features =
        osFeatures.isEmpty() ? osFeatures : List.copyOf(new TreeSet<>(osFeatures));
    return new Platform(av[0], normalizeOs(os), osVersion, features, av[1]);
  }

  /**
   * Whether {@code other} matches this platform strictly, as containerd's {@code
   * platforms.OnlyStrict(this)} matcher: after normalizing both, OS, architecture and variant are
   * equal and the other's OS features are a subset of this one's. OS versions are compared only
   * when both platforms are Windows and both carry one (then they must be equal).
   */
  public boolean matches(Platform other) {
    Platform m = normalize();
    Platform n = other.normalize();
    if (!m.os.equals(n.os)
        || !m.architecture.equals(n.architecture)
        || !m.variant.equals(n.variant)) {
      return false;
    }
    if (m.os.equals("windows")
        && !osVersion.isEmpty()
        && !other.osVersion.isEmpty()
        && !osVersion.equals(other.osVersion)) {
      return false;
    }
    return m.osFeatures.containsAll(n.osFeatures);
  }

  /**
   * containerd's {@code platforms.Format}: {@code os/architecture/variant} with empty parts left
   * out, or {@code unknown} without an OS.
   */
  public String format() {
    if (os.isEmpty()) {
      return "unknown";
    }
    StringBuilder sb = new StringBuilder(os);
    if (!architecture.isEmpty()) {
      sb.append('/').append(architecture);
    }
    if (!variant.isEmpty()) {
      sb.append('/').append(variant);
    }
    return sb.toString();
  }

  /** Same as {@link #format()}. */
  @Override
  public String toString() {
    return format();
  }

  private static String decodeOsOption(String v) {
    if (!v.contains("%")) {
      return v;
    }
    try {
      return java.net.URLDecoder.decode(
          v.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid escape in OS option \"" + v + "\"", e);
    }
  }

  private static String normalizeOs(String os) {
    if (os.isEmpty()) {
      return hostOs();
    }
    os = os.toLowerCase(Locale.ROOT);
    return os.equals("macos") ? "darwin" : os;
  }

  private static String[] normalizeArch(String arch, String variant) {
    arch = arch.toLowerCase(Locale.ROOT);
    variant = variant.toLowerCase(Locale.ROOT);
    switch (arch) {
      case "i386":
        arch = "386";
        variant = "";
        break;
      case "x86_64", "x86-64", "amd64":
        arch = "amd64";
        if (variant.equals("v1")) {
          variant = "";
        }
        break;
      case "aarch64", "arm64":
        arch = "arm64";
        if (variant.equals("8") || variant.equals("v8")) {
          variant = "";
        }
        break;
      case "armhf":
        arch = "arm";
        variant = "v7";
        break;
      case "armel":
        arch = "arm";
        variant = "v6";
        break;
      case "arm":
        switch (variant) {
          case "", "7" -> variant = "v7";
          case "5", "6", "8" -> variant = "v" + variant;
          default -> {}
        }
        break;
      default:
        break;
    }
    return new String[] {arch, variant};
  }

  private static boolean isKnownOs(String os) {
    return switch (os) {
      case "aix",
          "android",
          "darwin",
          "dragonfly",
          "freebsd",
          "hurd",
          "illumos",
          "ios",
          "js",
          "linux",
          "nacl",
          "netbsd",
          "openbsd",
          "plan9",
          "solaris",
          "windows",
          "zos" ->
          true;
      default -> false;
    };
  }

  private static boolean isKnownArch(String arch) {
    return switch (arch) {
      case "386",
          "amd64",
          "amd64p32",
          "arm",
          "armbe",
          "arm64",
          "arm64be",
          "ppc64",
          "ppc64le",
          "loong64",
          "mips",
          "mipsle",
          "mips64",
          "mips64le",
          "mips64p32",
          "mips64p32le",
          "ppc",
          "riscv",
          "riscv64",
          "s390",
          "s390x",
          "sparc",
          "sparc64",
          "wasm" ->
          true;
      default -> false;
    };
  }
}
