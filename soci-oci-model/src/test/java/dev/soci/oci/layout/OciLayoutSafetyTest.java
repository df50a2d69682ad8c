package dev.soci.oci.layout;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.oci.Annotations;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, causes 1 to 3 at the layout level: concurrent writers never lose blobs, writes stay
 * inside the layout's real directory, and special files are refused before they are opened. Every
 * test has a timeout: a FIFO opened for reading would block forever.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OciLayoutSafetyTest {
  @TempDir Path dir;

  /** Writes an image (config, one layer of {@code layer}, manifest) tagged {@code tag}. */
  private static Descriptor image(OciLayout.Transaction tx, String tag, byte[] layer)
      throws IOException {
    Descriptor config =
        tx.writeBlob(
            MediaTypes.OCI_CONFIG, "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(UTF_8));
    Descriptor l = tx.writeBlob(MediaTypes.OCI_LAYER, layer);
    Descriptor m =
        tx.writeBlob(
            MediaTypes.OCI_MANIFEST,
            OciJson.encode(ImageManifest.of(MediaTypes.OCI_MANIFEST, config, List.of(l))));
    return m.withAnnotations(Map.of(Annotations.REF_NAME, tag));
  }

  private static Map<String, String> snapshot(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String kind =
            Files.isSymbolicLink(p)
                ? "link " + Files.readSymbolicLink(p)
                : Files.isRegularFile(p)
                    ? Digest.sha256(Files.readAllBytes(p)).toString()
                    : Files.isDirectory(p) ? "dir" : "special";
        out.put(root.relativize(p).toString(), kind);
      }
    }
    return out;
  }

  /** Every descriptor index.json reaches resolves to a blob with its size and digest. */
  static void assertConsistent(OciLayout layout) throws IOException {
    List<Descriptor> todo = new ArrayList<>(layout.index().manifests());
    while (!todo.isEmpty()) {
      Descriptor d = todo.remove(todo.size() - 1);
      try (InputStream in = layout.openBlob(d)) {
        in.transferTo(java.io.OutputStream.nullOutputStream());
      }
      if (MediaTypes.isManifest(d.mediaType())) {
        ImageManifest m = layout.readManifest(d);
        todo.add(m.config());
        todo.addAll(m.layers());
      }
    }
  }

  // ---- cause 1: two writers on one layout ----

  @Test
  @SuppressWarnings("try") // closes the transaction early on purpose (-Werror)
  void aFailedTransactionKeepsBlobsThatAnotherWriterCommitted() throws IOException {
    // The mechanism: writer A creates a blob, writer B (here a tool that takes no lock)
    // commits an index referencing it, A fails at commit; A's cleanup must not delete the blob.
    OciLayout layout = OciLayout.init(dir.resolve("L"));
    Descriptor shared;
    try (OciLayout.Transaction a = layout.begin()) {
      shared = image(a, "a", "shared layer".getBytes(UTF_8));
      Descriptor onlyA = a.writeBlob("x", "only a".getBytes(UTF_8));
      Files.write(
          dir.resolve("L/index.json"),
          OciJson.encode(a.index().withManifest(shared.withAnnotations(Map.of("by", "B")))));
      assertThatThrownBy(() -> a.commit(a.index().withManifest(shared)))
          .isInstanceOf(OciLayoutException.class)
          .hasMessageContaining("was changed by someone else")
          .message()
          .doesNotContain("\n");
      a.close();
      assertThat(layout.exists(onlyA)).as("A's unreferenced blob is cleaned up").isFalse();
    }
    assertThat(layout.exists(shared)).isTrue();
    assertConsistent(layout);
  }

  @Test
  void writersInOneJvmSerializeEvenThroughSeparateLayoutObjects() throws Exception {
    OciLayout.init(dir.resolve("L"));
    OciLayout one = OciLayout.open(dir.resolve("L"));
    OciLayout two = OciLayout.open(dir.resolve("./L")); // same real directory, another object
    try (OciLayout.Transaction held = one.begin()) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> two.begin(Duration.ofMillis(200)))
          .isInstanceOf(OciLayoutException.class)
          .hasMessageContaining("holds the layout lock")
          .hasMessageContaining(".soci.lock")
          .message()
          .doesNotContain("\n");
      assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(30));
      held.commit(held.index());
    }
    try (OciLayout.Transaction t = two.begin(Duration.ofMillis(200))) {
      t.commit(t.index()); // free again after commit and close
    }
  }

  @Test
  @SuppressWarnings("try") // closes the transaction early on purpose (-Werror)
  void concurrentWritersLoseNoBlob() throws Exception {
    // Four threads, four layout objects, each committing images that share a layer with the
    // others' and removing the others' tags, so that their blobs interleave constantly.
    OciLayout.init(dir.resolve("L"));
    int writers = 4;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Integer>> results = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int id = w;
      results.add(
          pool.submit(
              () -> {
                OciLayout layout = OciLayout.open(dir.resolve("L"));
                go.await();
                int commits = 0;
                for (int i = 0; i < 40; i++) {
                  try (OciLayout.Transaction tx = layout.begin()) {
                    assertConsistent(layout); // what the previous writer left, under the lock
                    // the same three manifests for every writer, under different tags
                    Descriptor m =
                        image(tx, "w" + id + "-" + i, ("layer " + (i % 3)).getBytes(UTF_8));
                    if (i % 5 == 4) {
                      tx.close(); // a failed writer: cleans up, keeps what others reference
                      continue;
                    }
                    List<Descriptor> entries = new ArrayList<>(tx.index().manifests());
                    if (i % 4 == 3 && !entries.isEmpty()) {
                      // an "index rm": the entry goes, and its blobs unless still reachable
                      Descriptor gone = entries.remove(0);
                      ImageManifest gm = layout.readManifest(gone);
                      tx.deleteAfterCommit(gone.digest());
                      tx.deleteAfterCommit(gm.config().digest());
                      tx.deleteAfterCommit(gm.layers().get(0).digest());
                    }
                    entries.add(m);
                    tx.commit(tx.index().withManifests(entries));
                    commits++;
                  }
                }
                return commits;
              }));
    }
    go.countDown();
    int commits = 0;
    for (Future<Integer> f : results) {
      commits += f.get(50, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(commits).isEqualTo(4 * 32);
    OciLayout layout = OciLayout.open(dir.resolve("L"));
    assertThat(layout.index().manifests()).hasSizeBetween(4 * 32 - 4 * 10, 4 * 32 - 1);
    assertConsistent(layout);
  }

  // ---- cause 2: paths that leave the layout ----

  @Test
  void aSymlinkedBlobDirectoryIsNeverWrittenThrough() throws IOException {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    OciLayout.init(dir.resolve("L"));
    Path sha = dir.resolve("L/blobs/sha256");
    Files.delete(sha);
    Files.createSymbolicLink(sha, outside);
    Map<String, String> before = snapshot(dir);
    OciLayout layout = OciLayout.open(dir.resolve("L"));
    try (OciLayout.Transaction tx = layout.begin()) {
      assertThatThrownBy(() -> tx.writeBlob("x", "data".getBytes(UTF_8)))
          .isInstanceOf(OciLayoutException.class)
          .hasMessageContaining(dir.toRealPath().resolve("L/blobs/sha256") + ": is a symbolic link")
          .hasMessageContaining("symbolic link to " + outside)
          .hasMessageContaining("refusing to write")
          .message()
          .doesNotContain("\n");
    }
    assertThat(snapshot(dir)).isEqualTo(withLockFile(before));
    assertThat(outside).isEmptyDirectory();
  }

  @Test
  void initRefusesABlobsDirectoryThatIsALink() throws IOException {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.createDirectories(dir.resolve("L"));
    Files.createSymbolicLink(dir.resolve("L/blobs"), outside);
    assertThatThrownBy(() -> OciLayout.init(dir.resolve("L")))
        .isInstanceOf(OciLayoutException.class)
        .hasMessageContaining("L/blobs: is a symbolic link to " + outside);
    assertThat(outside).isEmptyDirectory();
  }

  @Test
  void aSymlinkedBlobsDirectoryIsNeverDeletedThrough() throws IOException {
    // A layout whose blobs/ is a link to another layout's: reads follow it, deletions do not.
    OciLayout victim = OciLayout.init(dir.resolve("victim"));
    Descriptor m;
    try (OciLayout.Transaction tx = victim.begin()) {
      m = image(tx, "v", "victim layer".getBytes(UTF_8));
      tx.commit(tx.index().withManifest(m));
    }
    OciLayout.init(dir.resolve("L"));
    Files.delete(dir.resolve("L/blobs/sha256"));
    Files.delete(dir.resolve("L/blobs"));
    Files.createSymbolicLink(dir.resolve("L/blobs"), dir.resolve("victim/blobs"));
    Files.copy(dir.resolve("victim/index.json"), dir.resolve("L/index.json"), REPLACE);
    Map<String, String> before = snapshot(dir);
    OciLayout layout = OciLayout.open(dir.resolve("L"));
    assertThat(layout.readManifest(layout.resolve("v")).layers()).hasSize(1); // reads follow
    try (OciLayout.Transaction tx = layout.begin()) {
      assertThatThrownBy(() -> tx.deleteAfterCommit(m.digest()))
          .isInstanceOf(OciLayoutException.class)
          .hasMessageContaining(dir.toRealPath().resolve("L/blobs").toString())
          .hasMessageContaining("refusing to write or delete blobs through a link");
    }
    assertThat(snapshot(dir)).isEqualTo(withLockFile(before));
    assertConsistent(OciLayout.open(dir.resolve("victim")));
  }

  @Test
  void aLayoutReachedThroughALinkIsWrittenInItsRealDirectory() throws IOException {
    OciLayout.init(dir.resolve("real"));
    Files.createSymbolicLink(dir.resolve("link"), dir.resolve("real"));
    OciLayout layout = OciLayout.open(dir.resolve("link"));
    try (OciLayout.Transaction tx = layout.begin()) {
      Descriptor m = image(tx, "t", "x".getBytes(UTF_8));
      tx.commit(tx.index().withManifest(m));
    }
    assertThat(Files.isSymbolicLink(dir.resolve("link"))).isTrue();
    assertConsistent(OciLayout.open(dir.resolve("real")));
  }

  private static final java.nio.file.CopyOption REPLACE =
      java.nio.file.StandardCopyOption.REPLACE_EXISTING;

  /** {@code before} plus the lock file that a writer leaves in a layout it locked. */
  private Map<String, String> withLockFile(Map<String, String> before) throws IOException {
    Map<String, String> out = new TreeMap<>(before);
    try (Stream<Path> s = Files.walk(dir)) {
      s.filter(p -> p.getFileName().toString().equals(LayoutLock.FILE))
          .forEach(
              p -> out.put(dir.relativize(p).toString(), Digest.sha256(new byte[0]).toString()));
    }
    return out;
  }

  // ---- cause 3: special files ----

  private static void mkfifo(Path p) throws IOException, InterruptedException {
    Process proc = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
    assertThat(proc.waitFor()).isZero();
  }

  @Test
  void aFifoAsOciLayoutIsRefusedWithoutOpeningIt() throws Exception {
    OciLayout.init(dir.resolve("L"));
    Files.delete(dir.resolve("L/oci-layout"));
    mkfifo(dir.resolve("L/oci-layout"));
    assertThatThrownBy(() -> OciLayout.open(dir.resolve("L")))
        .isInstanceOf(OciLayoutException.class)
        .hasMessageContaining("oci-layout: is a FIFO; layout files must be regular files")
        .message()
        .doesNotContain("\n");
  }

  @Test
  void indexJsonLinkedToDevZeroIsRefused() throws IOException {
    OciLayout.init(dir.resolve("L"));
    Files.delete(dir.resolve("L/index.json"));
    Files.createSymbolicLink(dir.resolve("L/index.json"), Path.of("/dev/zero"));
    assertThatThrownBy(() -> OciLayout.open(dir.resolve("L")))
        .isInstanceOf(OciLayoutException.class)
        .hasMessageContaining(
            "index.json: is a symbolic link to /dev/zero, which is a character device")
        .message()
        .doesNotContain("\n");
  }

  @Test
  void blobsThatAreSpecialFilesAreRefusedByEveryRead() throws Exception {
    OciLayout layout = OciLayout.init(dir.resolve("L"));
    Descriptor m;
    try (OciLayout.Transaction tx = layout.begin()) {
      m = image(tx, "t", "layer".getBytes(UTF_8));
      tx.commit(tx.index().withManifest(m));
    }
    ImageManifest manifest = layout.readManifest(m);
    Descriptor layer = manifest.layers().get(0);
    Path layerFile = layout.blobPath(layer.digest());
    Files.delete(layerFile);
    Files.createSymbolicLink(layerFile, Path.of("/dev/zero"));
    assertThatThrownBy(() -> layout.readBlob(layer))
        .isInstanceOf(OciLayoutException.class)
        .hasMessageContaining("/dev/zero, which is a character device");
    assertThatThrownBy(() -> layout.openBlob(layer))
        .isInstanceOf(OciLayoutException.class)
        .hasMessageContaining("/dev/zero, which is a character device");
    // a writer meeting it as an existing blob refuses it, and leaves it alone
    try (OciLayout.Transaction tx = layout.begin()) {
      assertThatThrownBy(() -> tx.writeBlob(MediaTypes.OCI_LAYER, "layer".getBytes(UTF_8)))
          .isInstanceOf(OciLayoutException.class)
          .hasMessageContaining("character device");
    }
    assertThat(Files.readSymbolicLink(layerFile)).isEqualTo(Path.of("/dev/zero"));

    Path manifestFile = layout.blobPath(m.digest());
    Files.delete(manifestFile);
    mkfifo(manifestFile);
    assertThatThrownBy(() -> layout.readManifest(m))
        .isInstanceOf(OciLayoutException.class)
        .hasMessageContaining("is a FIFO");
    assertThatThrownBy(() -> layout.openBlob(m))
        .isInstanceOf(OciLayoutException.class)
        .hasMessageContaining("is a FIFO");
  }

  @Test
  void aLayoutFileOverTheLimitIsRefusedBeforeReading() throws IOException {
    OciLayout.init(dir.resolve("L"));
    Path index = dir.resolve("L/index.json");
    try (var ch =
        java.nio.channels.FileChannel.open(index, java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(new byte[1]), 64L << 20); // sparse, 64 MiB
    }
    assertThatThrownBy(() -> OciLayout.open(dir.resolve("L")))
        .isInstanceOf(OciLayoutException.class)
        .hasMessageContaining("more than the limit of " + OciJson.decoder().maxDocumentSize());
  }

  @Test
  void aLockFileThatIsALinkIsRefused() throws IOException {
    OciLayout layout = OciLayout.init(dir.resolve("L"));
    Path victim = Files.writeString(dir.resolve("victim"), "keep");
    Files.createSymbolicLink(dir.resolve("L").resolve(LayoutLock.FILE), victim);
    assertThatThrownBy(layout::begin)
        .isInstanceOf(OciLayoutException.class)
        .hasMessageContaining("lock file is a symbolic link to " + victim);
    assertThat(Files.readString(victim)).isEqualTo("keep");
  }
}
