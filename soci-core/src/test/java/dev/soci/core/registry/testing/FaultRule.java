package dev.soci.core.registry.testing;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Fault} installed on a {@link FakeRegistry} for the requests a {@link RequestMatcher}
 * chooses, for a number of matching requests. Thread-safe.
 */
public final class FaultRule {
  /** The count that never runs out. */
  public static final int ALWAYS = Integer.MAX_VALUE;

  private final RequestMatcher matcher;
  private final Fault fault;
  private final AtomicInteger remaining;
  private final AtomicInteger hits = new AtomicInteger();

  FaultRule(RequestMatcher matcher, Fault fault, int times) {
    if (times < 1) {
      throw new IllegalArgumentException("times must be at least 1: " + times);
    }
    this.matcher = matcher;
    this.fault = fault;
    this.remaining = new AtomicInteger(times);
  }

  /** The fault. */
  public Fault fault() {
    return fault;
  }

  /** How many requests the fault was applied to so far. */
  public int hits() {
    return hits.get();
  }

  /** True while the fault still applies to further matching requests. */
  public boolean active() {
    return remaining.get() > 0;
  }

  /** Stops applying the fault. */
  public void cancel() {
    remaining.set(0);
  }

  /** Takes one application if the request matches and some remain. */
  boolean claim(RecordedRequest request) {
    if (!matcher.matches(request)) {
      return false;
    }
    while (true) {
      int left = remaining.get();
      if (left <= 0) {
        return false;
      }
      if (left == ALWAYS || remaining.compareAndSet(left, left - 1)) {
        hits.incrementAndGet();
        return true;
      }
    }
  }
}
