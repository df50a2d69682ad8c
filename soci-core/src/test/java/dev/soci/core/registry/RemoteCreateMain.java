package dev.soci.core.registry;

import dev.soci.core.index.CreateResult;
import dev.soci.core.index.PlatformSelection;
import dev.soci.core.index.SociIndexBuilder;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code RemoteCreateMain REF}: a remote {@code create} with the defaults, run by {@link
 * RemoteBuildHeapTest} in a JVM of its own (small heap, empty working and temporary directories).
 * Prints the index digest, then the most heap in use seen (sampled every 5 ms), in bytes.
 */
public final class RemoteCreateMain {
  private RemoteCreateMain() {}

  /** Runs the build; exits non-zero on any failure (an OutOfMemoryError included). */
  public static void main(String[] args) throws Exception {
    AtomicLong peak = new AtomicLong();
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
  }
}
