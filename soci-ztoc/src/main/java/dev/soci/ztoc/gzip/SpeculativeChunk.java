package dev.soci.ztoc.gzip;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * What a worker decoded ahead of the sequential decoder, starting at a guessed block boundary:
 * the output up to the last block boundary it reached, and those boundaries.
 *
 * <p>The first {@code markedLength} output bytes are held in two planes: where {@code hi[i]} is
 * 0, the byte {@code lo[i]}; otherwise byte {@code (hi[i] - 1) << 8 | lo[i]} of the 32 KiB window
 * before {@link #startBit()}, which the worker did not know (a marker). The rest of the output is plain bytes in pages of a
 * {@link PagePool}, given back by {@link #release()}.
 */
final class SpeculativeChunk {
  private static final VarHandle LE_LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final long startBit;
  private final byte[] lo;
  private final byte[] hi;
  private final int markedLength;
  private byte[][] pages;
  private final PagePool pool;
  final long[] boundaryBits;
  final int[] boundaryOuts;
  final int boundaryCount;
  /** How many bytes before its start the output refers to (0..32768). */
  final int reach;

  SpeculativeChunk(long startBit, byte[] lo, byte[] hi, int markedLength, byte[][] pages, PagePool pool,
      long[] boundaryBits, int[] boundaryOuts, int boundaryCount, int reach) {
    this.startBit = startBit;
    this.lo = lo;
    this.hi = hi;
    this.markedLength = markedLength;
    this.pages = pages;
    this.pool = pool;
    this.boundaryBits = boundaryBits;
    this.boundaryOuts = boundaryOuts;
    this.boundaryCount = boundaryCount;
    this.reach = reach;
  }

  long startBit() {
    return startBit;
  }

  /** Bit position of the last boundary: where sequential decoding continues after this chunk. */
  long endBit() {
    return boundaryBits[boundaryCount - 1];
  }


  /**
   * Writes output bytes {@code [from, from+n)} to {@code dst[at..)}, replacing window references
   * with bytes of {@code window} (the 32 KiB before the chunk's start).
   */
  void copyResolved(int from, int n, byte[] window, byte[] dst, int at) {
    int end = from + n;
    int i = from;
    int stop = Math.min(end, markedLength);
    while (i < stop) {
      int j = i;
      while (j + 8 <= stop && (long) LE_LONG.get(hi, j) == 0) {
        j += 8;
      }
      while (j < stop && hi[j] == 0) {
        j++;
      }
      if (j > i) {
        System.arraycopy(lo, i, dst, at, j - i);
        at += j - i;
        i = j;
      }
      if (i < stop) {
        dst[at++] = window[((hi[i] & 0xFF) - 1) << 8 | (lo[i] & 0xFF)];
        i++;
      }
    }
    while (i < end) {
      int offset = i - markedLength;
      int page = offset / PagePool.PAGE_SIZE;
      int inPage = offset % PagePool.PAGE_SIZE;
      int k = Math.min(end - i, PagePool.PAGE_SIZE - inPage);
      System.arraycopy(pages[page], inPage, dst, at, k);
      at += k;
      i += k;
    }
  }

  /** Gives the output pages back to the pool; the chunk cannot be read afterwards. */
  void release() {
    if (pages != null) {
      pool.give(pages);
      pages = null;
    }
  }
}
