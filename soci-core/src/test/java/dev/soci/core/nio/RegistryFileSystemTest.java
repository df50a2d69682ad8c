package dev.soci.core.nio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.core.registry.ImageReference;
import dev.soci.core.registry.Registry;
import dev.soci.core.registry.SociPusher;
import dev.soci.core.registry.testing.RegistryProcess;
import dev.soci.oci.layout.OciLayout;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code soci://} file system on a real registry (Debian's docker-registry on loopback),
 * through the registry client built into the library: the same tree, attributes and bytes as {@code
 * umoci unpack} of the image, which was converted and pushed with {@link SociPusher}.
 */
@Timeout(120)
class RegistryFileSystemTest {
  @TempDir static Path shared;
  static ContractImage.Built built;
  static RegistryProcess registry;
  static URI uri;

  @BeforeAll
  static void pushTheImage() throws Exception {
    RegistryProcess.assumeAvailable();
    built = ContractImage.build(shared.resolve("work"));
    registry = RegistryProcess.startPlain();
    ImageReference dest = ImageReference.parse(registry.host() + "/contract/image:soci");
    SociPusher.to(Registry.builder().anonymous().build())
        .push(OciLayout.open(built.layout()), ContractImage.SOCI_TAG, dest);
    uri = URI.create("soci://" + registry.host() + "/contract/image:soci");
  }

  @AfterAll
  static void stop() throws IOException {
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void theTreeAndTheBytesAreThoseOfTheUnpackedImage() throws IOException {
    try (FileSystem fs = FileSystems.newFileSystem(uri, Map.of("plainHttp", "true"))) {
      assertThat(SociFileSystemContractTest.describe(fs.getPath("/")))
          .isEqualTo(SociFileSystemContractTest.describe(built.rootfs()));
      int compared = 0;
      try (Stream<Path> s = Files.walk(built.rootfs())) {
        for (Path p : (Iterable<Path>) s::iterator) {
          if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            Path q = fs.getPath("/" + built.rootfs().relativize(p));
            assertThat(Files.readAllBytes(q)).as(q.toString()).isEqualTo(Files.readAllBytes(p));
            compared++;
          }
        }
      }
      assertThat(compared).isPositive();
      SociFileSystem soci = (SociFileSystem) fs;
      assertThat(soci.statistics().layerBytesFetched()).isPositive();
    }
  }

  @Test
  void aListingFetchesNoLayerBytes() throws IOException {
    try (FileSystem fs = FileSystems.newFileSystem(uri, Map.of("plainHttp", true))) {
      try (Stream<Path> s = Files.walk(fs.getPath("/"))) {
        assertThat(s.count()).isGreaterThan(10);
      }
      assertThat(((SociFileSystem) fs).statistics().layerBytesFetched()).isZero();
    }
  }
}
