package dev.soci.examples;

import dev.soci.core.image.ImageStatistics;
import dev.soci.core.nio.SociFileSystem;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Lists the packages installed in a Debian-based image, as a vulnerability scanner starts, by
 * reading {@code /var/lib/dpkg/status} through the image's {@code soci} file system: only the spans
 * holding that file are fetched, not the image.
 *
 * <p>Usage: {@code ListPackages soci://HOST[:PORT]/REPOSITORY[:TAG]} or {@code ListPackages
 * LAYOUT-DIR IMAGE}
 */
public final class ListPackages {
  /**
   * What was found.
   *
   * @param packages the installed packages, {@code name version}, in the file's order
   * @param statistics what was fetched to find them
   */
  public record Result(List<String> packages, ImageStatistics statistics) {}

  private ListPackages() {}

  /**
   * Runs the example.
   *
   * @param args an image in a registry ({@code soci://host:port/repository:tag}), or an OCI image
   *     layout directory and the image in it (a tag or digest)
   * @throws IOException if the image cannot be read or has no dpkg database
   */
  public static void main(String[] args) throws IOException {
    if (args.length == 1) {
      list(URI.create(args[0]), System.out);
    } else {
      list(Path.of(args[0]), args[1], System.out);
    }
  }

  /** Lists the installed packages of the registry image {@code soci://host:port/repo:tag}. */
  public static Result list(URI image, PrintStream out) throws IOException {
    try (FileSystem fs = FileSystems.newFileSystem(image, Map.of())) {
      return report(fs, image.toString(), out);
    }
  }

  /** Lists the installed packages of {@code image} in {@code layout}, printing to {@code out}. */
  public static Result list(Path layout, String image, PrintStream out) throws IOException {
    try (FileSystem fs = FileSystems.newFileSystem(layout, Map.of("image", image))) {
      return report(fs, image, out);
    }
  }

  private static Result report(FileSystem fs, String image, PrintStream out) throws IOException {
    List<String> packages = installed(fs.getPath("/var/lib/dpkg/status"));
    ImageStatistics s = ((SociFileSystem) fs).statistics();
    packages.stream().limit(5).forEach(p -> out.println("  " + p));
    out.printf(Locale.ROOT, "%d packages installed in %s%n", packages.size(), image);
    out.printf(
        Locale.ROOT,
        "fetched %d bytes (%.2f%% of the image's %d layer bytes): %d layer bytes (%.2f%%) and"
            + " %d bytes of manifests, SOCI index and zTOCs%n",
        s.bytesFetched(),
        100.0 * s.bytesFetched() / Math.max(1, s.imageLayerBytes()),
        s.imageLayerBytes(),
        s.layerBytesFetched(),
        100 * s.layerShare(),
        s.bytesFetched() - s.layerBytesFetched());
    return new Result(packages, s);
  }

  /** The packages of a dpkg status file whose status is {@code install ok installed}. */
  static List<String> installed(Path status) throws IOException {
    List<String> out = new ArrayList<>();
    String name = null;
    String version = null;
    boolean installed = false;
    try (BufferedReader r = Files.newBufferedReader(status)) {
      for (String line = r.readLine(); ; line = r.readLine()) {
        if (line == null || line.isEmpty()) {
          if (name != null && installed) {
            out.add(name + " " + version);
          }
          name = null;
          version = null;
          installed = false;
          if (line == null) {
            return out;
          }
        } else if (line.startsWith("Package: ")) {
          name = line.substring(9).trim();
        } else if (line.startsWith("Version: ")) {
          version = line.substring(9).trim();
        } else if (line.startsWith("Status: ")) {
          installed = line.endsWith(" installed") && line.contains("install ok");
        }
      }
    }
  }
}
