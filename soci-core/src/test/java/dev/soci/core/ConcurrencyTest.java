package dev.soci.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.ztoc.EntryType;
import dev.soci.ztoc.FileMetadata;
import dev.soci.ztoc.Ztoc;
import dev.soci.ztoc.ZtocBuilder;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many threads on one {@link SeekableLayer}: the same bytes as a sequential read, and a reader
 * interrupted mid-read (which closes a {@code FileChannel} for everyone) costs only its own read:
 * it fails or finishes, and the other readers never notice.
 */
@Timeout(120)
class ConcurrencyTest {
  private static final Path BLOB = TestData.file("upstream/layers/spans.gnutar.gzip6.tar.gz");

  @Test
  void interruptedReadersFailAloneAndNobodyGetsAWrongByte() throws Exception {
    byte[] tar = SeekableLayerTest.gunzip(Files.readAllBytes(BLOB));
    Ztoc ztoc = ZtocBuilder.withDefaults().spanSize(65536).build(BLOB);
    List<FileMetadata> files =
        ztoc.files().stream().filter(f -> f.type() == EntryType.REG).toList();
    ExecutorService pool = Executors.newFixedThreadPool(6);
    AtomicBoolean stop = new AtomicBoolean();
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    AtomicInteger goodReads = new AtomicInteger();
    AtomicInteger interrupted = new AtomicInteger();
    AtomicInteger victimReads = new AtomicInteger();
    AtomicReference<Thread> victimThread = new AtomicReference<>();
    // No span cache: every read fetches and inflates, so the interrupts land in real I/O (with a
    // cache, the readers would soon be served from memory and never be interrupted mid-read).
    SeekableLayer.Options noCache =
        SeekableLayer.Options.defaults().withSpanCache(SpanCache.disabled());
    try (SeekableLayer layer = SeekableLayer.open(BLOB, ztoc, noCache)) {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int seed = t;
        futures.add(
            pool.submit(
                () -> {
                  Random r = new Random(seed);
                  while (!stop.get()) {
                    FileMetadata f = files.get(r.nextInt(files.size()));
                    try {
                      check(layer.readFile(f.name()), tar, f);
                      goodReads.incrementAndGet();
                    } catch (Throwable e) {
                      errors.add(e);
                      return null;
                    }
                  }
                  return null;
                }));
      }
      futures.add(
          pool.submit(
              () -> {
                victimThread.set(Thread.currentThread());
                Random r = new Random(99);
                while (!stop.get()) {
                  FileMetadata f = files.get(r.nextInt(files.size()));
                  try {
                    check(layer.readFile(f.name()), tar, f); // finished: then the bytes are right
                    victimReads.incrementAndGet();
                  } catch (InterruptedIOException e) {
                    interrupted.incrementAndGet(); // failed: fine, as long as it says it was
                    // interrupted (any other IOException is a wrong answer, recorded below)
                  } catch (Throwable e) {
                    errors.add(e);
                    return null;
                  } finally {
                    Thread.interrupted();
                  }
                }
                return null;
              }));
      futures.add(
          pool.submit(
              () -> {
                Random r = new Random(7);
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                while (System.nanoTime() < end) {
                  Thread v = victimThread.get();
                  if (v != null) {
                    v.interrupt();
                  }
                  Thread.sleep(r.nextInt(3));
                }
                stop.set(true);
                return null;
              }));
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS); // no deadlock
      }
      assertThat(errors).isEmpty();
      assertThat(goodReads.get()).isPositive();
      assertThat(interrupted.get()).as("interrupted reads").isPositive();
      // The layer still works after all that.
      for (FileMetadata f : files) {
        check(layer.readFile(f.name()), tar, f);
      }
    } finally {
      stop.set(true);
      pool.shutdownNow();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  private static void check(byte[] got, byte[] tar, FileMetadata f) {
    int off = (int) f.uncompressedOffset();
    if (!Arrays.equals(got, Arrays.copyOfRange(tar, off, off + (int) f.uncompressedSize()))) {
      throw new AssertionError("wrong bytes for " + f);
    }
  }

  @Test
  void aFileBlobSourceSurvivesAnInterruptAndFailsAfterClose() throws Exception {
    byte[] expected = Files.readAllBytes(BLOB);
    BlobSource source = BlobSource.of(BLOB);
    Thread.currentThread().interrupt();
    assertThatThrownBy(() -> source.read(0, 100))
        .isInstanceOf(InterruptedIOException.class)
        .hasMessageContaining("interrupted");
    assertThat(Thread.interrupted()).isTrue(); // the status is kept for the caller
    assertThat(source.read(1000, 5000)).isEqualTo(Arrays.copyOfRange(expected, 1000, 6000));
    assertThatThrownBy(() -> source.read(expected.length - 10, 11))
        .isInstanceOf(java.io.EOFException.class);
    source.close();
    assertThatThrownBy(() -> source.read(0, 10))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("closed");
  }
}
