package dev.soci.cli;

import dev.soci.core.index.CreateResult;
import dev.soci.core.index.IndexResult;
import dev.soci.oci.layout.OciLayout;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code soci create --layout DIR --image REF}: v1 SOCI indexes, as upstream {@code soci create}. */
@Command(name = "create", mixinStandardHelpOptions = true,
    description = {"Build SOCI index manifests v1 (with subject) for an image in an OCI image layout.",
        "Prints a line per layer as upstream does, then the index of each platform. The indexes are listed,"
            + " untagged, in the layout's index.json; the image itself is not changed."})
final class CreateCommand implements Callable<Integer> {
  @Mixin BuildOptions options;

  @Override
  public Integer call() throws Exception {
    ConsoleProgress progress = new ConsoleProgress(options.quiet);
    OciLayout layout = OciLayout.open(options.layout);
    CreateResult r;
    try {
      r = options.builder(progress).create(layout, options.image, options.selection());
    } finally {
      progress.clear();
    }
    for (IndexResult i : r.indexes()) {
      System.out.println(options.quiet ? i.descriptor().digest().toString()
          : "soci index " + i.descriptor().digest() + " (v1, " + i.platform() + ", " + i.descriptor().size()
              + " bytes) for image manifest " + i.manifest().digest());
    }
    System.out.flush();
    return 0;
  }
}
