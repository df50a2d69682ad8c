package dev.soci.ztoc.zinfo;

import dev.soci.ztoc.MalformedZtocException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Checkpoints of a gzip layer and the zinfo blob that stores them: little-endian {@code int32
 * count, int64 span_size}, then per checkpoint {@code int64 in, int64 out, uint8 bits, 32 KiB
 * window}. Version 2 stores every checkpoint; legacy version 1 omits checkpoint 0, which readers
 * assume at compressed offset 10 (see {@link #withFirstCheckpointAt}).
 *
 * <p>Immutable and thread-safe.
 */
public final class GzipZinfo implements Zinfo {
  /** Size of one serialized checkpoint record. */
  public static final int RECORD_SIZE = 8 + 8 + 1 + Checkpoint.WINDOW_SIZE;

  /** Size of the blob header. */
  public static final int HEADER_SIZE = 4 + 8;

  /** The version every new blob is written with. */
  public static final int CURRENT_VERSION = 2;

  /** Compressed offset a version-1 blob assumes for checkpoint 0 (a minimal gzip header). */
  public static final long V1_FIRST_IN = 10;

  private final int version;
  private final long spanSize;
  private final List<Checkpoint> checkpoints;

  private GzipZinfo(int version, long spanSize, List<Checkpoint> checkpoints) {
    this.version = version;
    this.spanSize = spanSize;
    this.checkpoints = checkpoints;
  }

  /** Creates a version-2 zinfo from checkpoints in order. */
  public static GzipZinfo of(long spanSize, List<Checkpoint> checkpoints) {
    return new GzipZinfo(
        CURRENT_VERSION, spanSize, Collections.unmodifiableList(new ArrayList<>(checkpoints)));
  }

  /**
   * Parses a zinfo blob of version 1 or 2 (told apart by length, as upstream does) and checks that
   * the checkpoints are ordered: {@code in} and {@code out} never decrease.
   */
  public static GzipZinfo fromBytes(byte[] blob) throws MalformedZtocException {
    if (blob.length < HEADER_SIZE) {
      throw new MalformedZtocException(
          "gzip zinfo blob is "
              + blob.length
              + " bytes, shorter than its "
              + HEADER_SIZE
              + "-byte header");
    }
    ByteBuffer buf = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
    int count = buf.getInt(0);
    long spanSize = buf.getLong(4);
    if (count < 0) {
      throw new MalformedZtocException(
          "gzip zinfo blob claims a negative checkpoint count " + count);
    }
    long v2Size = HEADER_SIZE + (long) count * RECORD_SIZE;
    int version;
    int first;
    if (blob.length == v2Size) {
      version = 2;
      first = 0;
    } else if (count > 0 && blob.length == v2Size - RECORD_SIZE) {
      version = 1;
      first = 1;
    } else {
      throw new MalformedZtocException(
          "gzip zinfo blob of "
              + blob.length
              + " bytes does not hold the "
              + count
              + " checkpoints its header claims (expected "
              + v2Size
              + " bytes)");
    }
    if (spanSize <= 0) {
      throw new MalformedZtocException(
          "gzip zinfo span size is " + spanSize + "; a span size must be > 0");
    }
    List<Checkpoint> list = new ArrayList<>(count);
    if (first == 1) {
      list.add(new Checkpoint(V1_FIRST_IN, 0, 0, new byte[Checkpoint.WINDOW_SIZE]));
    }
    int pos = HEADER_SIZE;
    for (int i = first; i < count; i++) {
      long in = buf.getLong(pos);
      long out = buf.getLong(pos + 8);
      int bits = blob[pos + 16] & 0xFF;
      if (in < 0 || out < 0 || bits > 7) {
        throw new MalformedZtocException(
            "gzip zinfo checkpoint "
                + i
                + " is invalid: in="
                + in
                + " out="
                + out
                + " bits="
                + bits);
      }
      if (!list.isEmpty()) {
        Checkpoint prev = list.get(list.size() - 1);
        if (in < prev.in() || out < prev.out()) {
          throw new MalformedZtocException(
              "gzip zinfo checkpoint "
                  + i
                  + " (in="
                  + in
                  + ", out="
                  + out
                  + ") goes backwards from checkpoint "
                  + (i - 1)
                  + " (in="
                  + prev.in()
                  + ", out="
                  + prev.out()
                  + ")");
        }
      }
      byte[] window = new byte[Checkpoint.WINDOW_SIZE];
      System.arraycopy(blob, pos + 17, window, 0, Checkpoint.WINDOW_SIZE);
      list.add(new Checkpoint(in, out, bits, window));
      pos += RECORD_SIZE;
    }
    return new GzipZinfo(version, spanSize, Collections.unmodifiableList(list));
  }

  /** The blob version this object was read as (or 2 when built). */
  public int version() {
    return version;
  }

  /** The checkpoints, in order. */
  public List<Checkpoint> checkpoints() {
    return checkpoints;
  }

  /** Checkpoint {@code i}. */
  public Checkpoint checkpoint(int i) {
    return checkpoints.get(i);
  }

  /**
   * Returns a copy whose checkpoint 0 is at compressed offset {@code in}: for version-1 blobs,
   * whose readers assume a 10-byte gzip header, on a layer whose header is longer.
   */
  public GzipZinfo withFirstCheckpointAt(long in) {
    if (checkpoints.isEmpty() || checkpoints.get(0).in() == in) {
      return this;
    }
    List<Checkpoint> list = new ArrayList<>(checkpoints);
    Checkpoint c0 = list.get(0);
    list.set(0, new Checkpoint(in, c0.out(), c0.bits(), c0.window()));
    return new GzipZinfo(version, spanSize, Collections.unmodifiableList(list));
  }

  @Override
  public long spanSize() {
    return spanSize;
  }

  @Override
  public int maxSpanId() {
    return checkpoints.size() - 1;
  }

  @Override
  public long startCompressedOffset(int i) {
    return checkpoints.get(i).startCompressedOffset();
  }

  @Override
  public long endCompressedOffset(int i, long fileSize) {
    return i == maxSpanId() ? fileSize : checkpoints.get(i + 1).in();
  }

  @Override
  public long startUncompressedOffset(int i) {
    return checkpoints.get(i).out();
  }

  @Override
  public long endUncompressedOffset(int i, long uncompressedSize) {
    return i == maxSpanId() ? uncompressedSize : checkpoints.get(i + 1).out();
  }

  @Override
  public int spanOf(long offset) {
    // The largest j with out_j <= offset (ties at equal outs: the later one), clamped to [0, max].
    int lo = 0;
    int hi = checkpoints.size() - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (checkpoints.get(mid).out() <= offset) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return Math.max(lo, 0);
  }

  @Override
  public byte[] toBytes() {
    ByteBuffer buf = ByteBuffer.allocate(serializedSize());
    writeTo(buf);
    return buf.array();
  }

  @Override
  public int serializedSize() {
    int records = checkpoints.size() - (version == 1 ? 1 : 0);
    long size = HEADER_SIZE + (long) records * RECORD_SIZE;
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException(
          checkpoints.size() + " checkpoints do not fit in one zinfo blob");
    }
    return (int) size;
  }

  @Override
  public void writeTo(ByteBuffer out) {
    ByteBuffer buf = out.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    buf.putInt(checkpoints.size()).putLong(spanSize);
    for (int i = version == 1 ? 1 : 0; i < checkpoints.size(); i++) {
      Checkpoint c = checkpoints.get(i);
      buf.putLong(c.in()).putLong(c.out()).put((byte) c.bits()).put(c.window());
    }
    out.position(buf.position());
  }

  @Override
  public InputStream newInputStream() {
    return new RecordStream();
  }

  /** The blob a record at a time: the header, then each checkpoint through one record buffer. */
  private final class RecordStream extends InputStream {
    private final ByteBuffer record =
        ByteBuffer.allocate(RECORD_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    private int next = version == 1 ? 1 : 0; // the next checkpoint to serialize

    RecordStream() {
      record.putInt(checkpoints.size()).putLong(spanSize).flip();
    }

    private boolean fill() {
      if (record.hasRemaining()) {
        return true;
      }
      if (next >= checkpoints.size()) {
        return false;
      }
      Checkpoint c = checkpoints.get(next++);
      record.clear();
      record.putLong(c.in()).putLong(c.out()).put((byte) c.bits()).put(c.window()).flip();
      return true;
    }

    @Override
    public int read() {
      return fill() ? record.get() & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) {
        return 0;
      }
      if (!fill()) {
        return -1;
      }
      int n = Math.min(len, record.remaining());
      record.get(b, off, n);
      return n;
    }
  }

  @Override
  public String toString() {
    return "GzipZinfo[v"
        + version
        + ", spanSize="
        + spanSize
        + ", "
        + checkpoints.size()
        + " checkpoints]";
  }
}
