package dev.soci.cli;

import dev.soci.core.index.SociIndexCatalog;
import dev.soci.core.index.SociIndexCatalog.ZtocEntry;
import dev.soci.core.index.SociIndexException;
import dev.soci.oci.Digest;
import dev.soci.oci.layout.OciLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code soci ztoc list --layout DIR}. */
@Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true,
    description = "List the zTOCs of the SOCI indexes in an OCI image layout, sorted by digest, as upstream's table.")
final class ZtocListCommand implements Callable<Integer> {
  @Option(names = "--layout", required = true, paramLabel = "DIR", description = "The OCI image layout.")
  Path layout;

  @Option(names = "--ztoc-digest", paramLabel = "DIGEST", description = "Only this zTOC.")
  String ztocDigest;

  @Option(names = "--image-ref", paramLabel = "REF", description = "Only the zTOCs of this image's indexes.")
  String imageRef;

  @Option(names = {"-q", "--quiet"}, description = "Print only the digests.")
  boolean quiet;

  @Override
  public Integer call() throws IOException {
    SociIndexCatalog catalog = SociIndexCatalog.scan(OciLayout.open(layout));
    List<ZtocEntry> ztocs = imageRef == null ? catalog.ztocs()
        : SociIndexCatalog.ztocsOf(IndexCommand.forImage(catalog, imageRef, List.of()));
    if (ztocDigest != null) {
      Digest d = IndexCommand.digest(ztocDigest);
      ztocs = ztocs.stream().filter(z -> z.digest().equals(d)).toList();
      if (imageRef != null && ztocs.isEmpty()) {
        throw new SociIndexException("the specified ztoc doesn't exist or is not associated with the specified image");
      }
    }
    StringBuilder sb = new StringBuilder();
    if (quiet) {
      ztocs.forEach(z -> sb.append(z.digest()).append('\n'));
    } else {
      List<List<String>> rows = new ArrayList<>();
      for (ZtocEntry z : ztocs) {
        rows.add(List.of(z.digest().toString(), Long.toString(z.size()),
            z.layerDigest() == null ? "" : z.layerDigest().toString()));
      }
      sb.append(Tables.format(List.of("DIGEST", "SIZE", "LAYER DIGEST"), rows));
    }
    System.out.print(sb);
    System.out.flush();
    return 0;
  }
}
