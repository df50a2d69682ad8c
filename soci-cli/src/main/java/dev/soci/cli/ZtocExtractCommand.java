package dev.soci.cli;

import dev.soci.core.SeekableLayer;
import dev.soci.core.extract.ExtractionResult;
import dev.soci.core.extract.LayerExtractor;
import dev.soci.ztoc.Ztoc;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/** {@code soci ztoc extract --ztoc ZTOC LAYER -C DIR [NAME...] [--force] [--devices]}. */
final class ZtocExtractCommand {
  static final CommandSpec SPEC =
      CommandSpec.command(
              "extract",
              ZtocExtractCommand::run,
              "Extract files of a layer into a directory through its zTOC, safely: no path escapes, no writing through"
                  + " symbolic links that lead outside DIR, no overwriting unless --force, no device files or"
                  + " setuid/setgid/sticky bits unless asked. Every span digest and tar header is verified.")
          .parameters(
              ParameterSpec.required("LAYER", "The layer blob."),
              ParameterSpec.variadic(
                  "NAME",
                  "Entries to extract (a directory selects everything below it; default: all)."))
          .options(
              OptionSpec.value("--ztoc", "ZTOC", "The layer's zTOC.").asRequired(),
              OptionSpec.value("-C", "DIR", "Directory to extract into (created if missing).")
                  .asRequired(),
              OptionSpec.flag(
                  "-f, --force", "Replace existing files, links and empty directories."),
              OptionSpec.flag(
                  "--devices", "Create device files and fifos (skipped by default; needs mknod)."),
              OptionSpec.flag(
                  "--special-bits", "Keep setuid, setgid and sticky bits (dropped by default)."),
              OptionSpec.flag("-q, --quiet", "Print nothing on success."));

  private ZtocExtractCommand() {}

  static int run(Arguments a) throws IOException {
    Path dir = a.path("-C");
    Ztoc z = Ztoc.read(a.path("--ztoc"));
    ExtractionResult r;
    try (SeekableLayer l = SeekableLayer.open(a.pathParameter(0), z)) {
      r =
          LayerExtractor.withDefaults()
              .overwrite(a.flag("--force"))
              .devices(a.flag("--devices"))
              .specialModeBits(a.flag("--special-bits"))
              .extract(l, dir, a.parametersFrom(1));
    }
    if (!a.flag("--quiet")) {
      PrintStream o = System.out;
      o.println(
          "extracted "
              + r.files()
              + " files, "
              + r.directories()
              + " directories, "
              + r.symlinks()
              + " symlinks, "
              + r.hardLinks()
              + " hard links, "
              + r.specialFiles()
              + " devices/fifos into "
              + dir);
      if (!r.skipped().isEmpty()) {
        o.println(
            "skipped "
                + r.skipped().size()
                + " device files and fifos (use --devices): "
                + String.join(", ", r.skipped().subList(0, Math.min(5, r.skipped().size())))
                + (r.skipped().size() > 5 ? ", ..." : ""));
      }
    }
    return 0;
  }
}
