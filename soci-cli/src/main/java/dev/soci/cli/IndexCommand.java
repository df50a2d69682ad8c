package dev.soci.cli;

import dev.soci.core.index.SociIndexCatalog;
import dev.soci.core.index.SociIndexCatalog.IndexEntry;
import dev.soci.core.index.SociIndexException;
import dev.soci.oci.Digest;
import dev.soci.oci.OciJson;
import dev.soci.oci.Platform;
import dev.soci.oci.layout.OciLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** {@code soci index list|info|rm --layout DIR}. */
final class IndexCommand {
  private static final OptionSpec LAYOUT =
      OptionSpec.value("--layout", "DIR", "The OCI image layout.").asRequired();

  static final CommandSpec LIST =
      CommandSpec.command(
              "list",
              IndexCommand::list,
              "List the SOCI indexes of the layout, newest first, as upstream's table.")
          .aliases("ls")
          .options(
              LAYOUT,
              OptionSpec.value("--ref", "REF", "Only the indexes of this image (tag or digest)."),
              OptionSpec.value("-p, --platform", "PLATFORM", "Only this platform (repeatable).")
                  .asRepeatable(),
              OptionSpec.flag("-q, --quiet", "Print only the digests."));

  static final CommandSpec INFO =
      CommandSpec.command(
              "info",
              IndexCommand::info,
              "Print a SOCI index of the layout as indented JSON (members and escapes as stored).")
          .parameters(ParameterSpec.required("DIGEST", "The index digest."))
          .options(LAYOUT);

  static final CommandSpec REMOVE =
      CommandSpec.command(
              "rm",
              IndexCommand::remove,
              "Remove SOCI indexes from the layout: a v1 index leaves index.json; a v2 index takes the SOCI-enabled image it"
                  + " belongs to (and its tag) with it. Blobs of what was removed that nothing else uses (indexes, zTOCs,"
                  + " prefetch artifacts, annotated manifests) are deleted; image configs and layers never are.")
          .aliases("remove")
          .parameters(ParameterSpec.variadic("DIGEST", "Index digests."))
          .options(
              LAYOUT,
              OptionSpec.value(
                  "--ref",
                  "REF",
                  "Remove every index of this image (v1 indexes of an image, or the v2 indexes of a"
                      + " SOCI-enabled image)."));

  static final CommandSpec SPEC =
      CommandSpec.group(
          "index",
          "List, show and remove SOCI indexes of an OCI image layout.",
          LIST,
          INFO,
          REMOVE);

  private IndexCommand() {}

  static Digest digest(String s) {
    try {
      return Digest.parse(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid digest " + s + ": " + e.getMessage(), e);
    }
  }

  static List<Platform> platforms(List<String> specs) {
    List<Platform> out = new ArrayList<>();
    for (String p : specs) {
      try {
        out.add(Platform.parse(p));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "could not parse platform " + p + ": " + e.getMessage(), e);
      }
    }
    return out;
  }

  /**
   * The indexes for image {@code ref} (its platforms, or the given ones), as upstream's {@code
   * --ref} filter.
   */
  static List<IndexEntry> forImage(SociIndexCatalog catalog, String ref, List<Platform> platforms)
      throws IOException {
    Set<Digest> manifests = catalog.imageManifests(ref, platforms);
    return catalog.indexes().stream()
        .filter(e -> e.imageManifest() != null && manifests.contains(e.imageManifest()))
        .toList();
  }

  /** Go's {@code time.Duration.String()} of a duration rounded to seconds, plus " ago". */
  static String ago(Instant created, Instant now) {
    if (created == null) {
      return "n/a";
    }
    long ms = Duration.between(created, now).toMillis();
    long s = Math.floorDiv(ms + 500, 1000); // Round(time.Second): halves away from zero
    if (ms < 0) {
      s = -Math.floorDiv(-ms + 500, 1000);
    }
    String sign = s < 0 ? "-" : "";
    s = Math.abs(s);
    long h = s / 3600;
    long m = s / 60 % 60;
    long sec = s % 60;
    String text = h > 0 ? h + "h" + m + "m" + sec + "s" : m > 0 ? m + "m" + sec + "s" : sec + "s";
    return sign + text + " ago";
  }

  /** {@code soci index list}. */
  static int list(Arguments a) throws IOException {
    String ref = a.value("--ref");
    boolean quiet = a.flag("--quiet");
    SociIndexCatalog catalog = SociIndexCatalog.scan(openToList(a.path("--layout")));
    catalog.skipped().forEach(w -> System.err.println("warning: " + w));
    List<Platform> ps = platforms(a.values("--platform"));
    List<IndexEntry> entries;
    if (ref != null) {
      entries = forImage(catalog, ref, ps);
    } else if (!ps.isEmpty()) {
      entries =
          catalog.indexes().stream()
              .filter(
                  e ->
                      e.platform() != null
                          && ps.stream().anyMatch(p -> p.normalize().matches(e.platform())))
              .toList();
    } else {
      entries = catalog.indexes();
    }
    StringBuilder sb = new StringBuilder();
    if (quiet) {
      entries.forEach(e -> sb.append(e.descriptor().digest()).append('\n'));
    } else {
      Instant now = Instant.now();
      List<List<String>> rows = new ArrayList<>();
      for (IndexEntry e : entries) {
        List<String> refs = e.imageRefs().isEmpty() ? List.of("") : e.imageRefs();
        for (String r : refs) {
          rows.add(
              List.of(
                  e.descriptor().digest().toString(),
                  Long.toString(e.descriptor().size()),
                  r,
                  e.platformText(),
                  e.descriptor().mediaType(),
                  e.version().toString(),
                  ago(e.created(), now)));
        }
      }
      sb.append(
          Tables.format(
              List.of(
                  "DIGEST",
                  "SIZE",
                  "IMAGE REF",
                  "PLATFORM",
                  "MEDIA TYPE",
                  "MANIFEST VERSION",
                  "CREATED"),
              rows));
    }
    System.out.print(sb);
    System.out.flush();
    return 0;
  }

  /** {@code soci index info DIGEST}. */
  static int info(Arguments a) throws IOException {
    Path layout = a.path("--layout");
    Digest d = digest(a.parameter(0));
    OciLayout l = openToList(layout);
    SociIndexCatalog catalog = SociIndexCatalog.scan(l);
    IndexEntry e = catalog.index(d).orElse(null);
    if (e == null) {
      if (catalog.isZtoc(d)) {
        throw new SociIndexException(
            "the provided digest is of ztoc not SOCI index. Use \"soci ztoc info\" command"
                + " to get detailed info of ztoc");
      }
      throw new SociIndexException("no SOCI index with digest " + d + " in " + layout);
    }
    System.out.write(OciJson.indent(l.readBlob(e.descriptor(), l.decoder().maxDocumentSize())));
    System.out.flush();
    return 0;
  }

  /** {@code soci index rm DIGEST... | --ref REF}. */
  static int remove(Arguments a) throws IOException {
    String ref = a.value("--ref");
    List<String> digests = a.parametersFrom(0);
    if ((ref == null) == digests.isEmpty()) {
      throw new IllegalArgumentException(
          "give either index digests or --ref, not both and not neither");
    }
    OciLayout l = openToList(a.path("--layout"));
    Set<Digest> targets = new LinkedHashSet<>();
    if (ref != null) {
      for (IndexEntry e : forImage(SociIndexCatalog.scan(l), ref, List.of())) {
        if (e.listed() || e.version() == dev.soci.oci.SociIndex.Version.V2) {
          targets.add(e.descriptor().digest());
        }
      }
    } else {
      digests.forEach(s -> targets.add(digest(s)));
    }
    SociIndexCatalog.Removal r = SociIndexCatalog.delete(l, targets);
    for (Digest d : r.indexes()) {
      System.out.println("removed soci index " + d);
    }
    for (dev.soci.oci.Descriptor image : r.images()) {
      String tag = image.annotation(dev.soci.oci.Annotations.REF_NAME);
      System.out.println(
          "removed soci-enabled image " + (tag == null ? "" : tag + " ") + image.digest());
    }
    int n = r.deleted().size();
    System.out.println("deleted " + n + " blob" + (n == 1 ? "" : "s"));
    System.out.flush();
    return 0;
  }

  /**
   * Opens a layout to list or clean up: documents are read up to {@link
   * SociIndexCatalog#MAX_DOCUMENT_SIZE}, so that anything {@code create} or {@code convert} could
   * write (never more than that) can be listed and removed.
   */
  static OciLayout openToList(java.nio.file.Path dir) throws java.io.IOException {
    return OciLayout.open(
        dir, dev.soci.oci.OciJson.decoder().maxDocumentSize(SociIndexCatalog.MAX_DOCUMENT_SIZE));
  }
}
