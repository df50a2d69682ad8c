package dev.soci.cli;

import dev.soci.core.index.CreateResult;
import dev.soci.core.index.IndexResult;
import dev.soci.oci.layout.OciLayout;

/**
 * {@code soci create --layout DIR --image REF} or {@code soci create REF}: v1 SOCI indexes, as
 * upstream {@code soci create}, in a layout or where the image lives in its registry.
 */
final class CreateCommand {
  static final CommandSpec SPEC =
      CommandSpec.command(
              "create",
              CreateCommand::run,
              "Build SOCI index manifests v1 (with subject) for an image in an OCI image layout,"
                  + " or for an image in a registry (REF), where they are pushed.",
              "Prints a line per layer as upstream does, then the index of each platform. The indexes are listed, untagged,"
                  + " in the layout's index.json; the image itself is not changed. With REF, each"
                  + " layer is streamed once from the registry and the zTOCs and indexes are"
                  + " pushed there (with their subject; the sha256-<hex> fallback tag on"
                  + " registries without the referrers API); nothing is written locally.")
          .parameters(BuildOptions.REMOTE)
          .options(BuildOptions.OPTIONS)
          .options(RegistryOptions.CONNECTION);

  private CreateCommand() {}

  static int run(Arguments a) throws Exception {
    BuildOptions options = new BuildOptions(a);
    ConsoleProgress progress = new ConsoleProgress(options.quiet);
    CreateResult r;
    try {
      if (options.remote != null) {
        r =
            options
                .builder(progress)
                .create(RegistryOptions.registry(a), options.remote, options.selection());
      } else {
        OciLayout layout = OciLayout.open(options.layout);
        r = options.builder(progress).create(layout, options.image, options.selection());
      }
    } finally {
      progress.clear();
    }
    for (IndexResult i : r.indexes()) {
      System.out.println(
          options.quiet
              ? i.descriptor().digest().toString()
              : "soci index "
                  + i.descriptor().digest()
                  + " (v1, "
                  + i.platform()
                  + ", "
                  + i.descriptor().size()
                  + " bytes) for image manifest "
                  + i.manifest().digest());
    }
    System.out.flush();
    return 0;
  }
}
