package dev.soci.core.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.oci.Annotations;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciJson;
import dev.soci.oci.Platform;
import dev.soci.oci.layout.OciLayout;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Real image layouts made by {@code umoci} and {@code skopeo} (Debian packages that {@code
 * scripts/setup.sh} installs). A missing tool fails the test: CI always has them.
 */
public final class Layouts {
  private Layouts() {}

  /** Runs a command, failing with its output if it does not exit 0; returns its stdout. */
  public static String run(Path cwd, String... cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
    pb.environment().put("TZ", "UTC");
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new AssertionError(
          cmd[0] + " is not installed (scripts/setup.sh installs umoci and skopeo): " + e, e);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = p.getInputStream()) {
      in.transferTo(out);
    }
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", cmd) + ": timed out");
    }
    String text = out.toString(StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new AssertionError(String.join(" ", cmd) + " exited " + p.exitValue() + ":\n" + text);
    }
    return text;
  }

  /** Copies the directory tree {@code from} to {@code to} (created), keeping file times. */
  public static Path copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path q = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else {
          Files.copy(p, q, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    return to;
  }

  public static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  /**
   * A single-platform image made by umoci: one gzip layer per file, in order. Random contents make
   * each layer about as large as its file.
   */
  static void umociImage(Path layout, String tag, String arch, Map<String, byte[]> files)
      throws IOException, InterruptedException {
    Path work = Files.createTempDirectory(layout.getParent(), "umoci-src");
    if (!Files.exists(layout.resolve("oci-layout"))) {
      run(work, "umoci", "init", "--layout", layout.toString());
    }
    run(work, "umoci", "new", "--image", layout + ":" + tag);
    if (!arch.equals("amd64")) {
      run(work, "umoci", "config", "--image", layout + ":" + tag, "--architecture", arch);
    }
    int i = 0;
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      Path src = work.resolve("f" + i++);
      Files.write(src, f.getValue());
      Files.setLastModifiedTime(
          src, java.nio.file.attribute.FileTime.fromMillis(1_700_000_000_000L));
      run(work, "umoci", "insert", "--image", layout + ":" + tag, src.toString(), "/" + f.getKey());
    }
  }

  /** Tags a hand-made image index of the images tagged {@code tags} (with their platforms). */
  static Descriptor multiPlatform(OciLayout layout, String tag, Map<String, Platform> tags)
      throws IOException {
    try (OciLayout.Transaction tx = layout.begin()) {
      List<Descriptor> children = new ArrayList<>();
      for (Map.Entry<String, Platform> e : tags.entrySet()) {
        Descriptor d = layout.resolve(e.getKey());
        children.add(
            Descriptor.of(MediaTypes.OCI_MANIFEST, d.digest(), d.size())
                .withPlatform(e.getValue()));
      }
      Descriptor idx =
          tx.writeBlob(
              MediaTypes.OCI_INDEX, OciJson.encode(ImageIndex.of(MediaTypes.OCI_INDEX, children)));
      tx.commit(tx.index().withManifest(idx.withAnnotations(Map.of(Annotations.REF_NAME, tag))));
      return idx;
    }
  }

  /**
   * Every file under {@code root} with the digest of its bytes (directories as "dir"), except the
   * lock file a writer leaves in a layout ({@link OciLayout#LOCK_FILE}).
   */
  static Map<String, String> snapshot(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (p.getFileName().toString().equals(OciLayout.LOCK_FILE)) {
          continue;
        }
        out.put(
            root.relativize(p).toString(),
            Files.isRegularFile(p) ? Digest.sha256(Files.readAllBytes(p)).toString() : "dir");
      }
    }
    return out;
  }

  /**
   * Walks everything {@code index.json} reaches and checks that each descriptor resolves to a blob
   * whose size and digest match; returns how many blobs were checked.
   */
  static int assertGraphResolves(OciLayout layout) throws IOException {
    Set<String> seen = new HashSet<>();
    for (Descriptor d : layout.index().manifests()) {
      check(layout, d, seen);
    }
    return seen.size();
  }

  private static void check(OciLayout layout, Descriptor d, Set<String> seen) throws IOException {
    if (!seen.add(d.digest().toString())) {
      return;
    }
    assertThat(layout.exists(d)).as("blob of %s", d).isTrue();
    try (InputStream in = layout.openBlob(d)) {
      in.transferTo(java.io.OutputStream.nullOutputStream()); // throws on a size or digest mismatch
    }
    if (MediaTypes.isIndex(d.mediaType())) {
      for (Descriptor c : layout.readIndex(d).manifests()) {
        check(layout, c, seen);
      }
    } else if (MediaTypes.isManifest(d.mediaType())) {
      ImageManifest m = layout.readManifest(d);
      check(layout, m.config(), seen);
      for (Descriptor l : m.layers()) {
        check(layout, l, seen);
      }
      if (m.subject() != null) {
        check(layout, m.subject(), seen);
      }
    }
  }
}
