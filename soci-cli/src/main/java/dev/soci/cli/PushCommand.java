package dev.soci.cli;

import dev.soci.core.registry.ImageReference;
import dev.soci.core.registry.SociPusher;
import dev.soci.oci.Descriptor;
import dev.soci.oci.layout.OciLayout;
import java.util.Locale;

/** {@code soci push --layout DIR --image REF DEST}: an image and its SOCI indexes to a registry. */
final class PushCommand {
  static final CommandSpec SPEC =
      CommandSpec.command(
              "push",
              PushCommand::run,
              "Push an image of an OCI image layout with its SOCI indexes to a registry: blobs"
                  + " first, then manifests, the image index and the tag last. v1 indexes are"
                  + " pushed with their subject (and the sha256-<hex> fallback tag on registries"
                  + " without the referrers API); v2 indexes with their SOCI-enabled image index.",
              "DEST is host[:port]/repository[:tag|@digest]. Pushing again uploads nothing.")
          .parameters(
              ParameterSpec.required("DEST", "Where to push: host[:port]/repository[:tag]."))
          .options(
              OptionSpec.value("--layout", "DIR", "The OCI image layout directory.").asRequired(),
              OptionSpec.value(
                      "--image", "REF", "The image: a tag of the layout's index.json, or a digest.")
                  .asRequired(),
              OptionSpec.value(
                      "--existing-index",
                      "warn|skip|allow",
                      "When the registry already has a v1 SOCI index for the image (default:"
                          + " {default}).")
                  .withDefault("warn"),
              OptionSpec.value(
                      "--max-concurrent-uploads",
                      "N",
                      "Blobs uploaded at once (default: {default}).")
                  .withDefault("3"),
              OptionSpec.flag("-q, --quiet", "Print only the pushed digests."))
          .options(RegistryOptions.OPTIONS);

  private PushCommand() {}

  static int run(Arguments a) throws Exception {
    ImageReference dest = reference(a.parameter(0));
    SociPusher.ExistingIndex policy;
    String p = a.value("--existing-index");
    try {
      policy = SociPusher.ExistingIndex.valueOf(p.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--existing-index must be warn, skip or allow, not \"" + p + "\"");
    }
    int uploads = a.intValue("--max-concurrent-uploads");
    if (uploads < 1) {
      throw new UsageException("--max-concurrent-uploads must be at least 1");
    }
    boolean quiet = a.flag("--quiet");
    TransferProgress progress = new TransferProgress(quiet, "pushed");
    OciLayout layout = OciLayout.open(a.path("--layout"));
    SociPusher.Result r;
    try {
      r =
          SociPusher.to(RegistryOptions.registry(a))
              .platforms(RegistryOptions.selection(a))
              .existingIndex(policy)
              .maxConcurrentUploads(uploads)
              .listener(progress)
              .push(layout, a.value("--image"), dest);
    } finally {
      progress.clear();
    }
    if (quiet) {
      System.out.println(r.image().digest());
      for (Descriptor d : r.sociIndexes()) {
        System.out.println(d.digest());
      }
    } else {
      for (Descriptor d : r.sociIndexes()) {
        System.out.println("soci index " + d.digest() + " (v1) pushed with its subject");
      }
      if (r.upToDate()) {
        System.out.println(dest + " is up to date (" + r.image().digest() + "); nothing uploaded");
      } else {
        System.out.println(
            "pushed "
                + dest
                + " -> "
                + r.image().digest()
                + ": "
                + r.blobsUploaded()
                + " blobs uploaded ("
                + r.bytesUploaded()
                + " bytes), "
                + r.blobsExisting()
                + " already there, "
                + r.manifestsPushed()
                + " manifests pushed");
      }
    }
    System.out.flush();
    return 0;
  }

  static ImageReference reference(String text) {
    try {
      return ImageReference.parse(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }
}
