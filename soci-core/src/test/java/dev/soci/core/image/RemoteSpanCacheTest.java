package dev.soci.core.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.core.SeekableLayer;
import dev.soci.core.SpanCache;
import dev.soci.core.index.Layouts;
import dev.soci.core.index.PlatformSelection;
import dev.soci.core.index.SociIndexBuilder;
import dev.soci.core.registry.Registry;
import dev.soci.core.registry.testing.FakeRegistry;
import dev.soci.core.registry.testing.Fault;
import dev.soci.core.registry.testing.RecordedRequest;
import dev.soci.core.registry.testing.RequestMatcher;
import dev.soci.oci.Descriptor;
import dev.soci.oci.layout.OciLayout;
import dev.soci.ztoc.Ztoc;
import dev.soci.ztoc.zinfo.Zinfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remote layers through the span cache: spans fetched once under 16 threads, a span whose bytes are
 * wrong once fetched again, and the prefetch artifacts of a SOCI index fetched in the background
 * before any read.
 */
class RemoteSpanCacheTest {
  @TempDir static Path shared;
  static Path many;
  static Map<String, byte[]> files = new HashMap<>();
  static Path prefetched;

  @BeforeAll
  static void images() throws Exception {
    // one layer of 120 files, 2-30 kB each, half random, half text: about 40 spans of 64 KiB
    Path work = Files.createDirectories(shared.resolve("many"));
    many = work.resolve("layout");
    Layouts.run(work, "umoci", "init", "--layout", many.toString());
    Layouts.run(work, "umoci", "new", "--image", many + ":m");
    Path root = Files.createDirectories(work.resolve("root/data"));
    Random r = new Random(17);
    for (int i = 0; i < 120; i++) {
      byte[] b = new byte[2000 + r.nextInt(28_000)];
      if (i % 2 == 0) {
        r.nextBytes(b);
      } else {
        for (int k = 0; k < b.length; k++) {
          b[k] = (byte) ('a' + (k * 7 + i) % 26);
        }
      }
      Files.write(root.resolve("f" + i), b);
      files.put("/data/f" + i, b);
    }
    Layouts.run(work, "umoci", "insert", "--image", many + ":m", root.toString(), "/data");
    SociImageTest.builder()
        .minLayerSize(0)
        .convert(OciLayout.open(many), "m", "m-soci", PlatformSelection.defaultPlatform());

    Path plain = ThreeLayerImage.build(shared.resolve("three"));
    prefetched = Layouts.copyTree(plain, shared.resolve("prefetch"));
    SociIndexBuilder b = SociImageTest.builder().prefetchFiles(List.of("/usr/lib/big.bin"));
    b.convert(
        OciLayout.open(prefetched),
        ThreeLayerImage.TAG,
        "t-soci",
        PlatformSelection.defaultPlatform());
  }

  static Registry client() {
    return RegistryImageTest.client();
  }

  static SociImage.Options withCache(SpanCache cache) {
    return SociImage.Options.defaults()
        .withLayerOptions(SeekableLayer.Options.defaults().withSpanCache(cache));
  }

  static List<RecordedRequest> layerReads(FakeRegistry fake, Descriptor layer) {
    return fake.requests(
        q -> q.method().equals("GET") && q.path().endsWith("/blobs/" + layer.digest()));
  }

  /** For each span, how many of the requests covered it whole. */
  static int[] fetchesPerSpan(List<RecordedRequest> reads, Ztoc ztoc) throws Exception {
    Zinfo z = ztoc.zinfo();
    int[] count = new int[z.maxSpanId() + 1];
    for (RecordedRequest q : reads) {
      String range = q.header("Range").orElseThrow().substring("bytes=".length());
      long a = Long.parseLong(range.substring(0, range.indexOf('-')));
      long b = Long.parseLong(range.substring(range.indexOf('-') + 1)) + 1;
      for (int i = 0; i < count.length; i++) {
        long s = z.startCompressedOffset(i);
        long e = z.endCompressedOffset(i, ztoc.compressedArchiveSize());
        if (s >= a && e <= b) {
          count[i]++;
        }
      }
    }
    return count;
  }

  @Test
  void sixteenThreadsReadingRandomFilesFetchEachSpanAtMostOnce() throws Exception {
    try (FakeRegistry fake = FakeRegistry.start()) {
      RegistrySource source =
          RegistryImageTest.push(client(), fake.host(), many, "m-soci", "cache/m:soci");
      try (SociImage image =
          SociImage.open(source, "soci", withCache(SpanCache.ofMaxBytes(64L << 20)))) {
        SociImage.Layer layer = image.layers().get(0);
        Ztoc ztoc = Ztoc.decode(OciLayout.open(many).readBlob(layer.ztoc(), 1 << 24));
        assertThat(ztoc.zinfo().maxSpanId()).isGreaterThan(10);
        List<String> names = new ArrayList<>(files.keySet());
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
          Random r = new Random(t);
          Thread th =
              new Thread(
                  () -> {
                    try {
                      for (int i = 0; i < 30; i++) {
                        String n = names.get(r.nextInt(names.size()));
                        assertThat(image.readAllBytes(n)).as(n).isEqualTo(files.get(n));
                      }
                    } catch (Throwable e) {
                      failures.add(e);
                    }
                  });
          threads.add(th);
          th.start();
        }
        for (Thread th : threads) {
          th.join(TimeUnit.MINUTES.toMillis(2));
        }
        assertThat(failures).isEmpty();
        List<RecordedRequest> reads = layerReads(fake, layer.descriptor());
        int[] perSpan = fetchesPerSpan(reads, ztoc);
        for (int i = 0; i < perSpan.length; i++) {
          assertThat(perSpan[i]).as("fetches of span " + i).isLessThanOrEqualTo(1);
        }
        ImageStatistics s = image.statistics();
        assertThat(s.spansFetched()).isLessThanOrEqualTo(ztoc.zinfo().maxSpanId() + 1);
        assertThat(s.spansFromCache()).isPositive();
        // the byte bound: the layer at most once, plus its gzip header and, for spans fetched
        // apart, the byte neighbouring spans share when a checkpoint is not byte-aligned
        assertThat(s.layerBytesFetched())
            .isLessThanOrEqualTo(
                layer.descriptor().size()
                    + ztoc.zinfo().startCompressedOffset(0)
                    + ztoc.zinfo().maxSpanId()
                    + 1);
      }
    }
  }

  @Test
  void aSpanWrongOnceIsFetchedAgainAndReadsRight() throws Exception {
    try (FakeRegistry fake = FakeRegistry.start()) {
      RegistrySource source =
          RegistryImageTest.push(client(), fake.host(), many, "m-soci", "cache/m:soci");
      try (SociImage image = SociImage.open(source, "soci", withCache(SpanCache.disabled()))) {
        assertThat(image.readAllBytes("/data/f0")).isEqualTo(files.get("/data/f0")); // opened
        fake.inject(RequestMatcher.blobGet(), Fault.corruptBody(), 1);
        assertThat(image.readAllBytes("/data/f77")).isEqualTo(files.get("/data/f77"));
        assertThat(fake.requests(q -> "corrupt body".equals(q.fault()))).hasSize(1);
      }
    }
  }

  @Test
  void prefetchSpansAreFetchedBeforeAnyReadAndServeItWithoutRequests() throws Exception {
    try (FakeRegistry fake = FakeRegistry.start()) {
      RegistrySource source =
          RegistryImageTest.push(client(), fake.host(), prefetched, "t-soci", "cache/p:soci");
      fake.clearRequests();
      try (SociImage image =
          SociImage.open(source, "soci", withCache(SpanCache.ofMaxBytes(64L << 20)))) {
        Descriptor layer1 = image.layers().get(0).descriptor();
        image.prefetchCompletion().get(30, TimeUnit.SECONDS);
        // before any read asked: the prefetch artifact's spans of layer 1 were fetched
        assertThat(layerReads(fake, layer1)).isNotEmpty();
        ImageStatistics s = image.statistics();
        assertThat(s.spansPrefetched()).isPositive();
        fake.clearRequests();
        assertThat(image.readAllBytes("usr/lib/big.bin")).isEqualTo(ThreeLayerImage.BIG1);
        assertThat(layerReads(fake, layer1)).isEmpty();
        assertThat(image.statistics().spansFromCache()).isPositive();
      }
      fake.clearRequests();
      try (SociImage image =
          SociImage.open(
              source, "soci", withCache(SpanCache.ofMaxBytes(64L << 20)).withPrefetch(false))) {
        assertThat(image.prefetchCompletion()).isDone();
        Thread.sleep(200); // nothing runs in the background to fetch spans
        assertThat(layerReads(fake, image.layers().get(0).descriptor())).isEmpty();
        assertThat(image.statistics().spansPrefetched()).isZero();
      }
    }
  }
}
