package dev.soci.core.registry;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.soci.core.index.CreateResult;
import dev.soci.core.index.PlatformSelection;
import dev.soci.core.index.SociIndexBuilder;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * {@code RemoteCreateMain REF}: a remote {@code create} with the defaults, run by {@link
 * RemoteBuildHeapTest} in a JVM of its own (small heap, empty working and temporary directories).
 * Prints the index digest, then the most heap in use seen (sampled every 5 ms, garbage included),
 * then the most heap in use right after a collection (what the build kept), in bytes, then the
 * number of collections.
 */
public final class RemoteCreateMain {
  private RemoteCreateMain() {}

  /** Runs the build; exits non-zero on any failure (an OutOfMemoryError included). */
  public static void main(String[] args) throws Exception {
    AtomicLong peak = new AtomicLong();
    AtomicLong afterGc = new AtomicLong();
    AtomicLong collections = new AtomicLong();
    Set<String> heapPools =
        ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP)
            .map(MemoryPoolMXBean::getName)
            .collect(Collectors.toSet());
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) gc)
          .addNotificationListener(
              (n, handback) -> {
                if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                    n.getType())) {
                  var info =
                      GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                  long used =
                      info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                          .filter(e -> heapPools.contains(e.getKey()))
                          .mapToLong(e -> e.getValue().getUsed())
                          .sum();
                  afterGc.accumulateAndGet(used, Math::max);
                  collections.incrementAndGet();
                }
              },
              null,
              null);
    }
    Thread sampler =
        new Thread(
            () -> {
              Runtime rt = Runtime.getRuntime();
              while (true) {
                peak.accumulateAndGet(rt.totalMemory() - rt.freeMemory(), Math::max);
                try {
                  Thread.sleep(5);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    sampler.setDaemon(true);
    sampler.start();
    Registry client = Registry.builder().anonymous().build();
    CreateResult r =
        SociIndexBuilder.withDefaults()
            .create(client, ImageReference.parse(args[0]), PlatformSelection.defaultPlatform());
    System.out.println(r.indexes().get(0).descriptor().digest());
    System.out.println(peak.get());
    System.out.println(afterGc.get());
    System.out.println(collections.get());
  }
}
