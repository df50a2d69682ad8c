package dev.soci.ztoc;

import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Computes the SHA-256 of each span's compressed byte range while the layer streams past once.
 *
 * <p>The bytes arrive in order through {@link #update} (a tee on the decoder's input), slightly
 * ahead of where the decoder has decided spans begin: it reads at most {@code maxLookahead} bytes
 * ahead. A ring of recent bytes bridges that gap, so span ranges that overlap by one byte (a
 * checkpoint with {@code bits != 0} shares byte {@code in - 1} with the previous span) are hashed
 * exactly as upstream does, without a second read of the layer. Span starts may also arrive ahead
 * of the bytes (when decoding threads ran ahead): they wait until the bytes do.
 */
final class SpanDigester {
  private final byte[] ring;
  private final int mask;
  private final MessageDigest md;
  private final List<String> digests = new ArrayList<>();
  private long written;
  private long hashedTo;
  private boolean inSpan;

  /** Span starts not reached by the bytes yet: {start, previousEnd} pairs, in order. */
  private final ArrayDeque<long[]> pending = new ArrayDeque<>();

  SpanDigester(int maxLookahead) {
    int size = Integer.highestOneBit(Math.max(maxLookahead, 1 << 16) * 4 - 1) << 1;
    this.ring = new byte[size];
    this.mask = size - 1;
    this.md = Sha256.newDigest();
  }

  /** The next bytes of the layer, in order. */
  void update(byte[] b, int off, int len) {
    while (len > 0) {
      int n = Math.min(len, ring.length / 2);
      hashTo(written + n - ring.length);
      int at = (int) (written & mask);
      int first = Math.min(n, ring.length - at);
      System.arraycopy(b, off, ring, at, first);
      System.arraycopy(b, off + first, ring, 0, n - first);
      written += n;
      off += n;
      len -= n;
      startReachedSpans();
    }
  }

  /**
   * A new span starts at compressed offset {@code start}; the previous one (if any) ends at {@code
   * previousEnd} (exclusive), which is {@code start} or {@code start + 1}.
   */
  void startSpan(long start, long previousEnd) {
    pending.add(new long[] {start, previousEnd});
    startReachedSpans();
  }

  private void startReachedSpans() {
    while (!pending.isEmpty() && pending.peekFirst()[1] <= written) {
      long[] s = pending.removeFirst();
      startReachedSpan(s[0], s[1]);
    }
  }

  private void startReachedSpan(long start, long previousEnd) {
    if (inSpan) {
      hashTo(previousEnd);
      digests.add(hex());
    }
    if (start < written - ring.length || start < hashedTo - 1) {
      throw new IllegalStateException("span start " + start + " is no longer buffered");
    }
    hashedTo = start;
    inSpan = true;
  }

  /** The layer ended after {@code size} bytes: finishes the last span and returns all digests. */
  List<String> finish(long size) {
    while (!pending.isEmpty()) {
      long[] s = pending.removeFirst();
      if (s[1] > written) {
        throw new IllegalStateException(
            "span start " + s[0] + " lies beyond the layer's " + written + " bytes");
      }
      startReachedSpan(s[0], s[1]);
    }
    if (inSpan) {
      hashTo(size);
      digests.add(hex());
      inSpan = false;
    }
    return digests;
  }

  private void hashTo(long end) {
    if (end <= hashedTo) {
      return;
    }
    if (inSpan) {
      long from = hashedTo;
      while (from < end) {
        int at = (int) (from & mask);
        int n = (int) Math.min(end - from, ring.length - at);
        md.update(ring, at, n);
        from += n;
      }
    }
    hashedTo = end;
  }

  private String hex() {
    return Sha256.finish(md);
  }
}
