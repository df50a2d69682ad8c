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
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * A pure-Java gzip (RFC 1952) and deflate (RFC 1951) decoder that reports every place where
 * decoding can be resumed: after each member header and after each non-final deflate block, with
 * the compressed offset, the leftover bits and the 32 KiB window.
 *
 * <p>It decodes all members of a multi-member stream (empty members included), checks every header
 * field zlib checks (magic, method, reserved flags, FHCRC), each member's CRC-32 and ISIZE, and
 * rejects corrupt data and trailing garbage with a {@link GzipFormatException} that names the
 * compressed offset. The decode loop allocates nothing.
 *
 * <p>A decoder is single-use and not thread-safe: create one per stream, call {@link
 * #decode(GzipListener)} once.
 */
public final class GzipDecoder {
  static final int WSIZE = Checkpoint.WINDOW_SIZE;
  private static final int OUT_CHUNK = 1 << 18;
  private static final int WIN_LIMIT = WSIZE + OUT_CHUNK;

  /** How far ahead of its position the decoder reads its input, at most. */
  public static final int INPUT_BUFFER_SIZE = 1 << 16;

  private static final int IN_SIZE = INPUT_BUFFER_SIZE;
  private static final int PAD = 8;
  private static final int KIND_MASK = 7 << 5;
  private static final VarHandle LE_LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  static final int[] FIXED_LITLEN = new int[HuffmanTable.LITLEN_TABLE_SIZE];
  static final int[] FIXED_DIST = new int[HuffmanTable.DIST_TABLE_SIZE];
  private static final int[] CODELEN_ORDER = {
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15
  };

  static {
    byte[] lens = new byte[320];
    Arrays.fill(lens, 0, 144, (byte) 8);
    Arrays.fill(lens, 144, 256, (byte) 9);
    Arrays.fill(lens, 256, 280, (byte) 7);
    Arrays.fill(lens, 280, 288, (byte) 8);
    HuffmanTable.Scratch s = new HuffmanTable.Scratch();
    HuffmanTable.build(
        HuffmanTable.Alphabet.LITLEN, lens, 0, 288, LITLEN_ROOT_BITS, FIXED_LITLEN, s);
    Arrays.fill(lens, 0, 32, (byte) 5);
    HuffmanTable.build(HuffmanTable.Alphabet.DIST, lens, 0, 32, DIST_ROOT_BITS, FIXED_DIST, s);
  }

  private final InputStream source;
  private final byte[] inBuf = new byte[IN_SIZE + PAD];
  private int inPos;
  private int inEnd;
  private long inBase;
  private boolean eof;
  private long realEnd = Long.MAX_VALUE;
  private long bitBuf;
  private int bitCnt;

  private final byte[] win = new byte[WIN_LIMIT + 512];
  private int pos = WSIZE;
  private int flushed = WSIZE;
  private long outBase = -WSIZE;
  private int memberStart = WSIZE;
  private long memberOutStart;
  private boolean checkTrailer = true;
  private boolean resumed;
  private int flushAt = WIN_LIMIT;
  private long outLimit = Long.MAX_VALUE;
  private boolean stopped;
  private boolean used;

  private final CRC32 crc = new CRC32();
  private final int[] litTable = new int[HuffmanTable.LITLEN_TABLE_SIZE];
  private final int[] distTable = new int[HuffmanTable.DIST_TABLE_SIZE];
  private final int[] codeLenTable = new int[HuffmanTable.CODELEN_TABLE_SIZE];
  private final byte[] lengths = new byte[320];
  private final HuffmanTable.Scratch scratch = new HuffmanTable.Scratch();
  private final BlockBoundary boundary = new BlockBoundary(this);
  private GzipListener listener;
  private SpeculativeDecoding speculation;

  /** Creates a decoder for a gzip stream that starts at the first byte of {@code source}. */
  public GzipDecoder(InputStream source) {
    this.source = source;
  }

  /**
   * Creates a decoder that resumes at a checkpoint. {@code source} must be positioned at {@link
   * Checkpoint#startCompressedOffset()} of the stream. The member the checkpoint lies in is decoded
   * to its end without a CRC check (its start is not seen); later members are checked in full.
   * Reported offsets are absolute, as in the whole stream.
   */
  public static GzipDecoder resumeAt(InputStream source, Checkpoint checkpoint) throws IOException {
    GzipDecoder d = new GzipDecoder(source);
    d.resumed = true;
    d.checkTrailer = false;
    d.inBase = checkpoint.startCompressedOffset();
    System.arraycopy(checkpoint.window(), 0, d.win, 0, WSIZE);
    d.outBase = checkpoint.out() - WSIZE;
    d.memberStart = 0;
    d.memberOutStart = checkpoint.out();
    if (checkpoint.bits() != 0) {
      int b = d.readByte("the partial byte of the checkpoint");
      d.bitBuf = b >>> (8 - checkpoint.bits());
      d.bitCnt = checkpoint.bits();
    }
    return d;
  }

  /**
   * Makes {@link #decode} return once at least {@code totalOut} uncompressed bytes (counted from
   * the start of the stream) have been delivered. It may deliver somewhat more.
   */
  public GzipDecoder outputLimit(long totalOut) {
    this.outLimit = totalOut;
    return this;
  }

  /**
   * Lets worker threads decode later parts of the stream ahead (see {@link SpeculativeDecoding});
   * what this decoder reports does not change. Only for a decoder that starts at the beginning of
   * the stream that {@code speculation} reads, before {@link #decode}.
   */
  public GzipDecoder speculate(SpeculativeDecoding speculation) {
    if (resumed || used) {
      throw new IllegalStateException(
          "speculative decoding needs a fresh decoder at the start of the stream");
    }
    this.speculation = speculation;
    return this;
  }

  /** Asks {@link #decode} to return after the current callback. The decoder cannot continue. */
  public void stop() {
    stopped = true;
  }

  /** Total uncompressed bytes produced so far (absolute, from the start of the stream). */
  public long uncompressedPosition() {
    return outBase + pos;
  }

  /** Compressed offset of the next unconsumed whole byte. */
  public long compressedPosition() {
    return (bitPosition() + 7) >>> 3;
  }

  /**
   * Decodes to the end of the input (or until {@link #stop()} or the output limit), passing data
   * and boundaries to {@code l}.
   */
  public void decode(GzipListener l) throws IOException {
    if (used) {
      throw new IllegalStateException("a GzipDecoder decodes once");
    }
    used = true;
    listener = l;
    computeFlushAt();
    if (!resumed && !readMemberHeader(true)) {
      return;
    }
    while (!stopped) {
      if (!decodeBlocks()) {
        return;
      }
      finishMember();
      if (stopped || !readMemberHeader(false)) {
        return;
      }
    }
  }

  void copyWindow(byte[] dst, int off) {
    System.arraycopy(win, pos - WSIZE, dst, off, WSIZE);
  }

  private long bitPosition() {
    return (inBase + inPos) * 8 - bitCnt;
  }

  // ---------------------------------------------------------------------------------------------
  // Members

  private boolean readMemberHeader(boolean first) throws IOException {
    long start = inBase + inPos;
    int id1 = readByteOrEnd();
    if (id1 < 0) {
      if (first) {
        throw new GzipFormatException(start, "empty input: no gzip header");
      }
      return false;
    }
    GzipHeader.Parser header =
        new GzipHeader.Parser(
            start,
            first
                ? "not a gzip stream: incorrect header check"
                : "trailing garbage after the last gzip member: incorrect header check");
    int b = id1;
    while (!header.feed(b)) {
      b = readByte(header.expecting());
    }
    crc.reset();
    memberStart = pos;
    memberOutStart = outBase + pos;
    checkTrailer = true;
    flush();
    boundary.set(BlockBoundary.Kind.MEMBER_START, inBase + inPos, outBase + pos, 0);
    listener.onBoundary(boundary);
    return true;
  }

  private void finishMember() throws IOException {
    alignAndRewind();
    flush();
    long at = inBase + inPos;
    long storedCrc = 0;
    long storedSize = 0;
    for (int i = 0; i < 4; i++) {
      storedCrc |= (long) readByte("the gzip trailer") << (8 * i);
    }
    for (int i = 0; i < 4; i++) {
      storedSize |= (long) readByte("the gzip trailer") << (8 * i);
    }
    if (checkTrailer) {
      if (storedCrc != crc.getValue()) {
        throw new GzipFormatException(
            at,
            "incorrect data check (CRC-32 stored "
                + hex(storedCrc)
                + ", computed "
                + hex(crc.getValue())
                + ")");
      }
      long size = (outBase + pos - memberOutStart) & 0xFFFF_FFFFL;
      if (storedSize != size) {
        throw new GzipFormatException(
            at + 4,
            "incorrect length check (ISIZE stored " + storedSize + ", decoded " + size + ")");
      }
    }
    listener.onMemberEnd(inBase + inPos, outBase + pos);
  }

  /**
   * Past the end of its input the decoder reads zero bits; a block that ran into them is a
   * truncated stream, whatever invalid code or length the zeros made. Reported as such, at the
   * input's end (the error the zeros caused is the cause).
   */
  private GzipFormatException truncatedOr(GzipFormatException e) {
    if (!eof || bitPosition() <= realEnd * 8) {
      return e;
    }
    GzipFormatException t = new GzipFormatException(realEnd, "unexpected end of compressed data");
    t.initCause(e);
    return t;
  }

  private static String hex(long v) {
    return String.format("%08x", v);
  }

  // ---------------------------------------------------------------------------------------------
  // Blocks

  /** Decodes blocks to the end of the member: true at the final block, false when stopped. */
  private boolean decodeBlocks() throws IOException {
    for (; ; ) {
      if (speculation != null && !adoptSpeculativeChunks()) {
        return false;
      }
      long blockStart = bitPosition();
      int header = (int) needBits(DeflateBlock.HEADER_BITS);
      dropBits(DeflateBlock.HEADER_BITS);
      boolean last = DeflateBlock.isFinal(header);
      try {
        switch (DeflateBlock.type(header)) {
          case DeflateBlock.STORED:
            if (!storedBlock()) {
              return false;
            }
            break;
          case DeflateBlock.FIXED:
            if (!huffmanBlock(FIXED_LITLEN, FIXED_DIST)) {
              return false;
            }
            break;
          case DeflateBlock.DYNAMIC:
            readDynamicTables();
            if (!huffmanBlock(litTable, distTable)) {
              return false;
            }
            break;
          default:
            throw new GzipFormatException(blockStart >>> 3, "invalid block type");
        }
      } catch (GzipFormatException e) {
        throw truncatedOr(e);
      }
      long end = bitPosition();
      if (eof && end > realEnd * 8) {
        throw new GzipFormatException(realEnd, "unexpected end of compressed data");
      }
      if (last) {
        return true;
      }
      flush();
      if (stopped) {
        return false;
      }
      long in = (end + 7) >>> 3;
      boundary.set(BlockBoundary.Kind.BLOCK_END, in, outBase + pos, (int) (in * 8 - end));
      listener.onBoundary(boundary);
      if (stopped) {
        return false;
      }
    }
  }

  /**
   * Splices in the chunks that workers decoded from exactly this block boundary on; false when
   * stopped. A chunk whose output refers to bytes before the current member is left alone:
   * sequential decoding reports that error.
   */
  private boolean adoptSpeculativeChunks() throws IOException {
    for (; ; ) {
      SpeculativeChunk c = speculation.chunkAt(bitPosition());
      if (c == null || c.reach > outBase + pos - memberOutStart) {
        return true;
      }
      if (!splice(c)) {
        return false;
      }
    }
  }

  private boolean splice(SpeculativeChunk c) throws IOException {
    byte[] resolution = SpeculativeChunk.resolutionTable(win, pos);
    int done = 0;
    for (int k = 0; k < c.boundaryCount; k++) {
      int end = c.boundaryOuts[k];
      while (done < end) {
        if (pos >= WIN_LIMIT) {
          flush();
        }
        int n = Math.min(end - done, WIN_LIMIT - pos);
        c.copyResolved(done, n, resolution, win, pos);
        pos += n;
        done += n;
      }
      flush();
      if (stopped) {
        return false;
      }
      long bit = c.boundaryBits[k];
      long in = (bit + 7) >>> 3;
      boundary.set(BlockBoundary.Kind.BLOCK_END, in, outBase + pos, (int) (in * 8 - bit));
      listener.onBoundary(boundary);
      if (stopped) {
        return false;
      }
    }
    c.release();
    seekToBit(c.endBit());
    return true;
  }

  /**
   * Moves the input forward to bit position {@code target}, reading (not decoding) what lies
   * between.
   */
  private void seekToBit(long target) throws IOException {
    long targetByte = target >>> 3;
    bitBuf = 0;
    bitCnt = 0;
    while (targetByte > inBase + inEnd) {
      inPos = inEnd;
      fillInput();
    }
    inPos = (int) (targetByte - inBase);
    int skip = (int) (target & 7);
    if (skip != 0) {
      bitBuf = readByte("the compressed data") >>> skip;
      bitCnt = 8 - skip;
    }
  }

  private boolean storedBlock() throws IOException {
    dropBits(bitCnt & 7);
    long at = bitPosition() >>> 3;
    int len = (int) needBits(16);
    dropBits(16);
    int nlen = (int) needBits(16);
    dropBits(16);
    if (len != (~nlen & 0xFFFF)) {
      throw new GzipFormatException(at, "invalid stored block lengths");
    }
    alignAndRewind();
    int remaining = len;
    while (remaining > 0) {
      if (inPos >= inEnd) {
        fillInput();
      }
      int available = (int) Math.min(inEnd, realEnd - inBase) - inPos;
      if (available <= 0) {
        throw new GzipFormatException(
            inBase + inPos, "unexpected end of compressed data in a stored block");
      }
      if (pos >= WIN_LIMIT) {
        flush();
      }
      int n = Math.min(Math.min(remaining, available), WIN_LIMIT - pos);
      System.arraycopy(inBuf, inPos, win, pos, n);
      inPos += n;
      pos += n;
      remaining -= n;
      if (pos >= flushAt) {
        flush();
        if (stopped) {
          return false;
        }
      }
    }
    return true;
  }

  private void readDynamicTables() throws IOException {
    long at = bitPosition() >>> 3;
    int header = (int) needBits(14);
    dropBits(14);
    int nlen = (header & 31) + 257;
    int ndist = ((header >>> 5) & 31) + 1;
    int ncode = ((header >>> 10) & 15) + 4;
    if (nlen > 286 || ndist > 30) {
      throw new GzipFormatException(at, "too many length or distance symbols");
    }
    byte[] lens = lengths;
    readCodeLengthCode(ncode);
    if (HuffmanTable.build(
            HuffmanTable.Alphabet.CODELEN,
            lens,
            0,
            19,
            HuffmanTable.CODELEN_ROOT_BITS,
            codeLenTable,
            scratch)
        != null) {
      throw new GzipFormatException(at, "invalid code lengths set");
    }
    readCodeLengths(nlen + ndist);
    if (lens[256] == 0) {
      throw new GzipFormatException(at, "invalid code -- missing end-of-block");
    }
    if (HuffmanTable.build(
            HuffmanTable.Alphabet.LITLEN, lens, 0, nlen, LITLEN_ROOT_BITS, litTable, scratch)
        != null) {
      throw new GzipFormatException(at, "invalid literal/lengths set");
    }
    if (HuffmanTable.build(
            HuffmanTable.Alphabet.DIST, lens, nlen, ndist, DIST_ROOT_BITS, distTable, scratch)
        != null) {
      throw new GzipFormatException(at, "invalid distances set");
    }
  }

  private void readCodeLengthCode(int ncode) throws IOException {
    Arrays.fill(lengths, 0, 19, (byte) 0);
    for (int i = 0; i < ncode; i++) {
      lengths[CODELEN_ORDER[i]] = (byte) needBits(3);
      dropBits(3);
    }
  }

  /** Reads {@code total} literal/length and distance code lengths with the code-length code. */
  private void readCodeLengths(int total) throws IOException {
    byte[] lens = lengths;
    int have = 0;
    int mask = (1 << HuffmanTable.CODELEN_ROOT_BITS) - 1;
    while (have < total) {
      int e = codeLenTable[(int) needBits(HuffmanTable.CODELEN_ROOT_BITS) & mask];
      if (HuffmanTable.kind(e) != LITERAL) {
        throw new GzipFormatException(bitPosition() >>> 3, "invalid code lengths set");
      }
      dropBits(HuffmanTable.bits(e));
      int sym = HuffmanTable.value(e);
      if (sym < 16) {
        lens[have++] = (byte) sym;
        continue;
      }
      int value;
      int repeat;
      if (sym == 16) {
        if (have == 0) {
          throw new GzipFormatException(bitPosition() >>> 3, "invalid bit length repeat");
        }
        value = lens[have - 1];
        repeat = 3 + (int) needBits(2);
        dropBits(2);
      } else if (sym == 17) {
        value = 0;
        repeat = 3 + (int) needBits(3);
        dropBits(3);
      } else {
        value = 0;
        repeat = 11 + (int) needBits(7);
        dropBits(7);
      }
      if (have + repeat > total) {
        throw new GzipFormatException(bitPosition() >>> 3, "invalid bit length repeat");
      }
      Arrays.fill(lens, have, have + repeat, (byte) value);
      have += repeat;
    }
  }

  /**
   * The inner loop: literals and matches until end-of-block. False when stopped.
   *
   * <p>After a refill the bit buffer holds at least 48 bits: enough for a literal/length code, its
   * extra bits, a distance code and its extra bits, or for three literals (the first up to 15 bits,
   * two more that fit the 10-bit root table). Bits above the count are either zero or the stream's
   * next bits (refills OR the same bytes into the same places), so up to three short literal codes
   * can be decoded per refill. Matches are copied eight bytes at a time when the distance allows;
   * the window has slack for the overshoot.
   */
  private boolean huffmanBlock(int[] lit, int[] dist) throws IOException {
    final byte[] w = win;
    final byte[] in = inBuf;
    final int litMask = (1 << LITLEN_ROOT_BITS) - 1;
    final int distMask = (1 << DIST_ROOT_BITS) - 1;
    long bb = bitBuf;
    int bc = bitCnt;
    int p = pos;
    int fa = flushAt;
    int ms = memberStart;
    for (; ; ) {
      if (p >= fa) {
        bitBuf = bb;
        bitCnt = bc;
        pos = p;
        flush();
        if (stopped) {
          return false;
        }
        p = pos;
        fa = flushAt;
        ms = memberStart;
      }
      if (bc < 48) {
        int ip = inPos;
        if (ip + 8 <= inEnd) {
          bb |= (long) LE_LONG.get(in, ip) << bc;
          inPos = ip + ((63 - bc) >>> 3);
          bc |= 56;
        } else {
          bitBuf = bb;
          bitCnt = bc;
          refillSlow();
          bb = bitBuf;
          bc = bitCnt;
        }
      }
      int e = lit[(int) bb & litMask];
      if ((e & KIND_MASK) == SUBTABLE << 5) {
        bb >>>= LITLEN_ROOT_BITS;
        bc -= LITLEN_ROOT_BITS;
        e = lit[(e >>> 16) + ((int) bb & ((1 << ((e >>> 8) & 31)) - 1))];
      }
      if ((e & KIND_MASK) == 0) {
        // A literal; up to two more whose codes fit the root table follow without a refill.
        int n = e & 31;
        bb >>>= n;
        bc -= n;
        w[p++] = (byte) (e >>> 16);
        e = lit[(int) bb & litMask];
        if ((e & KIND_MASK) != 0) {
          continue;
        }
        n = e & 31;
        bb >>>= n;
        bc -= n;
        w[p++] = (byte) (e >>> 16);
        e = lit[(int) bb & litMask];
        if ((e & KIND_MASK) != 0) {
          continue;
        }
        n = e & 31;
        bb >>>= n;
        bc -= n;
        w[p++] = (byte) (e >>> 16);
        continue;
      }
      int n = e & 31;
      bb >>>= n;
      bc -= n;
      int kind = (e >>> 5) & 7;
      if (kind == LENGTH) {
        int extra = (e >>> 8) & 31;
        int len = (e >>> 16) + ((int) bb & ((1 << extra) - 1));
        bb >>>= extra;
        bc -= extra;
        int d = dist[(int) bb & distMask];
        if ((d & KIND_MASK) == SUBTABLE << 5) {
          bb >>>= DIST_ROOT_BITS;
          bc -= DIST_ROOT_BITS;
          d = dist[(d >>> 16) + ((int) bb & ((1 << ((d >>> 8) & 31)) - 1))];
        }
        n = d & 31;
        bb >>>= n;
        bc -= n;
        if ((d & KIND_MASK) != DISTANCE << 5) {
          bitBuf = bb;
          bitCnt = bc;
          throw new GzipFormatException(bitPosition() >>> 3, "invalid distance code");
        }
        extra = (d >>> 8) & 31;
        int distance = (d >>> 16) + ((int) bb & ((1 << extra) - 1));
        bb >>>= extra;
        bc -= extra;
        if (distance > p - ms) {
          bitBuf = bb;
          bitCnt = bc;
          throw new GzipFormatException(bitPosition() >>> 3, "invalid distance too far back");
        }
        copyMatch(w, p - distance, p, len);
        p += len;
        continue;
      }
      bitBuf = bb;
      bitCnt = bc;
      pos = p;
      if (kind == END_OF_BLOCK) {
        return true;
      }
      throw new GzipFormatException(bitPosition() >>> 3, "invalid literal/length code");
    }
  }

  /**
   * Copies a match of {@code len} bytes from {@code from} to {@code to} (overlapping when the
   * distance is below the length), writing up to 13 bytes past its end. A method of its own so that
   * its loops do not make the JIT compile the decode loop once more for each of them.
   *
   * <p>Most matches are at most 16 bytes long: two 8-byte copies without a loop cover them, so the
   * loop's exit branch, which mispredicts on mixed lengths, is taken only for longer ones.
   */
  static void copyMatch(byte[] w, int from, int to, int len) {
    int distance = to - from;
    if (distance >= 8) {
      // Reads stay at least 8 bytes behind writes, so overlapping copies are correct.
      LE_LONG.set(w, to, (long) LE_LONG.get(w, from));
      LE_LONG.set(w, to + 8, (long) LE_LONG.get(w, from + 8));
      if (len > 16) {
        int i = 16;
        do {
          LE_LONG.set(w, to + i, (long) LE_LONG.get(w, from + i));
          i += 8;
        } while (i < len);
      }
    } else if (distance == 1) {
      Arrays.fill(w, to, to + len, w[from]);
    } else {
      for (int i = 0; i < len; i++) {
        w[to + i] = w[from + i];
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Output

  private void flush() throws IOException {
    if (pos > flushed) {
      if (checkTrailer) { // a member resumed in the middle has no CRC to check
        crc.update(win, flushed, pos - flushed);
      }
      listener.onData(win, flushed, pos - flushed);
      flushed = pos;
    }
    if (pos >= WIN_LIMIT) {
      int delta = pos - WSIZE;
      System.arraycopy(win, delta, win, 0, WSIZE);
      pos = WSIZE;
      flushed = WSIZE;
      outBase += delta;
      memberStart = Math.max(memberStart - delta, -WSIZE);
    }
    if (outBase + pos >= outLimit) {
      stopped = true;
    }
    computeFlushAt();
  }

  private void computeFlushAt() {
    long untilLimit = outLimit - (outBase + pos);
    flushAt = (int) Math.max(pos + 1, Math.min(WIN_LIMIT, pos + Math.max(untilLimit, 0)));
  }

  // ---------------------------------------------------------------------------------------------
  // Input

  private long needBits(int n) throws IOException {
    if (bitCnt < n) {
      refillSlow();
    }
    return bitBuf & ((1L << n) - 1);
  }

  private void dropBits(int n) {
    bitBuf >>>= n;
    bitCnt -= n;
  }

  /** Loads bytes into the bit buffer until it holds at least 56 bits. */
  private void refillSlow() throws IOException {
    while (bitCnt <= 56) {
      if (inPos >= inEnd) {
        if (eof) {
          throw new GzipFormatException(realEnd, "unexpected end of compressed data");
        }
        fillInput();
        continue;
      }
      bitBuf |= (long) (inBuf[inPos++] & 0xFF) << bitCnt;
      bitCnt += 8;
    }
  }

  /**
   * Puts the whole bytes left in the bit buffer back into the input, after dropping partial bits.
   */
  private void alignAndRewind() {
    dropBits(bitCnt & 7);
    inPos -= bitCnt >>> 3;
    bitBuf = 0;
    bitCnt = 0;
  }

  /**
   * Reads more input. Keeps the 8 bytes before {@code inPos} (the bit buffer may be rewound into
   * them). At the end of the source, appends zero bytes the bit buffer may look ahead into;
   * consuming them is detected as truncation.
   */
  private void fillInput() throws IOException {
    if (eof) {
      throw new GzipFormatException(realEnd, "unexpected end of compressed data");
    }
    int keep = Math.min(8, inPos);
    int drop = inPos - keep;
    if (drop > 0) {
      System.arraycopy(inBuf, drop, inBuf, 0, inEnd - drop);
      inBase += drop;
      inEnd -= drop;
      inPos = keep;
    }
    while (inEnd < IN_SIZE) {
      int n = source.read(inBuf, inEnd, IN_SIZE - inEnd);
      if (n < 0) {
        eof = true;
        realEnd = inBase + inEnd;
        Arrays.fill(inBuf, inEnd, inEnd + PAD, (byte) 0);
        inEnd += PAD;
        return;
      }
      if (n > 0) {
        inEnd += n;
        return;
      }
    }
  }

  private int readByteOrEnd() throws IOException {
    if (inPos >= inEnd && !eof) {
      fillInput();
    }
    if (inBase + inPos >= realEnd || inPos >= inEnd) {
      return -1;
    }
    return inBuf[inPos++] & 0xFF;
  }

  private int readByte(String what) throws IOException {
    int b = readByteOrEnd();
    if (b < 0) {
      throw new GzipFormatException(inBase + inPos, "unexpected end of compressed data in " + what);
    }
    return b;
  }
}
