package dev.soci.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.core.BlobSource;
import dev.soci.core.SpanVerificationException;
import dev.soci.core.index.Layouts;
import dev.soci.core.index.PlatformSelection;
import dev.soci.core.index.SociIndexBuilder;
import dev.soci.oci.Annotations;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciJson;
import dev.soci.oci.Platform;
import dev.soci.oci.SociIndex;
import dev.soci.oci.layout.OciLayout;
import dev.soci.ztoc.EntryType;
import dev.soci.ztoc.Ztoc;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading files of a real three-layer image ({@link ThreeLayerImage}) through its merged view, with
 * a v2 index ({@code soci convert}), a v1 index ({@code soci create}) found through referrers or
 * the fallback tag, and no index at all; and failing cleanly on corrupt zTOCs and layers.
 */
class SociImageTest {
  @TempDir static Path shared;
  static Path plain;
  static Path v1;
  static Path v2;

  @TempDir Path tmp;

  static SociIndexBuilder builder() {
    return SociIndexBuilder.withDefaults()
        .spanSize(ThreeLayerImage.SPAN_SIZE)
        .minLayerSize(ThreeLayerImage.MIN_LAYER_SIZE);
  }

  @BeforeAll
  static void makeImages() throws Exception {
    plain = ThreeLayerImage.build(shared.resolve("work"));
    v1 = Layouts.copyTree(plain, shared.resolve("v1"));
    builder().create(OciLayout.open(v1), ThreeLayerImage.TAG, PlatformSelection.defaultPlatform());
    v2 = Layouts.copyTree(plain, shared.resolve("v2"));
    builder()
        .convert(
            OciLayout.open(v2), ThreeLayerImage.TAG, "t-soci", PlatformSelection.defaultPlatform());
  }

  static String text(SociImage image, String path) throws IOException {
    return new String(image.readAllBytes(path), StandardCharsets.UTF_8);
  }

  /** What every index flavour must show: the merged view of the three layers. */
  static void assertMergedView(SociImage image) throws IOException {
    assertThat(image.layers()).hasSize(3);
    assertThat(text(image, "etc/passwd")).isEqualTo("root:x:0:0:top\n");
    assertThat(text(image, "/bin/ls")).isEqualTo("ls from layer 1\n");
    assertThat(text(image, "abs")).isEqualTo("ls from layer 1\n");
    assertThat(text(image, "escape")).isEqualTo("root:x:0:0:top\n");
    assertThat(text(image, "usr/share/doc-link.txt")).isEqualTo("documentation\n");
    assertThat(text(image, "usr/share/doc.txt")).isEqualTo("documentation\n");
    assertThat(image.readAllBytes("usr/lib/big.bin")).isEqualTo(ThreeLayerImage.BIG1);
    assertThat(image.readAllBytes("bin/../lib/big.bin")).isEqualTo(ThreeLayerImage.BIG1);
    assertThat(image.readAllBytes("opt/app/c")).isEqualTo(ThreeLayerImage.BIG3);

    assertThatThrownBy(() -> image.readAllBytes("etc/motd"))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("etc/motd")
        .hasMessageContaining("no such file or directory")
        .hasMessageContaining("whiteout in layer 2");
    assertThatThrownBy(() -> image.readAllBytes("var/cache/x"))
        .isInstanceOf(NoSuchFileException.class);
    assertThatThrownBy(() -> image.readAllBytes("opt/app/a"))
        .isInstanceOf(NoSuchFileException.class);
    assertThatThrownBy(() -> image.readAllBytes("loop1"))
        .isInstanceOf(FileSystemException.class)
        .hasMessageContaining("too many levels of symbolic links");
    assertThatThrownBy(() -> image.readAllBytes("usr/bin"))
        .isInstanceOf(FileSystemException.class)
        .hasMessageContaining("is a directory");

    assertThat(image.list("opt/app")).extracting(ImageEntry::name).containsExactly("c");
    assertThat(image.list("etc")).extracting(ImageEntry::name).containsExactly("passwd");
    assertThat(image.list("/")).extracting(ImageEntry::name).contains("bin", "etc", "opt", "usr");
    assertThat(image.list("var")).isEmpty();
    assertThat(image.list("bin")).extracting(ImageEntry::name).containsExactly("ls");

    ImageEntry bin = image.lookup("bin");
    assertThat(bin.type()).isEqualTo(EntryType.SYMLINK);
    assertThat(bin.linkTarget()).isEqualTo("usr/bin");
    assertThat(bin.layer()).isEqualTo(2);
    ImageEntry ls = image.resolve("bin/ls");
    assertThat(ls.path()).isEqualTo("usr/bin/ls");
    assertThat(ls.size()).isEqualTo(16);
    assertThat(ls.mode() & 0777).isEqualTo(0644);
    assertThat(ls.layer()).isZero();
    ImageEntry passwd = image.lookup("etc/passwd");
    assertThat(passwd.layer()).isEqualTo(1);
    assertThat(passwd.modTime()).isNotNull();
    ImageEntry link = image.lookup("usr/share/doc.txt");
    assertThat(link.isRegularFile()).isTrue();
    assertThat(link.size()).isEqualTo(14);

    ImageEntry big = image.resolve("usr/lib/big.bin");
    try (InputStream in = image.openRange(big, 100_000, 5)) {
      assertThat(in.readAllBytes())
          .isEqualTo(Arrays.copyOfRange(ThreeLayerImage.BIG1, 100_000, 100_005));
    }
    assertThatThrownBy(() -> image.openRange(big, 299_999, 2))
        .isInstanceOf(java.io.EOFException.class);
  }

  @Test
  void v2IndexFoundThroughTheManifestAnnotation() throws Exception {
    try (OciLayoutSource source = OciLayoutSource.open(v2);
        SociImage image = SociImage.open(source, "t-soci")) {
      assertThat(image.sociIndex()).isPresent();
      SociImage.IndexInfo info = image.sociIndex().orElseThrow();
      assertThat(info.discovery()).isEqualTo(SociImage.Discovery.MANIFEST_ANNOTATION);
      assertThat(info.index().version()).isEqualTo(SociIndex.Version.V2);
      assertThat(image.layers())
          .extracting(l -> l.ztoc() != null)
          .containsExactly(true, false, true);
      assertThat(image.platform()).isNotNull();
      assertMergedView(image);
    }
  }

  @Test
  void v1IndexFoundThroughReferrers() throws Exception {
    try (OciLayoutSource source = OciLayoutSource.open(v1);
        SociImage image = SociImage.open(source, ThreeLayerImage.TAG)) {
      SociImage.IndexInfo info = image.sociIndex().orElseThrow();
      assertThat(info.discovery()).isEqualTo(SociImage.Discovery.REFERRERS);
      assertThat(info.index().version()).isEqualTo(SociIndex.Version.V1);
      assertThat(image.layers())
          .extracting(l -> l.ztoc() != null)
          .containsExactly(true, false, true);
      assertMergedView(image);
    }
  }

  @Test
  void v1IndexFoundThroughTheFallbackTag() throws Exception {
    Path dir = Layouts.copyTree(v1, tmp.resolve("l"));
    OciLayout layout = OciLayout.open(dir);
    Descriptor manifest = layout.resolve(ThreeLayerImage.TAG);
    Descriptor index =
        layout.index().manifests().stream()
            .filter(d -> MediaTypes.SOCI_INDEX_V1.equals(d.artifactType()))
            .findFirst()
            .orElseThrow();
    try (OciLayout.Transaction tx = layout.begin()) {
      Descriptor referrers =
          tx.writeBlob(
              MediaTypes.OCI_INDEX,
              OciJson.encode(
                  ImageIndex.of(
                      MediaTypes.OCI_INDEX,
                      List.of(
                          Descriptor.of(index.mediaType(), index.digest(), index.size())
                              .withArtifactType(MediaTypes.SOCI_INDEX_V1)))));
      String tag = manifest.digest().algorithm() + "-" + manifest.digest().hex();
      tx.commit(
          tx.index().withManifest(referrers.withAnnotations(Map.of(Annotations.REF_NAME, tag))));
    }
    ContentSource noReferrersApi =
        new ForwardingSource(OciLayoutSource.of(layout)) {
          @Override
          public List<Descriptor> referrers(Digest subject, String artifactType) {
            return List.of();
          }
        };
    try (SociImage image = SociImage.open(noReferrersApi, ThreeLayerImage.TAG)) {
      assertThat(image.sociIndex().orElseThrow().discovery())
          .isEqualTo(SociImage.Discovery.FALLBACK_TAG);
      assertThat(image.sociIndex().orElseThrow().descriptor().digest()).isEqualTo(index.digest());
      assertThat(text(image, "bin/ls")).isEqualTo("ls from layer 1\n");
    }
  }

  @Test
  void imageWithoutIndexReadsLayersWhole() throws Exception {
    try (OciLayoutSource source = OciLayoutSource.open(plain);
        SociImage image = SociImage.open(source, ThreeLayerImage.TAG)) {
      assertThat(image.sociIndex()).isEmpty();
      assertThat(image.layers()).allMatch(l -> l.ztoc() == null);
      assertMergedView(image);
      ImageStatistics s = image.statistics();
      assertThat(s.layerBytesFetched()).isEqualTo(s.imageLayerBytes());
      assertThat(s.layerRequests()).isEqualTo(3);
    }
  }

  @Test
  void layersReadWholeGoToTemporaryFilesAboveTheMemoryBoundAndAreDeletedOnClose() throws Exception {
    Path spool = java.nio.file.Files.createDirectories(tmp.resolve("spool"));
    SociImage.Options options =
        SociImage.Options.defaults().withMaxInMemoryLayerSize(1000).withTempDirectory(spool);
    try (OciLayoutSource source = OciLayoutSource.open(plain);
        SociImage image = SociImage.open(source, ThreeLayerImage.TAG, options)) {
      assertThat(image.readAllBytes("usr/lib/big.bin")).isEqualTo(ThreeLayerImage.BIG1);
      try (var s = java.nio.file.Files.list(spool)) {
        assertThat(s.count()).isEqualTo(2); // layers 1 and 3; layer 2 is under 1000 bytes
      }
    }
    try (var s = java.nio.file.Files.list(spool)) {
      assertThat(s.count()).isZero();
    }
  }

  @Test
  void aSmallFileFetchesOnlyItsSpansAndTheSmallLayer() throws Exception {
    try (OciLayoutSource source = OciLayoutSource.open(v2);
        SociImage image = SociImage.open(source, "t-soci")) {
      assertThat(text(image, "usr/bin/ls")).isEqualTo("ls from layer 1\n");
      ImageStatistics s = image.statistics();
      Descriptor layer1 = image.layers().get(0).descriptor();
      long layer2 = image.layers().get(1).descriptor().size();
      Ztoc ztoc = Ztoc.read(OciLayout.open(v2).blobPath(image.layers().get(0).ztoc().digest()));
      long span0 = ztoc.zinfo().endCompressedOffset(0, layer1.size());
      // the small layer whole, the first span of layer 1 (the file's), and the header probe
      assertThat(s.layerBytesFetched()).isLessThanOrEqualTo(layer2 + span0 + 65_536);
      assertThat(s.layerRequests()).isLessThanOrEqualTo(3);
      assertThat(s.spansFetched()).isPositive();
      assertThat(s.layerShare()).isLessThan(0.5);
      assertThat(s.bytesFetched()).isGreaterThan(s.layerBytesFetched()); // manifests and zTOCs
      assertThat(s.requests()).isGreaterThan(s.layerRequests());
    }
  }

  @Test
  void concurrentReadersLoadEachLayerOnce() throws Exception {
    Map<Digest, java.util.concurrent.atomic.AtomicInteger> opened =
        new java.util.concurrent.ConcurrentHashMap<>();
    ContentSource counting =
        new ForwardingSource(OciLayoutSource.open(v2)) {
          @Override
          public BlobSource openBlob(Descriptor d) throws IOException {
            opened
                .computeIfAbsent(d.digest(), k -> new java.util.concurrent.atomic.AtomicInteger())
                .incrementAndGet();
            return super.openBlob(d);
          }

          @Override
          public InputStream streamBlob(Descriptor d) throws IOException {
            opened
                .computeIfAbsent(d.digest(), k -> new java.util.concurrent.atomic.AtomicInteger())
                .incrementAndGet();
            return super.streamBlob(d);
          }
        };
    try (SociImage image = SociImage.open(counting, "t-soci")) {
      List<String> paths = List.of("etc/passwd", "bin/ls", "usr/share/doc-link.txt", "escape");
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newFixedThreadPool(8);
      try {
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<String>> results = new java.util.ArrayList<>();
        for (int i = 0; i < 32; i++) {
          String p = paths.get(i % paths.size());
          results.add(
              pool.submit(
                  () -> {
                    start.await();
                    return p + "=" + text(image, p);
                  }));
        }
        start.countDown();
        for (var f : results) {
          String r = f.get(60, java.util.concurrent.TimeUnit.SECONDS);
          assertThat(r.substring(r.indexOf('=') + 1))
              .isIn("root:x:0:0:top\n", "ls from layer 1\n", "documentation\n");
        }
      } finally {
        pool.shutdownNow();
      }
      // layer 1 opened for ranges once, layer 2 (no zTOC) fetched whole once, layer 3 untouched
      assertThat(opened).hasSize(2);
      assertThat(opened.get(image.layers().get(0).descriptor().digest())).hasValue(1);
      assertThat(opened.get(image.layers().get(1).descriptor().digest())).hasValue(1);
    }
  }

  @Test
  void corruptZtocBlobFailsNamingIt() throws Exception {
    Path dir = Layouts.copyTree(v2, tmp.resolve("l"));
    Digest ztoc;
    try (OciLayoutSource source = OciLayoutSource.open(dir);
        SociImage image = SociImage.open(source, "t-soci")) {
      ztoc = image.layers().get(0).ztoc().digest();
    }
    flip(OciLayout.open(dir).blobPath(ztoc), 100);
    try (OciLayoutSource source = OciLayoutSource.open(dir)) {
      assertThatThrownBy(() -> SociImage.open(source, "t-soci"))
          .isInstanceOf(SociImageException.class)
          .hasMessageContaining("zTOC " + ztoc)
          .hasMessageContaining("digest");
    }
  }

  @Test
  void malformedZtocWithItsOwnDigestFailsNamingIt() throws Exception {
    Path dir = Layouts.copyTree(v1, tmp.resolve("l"));
    OciLayout layout = OciLayout.open(dir);
    Descriptor manifest = layout.resolve(ThreeLayerImage.TAG);
    Descriptor layer = layout.readManifest(manifest).layers().get(0);
    Descriptor index;
    try (OciLayout.Transaction tx = layout.begin()) {
      Descriptor garbage =
          tx.writeBlob(MediaTypes.SOCI_ZTOC, "not a flatbuffer".getBytes(StandardCharsets.UTF_8))
              .withAnnotations(
                  Map.of(Annotations.SOCI_IMAGE_LAYER_DIGEST, layer.digest().toString()));
      SociIndex forged = SociIndex.v1(List.of(garbage), manifest, "test");
      index = tx.writeBlob(MediaTypes.OCI_MANIFEST, forged.encode());
      tx.commit(tx.index());
    }
    try (OciLayoutSource source = OciLayoutSource.open(dir)) {
      assertThatThrownBy(
              () ->
                  SociImage.open(
                      source,
                      ThreeLayerImage.TAG,
                      SociImage.Options.defaults().withIndexDigest(index.digest())))
          .isInstanceOf(SociImageException.class)
          .hasMessageContaining("of layer " + layer.digest())
          .hasMessageContaining("malformed");
    }
  }

  @Test
  void corruptLayerBytesNeverReachTheReader() throws Exception {
    Path dir = Layouts.copyTree(v2, tmp.resolve("l"));
    Digest layer;
    try (OciLayoutSource source = OciLayoutSource.open(dir);
        SociImage image = SociImage.open(source, "t-soci")) {
      layer = image.layers().get(0).descriptor().digest();
    }
    flip(OciLayout.open(dir).blobPath(layer), 150_000);
    try (OciLayoutSource source = OciLayoutSource.open(dir);
        SociImage image = SociImage.open(source, "t-soci")) {
      assertThatThrownBy(() -> image.readAllBytes("usr/lib/big.bin"))
          .isInstanceOf(SpanVerificationException.class);
    }
  }

  @Test
  void anotherPlatformIsRefusedNamingWhatTheImageHas() throws Exception {
    Platform other =
        Platform.host().architecture().equals("s390x")
            ? Platform.of("linux", "ppc64le")
            : Platform.of("linux", "s390x");
    try (OciLayoutSource source = OciLayoutSource.open(v2)) {
      assertThatThrownBy(
              () ->
                  SociImage.open(
                      source, "t-soci", SociImage.Options.defaults().withPlatform(other)))
          .isInstanceOf(SociImageException.class)
          .hasMessageContaining("no manifest for platform " + other.format())
          .hasMessageContaining(Platform.host().normalize().format());
    }
    try (OciLayoutSource source = OciLayoutSource.open(plain)) {
      assertThatThrownBy(
              () -> SociImage.open(source, "t", SociImage.Options.defaults().withPlatform(other)))
          .isInstanceOf(SociImageException.class)
          .hasMessageContaining("not " + other.format());
    }
  }

  @Test
  void unknownReferenceIsContentNotFound() throws Exception {
    try (OciLayoutSource source = OciLayoutSource.open(v2)) {
      assertThatThrownBy(() -> SociImage.open(source, "nope"))
          .isInstanceOf(ContentNotFoundException.class)
          .hasMessageContaining("nope");
    }
  }

  static void flip(Path file, long at) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0xFF);
    }
  }

  /** A source that forwards everything, for tests to override one answer. */
  static class ForwardingSource implements ContentSource {
    private final ContentSource d;

    ForwardingSource(ContentSource d) {
      this.d = d;
    }

    @Override
    public Descriptor resolve(String reference) throws IOException {
      return d.resolve(reference);
    }

    @Override
    public byte[] fetch(Descriptor descriptor, long maxSize) throws IOException {
      return d.fetch(descriptor, maxSize);
    }

    @Override
    public BlobSource openBlob(Descriptor descriptor) throws IOException {
      return d.openBlob(descriptor);
    }

    @Override
    public InputStream streamBlob(Descriptor descriptor) throws IOException {
      return d.streamBlob(descriptor);
    }

    @Override
    public List<Descriptor> referrers(Digest subject, String artifactType) throws IOException {
      return d.referrers(subject, artifactType);
    }
  }
}
