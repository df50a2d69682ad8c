package dev.soci.cli;

import dev.soci.core.registry.ImageReference;
import dev.soci.core.registry.SociPuller;
import dev.soci.oci.Descriptor;

/** {@code soci pull SRC --layout DIR}: an image and its SOCI indexes into an OCI image layout. */
final class PullCommand {
  static final CommandSpec SPEC =
      CommandSpec.command(
              "pull",
              PullCommand::run,
              "Pull an image and its SOCI indexes (v2 through its image index, v1 through the"
                  + " referrers API or the fallback tag) into an OCI image layout, which is"
                  + " created if missing. Every blob is verified as it is written; a failed pull"
                  + " leaves the layout unchanged.",
              "SRC is host[:port]/repository[:tag|@digest].")
          .parameters(ParameterSpec.required("SRC", "What to pull: host[:port]/repository[:tag]."))
          .options(
              OptionSpec.value("--layout", "DIR", "The OCI image layout directory.").asRequired(),
              OptionSpec.value(
                  "--image",
                  "REF",
                  "The tag to give the image in the layout (default: SRC's tag)."),
              OptionSpec.flag("-q, --quiet", "Print only the pulled digests."))
          .options(RegistryOptions.OPTIONS);

  private PullCommand() {}

  static int run(Arguments a) throws Exception {
    ImageReference src = PushCommand.reference(a.parameter(0));
    String tag = a.value("--image");
    if (tag == null) {
      tag = src.tag();
    }
    if (tag == null) {
      throw new UsageException("SRC has no tag: name the image in the layout with --image");
    }
    boolean quiet = a.flag("--quiet");
    TransferProgress progress = new TransferProgress(quiet, "pulled");
    SociPuller.Result r;
    try {
      r =
          SociPuller.from(RegistryOptions.registry(a))
              .platforms(RegistryOptions.selection(a))
              .listener(progress)
              .pull(src, a.path("--layout"), tag);
    } finally {
      progress.clear();
    }
    if (quiet) {
      System.out.println(r.image().digest());
    } else {
      for (Descriptor d : r.sociIndexes()) {
        System.out.println("soci index " + d.digest());
      }
      System.out.println(
          "pulled "
              + src
              + " -> "
              + tag
              + " ("
              + r.image().digest()
              + "): "
              + r.blobsDownloaded()
              + " blobs downloaded ("
              + r.bytesDownloaded()
              + " bytes), "
              + r.blobsExisting()
              + " already there");
    }
    System.out.flush();
    return 0;
  }
}
