package dev.soci.core.registry;

import static org.assertj.core.api.Assertions.assertThat;

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
 * A remote {@code create} of a layer streamed from docker-registry, in a JVM of its own with a
 * small heap ({@value #HEAP}), a fresh working directory and a fresh {@code java.io.tmpdir}: the
 * build succeeds (no OutOfMemoryError), its peak heap stays under the limit, and neither directory
 * gets a file. The layer's file is {@code soci.test.remoteLayerBytes} bytes (default 256 MiB, sized
 * for a shared CI machine; raise it to several GB by the property), made as a stream and pushed
 * from the stream in chunks, never stored but by the registry.
 */
class RemoteBuildHeapTest {
  private static final String HEAP = "96m";

  @TempDir Path dir;

  @Test
  void buildsALargeStreamedLayerInASmallHeapWritingNoFile() throws Exception {
    RegistryProcess.assumeAvailable();
    long fileSize = Long.getLong("soci.test.remoteLayerBytes", 256L << 20);
    StreamedLayer layer = new StreamedLayer(fileSize, 42);
    StreamedLayer.Measured m = layer.measure();
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

      Path work = Files.createDirectory(dir.resolve("work"));
      Path tmp = Files.createDirectory(dir.resolve("tmp"));
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.add("-Xmx" + HEAP);
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
      assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
      String out = Files.readString(dir.resolve("out.txt"));
      assertThat(p.exitValue()).as(out).isZero();
      String[] lines = out.trim().split("\n");
      Digest index = Digest.parse(lines[lines.length - 2].trim());
      long peak = Long.parseLong(lines[lines.length - 1].trim());
      System.out.printf(
          "remote create of a %d-byte layer (%d bytes of gzip): peak heap %d bytes with -Xmx%s%n",
          fileSize, m.size(), peak, HEAP);
      assertThat(peak).isLessThan(96L << 20);
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
      assertThat(repo.headBlob(soci.layers().get(0).digest())).isPresent();
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
