package dev.soci.ztoc.gzip;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * What a worker decoded ahead of the sequential decoder, starting at a guessed block boundary: the
 * output up to the last block boundary it reached, and those boundaries.
 *
 * <p>The first {@code markedLength} output bytes are held in two planes: where {@code hi[i]} is 0,
 * the byte {@code lo[i]}; otherwise byte {@code (hi[i] - 1) << 8 | lo[i]} of the 32 KiB window
 * before {@link #startBit()}, which the worker did not know (a marker). The rest of the output is
 * plain bytes in pages of a {@link PagePool}, given back by {@link #release()}.
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

  SpeculativeChunk(
      long startBit,
      byte[] lo,
      byte[] hi,
      int markedLength,
      byte[][] pages,
      PagePool pool,
      long[] boundaryBits,
      int[] boundaryOuts,
      int boundaryCount,
      int reach) {
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
   * A table that resolves a two-plane byte in one lookup: entry {@code hi << 8 | lo} is {@code lo}
   * where {@code hi} is 0, else byte {@code (hi - 1) << 8 | lo} of the window, the 32 KiB of {@code
   * output} before {@code end}.
   */
  static byte[] resolutionTable(byte[] output, int end) {
    byte[] table = new byte[256 + GzipDecoder.WSIZE];
    for (int b = 0; b < 256; b++) {
      table[b] = (byte) b;
    }
    System.arraycopy(output, end - GzipDecoder.WSIZE, table, 256, GzipDecoder.WSIZE);
    return table;
  }

  /**
   * Writes output bytes {@code [from, from+n)} to {@code dst[at..)}, replacing window references
   * through {@code table} (a {@link #resolutionTable} of the 32 KiB before the chunk's start).
   * Marked output is dense with references (about a quarter of its bytes on real layers), so eight
   * bytes without any are copied at once and the rest go through the table, unbranched.
   */
  void copyResolved(int from, int n, byte[] table, byte[] dst, int at) {
    int end = from + n;
    int i = from;
    int stop = Math.min(end, markedLength);
    while (i < stop) {
      if (i + 8 <= stop && (long) LE_LONG.get(hi, i) == 0) {
        LE_LONG.set(dst, at, (long) LE_LONG.get(lo, i));
        i += 8;
        at += 8;
      } else {
        dst[at++] = table[(hi[i] & 0xFF) << 8 | (lo[i] & 0xFF)];
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
