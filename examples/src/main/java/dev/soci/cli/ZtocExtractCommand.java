package dev.soci.cli;

import dev.soci.core.SeekableLayer;
import dev.soci.core.extract.ExtractionResult;
import dev.soci.core.extract.LayerExtractor;
import dev.soci.ztoc.Ztoc;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code soci ztoc extract --ztoc ZTOC LAYER -C DIR [NAME...] [--force] [--devices]}. */
@Command(name = "extract", mixinStandardHelpOptions = true,
    description = {"Extract files of a layer into a directory through its zTOC, safely: no path escapes, no writing"
        + " through symbolic links that lead outside DIR, no overwriting unless --force, no device files or"
        + " setuid/setgid/sticky bits unless asked. Every span digest and tar header is verified."})
final class ZtocExtractCommand implements Callable<Integer> {
  @Option(names = "--ztoc", required = true, paramLabel = "ZTOC", description = "The layer's zTOC.")
  Path ztoc;

  @Parameters(index = "0", paramLabel = "LAYER", description = "The layer blob.")
  Path layer;

  @Parameters(index = "1..*", paramLabel = "NAME", arity = "0..*",
      description = "Entries to extract (a directory selects everything below it; default: all).")
  List<String> names = new ArrayList<>();

  @Option(names = "-C", required = true, paramLabel = "DIR", description = "Directory to extract into (created if"
      + " missing).")
  Path dir;

  @Option(names = {"-f", "--force"}, description = "Replace existing files, links and empty directories.")
  boolean force;

  @Option(names = "--devices", description = "Create device files and fifos (skipped by default; needs mknod).")
  boolean devices;

  @Option(names = "--special-bits", description = "Keep setuid, setgid and sticky bits (dropped by default).")
  boolean specialBits;

  @Option(names = {"-q", "--quiet"}, description = "Print nothing on success.")
  boolean quiet;

  @Override
  public Integer call() throws IOException {
    Ztoc z = Ztoc.read(ztoc);
    ExtractionResult r;
    try (SeekableLayer l = SeekableLayer.open(layer, z)) {
      r = LayerExtractor.withDefaults().overwrite(force).devices(devices).specialModeBits(specialBits)
          .extract(l, dir, names);
    }
    if (!quiet) {
      PrintStream o = System.out;
      o.println("extracted " + r.files() + " files, " + r.directories() + " directories, " + r.symlinks()
          + " symlinks, " + r.hardLinks() + " hard links, " + r.specialFiles() + " devices/fifos into " + dir);
      if (!r.skipped().isEmpty()) {
        o.println("skipped " + r.skipped().size() + " device files and fifos (use --devices): "
            + String.join(", ", r.skipped().subList(0, Math.min(5, r.skipped().size())))
            + (r.skipped().size() > 5 ? ", ..." : ""));
      }
    }
    return 0;
  }
}
