package dev.soci.cli;

import static dev.soci.cli.IndexCommandsTest.sh;
import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.core.index.PlatformSelection;
import dev.soci.core.index.SociIndexBuilder;
import dev.soci.core.index.SociIndexCatalog;
import dev.soci.core.index.SociIndexException;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.layout.OciLayout;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, cause 1: four writers ({@code create}, {@code convert}, {@code index rm}) on one layout
 * in a loop for a few seconds, as threads of this JVM and as separate {@code soci} processes (file
 * locks are per process, so both matter). Afterwards every descriptor {@code index.json} reaches
 * resolves to a blob with its digest, and skopeo copies every tag.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class LayoutWritersTest {
  static final long RUN_MILLIS = 4_000;
  @TempDir static Path shared;
  static Path base;
  @TempDir Path tmp;

  @BeforeAll
  static void layout() throws Exception {
    base = shared.resolve("base");
    sh(shared, "umoci", "init", "--layout", base.toString());
    sh(shared, "umoci", "new", "--image", base + ":app");
    for (int i = 0; i < 2; i++) {
      byte[] big = new byte[150_000];
      new Random(i).nextBytes(big);
      Files.write(shared.resolve("big" + i), big);
      sh(
          shared,
          "umoci",
          "insert",
          "--image",
          base + ":app",
          shared.resolve("big" + i).toString(),
          "/big" + i + ".bin");
    }
    // a second image with the same layers: converting it writes the same zTOC blobs
    sh(shared, "umoci", "config", "--image", base + ":app", "--tag", "app2", "--config.env=B=1");
  }

  Path copy() throws IOException {
    Path dir = tmp.resolve("l");
    try (var s = Files.walk(base)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path q = dir.resolve(base.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else {
          Files.copy(p, q);
        }
      }
    }
    return dir;
  }

  static SociIndexBuilder builder() {
    return SociIndexBuilder.withDefaults().minLayerSize(100_000).spanSize(65_536);
  }

  /** A writer thread: runs {@code step} until the deadline; returns how many runs succeeded. */
  static Callable<Integer> loop(long deadline, Step step) {
    return () -> {
      int ok = 0;
      for (int n = 0; System.nanoTime() < deadline; n++) {
        try {
          step.run(n);
          ok++;
        } catch (SociIndexException e) {
          // index rm lists the indexes before it locks: another rm may have removed them
          assertThat(e.getMessage()).contains("no SOCI index with digest");
        }
      }
      return ok;
    };
  }

  interface Step {
    void run(int n) throws Exception;
  }

  static void removeV1Indexes(Path dir) throws IOException {
    OciLayout l = OciLayout.open(dir);
    List<Digest> v1 = new ArrayList<>();
    for (SociIndexCatalog.IndexEntry e : SociIndexCatalog.scan(l).indexes()) {
      if (e.listed() && e.version() == dev.soci.oci.SociIndex.Version.V1) {
        v1.add(e.descriptor().digest());
      }
    }
    SociIndexCatalog.remove(l, v1);
  }

  @Test
  void fourWriterThreadsInOneJvm() throws Exception {
    Path dir = copy();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RUN_MILLIS);
    List<Callable<Integer>> writers =
        List.of(
            loop(deadline, n -> builder().create(OciLayout.open(dir), "app", all())),
            loop(deadline, n -> builder().convert(OciLayout.open(dir), "app", "a" + n, all())),
            loop(deadline, n -> builder().convert(OciLayout.open(dir), "app2", "b" + n, all())),
            loop(deadline, n -> removeV1Indexes(dir)));
    assertThat(runAll(writers)).allMatch(ok -> ok > 0);
    checkLayout(dir);
  }

  /**
   * This JVM's classes as a class path for a child JVM. The tests run in module {@code
   * dev.soci.cli}: the main classes and dependencies are on the module path, the test classes
   * patched into the module, the test-only dependencies on the class path.
   */
  private static String childClassPath() throws Exception {
    List<String> parts = new ArrayList<>();
    parts.add(
        Path.of(LayoutWriter.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .toString());
    for (String property : List.of("jdk.module.path", "java.class.path")) {
      String value = System.getProperty(property);
      if (value != null && !value.isEmpty()) {
        parts.add(value);
      }
    }
    return String.join(java.io.File.pathSeparator, parts);
  }

  @Test
  void writersInTwoProcessesAndTwoThreads() throws Exception {
    Path dir = copy();
    List<Process> processes = new ArrayList<>();
    for (String role : List.of("create", "convert", "rm")) {
      processes.add(
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx256m",
                  "-cp",
                  childClassPath(),
                  LayoutWriter.class.getName(),
                  role,
                  dir.toString(),
                  Long.toString(RUN_MILLIS + 2_000)) // JVM start-up eats into the time
              .redirectErrorStream(true)
              .start());
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RUN_MILLIS);
    List<Integer> threads =
        runAll(
            List.of(
                loop(deadline, n -> builder().convert(OciLayout.open(dir), "app", "t" + n, all())),
                loop(deadline, n -> removeV1Indexes(dir))));
    assertThat(threads).allMatch(ok -> ok > 0);
    AtomicInteger processRuns = new AtomicInteger();
    for (Process p : processes) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (InputStream in = p.getInputStream()) {
        in.transferTo(out);
      }
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      String text = out.toString(StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as(text).isZero();
      List<String> lines = text.lines().toList();
      assertThat(lines).as(text).anyMatch(l -> l.startsWith("ok "));
      for (String l : lines) {
        if (!l.startsWith("ok ")) {
          assertThat(l).as(text).startsWith("fail rm ").contains("no SOCI index with digest");
        }
      }
      processRuns.addAndGet(lines.size());
    }
    assertThat(processRuns.get()).isGreaterThanOrEqualTo(3);
    checkLayout(dir);
  }

  static PlatformSelection all() {
    return PlatformSelection.all();
  }

  static List<Integer> runAll(List<Callable<Integer>> writers) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(writers.size());
    try {
      List<Future<Integer>> futures = new ArrayList<>();
      for (Callable<Integer> w : writers) {
        futures.add(pool.submit(w));
      }
      List<Integer> ok = new ArrayList<>();
      for (Future<Integer> f : futures) {
        ok.add(f.get(200, TimeUnit.SECONDS));
      }
      return ok;
    } finally {
      pool.shutdownNow();
    }
  }

  /** Every reachable descriptor resolves to its blob; skopeo copies every tag. */
  void checkLayout(Path dir) throws Exception {
    OciLayout layout = OciLayout.open(dir);
    Deque<Descriptor> todo = new ArrayDeque<>(layout.index().manifests());
    Set<Digest> seen = new HashSet<>();
    while (!todo.isEmpty()) {
      Descriptor d = todo.pop();
      if (!seen.add(d.digest())) {
        continue;
      }
      try (InputStream in = layout.openBlob(d)) {
        in.transferTo(java.io.OutputStream.nullOutputStream()); // fails on a wrong size or digest
      }
      if (MediaTypes.isIndex(d.mediaType())) {
        todo.addAll(layout.readIndex(d).manifests());
      } else if (MediaTypes.isManifest(d.mediaType())) {
        ImageManifest m = layout.readManifest(d);
        todo.add(m.config());
        todo.addAll(m.layers());
        if (m.subject() != null) {
          todo.add(m.subject());
        }
      }
    }
    List<String> tags = layout.tags();
    assertThat(tags).contains("app", "app2").hasSizeGreaterThan(2);
    Path other = tmp.resolve("other");
    for (String tag : tags) {
      sh(tmp, "skopeo", "copy", "-q", "oci:" + dir + ":" + tag, "oci:" + other + ":" + tag);
    }
    assertThat(OciLayout.open(other).tags()).containsExactlyInAnyOrderElementsOf(tags);
  }
}
