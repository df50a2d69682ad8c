package dev.soci.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.core.index.Layouts;
import dev.soci.core.index.PlatformSelection;
import dev.soci.core.registry.ImageReference;
import dev.soci.core.registry.Registry;
import dev.soci.core.registry.SociPusher;
import dev.soci.core.registry.testing.FakeRegistry;
import dev.soci.core.registry.testing.Fault;
import dev.soci.core.registry.testing.FaultRule;
import dev.soci.core.registry.testing.RegistryProcess;
import dev.soci.core.registry.testing.RequestMatcher;
import dev.soci.oci.Descriptor;
import dev.soci.oci.layout.OciLayout;
import dev.soci.ztoc.EntryType;
import dev.soci.ztoc.FileMetadata;
import dev.soci.ztoc.Ztoc;
import dev.soci.ztoc.zinfo.Zinfo;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opening images lazily from a registry ({@link RegistrySource}): the three-layer umoci image with
 * a v2 index, a v1 index and none, pushed with {@link SociPusher} to the fake and to
 * docker-registry 2.8; span fetches bounded to what a file needs; corrupt layer bytes in the
 * registry never read as file bytes.
 */
class RegistryImageTest {
  @TempDir static Path shared;
  static Path plain;
  static Path v1;
  static Path v2;

  @BeforeAll
  static void makeImages() throws Exception {
    plain = ThreeLayerImage.build(shared.resolve("work"));
    v1 = Layouts.copyTree(plain, shared.resolve("v1"));
    SociImageTest.builder()
        .create(OciLayout.open(v1), ThreeLayerImage.TAG, PlatformSelection.defaultPlatform());
    v2 = Layouts.copyTree(plain, shared.resolve("v2"));
    SociImageTest.builder()
        .convert(
            OciLayout.open(v2), ThreeLayerImage.TAG, "t-soci", PlatformSelection.defaultPlatform());
  }

  static Registry client() {
    return Registry.builder()
        .anonymous()
        .backoff(Duration.ofMillis(1), Duration.ofMillis(10))
        .build();
  }

  static RegistrySource push(Registry client, String host, Path layout, String tag, String dest)
      throws IOException {
    ImageReference ref = ImageReference.parse(host + "/" + dest);
    SociPusher.to(client).push(OciLayout.open(layout), tag, ref);
    return RegistrySource.of(client, ref);
  }

  /** Every regular file of the merged view, by path, with its bytes read from the local layout. */
  static Map<String, byte[]> localFiles(Path layout, String tag) throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (OciLayoutSource source = OciLayoutSource.open(layout);
        SociImage image = SociImage.open(source, tag)) {
      collect(image, "/", out);
    }
    return out;
  }

  private static void collect(SociImage image, String dir, Map<String, byte[]> out)
      throws IOException {
    for (ImageEntry e : image.list(dir)) {
      String path = (dir.endsWith("/") ? dir : dir + "/") + e.name();
      if (e.isDirectory()) {
        collect(image, path, out);
      } else if (e.type() == EntryType.REG) {
        out.put(path, image.readAllBytes(path));
      }
    }
  }

  @Test
  void v2IndexFoundByItsAnnotationAndTheMergedViewRead() throws Exception {
    try (FakeRegistry fake = FakeRegistry.start()) {
      Registry client = client();
      RegistrySource source = push(client, fake.host(), v2, "t-soci", "lazy/app:soci");
      try (SociImage image = SociImage.open(source, "soci")) {
        assertThat(image.sociIndex())
            .hasValueSatisfying(
                i -> assertThat(i.discovery()).isEqualTo(SociImage.Discovery.MANIFEST_ANNOTATION));
        SociImageTest.assertMergedView(image);
        ImageStatistics s = image.statistics();
        assertThat(s.layersIgnoringRanges()).isZero();
        assertThat(s.layerRequests()).isPositive();
      }
    }
  }

  @Test
  void v1IndexFoundThroughTheReferrersApiOrTheFallbackTag() throws Exception {
    for (boolean api : new boolean[] {true, false}) {
      FakeRegistry.Builder b = FakeRegistry.builder();
      if (!api) {
        b.withoutReferrersApi();
      }
      try (FakeRegistry fake = b.start()) {
        Registry client = client();
        RegistrySource source = push(client, fake.host(), v1, ThreeLayerImage.TAG, "lazy/app:v1");
        try (SociImage image = SociImage.open(source, "v1")) {
          assertThat(image.sociIndex()).isPresent();
          assertThat(image.sociIndex().get().discovery())
              .isIn(SociImage.Discovery.REFERRERS, SociImage.Discovery.FALLBACK_TAG);
          SociImageTest.assertMergedView(image);
        }
        if (api) {
          assertThat(fake.requests(RequestMatcher.referrers())).isNotEmpty();
        }
      }
    }
  }

  @Test
  void anImageWithoutIndexIsReadByWholeLayers() throws Exception {
    try (FakeRegistry fake = FakeRegistry.start()) {
      Registry client = client();
      RegistrySource source = push(client, fake.host(), plain, ThreeLayerImage.TAG, "lazy/p:1");
      try (SociImage image = SociImage.open(source, "1")) {
        assertThat(image.sociIndex()).isEmpty();
        SociImageTest.assertMergedView(image);
      }
    }
  }

  @Test
  void unknownTagsAreContentNotFound() throws Exception {
    try (FakeRegistry fake = FakeRegistry.start()) {
      Registry client = client();
      RegistrySource source = push(client, fake.host(), v2, "t-soci", "lazy/app:soci");
      assertThatThrownBy(() -> SociImage.open(source, "nope"))
          .isInstanceOf(ContentNotFoundException.class)
          .hasMessageContaining("nope");
    }
  }

  @Test
  void layerBytesThatAreAlwaysWrongFailTheReadCleanly() throws Exception {
    try (FakeRegistry fake = FakeRegistry.start()) {
      Registry client = client();
      RegistrySource source = push(client, fake.host(), v2, "t-soci", "lazy/app:soci");
      try (SociImage image = SociImage.open(source, "soci")) {
        fake.inject(RequestMatcher.blobGet(), Fault.corruptBody(), FaultRule.ALWAYS);
        assertThatThrownBy(() -> image.readAllBytes("usr/lib/big.bin"))
            .isInstanceOf(IOException.class)
            .hasMessageContaining("digest");
      }
    }
  }

  @Test
  void rangesIgnoredByTheRegistryShowInTheStatistics() throws Exception {
    try (FakeRegistry fake = FakeRegistry.start()) {
      Registry client = client();
      RegistrySource source = push(client, fake.host(), v2, "t-soci", "lazy/app:soci");
      try (SociImage image = SociImage.open(source, "soci")) {
        fake.inject(RequestMatcher.blobGet(), Fault.ignoreRange(), FaultRule.ALWAYS);
        assertThat(image.readAllBytes("opt/app/c")).isEqualTo(ThreeLayerImage.BIG3);
        assertThat(image.statistics().layersIgnoringRanges()).isEqualTo(1);
      }
    }
  }

  /**
   * The spans of {@code ztoc} that hold {@code path}'s tar header and data, in compressed bytes.
   */
  static long spanBytes(Ztoc ztoc, String path) throws IOException {
    FileMetadata f = ztoc.toc().resolve(path);
    Zinfo z = ztoc.zinfo();
    long from = ztoc.toc().headerOffset(f);
    long to = f.uncompressedOffset() + f.uncompressedSize();
    long bytes = 0;
    for (int i = z.spanOf(from); i <= z.spanOf(to - 1); i++) {
      bytes += z.endCompressedOffset(i, ztoc.compressedArchiveSize()) - z.startCompressedOffset(i);
    }
    return bytes;
  }

  @Test
  void onDockerRegistryASmallFileCostsItsSpansAndTheGzipHeaderAndCorruptionNeverReads()
      throws Exception {
    RegistryProcess.assumeAvailable();
    Map<String, byte[]> expected = localFiles(v2, "t-soci");
    try (RegistryProcess registry = RegistryProcess.startPlain()) {
      Registry client = client();
      RegistrySource source = push(client, registry.host(), v2, "t-soci", "lazy/app:soci");
      Descriptor layer1;
      Ztoc ztoc1;
      try (SociImage image = SociImage.open(source, "soci")) {
        SociImage.Layer l = image.layers().get(0);
        layer1 = l.descriptor();
        ztoc1 = Ztoc.decode(OciLayout.open(v2).readBlob(l.ztoc(), 1 << 24));
        long before = image.statistics().layerBytesFetched();
        assertThat(before).isZero();
        assertThat(image.readAllBytes("usr/bin/ls")).isEqualTo(expected.get("/usr/bin/ls"));
        ImageStatistics s = image.statistics();
        long gzipHeader = ztoc1.zinfo().startCompressedOffset(0);
        assertThat(gzipHeader).isBetween(10L, 1000L);
        // layers without zTOC are fetched whole: the merged view needs their entries
        long wholeLayers =
            image.layers().stream()
                .filter(x -> x.ztoc() == null)
                .mapToLong(x -> x.descriptor().size())
                .sum();
        assertThat(s.layerBytesFetched())
            .isPositive()
            .isLessThanOrEqualTo(spanBytes(ztoc1, "usr/bin/ls") + gzipHeader + wholeLayers);
        assertThat(s.layerBytesFetched()).isLessThan(layer1.size() / 2);
      }

      // flip bytes of layer 1 in the registry's storage: spread over its spans
      List<Long> offsets = new ArrayList<>();
      for (int i = 0; i <= ztoc1.zinfo().maxSpanId(); i++) {
        long a = ztoc1.zinfo().startCompressedOffset(i);
        long b = ztoc1.zinfo().endCompressedOffset(i, layer1.size());
        offsets.add((a + b) / 2);
      }
      for (long off : offsets) {
        registry.flipByte(layer1.digest().toString(), off);
      }
      int failed = 0;
      for (Map.Entry<String, byte[]> e : expected.entrySet()) {
        try (SociImage image = SociImage.open(source, "soci")) {
          byte[] got;
          try {
            got = image.readAllBytes(e.getKey());
          } catch (IOException ex) {
            failed++;
            assertThat(ex.getMessage()).isNotBlank();
            continue;
          }
          assertThat(got).as(e.getKey()).isEqualTo(e.getValue());
        }
      }
      assertThat(failed).as("files of layer 1 that must fail").isPositive();
    }
  }
}
