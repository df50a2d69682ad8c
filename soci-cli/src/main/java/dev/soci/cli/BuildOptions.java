package dev.soci.cli;

import dev.soci.core.index.Optimization;
import dev.soci.core.index.PlatformSelection;
import dev.soci.core.index.SociIndexBuilder;
import dev.soci.core.registry.ImageReference;
import dev.soci.oci.OciJson;
import dev.soci.oci.Platform;
import dev.soci.ztoc.Ztoc;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The options {@code soci create} and {@code soci convert} share, and their values once given. */
final class BuildOptions {
  static final List<OptionSpec> OPTIONS =
      List.of(
          OptionSpec.value(
              "--layout", "DIR", "The OCI image layout directory (instead of an image REF)."),
          OptionSpec.value(
              "--image", "REF", "With --layout: a tag of the layout's index.json, or a digest."),
          OptionSpec.value("--span-size", "BYTES", "Span size of the zTOCs (default: {default}).")
              .withDefault("4194304"),
          OptionSpec.value(
                  "--min-layer-size",
                  "BYTES",
                  "Layers smaller than this get no zTOC (default: {default}).")
              .withDefault("10485760"),
          OptionSpec.value(
                  "-p, --platform",
                  "PLATFORM",
                  "A platform to index, e.g. linux/arm64 (repeatable; default:"
                      + " the image's own platform for a single-platform image, else the host's).")
              .asRepeatable(),
          OptionSpec.flag("--all-platforms", "Index every platform of the image."),
          OptionSpec.value(
                  "--build-tool-identifier",
                  "S",
                  "Build tool identifier recorded in the zTOCs and the index (default: {default}).")
              .withDefault(Ztoc.DEFAULT_BUILD_TOOL_IDENTIFIER),
          OptionSpec.value("--parallelism", "N", "zTOCs built at once (default: {default}).")
              .withDefault("2"),
          OptionSpec.value(
                  "--prefetch-file",
                  "PATH",
                  "A file whose spans go into the index's prefetch artifacts (repeatable;"
                      + " experimental, as upstream's).")
              .asRepeatable(),
          OptionSpec.value(
              "--prefetch-files-json",
              "FILE",
              "A JSON array of paths to prefetch, added to those of --prefetch-file."),
          OptionSpec.value(
                  "--optimizations",
                  "LIST",
                  "Optimizations to apply, comma-separated or repeated; only xattr: mark zTOCs of"
                      + " layers without extended attributes.")
              .asRepeatable(),
          OptionSpec.flag(
              "--force",
              "Rebuild zTOCs even when the layout holds one for the same layer and span size;"
                  + " with convert, also move REF2 if it already names another image."),
          OptionSpec.flag("-q, --quiet", "Print only the resulting digests."));

  /** The image where it lives, host[:port]/repository[:tag|@digest] (or null with --layout). */
  static final ParameterSpec REMOTE =
      ParameterSpec.optional(
          "REF",
          "An image in a registry, host[:port]/repository[:tag|@digest], indexed where it lives:"
              + " each layer is streamed once, nothing is written locally, and the result is"
              + " pushed there (instead of --layout and --image).");

  final Path layout;
  final String image;
  final ImageReference remote;
  final boolean quiet;
  private final long spanSize;
  private final long minLayerSize;
  private final List<String> platforms;
  private final boolean allPlatforms;
  private final String buildTool;
  private final int parallelism;
  private final List<String> prefetchFiles;
  private final Path prefetchFilesJson;
  private final List<String> optimizations;
  private final boolean force;

  BuildOptions(Arguments a) {
    String ref = a.parameter(0);
    layout = a.value("--layout") == null ? null : a.path("--layout");
    image = a.value("--image");
    if (ref != null) {
      if (layout != null || image != null) {
        throw new UsageException("give either an image REF or --layout and --image, not both");
      }
      remote = PushCommand.reference(ref);
    } else {
      remote = null;
      if (layout == null || image == null) {
        throw new UsageException(
            "missing the image: give a registry REF, or --layout DIR and --image REF");
      }
      for (String o : List.of("--plain-http", "--user")) {
        if (a.flag(o)) {
          throw new UsageException(o + " applies to a registry REF, not to --layout");
        }
      }
    }
    spanSize = a.positiveLongValue("--span-size");
    minLayerSize = a.longValue("--min-layer-size");
    platforms = a.values("--platform");
    allPlatforms = a.flag("--all-platforms");
    buildTool = a.value("--build-tool-identifier");
    parallelism = a.intValue("--parallelism");
    quiet = a.flag("--quiet");
    prefetchFiles = a.values("--prefetch-file");
    prefetchFilesJson =
        a.value("--prefetch-files-json") == null ? null : a.path("--prefetch-files-json");
    optimizations = a.values("--optimizations");
    force = a.flag("--force");
  }

  /** The prefetch paths: those of --prefetch-file, then those of the --prefetch-files-json file. */
  List<String> prefetchPaths() throws IOException {
    List<String> out = new ArrayList<>(prefetchFiles);
    if (prefetchFilesJson != null) {
      byte[] json;
      try (InputStream in = Files.newInputStream(prefetchFilesJson)) {
        json =
            in.readNBytes((int) OciJson.DEFAULT_MAX_DOCUMENT_SIZE + 1); // the decoder refuses more
      }
      out.addAll(OciJson.decoder().decodeStringArray(json, prefetchFilesJson.toString()));
    }
    return out;
  }

  /** The optimizations, upstream's comma-separated list or repeated option. */
  List<Optimization> optimizations() {
    List<Optimization> out = new ArrayList<>();
    for (String v : optimizations) {
      for (String name : v.split(",", -1)) {
        out.add(Optimization.parse(name.trim()));
      }
    }
    return out;
  }

  PlatformSelection selection() {
    if (allPlatforms && !platforms.isEmpty()) {
      throw new IllegalArgumentException("--platform and --all-platforms cannot be used together");
    }
    if (allPlatforms) {
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

  SociIndexBuilder builder(ConsoleProgress progress) throws IOException {
    if (minLayerSize < 0) {
      throw new IllegalArgumentException("min layer size must be >= 0");
    }
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be >= 1");
    }
    return SociIndexBuilder.withDefaults()
        .spanSize(spanSize)
        .minLayerSize(minLayerSize)
        .buildToolIdentifier(buildTool)
        .parallelism(parallelism)
        .force(force)
        .optimizations(optimizations())
        .prefetchFiles(prefetchPaths())
        .listener(progress);
  }
}
