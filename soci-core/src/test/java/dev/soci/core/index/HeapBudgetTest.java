package dev.soci.core.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InterruptedIOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HeapBudgetTest {
  @Test
  void aBuildWaitsUntilTheRunningOnesGiveBackEnough() throws Exception {
    HeapBudget budget = new HeapBudget(100);
    long first = budget.acquire(70);
    AtomicLong second = new AtomicLong(-1);
    CountDownLatch started = new CountDownLatch(1);
    Thread t =
        new Thread(
            () -> {
              started.countDown();
              try {
                second.set(budget.acquire(50));
              } catch (InterruptedIOException e) {
                second.set(-2);
              }
            });
    t.start();
    started.await();
    t.join(200); // it cannot finish while 70 of 100 are taken
    assertThat(t.isAlive()).isTrue();
    assertThat(second.get()).isEqualTo(-1);
    budget.release(first);
    t.join(TimeUnit.SECONDS.toMillis(10));
    assertThat(t.isAlive()).isFalse();
    assertThat(second.get()).isEqualTo(50);
    assertThat(budget.available()).isEqualTo(50);
  }

  @Test
  void moreThanTheWholeBudgetTakesTheWholeBudgetSoItRunsAlone() throws Exception {
    HeapBudget budget = new HeapBudget(100);
    assertThat(budget.acquire(1_000)).isEqualTo(100);
    assertThat(budget.available()).isZero();
    budget.release(100);
    assertThat(budget.available()).isEqualTo(100);
  }

  @Test
  void anInterruptEndsTheWaitWithInterruptedIoException() throws Exception {
    HeapBudget budget = new HeapBudget(10);
    budget.acquire(10);
    Thread.currentThread().interrupt();
    assertThatThrownBy(() -> budget.acquire(1))
        .isInstanceOf(InterruptedIOException.class)
        .hasMessageContaining("cancelled");
    assertThat(Thread.interrupted()).isTrue(); // the flag is kept for the caller
  }
}
