package dev.soci.ztoc.gzip;

import dev.soci.ztoc.GzipFormatException;
import dev.soci.ztoc.zinfo.Checkpoint;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Inflates a gzip layer from a checkpoint with the JDK's native {@link Inflater}: the window is set
 * as the dictionary, a {@link PrimePrefix} stands in for {@code inflatePrime} when the checkpoint
 * starts mid-byte, and gzip member boundaries inside the data are crossed (trailer skipped, next
 * header parsed, a fresh inflater started).
 *
 * <p>Feed the compressed bytes from {@link Checkpoint#startCompressedOffset()} onwards with {@link
 * #setInput} whenever {@link #needsInput()} is true; read output with {@link #inflate}. Not
 * thread-safe; {@link #close()} releases the native inflater.
 */
public final class CheckpointInflater implements AutoCloseable {
  private static final int MAX_HEADER = 1 << 20;

  private enum State {
    INFLATE,
    TRAILER,
    HEADER
  }

  private final Checkpoint checkpoint;
  private Inflater inflater;
  private State state = State.INFLATE;
  private boolean started;
  private byte[] chunk = new byte[0];
  private int chunkPos;
  private int chunkEnd;
  private boolean chunkFed;
  private long chunkPosition;
  private int trailerLeft;
  private byte[] header = new byte[64];
  private int headerLen;

  /** Creates an inflater that resumes at {@code checkpoint}. */
  public CheckpointInflater(Checkpoint checkpoint) {
    this.checkpoint = checkpoint;
    this.inflater = new Inflater(true);
    this.inflater.setDictionary(checkpoint.window());
    this.chunkPosition = checkpoint.startCompressedOffset();
  }

  /** Whether {@link #inflate} can make no progress until more compressed input is given. */
  public boolean needsInput() {
    if (chunkPos < chunkEnd) {
      return false;
    }
    return state != State.INFLATE || !started || inflater.needsInput();
  }

  /**
   * Supplies the next compressed bytes (the first call starts at the checkpoint's {@link
   * Checkpoint#startCompressedOffset()}). The array is used in place until consumed.
   */
  public void setInput(byte[] b, int off, int len) {
    if (chunkPos < chunkEnd) {
      throw new IllegalStateException("previous input not consumed yet");
    }
    chunk = b;
    chunkPos = off;
    chunkEnd = off + len;
    chunkFed = false;
    if (!started && len > 0) {
      started = true;
      if (checkpoint.bits() != 0) {
        byte[] prefix = PrimePrefix.forCheckpoint(checkpoint.bits(), b[off] & 0xFF);
        chunkPos++;
        chunkPosition++;
        inflater.setInput(prefix);
      }
    }
  }

  /** The compressed offset of the next byte not yet handed to the native inflater. */
  long position() {
    return chunkPosition;
  }

  /**
   * Inflates into {@code dst[off..off+len)}; returns the number of bytes written, 0 when more input
   * is needed.
   */
  public int inflate(byte[] dst, int off, int len) throws GzipFormatException {
    while (len > 0) {
      switch (state) {
        case INFLATE:
          {
            if (inflater.needsInput() && !chunkFed && chunkPos < chunkEnd) {
              inflater.setInput(chunk, chunkPos, chunkEnd - chunkPos);
              chunkFed = true;
            }
            int n;
            try {
              n = inflater.inflate(dst, off, len);
            } catch (DataFormatException e) {
              throw new GzipFormatException(
                  approximatePosition(), "corrupt deflate data (" + e.getMessage() + ")");
            }
            if (n > 0) {
              return n;
            }
            if (inflater.finished()) {
              int consumedTo = chunkEnd - inflater.getRemaining();
              advance(consumedTo);
              chunkFed =
                  false; // the rest of the chunk is trailer and next member, not for this inflater
              state = State.TRAILER;
              trailerLeft = 8;
              continue;
            }
            if (inflater.needsDictionary()) {
              throw new GzipFormatException(
                  approximatePosition(), "deflate data asks for a preset dictionary");
            }
            if (inflater.needsInput()) {
              if (chunkFed) {
                advance(chunkEnd);
              }
              if (chunkPos < chunkEnd) {
                continue;
              }
              return 0;
            }
            return 0;
          }
        case TRAILER:
          {
            int n = Math.min(trailerLeft, chunkEnd - chunkPos);
            advance(chunkPos + n);
            trailerLeft -= n;
            if (trailerLeft > 0) {
              return 0;
            }
            state = State.HEADER;
            headerLen = 0;
            continue;
          }
        default:
          {
            if (chunkPos >= chunkEnd) {
              return 0;
            }
            int take = chunkEnd - chunkPos;
            if (headerLen + take > header.length) {
              int cap = Math.min(MAX_HEADER, Math.max(header.length * 2, headerLen + take));
              if (headerLen + take > cap) {
                take = cap - headerLen;
              }
              header = Arrays.copyOf(header, cap);
            }
            System.arraycopy(chunk, chunkPos, header, headerLen, take);
            long headerStart = chunkPosition - headerLen;
            int h = GzipHeader.length(header, 0, headerLen + take, headerStart);
            if (h < 0) {
              if (headerLen + take >= MAX_HEADER) {
                throw new GzipFormatException(
                    headerStart, "gzip member header longer than " + MAX_HEADER + " bytes");
              }
              headerLen += take;
              advance(chunkPos + take);
              return 0;
            }
            advance(chunkPos + (h - headerLen));
            inflater.end();
            inflater = new Inflater(true);
            state = State.INFLATE;
            continue;
          }
      }
    }
    return 0;
  }

  private void advance(int newPos) {
    chunkPosition += newPos - chunkPos;
    chunkPos = newPos;
    if (chunkPos >= chunkEnd) {
      chunkFed = false;
    }
  }

  private long approximatePosition() {
    return chunkPosition + (chunkFed ? (chunkEnd - chunkPos - inflater.getRemaining()) : 0);
  }

  /** Releases the native inflater. */
  @Override
  public void close() {
    inflater.end();
  }
}
