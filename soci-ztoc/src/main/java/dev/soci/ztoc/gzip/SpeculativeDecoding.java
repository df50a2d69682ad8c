package dev.soci.ztoc.gzip;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Decodes a gzip file on several cores for a {@link GzipDecoder}: worker threads decode the file's
 * later stretches ahead of time and the decoder splices a stretch into its output when it reaches a
 * block boundary at exactly the stretch's start.
 *
 * <p>The file is cut into stretches of {@link #STRETCH_SIZE} compressed bytes. A worker decodes
 * stretch <i>i</i> from the first place in it that parses as a deflate block header, without the
 * window before it (references into it are kept as markers), up to the first block boundary at or
 * after the start of stretch <i>i+1</i>. Such a guess can be wrong; so once stretch <i>i</i> is
 * settled, stretch <i>i+1</i> must start exactly where <i>i</i> ended, and a worker decodes it
 * again from there if it does not.
 *
 * <p>Everything the decoder reports stays as if it had decoded alone: it only splices a stretch
 * that starts at the block boundary it has reached, and from a real boundary decoding is
 * deterministic (the markers are filled in from the decoder's window). What does not line up is
 * decoded sequentially, so corrupt data fails with the sequential decoder's exception and offset.
 * Memory is bounded: at most {@code workers + 1} stretches are held, each at most {@link
 * #MAX_STRETCH_OUTPUT} bytes of output plus its compressed input.
 *
 * <p>The decoder decodes every {@code (workers + 1)}-th stretch itself (it knows the window, so it
 * needs no markers), and the workers the others. Two things keep a fresh JVM from losing time:
 * workers start only once the decoder runs at compiled speed (until then they would only slow the
 * JIT compiler down), and when the decoder reaches a stretch whose worker is not half-way through,
 * it decodes that stretch itself instead of waiting.
 *
 * <p>Create one per decode, pass it to {@link GzipDecoder#speculate}, and close it afterwards.
 */
public final class SpeculativeDecoding implements AutoCloseable {
  /** Compressed bytes per stretch. */
  public static final int STRETCH_SIZE = 4 << 20;

  /** The most uncompressed bytes a worker produces for one stretch. */
  public static final int MAX_STRETCH_OUTPUT = 16 << 20;

  private static final int LOOKAHEAD = 1 << 20;
  private static final long PROBE_BITS = (2L << 20) * 8;

  /** 2 MiB in 32 ms: 64 MB/s, well above interpreted or C1 code, well below the JIT's best. */
  private static final long PROBE_MAX_NANOS = 32_000_000L;

  private static final System.Logger LOG = System.getLogger(SpeculativeDecoding.class.getName());

  private final FileChannel channel;
  private final long size;
  private final int stretchSize;

  /**
   * Worker threads + 1: how many stretches are held at most, and the decoder's share (it decodes
   * every stretch whose index is a multiple of this).
   */
  private final int share;

  private final long stretchCount;
  private final ExecutorService pool;
  private final PagePool pages = new PagePool();

  /** Stretches submitted and not yet passed by the decoder, in order; guarded by {@code this}. */
  private final ArrayDeque<Stretch> pending = new ArrayDeque<>();

  /** The last stretch the decoder passed: the predecessor of {@code pending}'s first. */
  private Stretch passed;

  private long nextToSubmit = 1;

  /** Whether workers have started; false until the decoder runs at compiled speed. */
  private boolean started;

  /** Tests: start at once, and always wait for a worker instead of overtaking it. */
  private final boolean patient;

  private long probeBit = -1;
  private long probeNanos;
  private int adopted;
  private int discarded;
  private int redecoded;
  private int abandoned;
  private boolean closed;

  /** An Error a worker met (out of memory, say): rethrown to the decoder. */
  private Error fatal;

  /** One stretch's state; fields guarded by the enclosing instance. */
  private static final class Stretch implements SpeculativeInflater.Progress {
    final long index;
    final long nominalStart;
    final long nominalEnd;
    SpeculativeChunk chunk;
    boolean decoded;

    /** Decoded and, if its predecessor's end is known, starting there. */
    boolean settled;

    /** Where it ended (-1 when it produced nothing): kept after the chunk is released. */
    long endBit = -1;

    /** The last block boundary its worker reached. */
    volatile long progressBit;

    /** The decoder went past it: the worker may stop. */
    volatile boolean abandoned;

    @Override
    public boolean reached(long bit) {
      progressBit = bit;
      return !abandoned;
    }

    Stretch(long index, long nominalStart, long nominalEnd) {
      this.index = index;
      this.nominalStart = nominalStart;
      this.nominalEnd = nominalEnd;
    }
  }

  private SpeculativeDecoding(
      FileChannel channel, long size, int workers, int stretchSize, boolean patient) {
    this.channel = channel;
    this.patient = patient;
    this.started = patient;
    this.size = size;
    this.stretchSize = stretchSize;
    this.share = workers + 1;
    this.stretchCount = (size + stretchSize - 1) / stretchSize;
    AtomicInteger n = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            workers,
            r -> {
              Thread t = new Thread(r, "soci-inflate-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * The most workers whose worst case fits in half of a heap of {@code heapBytes}: per worker its
   * scratch (two byte planes of up to a stretch's output limit, when all of it refers back into the
   * unknown window), its input, and a finished stretch of the same size held for the decoder; plus
   * one more finished stretch.
   */
  public static int maxWorkers(long heapBytes) {
    long perWorker = 4L * MAX_STRETCH_OUTPUT + STRETCH_SIZE + LOOKAHEAD;
    long workers = (heapBytes / 2 - 2L * MAX_STRETCH_OUTPUT) / perWorker;
    return (int) Math.max(0, Math.min(workers, 1024));
  }

  /**
   * Starts {@code workers} threads decoding {@code file} ahead; its first {@code size} bytes are
   * the gzip stream the decoder will read.
   */
  public static SpeculativeDecoding start(Path file, long size, int workers) throws IOException {
    return start(file, size, workers, STRETCH_SIZE, false);
  }

  /**
   * Like {@link #start(Path, long, int)} with stretches of {@code stretchSize} bytes (at least 64
   * KiB). With {@code patient}, workers start at once and the decoder always waits for a worker
   * rather than decode its stretch itself: slower in a fresh JVM, but which stretches are spliced
   * in no longer depends on timing (for tests and fuzzing).
   */
  public static SpeculativeDecoding start(
      Path file, long size, int workers, int stretchSize, boolean patient) throws IOException {
    if (workers < 1 || stretchSize < 1 << 16) {
      throw new IllegalArgumentException("workers must be >= 1 and stretches >= 64 KiB");
    }
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
    return new SpeculativeDecoding(channel, size, workers, stretchSize, patient);
  }

  /** Stretches spliced into the output so far. */
  public synchronized int adoptedStretches() {
    return adopted;
  }

  /**
   * Stretches decoded ahead but not used: the decoder did not reach a boundary where they start.
   */
  public synchronized int discardedStretches() {
    return discarded;
  }

  /** Stretches the decoder reached before their worker was half-way, and decoded itself. */
  public synchronized int abandonedStretches() {
    return abandoned;
  }

  /** Stretches decoded a second time because the first guess of their start was wrong. */
  public synchronized int redecodedStretches() {
    return redecoded;
  }

  /**
   * The stretch that starts at block boundary {@code bit}, if a worker decoded one; null when the
   * decoder should go on by itself. Waits for a worker only when the decoder has reached the
   * stretch. Called by the decoding thread, at every block boundary, in increasing order.
   */
  synchronized SpeculativeChunk chunkAt(long bit) throws IOException {
    if (!started && !decoderIsFast(bit)) {
      return null;
    }
    for (; ; ) {
      submit();
      Stretch head = pending.peekFirst();
      if (head == null || bit < head.nominalStart * 8) {
        return null;
      }
      if (!patient
          && !head.settled
          && head.progressBit < head.nominalStart * 8 + (head.nominalEnd - head.nominalStart) * 4) {
        // Its worker is less than half-way through: decoding it here is quicker than waiting.
        head.abandoned = true;
        pending.removeFirst();
        abandoned++;
        passed = null;
        settleSoon();
        continue;
      }
      while (!head.settled) {
        if (fatal != null) {
          throw fatal;
        }
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while waiting for a decoding thread");
        }
      }
      SpeculativeChunk c = head.chunk;
      if (c != null && c.startBit() > bit) {
        return null;
      }
      pending.removeFirst();
      head.chunk = null;
      passed = head;
      if (c != null && c.startBit() == bit) {
        adopted++;
        return c;
      }
      if (c != null) {
        c.release();
      }
      discarded++;
      // The decoder goes on alone from here: the next stretch's guess cannot be checked early.
      passed = null;
      settleSoon();
    }
  }

  /**
   * Workers start once the decoder decodes 2 MiB of input within {@code PROBE_MAX_NANOS}: in a
   * fresh JVM, until the JIT has compiled the decoder, workers would only slow the compiler down.
   */
  private boolean decoderIsFast(long bit) {
    long now = System.nanoTime();
    if (probeBit < 0 || bit - probeBit >= PROBE_BITS) {
      if (probeBit >= 0 && now - probeNanos <= PROBE_MAX_NANOS * (bit - probeBit) / PROBE_BITS) {
        started = true;
        nextToSubmit = Math.max(nextToSubmit, bit / 8 / stretchSize + 1);
        return true;
      }
      probeBit = bit;
      probeNanos = now;
    }
    return false;
  }

  private void submit() {
    while (!closed && pending.size() < share && nextToSubmit < stretchCount) {
      long index = nextToSubmit++;
      if (index % share == 0) {
        continue; // the decoder's own
      }
      long start = index * stretchSize;
      Stretch s = new Stretch(index, start, Math.min(size, start + stretchSize));
      pending.addLast(s);
      pool.execute(
          () -> {
            try {
              store(
                  s,
                  decode(
                      () ->
                          SpeculativeInflater.search(
                              channel,
                              pages,
                              s,
                              size,
                              s.nominalStart,
                              s.nominalEnd,
                              LOOKAHEAD,
                              MAX_STRETCH_OUTPUT),
                      s),
                  false);
              settleAndRedecode();
            } catch (Error e) {
              fail(e);
            }
          });
    }
  }

  private interface Decode {
    SpeculativeChunk run() throws IOException;
  }

  private SpeculativeChunk decode(Decode d, Stretch s) {
    try {
      return d.run();
    } catch (IOException | RuntimeException e) {
      LOG.log(
          System.Logger.Level.DEBUG,
          () -> "speculative decoding at " + s.nominalStart + " failed",
          e);
      return null;
    }
  }

  private synchronized void fail(Error e) {
    fatal = e;
    notifyAll();
  }

  /**
   * Settles stretches in order; where one does not start at its settled predecessor's end, decodes
   * it again from there on this thread.
   */
  private void settleAndRedecode() {
    for (; ; ) {
      Stretch s;
      long from;
      synchronized (this) {
        s = settle();
        if (s == null) {
          return;
        }
        from = predecessorOf(s).endBit;
        redecoded++;
      }
      redecode(s, from);
    }
  }

  /** Settles what can be from the decoding thread; a stretch to decode again goes to a worker. */
  private void settleSoon() {
    Stretch s = settle();
    if (s != null) {
      long from = predecessorOf(s).endBit;
      redecoded++;
      pool.execute(
          () -> {
            try {
              redecode(s, from);
              settleAndRedecode();
            } catch (Error e) {
              fail(e);
            }
          });
    }
  }

  private void redecode(Stretch s, long fromBit) {
    store(
        s,
        decode(
            () ->
                SpeculativeInflater.decodeAt(
                    channel, pages, s, size, fromBit, s.nominalEnd, LOOKAHEAD, MAX_STRETCH_OUTPUT),
            s),
        true);
  }

  /**
   * Records what a worker decoded for {@code s}: decoded (to be settled against its predecessor),
   * or, when decoded again from its predecessor's end, settled at once.
   */
  private synchronized void store(Stretch s, SpeculativeChunk c, boolean settled) {
    if (s.abandoned && c != null) {
      c.release(); // the decoder went past it
      c = null;
    }
    s.chunk = c;
    s.endBit = c == null ? -1 : c.endBit();
    s.decoded = true;
    if (settled) {
      s.settled = true;
      notifyAll();
    }
  }

  /**
   * Settles every decoded stretch whose start agrees with its settled predecessor; returns the
   * first one that needs decoding again (marked as taken), or null.
   */
  private Stretch settle() {
    Stretch previous = passed;
    for (Stretch s : pending) {
      if (!s.settled) {
        if (!s.decoded) {
          return null;
        }
        long expected = previous == null || previous.index != s.index - 1 ? -1 : previous.endBit;
        if (expected < 0 || (s.chunk != null && s.chunk.startBit() == expected)) {
          s.settled = true;
          notifyAll();
        } else {
          s.decoded = false; // taken for decoding again
          s.progressBit = 0;
          if (s.chunk != null) {
            s.chunk.release();
            s.chunk = null;
          }
          return s;
        }
      }
      previous = s;
    }
    return null;
  }

  private Stretch predecessorOf(Stretch s) {
    Stretch previous = passed;
    for (Stretch t : pending) {
      if (t == s) {
        return previous;
      }
      previous = t;
    }
    throw new IllegalStateException("stretch " + s.index + " is not pending");
  }

  /** Stops the workers and closes the file. */
  @Override
  public void close() throws IOException {
    synchronized (this) {
      closed = true;
      pending.clear();
    }
    pool.shutdownNow();
    channel.close();
  }
}
