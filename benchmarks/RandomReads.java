import dev.soci.core.SeekableLayer;
import dev.soci.core.SpanCache;
import dev.soci.core.image.ImageEntry;
import dev.soci.core.image.ImageStatistics;
import dev.soci.core.image.RegistrySource;
import dev.soci.core.image.SociImage;
import dev.soci.core.registry.ImageReference;
import dev.soci.core.registry.Registry;
import dev.soci.ztoc.EntryType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whole-process benchmark: THREADS threads read random regular files of a registry image for
 * SECONDS, each file read whole and verified span by span; prints MB/s of file data, and what was
 * fetched. Run with the CLI's class path (see BENCHMARKS.md):
 * java -cp soci-cli/target/soci-cli.jar:soci-cli/target/lib/'*' benchmarks/RandomReads.java
 * HOST:PORT/REPO:TAG [THREADS] [SECONDS] [nocache]
 * (nocache: no span cache, so every file read fetches and inflates its spans)
 */
public class RandomReads {
  public static void main(String[] args) throws Exception {
    ImageReference ref = ImageReference.parse(args[0]);
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 16;
    long seconds = args.length > 2 ? Long.parseLong(args[2]) : 20;
    boolean noCache = args.length > 3 && args[3].equals("nocache");
    SociImage.Options options = SociImage.Options.defaults();
    if (noCache) {
      options =
          options.withLayerOptions(
              SeekableLayer.Options.defaults().withSpanCache(SpanCache.disabled()));
    }
    Registry registry = Registry.builder().anonymous().build();
    try (RegistrySource source = RegistrySource.of(registry, ref);
        SociImage image = SociImage.open(source, ref.reference(), options)) {
      List<ImageEntry> files = new ArrayList<>();
      collect(image, "/", files);
      AtomicLong bytes = new AtomicLong();
      AtomicLong reads = new AtomicLong();
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      long start = System.nanoTime();
      List<Thread> ts = new ArrayList<>();
      List<Throwable> failures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Random r = new Random(t);
        Thread th =
            new Thread(
                () -> {
                  try {
                    while (System.nanoTime() < end) {
                      ImageEntry f = files.get(r.nextInt(files.size()));
                      try (var in = image.open(f)) {
                        bytes.addAndGet(in.transferTo(java.io.OutputStream.nullOutputStream()));
                      }
                      reads.incrementAndGet();
                    }
                  } catch (Throwable e) {
                    synchronized (failures) {
                      failures.add(e);
                    }
                  }
                });
        ts.add(th);
        th.start();
      }
      for (Thread th : ts) {
        th.join();
      }
      double secs = (System.nanoTime() - start) / 1e9;
      if (!failures.isEmpty()) {
        throw new IllegalStateException("reads failed", failures.get(0));
      }
      ImageStatistics s = image.statistics();
      System.out.printf(
          (noCache ? "no span cache, " : "span cache, ") + "%d threads, %.1f s: %d files read, %.1f MB of file data, %.1f MB/s;"
              + " fetched %.1f MB in %d requests, %d spans fetched, %d from cache%n",
          threads,
          secs,
          reads.get(),
          bytes.get() / 1e6,
          bytes.get() / 1e6 / secs,
          s.layerBytesFetched() / 1e6,
          s.layerRequests(),
          s.spansFetched(),
          s.spansFromCache());
    }
  }

  static void collect(SociImage image, String dir, List<ImageEntry> out) throws IOException {
    for (ImageEntry e : image.list(dir)) {
      String path = (dir.endsWith("/") ? dir : dir + "/") + e.name();
      if (e.isDirectory()) {
        collect(image, path, out);
      } else if (e.type() == EntryType.REG) {
        out.add(e);
      }
    }
  }
}
