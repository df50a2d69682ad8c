package dev.soci.cli;

import dev.soci.core.index.ConvertResult;
import dev.soci.core.index.IndexResult;
import dev.soci.oci.Annotations;
import dev.soci.oci.layout.OciLayout;

/**
 * {@code soci convert --layout DIR --image REF --to REF2} or {@code soci convert REF --to TAG}: a
 * SOCI-enabled image, in place in a layout or where the image lives in its registry.
 */
final class ConvertCommand {
  static final CommandSpec SPEC =
      CommandSpec.command(
              "convert",
              ConvertCommand::run,
              "Convert an image of an OCI image layout into a SOCI-enabled image (SOCI index manifests v2 and an image index"
                  + " linking them to the annotated image manifests), tagged REF2 in the same layout.",
              "The original tag keeps pointing at the original image. With REF (an image in a"
                  + " registry), each layer is streamed once and the converted image is pushed to"
                  + " the same repository, tagged REF2, in a safe order (the tag last); nothing is"
                  + " written locally.")
          .parameters(BuildOptions.REMOTE)
          .options(BuildOptions.OPTIONS)
          .options(RegistryOptions.CONNECTION)
          .options(
              OptionSpec.value(
                      "--to",
                      "REF2",
                      "The tag to give the converted image (if it names another image: refused"
                          + " unless --force).")
                  .asRequired());

  private ConvertCommand() {}

  static int run(Arguments a) throws Exception {
    BuildOptions options = new BuildOptions(a);
    String to = a.value("--to");
    ConsoleProgress progress = new ConsoleProgress(options.quiet);
    ConvertResult r;
    try {
      var builder = options.builder(progress).overwriteTag(a.flag("--force"));
      if (options.remote != null) {
        r = builder.convert(RegistryOptions.registry(a), options.remote, to, options.selection());
      } else {
        r = builder.convert(OciLayout.open(options.layout), options.image, to, options.selection());
      }
    } finally {
      progress.clear();
    }
    if (options.quiet) {
      System.out.println(r.imageIndex().digest());
    } else {
      for (IndexResult i : r.indexes()) {
        System.out.println(
            "soci index "
                + i.descriptor().digest()
                + " (v2, "
                + i.platform()
                + ", "
                + i.descriptor().size()
                + " bytes) for image manifest "
                + i.descriptor().annotation(Annotations.SOCI_IMAGE_MANIFEST_DIGEST));
      }
      System.out.println(
          "converted image "
              + to
              + " -> "
              + r.imageIndex().digest()
              + " ("
              + r.imageIndex().size()
              + " bytes)");
    }
    System.out.flush();
    return 0;
  }
}
