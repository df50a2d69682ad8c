package dev.soci.cli;

import dev.soci.core.index.PlatformSelection;
import dev.soci.core.index.SociIndexBuilder;
import dev.soci.oci.Platform;
import dev.soci.ztoc.Ztoc;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options {@code soci create} and {@code soci convert} share. */
final class BuildOptions {
  @Option(names = "--layout", required = true, paramLabel = "DIR", description = "The OCI image layout directory.")
  Path layout;

  @Option(names = "--image", required = true, paramLabel = "REF",
      description = "The image: a tag of the layout's index.json, or a digest.")
  String image;

  @Option(names = "--span-size", paramLabel = "BYTES", defaultValue = "4194304",
      description = "Span size of the zTOCs (default: ${DEFAULT-VALUE}).")
  long spanSize;

  @Option(names = "--min-layer-size", paramLabel = "BYTES", defaultValue = "10485760",
      description = "Layers smaller than this get no zTOC (default: ${DEFAULT-VALUE}).")
  long minLayerSize;

  @Option(names = {"-p", "--platform"}, paramLabel = "PLATFORM",
      description = "A platform to index, e.g. linux/arm64 (repeatable; default: the image's own platform for a"
          + " single-platform image, else the host's).")
  List<String> platforms = new ArrayList<>();

  @Option(names = "--all-platforms", description = "Index every platform of the image.")
  boolean allPlatforms;

  @Option(names = "--build-tool-identifier", paramLabel = "S", defaultValue = Ztoc.DEFAULT_BUILD_TOOL_IDENTIFIER,
      description = "Build tool identifier recorded in the zTOCs and the index (default: ${DEFAULT-VALUE}).")
  String buildTool;

  @Option(names = "--parallelism", paramLabel = "N", defaultValue = "2",
      description = "zTOCs built at once (default: ${DEFAULT-VALUE}).")
  int parallelism;

  @Option(names = {"-q", "--quiet"}, description = "Print only the resulting digests.")
  boolean quiet;

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
        throw new IllegalArgumentException("could not parse platform " + p + ": " + e.getMessage(), e);
      }
    }
    return PlatformSelection.of(ps);
  }

  SociIndexBuilder builder(ConsoleProgress progress) {
    if (spanSize < 0) {
      throw new IllegalArgumentException("span size must be >= 0");
    }
    if (minLayerSize < 0) {
      throw new IllegalArgumentException("min layer size must be >= 0");
    }
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be >= 1");
    }
    return SociIndexBuilder.withDefaults().spanSize(spanSize).minLayerSize(minLayerSize).buildToolIdentifier(buildTool)
        .parallelism(parallelism).listener(progress);
  }
}
