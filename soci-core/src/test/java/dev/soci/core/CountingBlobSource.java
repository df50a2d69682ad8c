package dev.soci.core;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * A blob source that records every range read from it and can change the bytes it returns (to play
 * a source that lies), for tests of what a {@link SeekableLayer} fetches.
 */
final class CountingBlobSource implements BlobSource {
  private final BlobSource inner;
  private final List<long[]> reads = new CopyOnWriteArrayList<>();
  private volatile BiConsumer<Long, byte[]> tamper = (offset, bytes) -> {};
  private volatile Runnable beforeRead = () -> {};

  CountingBlobSource(BlobSource inner) {
    this.inner = inner;
  }

  /** Called with the offset and bytes of every read before they are returned. */
  void tamper(BiConsumer<Long, byte[]> t) {
    this.tamper = t;
  }

  /** Runs before every read (for example to block it). */
  void beforeRead(Runnable r) {
    this.beforeRead = r;
  }

  /** The reads so far, each {@code {offset, length}}. */
  List<long[]> reads() {
    return List.copyOf(reads);
  }

  void reset() {
    reads.clear();
  }

  /** How many reads covered the whole of {@code [from, to)}. */
  long readsCovering(long from, long to) {
    return reads.stream().filter(r -> r[0] <= from && r[0] + r[1] >= to).count();
  }

  @Override
  public long size() throws IOException {
    return inner.size();
  }

  @Override
  public void readFully(long offset, byte[] dst, int dstOffset, int length) throws IOException {
    beforeRead.run();
    reads.add(new long[] {offset, length});
    byte[] b = inner.read(offset, length);
    tamper.accept(offset, b);
    System.arraycopy(b, 0, dst, dstOffset, length);
  }

  @Override
  public void close() throws IOException {
    inner.close();
  }

  @Override
  public String toString() {
    return "counting:" + inner;
  }
}
