package dev.soci.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.ztoc.EntryType;
import dev.soci.ztoc.FileMetadata;
import dev.soci.ztoc.Ztoc;
import dev.soci.ztoc.ZtocBuilder;
import dev.soci.ztoc.zinfo.Zinfo;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The span cache of {@link SeekableLayer}: what is fetched (counted at the blob source), the byte
 * bound, single flight, re-fetches of spans that fail their digest, prefetch, the directory of
 * compressed spans, the background fetch and whole-layer reads in order.
 */
@Timeout(120)
class SpanCacheTest {
  private static final Path BLOB = TestData.file("upstream/layers/spans.gnutar.gzip6.tar.gz");
  private static byte[] tar;
  private static Ztoc ztoc;
  private static List<FileMetadata> files;
  private static ExecutorService pool;

  @TempDir Path tmp;

  @BeforeAll
  static void setUp() throws Exception {
    tar = SeekableLayerTest.gunzip(Files.readAllBytes(BLOB));
    ztoc = ZtocBuilder.withDefaults().spanSize(65536).build(BLOB);
    files = ztoc.files().stream().filter(f -> f.type() == EntryType.REG).toList();
    pool = Executors.newFixedThreadPool(16);
  }

  @AfterAll
  static void tearDown() throws Exception {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
  }

  private static SeekableLayer open(CountingBlobSource source, SeekableLayer.Options options)
      throws Exception {
    SeekableLayer l = SeekableLayer.open(source, ztoc, options);
    source.reset(); // the gzip header probe of open() is not a span read
    return l;
  }

  private static CountingBlobSource counting() throws Exception {
    return new CountingBlobSource(BlobSource.of(BLOB));
  }

  private static void check(byte[] got, FileMetadata f) {
    int off = (int) f.uncompressedOffset();
    if (!Arrays.equals(got, Arrays.copyOfRange(tar, off, off + (int) f.uncompressedSize()))) {
      throw new AssertionError("wrong bytes for " + f.name());
    }
  }

  private static long spanStart(int i) throws Exception {
    return ztoc.zinfo().startCompressedOffset(i);
  }

  private static long spanEnd(int i) throws Exception {
    return ztoc.zinfo().endCompressedOffset(i, ztoc.compressedArchiveSize());
  }

  /** Runs {@code threads} tasks at once and waits for all. */
  private static void inParallel(int threads, ThrowingTask task) throws Exception {
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      futures.add(
          pool.submit(
              () -> {
                task.run(id);
                return null;
              }));
    }
    for (Future<?> f : futures) {
      f.get(60, TimeUnit.SECONDS);
    }
  }

  interface ThrowingTask {
    void run(int thread) throws Exception;
  }

  @Test
  void sixteenThreadsFetchEachSpanAtMostOnceWhileItStaysCached() throws Exception {
    CountingBlobSource source = counting();
    SpanCache cache = SpanCache.ofMaxBytes(64L << 20); // the whole layer fits
    try (SeekableLayer l = open(source, SeekableLayer.Options.defaults().withSpanCache(cache))) {
      inParallel(
          16,
          t -> {
            Random r = new Random(t);
            for (int i = 0; i < 60; i++) {
              FileMetadata f = files.get(r.nextInt(files.size()));
              check(l.readFile(f.name()), f);
            }
          });
      int fetchedSpans = 0;
      for (int i = 0; i <= ztoc.maxSpanId(); i++) {
        long n = source.readsCovering(spanStart(i), spanEnd(i));
        assertThat(n).as("reads of span %d", i).isLessThanOrEqualTo(1);
        fetchedSpans += (int) n;
      }
      ReadStatistics s = l.statistics();
      assertThat(s.sourceReads()).isEqualTo(source.reads().size());
      assertThat(s.spansFetched()).isEqualTo(fetchedSpans);
      assertThat(s.spansInflated()).isEqualTo(fetchedSpans);
      assertThat(s.spansFromCache()).isPositive();
      assertThat(s.compressedBytesRead())
          .isEqualTo(source.reads().stream().mapToLong(r -> r[1]).sum());
      assertThat(s.spanRefetches()).isZero();
    }
    assertThat(cache.size()).as("closing the layer drops its spans").isZero();
  }

  @Test
  void theByteBoundHoldsAcrossLayersSharingTheCache() throws Exception {
    SpanCache cache = SpanCache.ofMaxBytes(300_000); // a few 64 KiB spans
    AtomicLong largest = new AtomicLong();
    try (SeekableLayer a = SeekableLayer.open(BLOB, ztoc, optionsWith(cache));
        SeekableLayer b = SeekableLayer.open(BLOB, ztoc, optionsWith(cache))) {
      inParallel(
          8,
          t -> {
            SeekableLayer l = t % 2 == 0 ? a : b;
            Random r = new Random(t);
            for (int i = 0; i < 40; i++) {
              FileMetadata f = files.get(r.nextInt(files.size()));
              check(l.readFile(f.name()), f);
              largest.accumulateAndGet(cache.sizeBytes(), Math::max);
            }
          });
      assertThat(largest.get()).isPositive().isLessThanOrEqualTo(300_000);
      assertThat(cache.sizeBytes()).isLessThanOrEqualTo(300_000);
      // Evicted spans are fetched again: more fetches than spans.
      assertThat(a.statistics().spansFetched() + b.statistics().spansFetched())
          .isGreaterThan(ztoc.maxSpanId() + 1L);
    }
    assertThat(cache.sizeBytes()).isZero();
  }

  private static SeekableLayer.Options optionsWith(SpanCache cache) {
    return SeekableLayer.Options.defaults().withSpanCache(cache);
  }

  @Test
  void concurrentReadersOfOneSpanShareOneFetchAndOneInflate() throws Exception {
    Zinfo z = ztoc.zinfo();
    FileMetadata small =
        files.stream()
            .filter(
                f ->
                    f.uncompressedSize() > 0
                        && z.spanOf(ztoc.toc().headerOffset(f))
                            == z.spanOf(f.uncompressedOffset() + f.uncompressedSize() - 1))
            .findFirst()
            .orElseThrow();
    int span = z.spanOf(small.uncompressedOffset());
    CountingBlobSource source = counting();
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger entered = new AtomicInteger();
    List<Thread> readers = new java.util.concurrent.CopyOnWriteArrayList<>();
    // A cache that keeps nothing: only single flight can make the 16 readers share one fetch.
    try (SeekableLayer l = open(source, optionsWith(SpanCache.disabled()))) {
      source.beforeRead(
          () -> {
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 16; t++) {
        futures.add(
            pool.submit(
                () -> {
                  readers.add(Thread.currentThread());
                  entered.incrementAndGet();
                  check(l.readFile(small.name()), small);
                  return null;
                }));
      }
      // Wait until every reader is parked: one in the blocked read, fifteen on its future.
      while (entered.get() < 16
          || readers.stream()
              .anyMatch(
                  t ->
                      t.getState() != Thread.State.WAITING
                          && t.getState() != Thread.State.TIMED_WAITING)) {
        Thread.onSpinWait();
      }
      release.countDown();
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
      assertThat(source.readsCovering(spanStart(span), spanEnd(span))).isEqualTo(1);
      assertThat(source.reads()).hasSize(1);
      ReadStatistics s = l.statistics();
      assertThat(s.spansInflated()).isEqualTo(1);
      assertThat(s.spansFetched()).isEqualTo(1);
      assertThat(s.spansFromCache()).isEqualTo(15);
    }
  }

  /** Flips one byte of span {@code span} in the first {@code times} reads that cover it. */
  private static void corrupt(CountingBlobSource source, int span, int times) throws Exception {
    long at = spanStart(span) + 100;
    AtomicInteger left = new AtomicInteger(times);
    source.tamper(
        (offset, bytes) -> {
          if (offset <= at && at < offset + bytes.length && left.getAndDecrement() > 0) {
            bytes[(int) (at - offset)] ^= 0x40;
          }
        });
  }

  private static FileMetadata fileInSpan(int span) throws Exception {
    Zinfo z = ztoc.zinfo();
    return files.stream()
        .filter(
            f ->
                f.uncompressedSize() > 0
                    && z.spanOf(f.uncompressedOffset()) <= span
                    && z.spanOf(f.uncompressedOffset() + f.uncompressedSize() - 1) >= span)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aSpanWrongOnceIsFetchedAgainAndTheReadSucceeds() throws Exception {
    int span = 40;
    FileMetadata f = fileInSpan(span);
    CountingBlobSource source = counting();
    corrupt(source, span, 1);
    try (SeekableLayer l = open(source, optionsWith(SpanCache.ofMaxBytes(64L << 20)))) {
      check(l.readFile(f.name()), f);
      assertThat(l.statistics().spanRefetches()).isEqualTo(1);
      assertThat(source.readsCovering(spanStart(span), spanEnd(span))).isEqualTo(2);
    }
  }

  @Test
  void aSpanAlwaysWrongFailsTheReadNamingSpanLayerAndBothDigestsAndIsNotCached() throws Exception {
    int span = 40;
    FileMetadata f = fileInSpan(span);
    byte[] bad = Files.readAllBytes(BLOB);
    bad = Arrays.copyOfRange(bad, (int) spanStart(span), (int) spanEnd(span));
    bad[100] ^= 0x40;
    String badDigest = SpanLoader.digestOf(bad, 0, bad.length);
    CountingBlobSource source = counting();
    corrupt(source, span, Integer.MAX_VALUE);
    SpanCache cache = SpanCache.ofMaxBytes(64L << 20);
    try (SeekableLayer l = open(source, optionsWith(cache).withSpanRetries(2))) {
      assertThatThrownBy(() -> l.readFile(f.name()))
          .isInstanceOf(SpanVerificationException.class)
          .hasMessageContaining("span " + span + " ")
          .hasMessageContaining(source.toString())
          .hasMessageContaining(ztoc.spanDigests().get(span))
          .hasMessageContaining(badDigest)
          .hasMessageContaining("3 fetches");
      assertThat(source.readsCovering(spanStart(span), spanEnd(span))).isEqualTo(3);
      assertThat(l.statistics().spanRefetches()).isEqualTo(2);
      // Nothing of it was kept, nor remembered as failed: once the source tells the truth, the
      // span is fetched again and the read succeeds.
      source.tamper((o, b) -> {});
      check(l.readFile(f.name()), f);
      assertThat(source.readsCovering(spanStart(span), spanEnd(span))).isEqualTo(4);
    }
  }

  @Test
  void withoutRetriesOneBadFetchFailsTheRead() throws Exception {
    int span = 7;
    FileMetadata f = fileInSpan(span);
    CountingBlobSource source = counting();
    corrupt(source, span, 1);
    try (SeekableLayer l = open(source, optionsWith(SpanCache.disabled()).withSpanRetries(0))) {
      assertThatThrownBy(() -> l.readFile(f.name()))
          .isInstanceOf(SpanVerificationException.class)
          .hasMessageContaining("1 fetch)");
      check(l.readFile(f.name()), f);
    }
  }

  @Test
  void adjacentSpansOfOneReadAreFetchedInOneRangeUpToTheCap() throws Exception {
    CountingBlobSource source = counting();
    long from = ztoc.zinfo().startUncompressedOffset(10);
    long to = ztoc.zinfo().startUncompressedOffset(30);
    try (SeekableLayer l = open(source, optionsWith(SpanCache.disabled()))) {
      assertThat(l.readRange(from, (int) (to - from)))
          .isEqualTo(Arrays.copyOfRange(tar, (int) from, (int) to));
      assertThat(source.reads()).hasSize(1);
    }
    long cap = spanEnd(14) - spanStart(10); // five spans per read
    source = counting();
    try (SeekableLayer l = open(source, optionsWith(SpanCache.disabled()).withMaxFetchBytes(cap))) {
      assertThat(l.readRange(from, (int) (to - from)))
          .isEqualTo(Arrays.copyOfRange(tar, (int) from, (int) to));
      assertThat(source.reads()).allMatch(r -> r[1] <= cap);
      assertThat(source.reads().size()).isBetween(4, 6);
    }
  }

  @Test
  void prefetchedFilesAreReadWithoutFetching() throws Exception {
    CountingBlobSource source = counting();
    List<FileMetadata> some = files.subList(0, 5);
    try (SeekableLayer l = open(source, optionsWith(SpanCache.ofMaxBytes(64L << 20)))) {
      l.prefetch(some.stream().map(FileMetadata::name).toArray(String[]::new));
      int reads = source.reads().size();
      assertThat(reads).isPositive();
      for (FileMetadata f : some) {
        check(l.readFile(f.name()), f);
      }
      assertThat(source.reads()).hasSize(reads);
      assertThat(l.statistics().spansPrefetched()).isEqualTo(l.statistics().spansFetched());
      l.prefetchSpans(0, ztoc.maxSpanId());
      int all = source.reads().size();
      for (FileMetadata f : files) {
        check(l.readFile(f.name()), f);
      }
      assertThat(source.reads()).hasSize(all);
    }
  }

  @Test
  void theBackgroundFetchFillsTheCache() throws Exception {
    CountingBlobSource source = counting();
    SpanCache cache = SpanCache.ofMaxBytes(64L << 20);
    try (SeekableLayer l =
        SeekableLayer.open(source, ztoc, optionsWith(cache).withBackgroundFetch(true))) {
      l.backgroundThread().join(60_000);
      assertThat(l.statistics().spansPrefetched()).isEqualTo(ztoc.maxSpanId() + 1L);
      source.reset();
      for (FileMetadata f : files) {
        check(l.readFile(f.name()), f);
      }
      assertThat(source.reads()).isEmpty();
    }
  }

  @Test
  void theBackgroundFetchStopsAtTheMemoryBound() throws Exception {
    SpanCache cache = SpanCache.ofMaxBytes(500_000);
    try (SeekableLayer l =
        SeekableLayer.open(BLOB, ztoc, optionsWith(cache).withBackgroundFetch(true))) {
      l.backgroundThread().join(60_000);
      assertThat(l.statistics().spansPrefetched()).isBetween(1L, 8L);
      assertThat(cache.sizeBytes()).isLessThanOrEqualTo(500_000);
    }
  }

  @Test
  void aDirectoryCacheServesOtherLayersAndDropsTamperedFiles() throws Exception {
    Path dir = tmp.resolve("spans");
    FileMetadata f = fileInSpan(20);
    try (SeekableLayer l =
        SeekableLayer.open(BLOB, ztoc, optionsWith(SpanCache.disabled().withDirectory(dir)))) {
      check(l.readFile(f.name()), f);
      assertThat(l.statistics().spansFetched()).isPositive();
    }
    List<Path> stored;
    try (var s = Files.list(dir)) {
      stored = s.sorted().toList();
    }
    assertThat(stored).isNotEmpty().allMatch(p -> p.getFileName().toString().startsWith("sha256-"));
    // Another cache (fresh memory) on the same directory: no source read for those spans.
    CountingBlobSource source = counting();
    try (SeekableLayer l = open(source, optionsWith(SpanCache.disabled().withDirectory(dir)))) {
      check(l.readFile(f.name()), f);
      assertThat(source.reads()).isEmpty();
      assertThat(l.statistics().spansFromDirectory()).isEqualTo(stored.size());
    }
    // A file changed on disk is not used: deleted and the span fetched from the source.
    byte[] b = Files.readAllBytes(stored.get(0));
    b[b.length / 2] ^= 1;
    Files.write(stored.get(0), b);
    source = counting();
    try (SeekableLayer l = open(source, optionsWith(SpanCache.disabled().withDirectory(dir)))) {
      check(l.readFile(f.name()), f);
      assertThat(source.reads()).hasSize(1);
    }
    assertThat(Files.readAllBytes(stored.get(0))).isNotEqualTo(b); // rewritten with good bytes
  }

  @Test
  void readingEveryFileInOrderInflatesEachSpanOnce() throws Exception {
    // Through a sequential reader, even with a cache that keeps nothing.
    CountingBlobSource source = counting();
    try (SeekableLayer l = open(source, optionsWith(SpanCache.disabled()));
        SequentialReader r = l.sequentialReader()) {
      for (FileMetadata f : files) {
        try (InputStream in = r.openFile(f)) {
          check(in.readAllBytes(), f);
        }
      }
      assertThat(l.statistics().spansInflated()).isLessThanOrEqualTo(ztoc.maxSpanId() + 1L);
      for (int i = 0; i <= ztoc.maxSpanId(); i++) {
        assertThat(source.readsCovering(spanStart(i), spanEnd(i))).isLessThanOrEqualTo(1);
      }
    }
    // Through openFile with the default-sized cache.
    try (SeekableLayer l =
        SeekableLayer.open(BLOB, ztoc, optionsWith(SpanCache.ofMaxBytes(32L << 20)))) {
      for (FileMetadata f : files) {
        try (InputStream in = l.openFile(f)) {
          check(in.readAllBytes(), f);
        }
      }
      assertThat(l.statistics().spansInflated()).isLessThanOrEqualTo(ztoc.maxSpanId() + 1L);
    }
  }

  @Test
  void optionsKeepTheirDefaultsAndRefuseNonsense() {
    SeekableLayer.Options d = SeekableLayer.Options.defaults();
    assertThat(d.spanRetries()).isEqualTo(1);
    assertThat(d.spanCache()).isNull();
    assertThat(d.backgroundFetch()).isFalse();
    assertThat(d.verifySpanDigests()).isTrue();
    assertThat(d.verifyTarHeaders()).isTrue();
    assertThatThrownBy(() -> d.withSpanRetries(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SpanCache.ofMaxBytes(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(SpanCache.shared().maxBytes()).isEqualTo(SpanCache.defaultMaxBytes());
  }
}
