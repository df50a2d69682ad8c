package dev.soci.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.soci.core.index.SociIndexCatalog;
import dev.soci.core.index.SociIndexException;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciException;
import dev.soci.oci.layout.OciLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The walk of an OCI image layout's graph by {@link SociIndexCatalog} ({@code index list}, {@code
 * ztoc list}, {@code index rm}, and the zTOC reuse of {@code create}) on a fabricated layout.
 *
 * <p>Input: documents separated by NUL bytes; the first is {@code index.json}, every other one is
 * stored as a blob. In document {@code i}, {@code @j} stands for the digest of document {@code j}
 * and {@code #j} for its size, for {@code j > i} (so documents can point at each other in any shape
 * content addressing allows: chains, lattices, dangling and mistyped references, SOCI indexes
 * listed or nested).
 *
 * <p>Invariants: scanning fails only with a documented {@link OciException} or {@link
 * SociIndexException} with a message (a {@link StackOverflowError}, an {@link OutOfMemoryError} or
 * a runtime exception is a finding); what it lists is consistent (indexes once each, zTOCs sorted);
 * removing a listed v1 index unlists it and deletes no blob that {@code index.json} still reaches.
 */
class IndexCatalogFuzzer {
  private static final int MAX_DOCUMENTS = 64;
  private static final Pattern REF = Pattern.compile("([@#])([0-9]{1,2})");
  private static final Path ROOT;

  static {
    try {
      // a memory file system where there is one: layouts are written and synced for every input
      Path shm = Path.of("/dev/shm");
      ROOT =
          Files.isDirectory(shm) && Files.isWritable(shm)
              ? Files.createTempDirectory(shm, "index-catalog-fuzz")
              : Files.createTempDirectory("index-catalog-fuzz");
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      delete(ROOT);
                    } catch (IOException e) {
                      // best effort
                    }
                  }));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void fuzzerTestOneInput(byte[] data) {
    Path dir = ROOT.resolve("layout");
    try {
      delete(dir);
      write(dir, data);
      run(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("harness I/O", e);
    }
  }

  /** Lays out the documents: index.json and the blobs, placeholders resolved from the last one. */
  static void write(Path dir, byte[] data) throws IOException {
    List<String> docs = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= data.length && docs.size() < MAX_DOCUMENTS; i++) {
      if (i == data.length || data[i] == 0) {
        docs.add(new String(data, start, i - start, StandardCharsets.UTF_8));
        start = i + 1;
      }
    }
    byte[][] bytes = new byte[docs.size()][];
    Digest[] digests = new Digest[docs.size()];
    for (int i = docs.size() - 1; i >= 0; i--) {
      int self = i;
      Matcher m = REF.matcher(docs.get(i));
      StringBuilder sb = new StringBuilder();
      while (m.find()) {
        int j = Integer.parseInt(m.group(2));
        String value =
            j > self && j < docs.size()
                ? (m.group(1).equals("@")
                    ? digests[j].toString()
                    : Integer.toString(bytes[j].length))
                : m.group();
        m.appendReplacement(sb, Matcher.quoteReplacement(value));
      }
      m.appendTail(sb);
      bytes[i] = sb.toString().getBytes(StandardCharsets.UTF_8);
      digests[i] = Digest.sha256(bytes[i]);
    }
    Path blobs = Files.createDirectories(dir.resolve("blobs").resolve("sha256"));
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    Files.write(dir.resolve("index.json"), bytes.length > 0 ? bytes[0] : new byte[0]);
    for (int i = 1; i < bytes.length; i++) {
      Files.write(blobs.resolve(digests[i].hex()), bytes[i]);
    }
  }

  private static void run(Path dir) throws IOException {
    SociIndexCatalog catalog;
    OciLayout layout;
    try {
      layout = OciLayout.open(dir);
      catalog = SociIndexCatalog.scan(layout);
    } catch (OciException | SociIndexException e) {
      Findings.check(e.getMessage() != null && !e.getMessage().isBlank(), "empty message");
      return;
    }
    Set<Digest> listed = new HashSet<>();
    for (SociIndexCatalog.IndexEntry e : catalog.indexes()) {
      Findings.check(listed.add(e.descriptor().digest()), "an index listed twice");
    }
    List<SociIndexCatalog.ZtocEntry> ztocs = catalog.ztocs();
    for (int i = 1; i < ztocs.size(); i++) {
      Findings.check(
          ztocs.get(i - 1).digest().toString().compareTo(ztocs.get(i).digest().toString()) < 0,
          "zTOCs not sorted or repeated");
    }
    for (String tag : catalog.tagged().keySet()) {
      try {
        catalog.imageManifests(tag, List.of());
      } catch (OciException | SociIndexException e) {
        Findings.check(e.getMessage() != null && !e.getMessage().isBlank(), "empty message");
      }
    }
    SociIndexCatalog.IndexEntry victim =
        catalog.indexes().stream()
            .filter(e -> e.listed() && e.version() == dev.soci.oci.SociIndex.Version.V1)
            .findFirst()
            .orElse(null);
    if (victim == null) {
      return;
    }
    Set<String> before = blobs(dir);
    try {
      SociIndexCatalog.remove(layout, List.of(victim.descriptor().digest()));
    } catch (OciException | SociIndexException e) {
      Findings.check(e.getMessage() != null && !e.getMessage().isBlank(), "empty message");
      return;
    }
    ImageIndex top = layout.index();
    Findings.check(
        top.manifests().stream().noneMatch(m -> m.digest().equals(victim.descriptor().digest())),
        "a removed index is still listed");
    Set<String> after = blobs(dir);
    Set<Digest> reached = new HashSet<>();
    for (Descriptor d : top.manifests()) {
      reach(layout, d, reached, 0);
    }
    for (Digest d : reached) {
      Findings.check(
          !before.contains(d.hex()) || after.contains(d.hex()),
          "index rm deleted " + d + ", which index.json still reaches");
    }
  }

  /** The harness's own walk (documents are at most 64, so recursion depth is too). */
  private static void reach(OciLayout layout, Descriptor d, Set<Digest> out, int depth) {
    if (depth > MAX_DOCUMENTS || !out.add(d.digest()) || !layout.exists(d)) {
      return;
    }
    try {
      if (MediaTypes.isIndex(d.mediaType())) {
        for (Descriptor c : layout.readIndex(d).manifests()) {
          reach(layout, c, out, depth + 1);
        }
      } else if (MediaTypes.isManifest(d.mediaType())) {
        ImageManifest m = layout.readManifest(d);
        out.add(m.config().digest());
        m.layers().forEach(l -> out.add(l.digest()));
        if (m.subject() != null) {
          reach(layout, m.subject(), out, depth + 1);
        }
      }
    } catch (IOException e) {
      // unreadable: what it points to is unknown, nothing more to check
    }
  }

  private static Set<String> blobs(Path dir) throws IOException {
    Set<String> out = new HashSet<>();
    try (Stream<Path> s = Files.list(dir.resolve("blobs").resolve("sha256"))) {
      s.forEach(p -> out.add(p.getFileName().toString()));
    }
    return out;
  }

  private static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @FuzzTest
  void fuzz(byte[] data) {
    fuzzerTestOneInput(data);
  }
}
