package dev.soci.ztoc.gzip;

import static dev.soci.ztoc.gzip.HuffmanTable.DISTANCE;
import static dev.soci.ztoc.gzip.HuffmanTable.DIST_ROOT_BITS;
import static dev.soci.ztoc.gzip.HuffmanTable.END_OF_BLOCK;
import static dev.soci.ztoc.gzip.HuffmanTable.LENGTH;
import static dev.soci.ztoc.gzip.HuffmanTable.LITERAL;
import static dev.soci.ztoc.gzip.HuffmanTable.LITLEN_ROOT_BITS;
import static dev.soci.ztoc.gzip.HuffmanTable.SUBTABLE;

import dev.soci.ztoc.GzipFormatException;
import dev.soci.ztoc.zinfo.Checkpoint;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes one stretch of a deflate stream without knowing what came before it, for {@link
 * SpeculativeDecoding}. It looks for the first position in {@code [nominalStart, nominalEnd)} where
 * a non-final dynamic-Huffman block header parses as a valid one, decodes from there with
 * references into the unknown window kept as markers, and switches to the plain {@link GzipDecoder}
 * once the last 32 KiB of output hold no marker. It stops at the first block boundary at or after
 * {@code nominalEnd}, before a final block, at an error, or when the output reaches its cap; what
 * it returns ends at the last block boundary it reached.
 *
 * <p>A guessed start can be wrong (a bit pattern that only looks like a block header); the caller
 * adopts a chunk only where sequential decoding reaches a block boundary at exactly its start bit,
 * and from a true boundary decoding is deterministic.
 */
final class SpeculativeInflater {
  private static final int WSIZE = Checkpoint.WINDOW_SIZE;
  private static final int PAD = 32;
  private static final int KIND_MASK = 7 << 5;

  /** Room after the last output position for 8-byte copies that overshoot. */
  private static final int SLACK = 16;

  /** The most output one step adds: a stored block of 65,535 bytes, or a match of 258. */
  private static final int MAX_STEP = 65_535;

  private static final VarHandle LE_LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final int[] CODELEN_ORDER = {
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15
  };

  /** Per worker thread: the compressed input of the current stretch, and marked output scratch. */
  private static final ThreadLocal<byte[][]> BUFFERS =
      ThreadLocal.withInitial(() -> new byte[3][0]);

  /** Told each block boundary a worker reaches; false when the stretch is no longer wanted. */
  interface Progress {
    boolean reached(long bit);
  }

  private final FileChannel channel;
  private final PagePool pages;
  private final Progress progress;
  private final long fileSize;

  /** The file offset of {@code data[0]}. */
  private final long base;

  private final long nominalEndBit;
  private final int maxOutput;
  private final byte[] data;
  private final int dataLength;
  private final long dataEndBit;

  private final int[] litTable = new int[HuffmanTable.LITLEN_TABLE_SIZE];
  private final int[] distTable = new int[HuffmanTable.DIST_TABLE_SIZE];
  private final int[] codeLenTable = new int[HuffmanTable.CODELEN_TABLE_SIZE];
  private final byte[] lengths = new byte[320];
  private final HuffmanTable.Scratch scratch = new HuffmanTable.Scratch();

  // Decoding state of one attempt.
  /**
   * Output so far in two planes: {@code hi[i] == 0} means byte {@code lo[i]}; otherwise byte {@code
   * (hi[i] - 1) << 8 | lo[i]} of the unknown window before the start (a marker).
   */
  private byte[] lo;

  private byte[] hi;
  private int p;
  private int lastMarker;
  private int minFrom;
  private long[] boundaryBits;
  private int[] boundaryOuts;
  private int boundaryCount;
  private List<byte[]> plain;
  private int plainLength;

  private SpeculativeInflater(
      FileChannel channel,
      PagePool pages,
      Progress progress,
      long fileSize,
      long base,
      long nominalEnd,
      int lookahead,
      int maxOutput)
      throws IOException {
    this.channel = channel;
    this.pages = pages;
    this.progress = progress;
    this.fileSize = fileSize;
    this.base = base;
    this.nominalEndBit = nominalEnd * 8;
    this.maxOutput = maxOutput;
    int n = (int) Math.min(fileSize - base, nominalEnd - base + lookahead);
    byte[][] buffers = BUFFERS.get();
    if (buffers[0].length < n + PAD) {
      buffers[0] = new byte[n + PAD];
    }
    this.data = buffers[0];
    readFully(channel, ByteBuffer.wrap(data, 0, n), base);
    Arrays.fill(data, n, n + PAD, (byte) 0);
    this.dataLength = n;
    this.dataEndBit = (long) n * 8;
  }

  /**
   * Decodes the stretch of {@code channel} that starts at the first block found in {@code
   * [nominalStart, nominalEnd)}; null when no candidate there decodes to a boundary.
   */
  static SpeculativeChunk search(
      FileChannel channel,
      PagePool pages,
      Progress progress,
      long fileSize,
      long nominalStart,
      long nominalEnd,
      int lookahead,
      int maxOutput)
      throws IOException {
    return new SpeculativeInflater(
            channel, pages, progress, fileSize, nominalStart, nominalEnd, lookahead, maxOutput)
        .search();
  }

  /**
   * Decodes from bit {@code startBit}, taken to be a block boundary, to the first boundary at or
   * after {@code nominalEnd}; null when not even one block decodes.
   */
  static SpeculativeChunk decodeAt(
      FileChannel channel,
      PagePool pages,
      Progress progress,
      long fileSize,
      long startBit,
      long nominalEnd,
      int lookahead,
      int maxOutput)
      throws IOException {
    long base = startBit >>> 3;
    SpeculativeInflater s =
        new SpeculativeInflater(
            channel,
            pages,
            progress,
            fileSize,
            base,
            Math.max(nominalEnd, base + 1),
            lookahead,
            maxOutput);
    return s.decodeFrom(startBit - base * 8);
  }

  private SpeculativeChunk search() throws IOException {
    long limit = nominalEndBit - base * 8;
    long bit = 0;
    while (bit < limit && progress.reached(base * 8 + bit)) {
      long candidate = findBlockStart(bit, limit);
      if (candidate < 0) {
        return null;
      }
      SpeculativeChunk c = decodeFrom(candidate);
      if (c != null) {
        return c;
      }
      bit = candidate + 1;
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------------
  // Finding a block start

  private long peek(long bit) {
    return (long) LE_LONG.get(data, (int) (bit >>> 3)) >>> (bit & 7);
  }

  /** The first bit position in [from, limit) where a non-final dynamic block header is valid. */
  private long findBlockStart(long from, long limit) {
    long end = Math.min(limit, dataEndBit - 17);
    for (long bit = from; bit < end; bit++) {
      long v = peek(bit);
      // BFINAL=0, BTYPE=10, at most 286 length and 30 distance codes.
      if ((v & 7) != DeflateBlock.DYNAMIC << 1 || ((v >>> 3) & 31) > 29 || ((v >>> 8) & 31) > 29) {
        continue;
      }
      if (bit + 3 + 14 + 57 > dataEndBit || !codeLengthCodeComplete(bit + 3)) {
        continue;
      }
      if (readDynamicTables(bit + 3) >= 0) {
        return bit;
      }
    }
    return -1;
  }

  /** The code-length code's lengths must form a complete prefix code (zlib rejects any other). */
  private boolean codeLengthCodeComplete(long bit) {
    int ncode = (int) ((peek(bit) >>> 10) & 15) + 4;
    int sum = 0;
    long at = bit + 14;
    for (int i = 0; i < ncode; i++, at += 3) {
      int len = (int) (peek(at) & 7);
      if (len != 0) {
        sum += 128 >>> len;
      }
    }
    return sum == 128;
  }

  /**
   * Parses the dynamic tables that start at {@code bit} (after the 3 header bits) into {@link
   * #litTable} and {@link #distTable}; the bit position after them, or -1 if invalid. {@code
   * GzipDecoder.readDynamicTables} does the same on its input stream with zlib's messages and
   * offsets; this one reads the array in place and only says yes or no, which is what the search
   * asks of many candidate positions.
   */
  private long readDynamicTables(long bit) {
    long v = peek(bit);
    int nlen = (int) (v & 31) + 257;
    int ndist = (int) ((v >>> 5) & 31) + 1;
    int ncode = (int) ((v >>> 10) & 15) + 4;
    if (nlen > 286 || ndist > 30) {
      return -1;
    }
    bit += 14;
    byte[] lens = lengths;
    Arrays.fill(lens, 0, 19, (byte) 0);
    for (int i = 0; i < ncode; i++, bit += 3) {
      lens[CODELEN_ORDER[i]] = (byte) (peek(bit) & 7);
    }
    if (HuffmanTable.build(
            HuffmanTable.Alphabet.CODELEN,
            lens,
            0,
            19,
            HuffmanTable.CODELEN_ROOT_BITS,
            codeLenTable,
            scratch)
        != null) {
      return -1;
    }
    int total = nlen + ndist;
    int have = 0;
    int mask = (1 << HuffmanTable.CODELEN_ROOT_BITS) - 1;
    while (have < total) {
      if (bit > dataEndBit) {
        return -1;
      }
      v = peek(bit);
      int e = codeLenTable[(int) v & mask];
      if (HuffmanTable.kind(e) != LITERAL) {
        return -1;
      }
      int n = HuffmanTable.bits(e);
      v >>>= n;
      bit += n;
      int sym = HuffmanTable.value(e);
      if (sym < 16) {
        lens[have++] = (byte) sym;
        continue;
      }
      int value;
      int repeat;
      if (sym == 16) {
        if (have == 0) {
          return -1;
        }
        value = lens[have - 1];
        repeat = 3 + (int) (v & 3);
        bit += 2;
      } else if (sym == 17) {
        value = 0;
        repeat = 3 + (int) (v & 7);
        bit += 3;
      } else {
        value = 0;
        repeat = 11 + (int) (v & 127);
        bit += 7;
      }
      if (have + repeat > total) {
        return -1;
      }
      Arrays.fill(lens, have, have + repeat, (byte) value);
      have += repeat;
    }
    if (lens[256] == 0
        || HuffmanTable.build(
                HuffmanTable.Alphabet.LITLEN, lens, 0, nlen, LITLEN_ROOT_BITS, litTable, scratch)
            != null
        || HuffmanTable.build(
                HuffmanTable.Alphabet.DIST, lens, nlen, ndist, DIST_ROOT_BITS, distTable, scratch)
            != null) {
      return -1;
    }
    return bit <= dataEndBit ? bit : -1;
  }

  // ---------------------------------------------------------------------------------------------
  // Decoding with markers

  private SpeculativeChunk decodeFrom(long start) throws IOException {
    byte[][] buffers = BUFFERS.get();
    if (buffers[1].length < (1 << 16) + SLACK) {
      buffers[1] = new byte[(1 << 16) + SLACK];
      buffers[2] = new byte[(1 << 16) + SLACK];
    }
    lo = buffers[1];
    hi = buffers[2];
    p = 0;
    lastMarker = -1;
    minFrom = 0;
    boundaryBits = new long[64];
    boundaryOuts = new int[64];
    boundaryCount = 0;
    plain = new ArrayList<>();
    plainLength = 0;
    long bit = start;
    try {
      for (; ; ) {
        if (bit + 3 > dataEndBit) {
          break;
        }
        int header = (int) (peek(bit) & 7);
        if (DeflateBlock.isFinal(header)) {
          break; // a final block: the sequential decoder handles member ends
        }
        long next;
        switch (DeflateBlock.type(header)) {
          case DeflateBlock.STORED:
            next = storedBlock(bit + DeflateBlock.HEADER_BITS);
            break;
          case DeflateBlock.FIXED:
            next =
                huffmanBlock(
                    bit + DeflateBlock.HEADER_BITS,
                    GzipDecoder.FIXED_LITLEN,
                    GzipDecoder.FIXED_DIST);
            break;
          case DeflateBlock.DYNAMIC:
            long tablesEnd = readDynamicTables(bit + DeflateBlock.HEADER_BITS);
            next = tablesEnd < 0 ? -1 : huffmanBlock(tablesEnd, litTable, distTable);
            break;
          default:
            next = -1;
        }
        if (next < 0 || next > dataEndBit) {
          break;
        }
        bit = next;
        addBoundary(base * 8 + bit, p);
        if (base * 8 + bit >= nominalEndBit
            || p >= maxOutput
            || !progress.reached(base * 8 + bit)) {
          break;
        }
        if (p - lastMarker > WSIZE) {
          decodePlain(bit);
          break;
        }
      }
    } catch (GzipFormatException e) {
      // Not a real start, or corrupt data: keep what ends at a boundary; the sequential decoder
      // will meet the same error and report it.
    }
    BUFFERS.get()[1] = lo; // keep the grown scratch for the next stretch
    BUFFERS.get()[2] = hi;
    if (boundaryCount == 0) {
      pages.give(plain);
      return null;
    }
    long absStart = base * 8 + start;
    int reach = minFrom < 0 ? -minFrom : 0;
    int markedLength = Math.min(p, boundaryOuts[boundaryCount - 1]);
    return new SpeculativeChunk(
        absStart,
        Arrays.copyOf(lo, markedLength),
        Arrays.copyOf(hi, markedLength),
        markedLength,
        plain.toArray(new byte[0][]),
        pages,
        boundaryBits,
        boundaryOuts,
        boundaryCount,
        reach);
  }

  private void addBoundary(long absBit, int outOffset) {
    if (boundaryCount == boundaryBits.length) {
      boundaryBits = Arrays.copyOf(boundaryBits, boundaryCount * 2);
      boundaryOuts = Arrays.copyOf(boundaryOuts, boundaryCount * 2);
    }
    boundaryBits[boundaryCount] = absBit;
    boundaryOuts[boundaryCount] = outOffset;
    boundaryCount++;
  }

  private int outputCap() {
    return maxOutput + MAX_STEP + SLACK;
  }

  /**
   * Makes room for {@code more} output bytes. Output is checked against the limit only at block
   * boundaries, and one block can be as long as its input allows (up to 1032 bytes per input byte),
   * so growth stops at the limit plus the largest single step: a block that goes past it ends the
   * stretch, and the sequential decoder, which streams, decodes that block.
   */
  private void ensureOut(int more) throws GzipFormatException {
    long needed = (long) p + more + SLACK;
    if (needed > outputCap()) {
      throw new GzipFormatException(
          base, "a block runs past the " + maxOutput + "-byte output limit of a stretch");
    }
    if (needed > lo.length) {
      int size = (int) Math.min(Math.max(lo.length * 2L, needed), outputCap());
      lo = Arrays.copyOf(lo, size);
      hi = Arrays.copyOf(hi, size);
    }
  }

  /** Copies a stored block; the bit position after it, or -1 when it is not valid here. */
  private long storedBlock(long bit) throws GzipFormatException {
    long aligned = (bit + 7) & ~7L;
    if (aligned + 32 > dataEndBit) {
      return -1;
    }
    long v = peek(aligned);
    int len = (int) (v & 0xFFFF);
    int nlen = (int) ((v >>> 16) & 0xFFFF);
    if (len != (~nlen & 0xFFFF)) {
      return -1;
    }
    int from = (int) (aligned >>> 3) + 4;
    if ((long) from + len > dataEndBit >>> 3) {
      return -1;
    }
    ensureOut(len);
    System.arraycopy(data, from, lo, p, len);
    Arrays.fill(hi, p, p + len, (byte) 0);
    p += len;
    return (long) (from + len) * 8;
  }

  /**
   * Decodes one Huffman block from {@code bit} into {@link #lo}/{@link #hi}, window references
   * becoming markers; the bit position after its end-of-block code. A plainer sibling of {@code
   * GzipDecoder.huffmanBlock}: this phase is short, so small code (quick to compile) wins over the
   * last bit of speed.
   */
  private long huffmanBlock(long bit, int[] lit, int[] dist) throws GzipFormatException {
    final byte[] d = data;
    final int litMask = (1 << LITLEN_ROOT_BITS) - 1;
    final int distMask = (1 << DIST_ROOT_BITS) - 1;
    final int dataEnd = (int) (dataEndBit >>> 3);
    int ip = (int) (bit >>> 3);
    long bb = 0;
    int bc = 0;
    int skip = (int) (bit & 7);
    byte[] l = lo;
    byte[] h = hi;
    int room =
        Math.min(l.length, outputCap()); // the scratch may be larger, from an earlier stretch
    int q = p;
    for (; ; ) {
      if (bc < 48) {
        if (ip >= dataEnd) {
          throw new GzipFormatException(base + ip, "speculative decoding ran out of data");
        }
        bb |= (long) LE_LONG.get(d, ip) << bc;
        ip += (63 - bc) >>> 3;
        bc |= 56;
        if (skip != 0) {
          bb >>>= skip;
          bc -= skip;
          skip = 0;
        }
      }
      if (q + 258 + SLACK > room) {
        p = q;
        ensureOut(258);
        l = lo;
        h = hi;
        room = Math.min(l.length, outputCap());
      }
      int e = lit[(int) bb & litMask];
      if ((e & KIND_MASK) == SUBTABLE << 5) {
        bb >>>= LITLEN_ROOT_BITS;
        bc -= LITLEN_ROOT_BITS;
        e = lit[(e >>> 16) + ((int) bb & ((1 << ((e >>> 8) & 31)) - 1))];
      }
      int n = e & 31;
      bb >>>= n;
      bc -= n;
      int kind = (e >>> 5) & 7;
      if (kind == LITERAL) {
        l[q] = (byte) (e >>> 16);
        h[q++] = 0;
        continue;
      }
      if (kind != LENGTH) {
        p = q;
        if (kind == END_OF_BLOCK) {
          return (long) ip * 8 - bc;
        }
        throw new GzipFormatException(base + ip, "invalid literal/length code");
      }
      int extra = (e >>> 8) & 31;
      int len = (e >>> 16) + ((int) bb & ((1 << extra) - 1));
      bb >>>= extra;
      bc -= extra;
      int de = dist[(int) bb & distMask];
      if ((de & KIND_MASK) == SUBTABLE << 5) {
        bb >>>= DIST_ROOT_BITS;
        bc -= DIST_ROOT_BITS;
        de = dist[(de >>> 16) + ((int) bb & ((1 << ((de >>> 8) & 31)) - 1))];
      }
      n = de & 31;
      bb >>>= n;
      bc -= n;
      if ((de & KIND_MASK) != DISTANCE << 5) {
        throw new GzipFormatException(base + ip, "invalid distance code");
      }
      extra = (de >>> 8) & 31;
      int distance = (de >>> 16) + ((int) bb & ((1 << extra) - 1));
      bb >>>= extra;
      bc -= extra;
      int from = q - distance;
      if (from < 0) {
        if (from < -WSIZE) {
          throw new GzipFormatException(base + ip, "invalid distance too far back");
        }
        minFrom = Math.min(minFrom, from);
        copyFromWindow(l, h, from, q, len);
        lastMarker = q + len - 1;
      } else if (copyMarked(l, h, from, q, len)) {
        lastMarker = q + len - 1; // may count bytes copied past len: only ever too careful
      }
      q += len;
    }
  }

  /** A match reaching into the unknown window: markers for the window part, copies after it. */
  private static void copyFromWindow(byte[] l, byte[] h, int from, int to, int len) {
    for (int i = 0; i < len; i++) {
      int k = from + i;
      if (k < 0) {
        l[to + i] = (byte) (WSIZE + k);
        h[to + i] = (byte) (((WSIZE + k) >>> 8) + 1);
      } else {
        l[to + i] = l[k];
        h[to + i] = h[k];
      }
    }
  }

  /**
   * A match within the output, both planes; whether it (or up to 7 bytes past it) holds a marker.
   * Loops live in small methods so that the JIT does not recompile the decode loop for each of
   * them.
   */
  private static boolean copyMarked(byte[] l, byte[] h, int from, int to, int len) {
    if (to - from >= 8) {
      // Reads stay at least 8 bytes behind writes, so overlapping copies are correct.
      long marks = 0;
      int i = 0;
      do {
        LE_LONG.set(l, to + i, (long) LE_LONG.get(l, from + i));
        long m = (long) LE_LONG.get(h, from + i);
        LE_LONG.set(h, to + i, m);
        marks |= m;
        i += 8;
      } while (i < len);
      return marks != 0;
    }
    int marks = 0;
    for (int i = 0; i < len; i++) {
      l[to + i] = l[from + i];
      byte m = h[from + i];
      h[to + i] = m;
      marks |= m;
    }
    return marks != 0;
  }

  // ---------------------------------------------------------------------------------------------
  // Plain decoding once no marker is in reach

  private void decodePlain(long bit) throws IOException {
    byte[] window = Arrays.copyOfRange(lo, p - WSIZE, p);
    long absBit = base * 8 + bit;
    long in = (absBit + 7) >>> 3;
    Checkpoint at = new Checkpoint(in, p, (int) (in * 8 - absBit), window);
    int from = (int) (at.startCompressedOffset() - base);
    InputStream input =
        new ChannelInputStream(data, from, dataLength, channel, base + dataLength, fileSize);
    GzipDecoder decoder = GzipDecoder.resumeAt(input, at);
    int markedLength = p;
    decoder.decode(
        new GzipListener() {
          @Override
          public void onData(byte[] buf, int off, int len) {
            while (len > 0) {
              int inPage = plainLength & (PagePool.PAGE_SIZE - 1);
              if (inPage == 0) {
                plain.add(pages.take());
              }
              int n = Math.min(len, PagePool.PAGE_SIZE - inPage);
              System.arraycopy(buf, off, plain.get(plain.size() - 1), inPage, n);
              plainLength += n;
              off += n;
              len -= n;
            }
            if (markedLength + plainLength >= maxOutput) {
              decoder.stop();
            }
          }

          @Override
          public void onBoundary(BlockBoundary b) {
            long boundaryBit = b.in() * 8 - b.bits();
            addBoundary(boundaryBit, (int) b.out());
            if (boundaryBit >= nominalEndBit || !progress.reached(boundaryBit)) {
              decoder.stop();
            }
          }

          @Override
          public void onMemberEnd(long in, long out) {
            decoder.stop(); // the final block's output is not kept: it ends at no boundary
          }
        });
  }

  private static void readFully(FileChannel channel, ByteBuffer buf, long position)
      throws IOException {
    while (buf.hasRemaining()) {
      int n = channel.read(buf, position);
      if (n < 0) {
        throw new java.io.EOFException("the layer ended at " + position + " while reading ahead");
      }
      position += n;
    }
  }

  /**
   * Reads {@code array[from, arrayEnd)} and then the file from {@code position} with positional
   * reads (leaving the channel's position alone), up to {@code end}.
   */
  private static final class ChannelInputStream extends InputStream {
    private final byte[] array;
    private final int arrayEnd;
    private final FileChannel channel;
    private final long end;
    private int arrayPos;
    private long position;

    ChannelInputStream(
        byte[] array, int from, int arrayEnd, FileChannel channel, long position, long end) {
      this.array = array;
      this.arrayPos = from;
      this.arrayEnd = arrayEnd;
      this.channel = channel;
      this.position = position;
      this.end = end;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (arrayPos < arrayEnd) {
        int n = Math.min(len, arrayEnd - arrayPos);
        System.arraycopy(array, arrayPos, b, off, n);
        arrayPos += n;
        return n;
      }
      if (position >= end) {
        return -1;
      }
      int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, end - position)), position);
      if (n > 0) {
        position += n;
      }
      return n;
    }
  }
}
