package dev.soci.core.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.core.image.ImageStatistics;
import dev.soci.core.image.RegistrySource;
import dev.soci.core.image.SociImage;
import dev.soci.core.registry.testing.RegistryProcess;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciJson;
import dev.soci.oci.SociIndex;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A remote {@code create} of a layer of several GB streamed from docker-registry, in a JVM of its
 * own with a small heap ({@code soci.test.remoteHeap}, default {@value #HEAP}), a fresh working
 * directory and a fresh {@code java.io.tmpdir}: the build succeeds (an OutOfMemoryError fails it),
 * the heap in use after any collection stays under the zTOC's size plus a constant, and neither
 * directory gets a file. Then the last file of the layer, past 4 GiB, is read lazily through the
 * index the build pushed.
 *
 * <p>The layer ({@link StreamedLayer}) is {@code soci.test.remoteLayerBytes} bytes of stored random
 * data (default {@value #LAYER_BYTES}, past the 32-bit sizes of gzip's trailer) and 2,000 small
 * compressible files, made as a stream and pushed from the stream in chunks, never stored but by
 * the registry.
 */
class RemoteBuildHeapTest {
  private static final String HEAP = "64m";
  private static final long LAYER_BYTES = 4_500_000_000L;
  private static final int TEXT_FILES = 2_000;
  private static final int TEXT_FILE_BYTES = 32 << 10;

  /**
   * What the build may keep beside its zTOC: buffers, the TOC, the registry client, the JIT's and
   * the JDK's own objects (about 10 MB in the runs so far). The zTOC is held once: its windows are
   * hashed and uploaded from the zTOC, never copied into an encoded buffer (a second copy fails
   * this bound, and at the default size the heap).
   */
  private static final long CONSTANT = 24L << 20;

  @TempDir Path dir;

  @Test
  void buildsALargeStreamedLayerInASmallHeapWritingNoFile() throws Exception {
    RegistryProcess.assumeAvailable();
    long randomBytes = Long.getLong("soci.test.remoteLayerBytes", LAYER_BYTES);
    String heap = System.getProperty("soci.test.remoteHeap", HEAP);
    StreamedLayer layer = new StreamedLayer(randomBytes, TEXT_FILES, TEXT_FILE_BYTES, 42);
    long t0 = System.nanoTime();
    StreamedLayer.Measured m = layer.measure();
    long t1 = System.nanoTime();
    try (RegistryProcess registry = RegistryProcess.startPlain()) {
      Registry client = RepositoryContract.quick().anonymous().build();
      ImageReference ref = ImageReference.parse(registry.host() + "/big/app:v1");
      Repository repo = client.repository(ref);
      // in chunks: each request sends what the generator makes in well under the read timeout
      repo.pushBlobChunked(m.digest(), m.size(), layer, 16 << 20);
      byte[] config =
          ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
                  + "\"diff_ids\":[\""
                  + m.diffId()
                  + "\"]}}")
              .getBytes(StandardCharsets.UTF_8);
      Descriptor configDesc = Descriptor.ofContent(MediaTypes.OCI_CONFIG, config);
      repo.pushBlob(configDesc.digest(), configDesc.size(), BlobContent.of(config));
      ImageManifest manifest =
          ImageManifest.of(
              MediaTypes.OCI_MANIFEST,
              configDesc,
              List.of(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, m.digest(), m.size())));
      Descriptor image = repo.putManifest("v1", MediaTypes.OCI_MANIFEST, OciJson.encode(manifest));
      long t2 = System.nanoTime();

      Path work = Files.createDirectory(dir.resolve("work"));
      Path tmp = Files.createDirectory(dir.resolve("tmp"));
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.add("-Xmx" + heap);
      cmd.add("-XX:-UsePerfData");
      cmd.add("-Djava.io.tmpdir=" + tmp);
      cmd.add("-cp");
      cmd.add(classPath());
      cmd.add(RemoteCreateMain.class.getName());
      cmd.add(ref.toString());
      Process p =
          new ProcessBuilder(cmd)
              .directory(work.toFile())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("out.txt").toFile())
              .start();
      if (!p.waitFor(20, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("the remote create did not end in 20 minutes");
      }
      long t3 = System.nanoTime();
      String out = Files.readString(dir.resolve("out.txt"));
      assertThat(p.exitValue()).as(out).isZero();
      String[] lines = out.trim().split("\n");
      Digest index = Digest.parse(lines[lines.length - 4].trim());
      long peak = Long.parseLong(lines[lines.length - 3].trim());
      long kept = Long.parseLong(lines[lines.length - 2].trim());
      long collections = Long.parseLong(lines[lines.length - 1].trim());
      try (Stream<Path> w = Files.list(work);
          Stream<Path> t = Files.list(tmp)) {
        assertThat(w).isEmpty();
        assertThat(t).isEmpty();
      }
      // the index is in the registry, with its subject and one zTOC for the layer
      assertThat(repo.referrers(image.digest(), MediaTypes.SOCI_INDEX_V1))
          .extracting(Descriptor::digest)
          .containsExactly(index);
      ImageManifest soci =
          OciJson.decoder()
              .decodeManifest(repo.getManifest(index.toString()).content(), "the index");
      assertThat(soci.config().mediaType()).isEqualTo(SociIndex.Version.V1.artifactType());
      assertThat(soci.layers()).hasSize(1);
      Descriptor ztoc = soci.layers().get(0);
      assertThat(repo.headBlob(ztoc.digest())).hasValue(ztoc.size());
      System.out.printf(
          "remote create of a %d-byte layer (%d-byte tar) with -Xmx%s: %.1f s (making the layer"
              + " %.1f s, pushing it %.1f s); zTOC %d bytes; heap in use at most %d bytes, after a"
              + " collection at most %d bytes (%d collections)%n",
          m.size(),
          layer.tarSize(),
          heap,
          (t3 - t2) / 1e9,
          (t1 - t0) / 1e9,
          (t2 - t1) / 1e9,
          ztoc.size(),
          peak,
          kept,
          collections);
      assertThat(kept).isLessThan(ztoc.size() + CONSTANT);

      // the last file, past 4 GiB of tar when the layer is that large, read through the index
      String last = String.format("logs/%05d.log", TEXT_FILES - 1);
      try (SociImage view = SociImage.open(RegistrySource.of(repo), "v1")) {
        assertThat(view.sociIndex()).isPresent();
        byte[] text = view.open(last).readAllBytes();
        assertThat(text).hasSize(TEXT_FILE_BYTES);
        for (int line = 0; line < text.length; line += 64) {
          String s = new String(text, line, 64, StandardCharsets.US_ASCII);
          assertThat(s)
              .as("line at %d of %s", line, last)
              .matches("[ACGT]{8} the rest of the line repeats, as lines of logs do [.]{5}");
        }
        ImageStatistics stats = view.statistics();
        assertThat(stats.layerBytesFetched()).isLessThan(m.size() / 100);
      }
    }
  }

  /** The test JVM's class path and module path, as a class path for the child. */
  private static String classPath() throws IOException {
    Set<String> entries = new LinkedHashSet<>();
    for (String prop : List.of("jdk.module.path", "java.class.path")) {
      String v = System.getProperty(prop);
      if (v != null && !v.isEmpty()) {
        entries.addAll(List.of(v.split(File.pathSeparator)));
      }
    }
    entries.add(Path.of("target", "test-classes").toAbsolutePath().toString());
    entries.add(Path.of("target", "classes").toAbsolutePath().toString());
    return String.join(File.pathSeparator, entries);
  }
}
