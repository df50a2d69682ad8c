package dev.soci.cli;

import dev.soci.common.internal.AtomicFiles;
import dev.soci.core.image.ContentSource;
import dev.soci.core.image.ImageEntry;
import dev.soci.core.image.ImageStatistics;
import dev.soci.core.image.OciLayoutSource;
import dev.soci.core.image.RegistrySource;
import dev.soci.core.image.SociImage;
import dev.soci.core.registry.ImageReference;
import dev.soci.oci.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code soci cat SRC PATH [-o OUT] [--stats] [--plain-http] [--user U:P] [-p PLATFORM]}, or {@code
 * soci cat --layout DIR --image REF PATH ...}.
 */
final class CatCommand {
  static final CommandSpec SPEC =
      CommandSpec.command(
              "cat",
              CatCommand::run,
              "Print one file of an image, read lazily through its SOCI index.",
              "PATH is resolved through the merged view of the image's layers, top layer first:"
                  + " deleted files (whiteouts) are gone, symbolic links are followed inside the"
                  + " image. Only the spans that hold the file are read from layers with a zTOC;"
                  + " smaller layers, and every layer of an image without a SOCI index, are read"
                  + " whole (a note on stderr says so). Every byte is verified.",
              "SRC is an image in a registry, host[:port]/repository[:tag|@digest]; or give"
                  + " --layout and --image instead of SRC to read from an OCI image layout.")
          .parameters(
              ParameterSpec.required(
                  "SRC", "The image in a registry (or PATH, with --layout and --image)."),
              ParameterSpec.optional("PATH", "The file's path in the image."))
          .options(
              OptionSpec.value("--layout", "DIR", "The OCI image layout directory."),
              OptionSpec.value(
                  "--image", "REF", "The image: a tag of the layout's index.json, or a digest."),
              OptionSpec.flag(
                  "--plain-http",
                  "Use plain HTTP (default: HTTPS, except for loopback registries)."),
              OptionSpec.value(
                  "--user",
                  "U:P",
                  "Registry credentials (default: docker's config.json, its credential helpers,"
                      + " or anonymous)."),
              RegistryOptions.CA_FILE,
              OptionSpec.value(
                  "-p, --platform",
                  "PLATFORM",
                  "The platform to read from a multi-platform image, e.g. linux/arm64"
                      + " (default: the host's)."),
              OptionSpec.value("-o, --output", "OUT", "Write to OUT instead of stdout."),
              OptionSpec.flag("-f, --force", "Overwrite OUT if it exists."),
              OptionSpec.flag(
                  "--no-prefetch",
                  "Do not fetch the spans of the SOCI index's prefetch artifacts in the background"
                      + " (default: fetch them when the index has any)."),
              OptionSpec.flag(
                  "--stats",
                  "Print on stderr what was fetched: bytes, requests, spans, the share of the"
                      + " image's layer bytes, and the time."));

  private CatCommand() {}

  static int run(Arguments a) throws IOException {
    Path output = a.path("--output");
    boolean force = a.flag("--force");
    if (output != null && !force && java.nio.file.Files.exists(output)) {
      throw new java.nio.file.FileAlreadyExistsException(output + " (use --force to overwrite)");
    }
    String p = a.value("--platform");
    SociImage.Options options =
        SociImage.Options.defaults()
            .withPlatform(p == null ? null : Platform.parse(p))
            .withPrefetch(!a.flag("--no-prefetch"));
    boolean fromLayout = a.value("--layout") != null || a.value("--image") != null;
    String ref;
    String path;
    ContentSource opened;
    if (fromLayout) {
      if (a.value("--layout") == null || a.value("--image") == null) {
        throw new UsageException("--layout and --image go together");
      }
      if (a.parameter(1) != null) {
        throw new UsageException(
            "give either SRC or --layout and --image, not both (unexpected '"
                + a.parameter(1)
                + "')");
      }
      if (a.flag("--plain-http") || a.value("--user") != null || a.value("--ca-file") != null) {
        throw new UsageException("--plain-http, --user and --ca-file are for a registry SRC");
      }
      ref = a.value("--image");
      path = a.parameter(0);
      opened = OciLayoutSource.open(a.path("--layout"));
    } else {
      if (a.parameter(1) == null) {
        throw new UsageException("missing required parameter PATH");
      }
      ImageReference src = PushCommand.reference(a.parameter(0));
      ref = src.reference();
      path = a.parameter(1);
      opened = RegistrySource.of(RegistryOptions.registry(a), src);
    }
    PrintStream err = System.err;
    try (ContentSource source = opened;
        SociImage image = SociImage.open(source, ref, options)) {
      if (image.sociIndex().isEmpty()) {
        err.println(
            "note: "
                + ref
                + (image.platform() == null ? "" : " (" + image.platform().format() + ")")
                + " has no SOCI index; its layers are read whole");
      }
      ImageEntry file = image.resolve(path);
      if (output == null) {
        try (InputStream in = image.open(file)) {
          in.transferTo(System.out);
        }
        System.out.flush();
      } else {
        AtomicFiles.write(
            output,
            force,
            out -> {
              try (InputStream in = image.open(file)) {
                in.transferTo(out);
              }
            });
      }
      if (a.flag("--stats")) {
        printStatistics(err, image.statistics());
      }
    }
    err.flush();
    return 0;
  }

  /** One fact a line. */
  static void printStatistics(PrintStream err, ImageStatistics s) {
    err.println("fetched " + s.bytesFetched() + " bytes");
    err.println("requests " + s.requests());
    err.println(
        String.format(
            Locale.ROOT,
            "layer bytes fetched %d (%.2f%% of the image's %d layer bytes)",
            s.layerBytesFetched(),
            100 * s.layerShare(),
            s.imageLayerBytes()));
    err.println(
        "index, zTOC and manifest bytes fetched " + (s.bytesFetched() - s.layerBytesFetched()));
    err.println("spans fetched " + s.spansFetched());
    err.println("spans from cache " + s.spansFromCache());
    err.println("spans prefetched " + s.spansPrefetched());
    if (s.layersIgnoringRanges() > 0) {
      err.println(
          "layers whose registry ignored range requests "
              + s.layersIgnoringRanges()
              + " (each read streamed the blob from its start)");
    }
    err.println(String.format(Locale.ROOT, "time %.3f s", s.elapsed().toNanos() / 1e9));
  }
}
