package dev.soci.core.index;

import static dev.soci.core.index.Layouts.assertGraphResolves;
import static dev.soci.core.index.Layouts.run;
import static dev.soci.core.index.Layouts.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.oci.Descriptor;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.layout.OciLayout;
import dev.soci.oci.layout.OciLayoutException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, causes 1 to 3, through the real operations ({@code create}, {@code convert}, {@code
 * index rm}) on layouts made by umoci: concurrent writers on one layout, blob directories that are
 * links out of the layout, and layout files that are devices or FIFOs. Each ends with the layout
 * consistent and anything outside it unchanged, or a one-line typed error; none may hang.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LayoutSafetyTest {
  @TempDir static Path shared;
  static Path base;
  @TempDir Path tmp;

  @BeforeAll
  static void makeBaseLayout() throws Exception {
    base = shared.resolve("base");
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("data/big1.bin", Layouts.random(300_000, 1));
    files.put("data/big2.bin", Layouts.random(200_000, 2));
    Layouts.umociImage(base, "app", "amd64", files);
    // a second image sharing every layer (another config): its zTOCs are the same blobs
    run(
        shared,
        "umoci",
        "config",
        "--image",
        base + ":app",
        "--tag",
        "app2",
        "--config.env",
        "SECOND=1");
  }

  static SociIndexBuilder builder() {
    return SociIndexBuilder.withDefaults().minLayerSize(100_000).spanSize(65_536);
  }

  static Path copy(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    return to;
  }

  // ---- cause 1 ----

  @Test
  void concurrentConvertsOfImagesSharingLayersLoseNoBlob() throws Exception {
    // The reproduction: two converts that write the same zTOCs, started together; before
    // the fix the later one failed at commit and its cleanup deleted zTOCs the other had committed.
    for (int round = 0; round < 3; round++) {
      Path dir = copy(base, tmp.resolve("r" + round));
      ExecutorService pool = Executors.newFixedThreadPool(3);
      CountDownLatch go = new CountDownLatch(1);
      List<Callable<Object>> jobs =
          List.of(
              () -> builder().convert(OciLayout.open(dir), "app", "a", PlatformSelection.all()),
              () -> builder().convert(OciLayout.open(dir), "app", "b", PlatformSelection.all()),
              () -> builder().convert(OciLayout.open(dir), "app2", "c", PlatformSelection.all()),
              () -> builder().create(OciLayout.open(dir), "app", PlatformSelection.all()));
      List<Future<Object>> results = new ArrayList<>();
      for (Callable<Object> job : jobs) {
        results.add(
            pool.submit(
                () -> {
                  go.await();
                  return job.call();
                }));
      }
      go.countDown();
      for (Future<Object> f : results) {
        assertThat(f.get(100, TimeUnit.SECONDS)).isNotNull(); // every writer succeeds, in turn
      }
      pool.shutdown();
      OciLayout layout = OciLayout.open(dir);
      assertThat(layout.tags()).contains("app", "app2", "a", "b", "c");
      assertGraphResolves(layout);
      if (round == 0) {
        for (String tag : List.of("a", "b", "c")) {
          run(
              tmp,
              "skopeo",
              "copy",
              "oci:" + dir + ":" + tag,
              "oci:" + tmp.resolve("out") + ":" + tag);
        }
      }
    }
  }

  // ---- cause 2 ----

  @Test
  void createRefusesABlobDirectoryLinkedOutOfTheLayout() throws Exception {
    // blobs/sha256 is a link to a directory outside: the image reads through it (digest-checked),
    // but create must not write its zTOCs and index there.
    Path dir = copy(base, tmp.resolve("L"));
    Path outside = tmp.resolve("outside");
    Files.move(dir.resolve("blobs/sha256"), outside);
    Files.createSymbolicLink(dir.resolve("blobs/sha256"), outside);
    Map<String, String> layoutBefore = snapshot(dir);
    Map<String, String> outsideBefore = snapshot(outside);

    assertThatThrownBy(() -> builder().create(OciLayout.open(dir), "app", PlatformSelection.all()))
        .isInstanceOf(OciLayoutException.class)
        .hasMessageContaining(dir.toRealPath().resolve("blobs/sha256") + ": is a symbolic link to")
        .hasMessageContaining("refusing to write")
        .message()
        .doesNotContain("\n");
    assertThatThrownBy(
            () -> builder().convert(OciLayout.open(dir), "app", "x", PlatformSelection.all()))
        .isInstanceOf(OciLayoutException.class)
        .hasMessageContaining("refusing to write");
    assertThat(snapshot(dir)).isEqualTo(layoutBefore);
    assertThat(snapshot(outside)).isEqualTo(outsideBefore);
  }

  @Test
  void indexRmNeverDeletesThroughALinkToAnotherLayout() throws Exception {
    // The reproduction: a layout whose blobs/sha256 links to another layout's, with that
    // layout's index.json: index rm deleted the other layout's SOCI index and zTOCs.
    Path victim = copy(base, tmp.resolve("victim"));
    CreateResult created =
        builder().create(OciLayout.open(victim), "app", PlatformSelection.defaultPlatform());
    Path dir = tmp.resolve("L");
    Files.createDirectories(dir.resolve("blobs"));
    Files.copy(victim.resolve("oci-layout"), dir.resolve("oci-layout"));
    Files.copy(victim.resolve("index.json"), dir.resolve("index.json"));
    Files.createSymbolicLink(dir.resolve("blobs/sha256"), victim.resolve("blobs/sha256"));
    Map<String, String> victimBefore = snapshot(victim);
    Map<String, String> layoutBefore = snapshot(dir);

    OciLayout layout = OciLayout.open(dir);
    Descriptor index = created.indexes().get(0).descriptor();
    assertThat(SociIndexCatalog.scan(layout).index(index.digest())).isPresent(); // reads follow
    assertThatThrownBy(() -> SociIndexCatalog.remove(layout, List.of(index.digest())))
        .isInstanceOf(OciLayoutException.class)
        .hasMessageContaining(dir.toRealPath().resolve("blobs/sha256") + ": is a symbolic link")
        .hasMessageContaining("refusing to write or delete blobs through a link")
        .message()
        .doesNotContain("\n");
    assertThat(snapshot(victim)).isEqualTo(victimBefore);
    assertThat(snapshot(dir)).isEqualTo(layoutBefore);
    assertGraphResolves(OciLayout.open(victim));
  }

  // ---- cause 3 ----

  @Test
  void aLayerThatIsALinkToDevZeroFailsCreateCleanly() throws Exception {
    Path dir = copy(base, tmp.resolve("L"));
    OciLayout layout = OciLayout.open(dir);
    ImageManifest m = layout.readManifest(layout.resolve("app"));
    Path layerFile = layout.blobPath(m.layers().get(0).digest());
    Files.delete(layerFile);
    Files.createSymbolicLink(layerFile, Path.of("/dev/zero"));
    Map<String, String> before = snapshot(dir);
    assertThatThrownBy(() -> builder().create(layout, "app", PlatformSelection.all()))
        .isInstanceOf(OciLayoutException.class)
        .hasMessageContaining(layerFile + ": is a symbolic link to /dev/zero")
        .hasMessageContaining("character device")
        .message()
        .doesNotContain("\n");
    assertThat(snapshot(dir)).isEqualTo(before);
    assertThat(Files.readSymbolicLink(layerFile)).isEqualTo(Path.of("/dev/zero"));
  }

  @Test
  void aLayerThatIsAFifoFailsCreateWithoutHanging() throws Exception {
    Path dir = copy(base, tmp.resolve("L"));
    OciLayout layout = OciLayout.open(dir);
    ImageManifest m = layout.readManifest(layout.resolve("app"));
    Path layerFile = layout.blobPath(m.layers().get(1).digest());
    Files.delete(layerFile);
    run(tmp, "mkfifo", layerFile.toString());
    Map<String, String> before = snapshot(dir);
    assertThatThrownBy(() -> builder().create(layout, "app", PlatformSelection.all()))
        .isInstanceOf(OciLayoutException.class)
        .hasMessageContaining(layerFile + ": is a FIFO");
    assertThat(snapshot(dir)).isEqualTo(before);
  }

  @Test
  void indexJsonLinkedToDevZeroAndAFifoOciLayoutFailEveryCommand() throws Exception {
    Path dir = copy(base, tmp.resolve("L"));
    Files.delete(dir.resolve("index.json"));
    Files.createSymbolicLink(dir.resolve("index.json"), Path.of("/dev/zero"));
    assertThatThrownBy(() -> OciLayout.open(dir))
        .isInstanceOf(OciLayoutException.class)
        .hasMessageContaining("index.json: is a symbolic link to /dev/zero");
    Path dir2 = copy(base, tmp.resolve("L2"));
    OciLayout opened = OciLayout.open(dir2);
    Files.delete(dir2.resolve("oci-layout"));
    run(tmp, "mkfifo", dir2.resolve("oci-layout").toString());
    assertThatThrownBy(() -> OciLayout.open(dir2))
        .isInstanceOf(OciLayoutException.class)
        .hasMessageContaining("oci-layout: is a FIFO");
    // a layout opened before index.json became a device refuses it when reading it again
    Files.delete(dir2.resolve("index.json"));
    Files.createSymbolicLink(dir2.resolve("index.json"), Path.of("/dev/zero"));
    assertThatThrownBy(() -> SociIndexCatalog.scan(opened))
        .isInstanceOf(OciLayoutException.class)
        .hasMessageContaining("character device");
    assertThatThrownBy(() -> builder().create(opened, "app", PlatformSelection.all()))
        .isInstanceOf(OciLayoutException.class)
        .hasMessageContaining("character device");
  }
}
