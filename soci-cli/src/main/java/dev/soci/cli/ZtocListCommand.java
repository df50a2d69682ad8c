package dev.soci.cli;

import dev.soci.core.index.SociIndexCatalog;
import dev.soci.core.index.SociIndexCatalog.ZtocEntry;
import dev.soci.core.index.SociIndexException;
import dev.soci.oci.Digest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** {@code soci ztoc list --layout DIR}. */
final class ZtocListCommand {
  static final CommandSpec SPEC =
      CommandSpec.command(
              "list",
              ZtocListCommand::run,
              "List the zTOCs of the SOCI indexes in an OCI image layout, sorted by digest, as upstream's table.")
          .aliases("ls")
          .options(
              OptionSpec.value("--layout", "DIR", "The OCI image layout.").asRequired(),
              OptionSpec.value("--ztoc-digest", "DIGEST", "Only this zTOC."),
              OptionSpec.value("--image-ref", "REF", "Only the zTOCs of this image's indexes."),
              OptionSpec.flag("-q, --quiet", "Print only the digests."));

  private ZtocListCommand() {}

  static int run(Arguments a) throws IOException {
    String imageRef = a.value("--image-ref");
    String ztocDigest = a.value("--ztoc-digest");
    SociIndexCatalog catalog = SociIndexCatalog.scan(IndexCommand.openToList(a.path("--layout")));
    catalog.skipped().forEach(w -> System.err.println("warning: " + w));
    List<ZtocEntry> ztocs =
        imageRef == null
            ? catalog.ztocs()
            : SociIndexCatalog.ztocsOf(IndexCommand.forImage(catalog, imageRef, List.of()));
    if (ztocDigest != null) {
      Digest d = IndexCommand.digest(ztocDigest);
      ztocs = ztocs.stream().filter(z -> z.digest().equals(d)).toList();
      if (imageRef != null && ztocs.isEmpty()) {
        throw new SociIndexException(
            "the specified ztoc doesn't exist or is not associated with the specified image");
      }
    }
    StringBuilder sb = new StringBuilder();
    if (a.flag("--quiet")) {
      ztocs.forEach(z -> sb.append(z.digest()).append('\n'));
    } else {
      List<List<String>> rows = new ArrayList<>();
      for (ZtocEntry z : ztocs) {
        rows.add(
            List.of(
                z.digest().toString(),
                Long.toString(z.size()),
                z.layerDigest() == null ? "" : z.layerDigest().toString()));
      }
      sb.append(Tables.format(List.of("DIGEST", "SIZE", "LAYER DIGEST"), rows));
    }
    System.out.print(sb);
    System.out.flush();
    return 0;
  }
}
