package dev.soci.core;

import dev.soci.ztoc.ZtocException;
import dev.soci.ztoc.zinfo.Zinfo;
import java.io.IOException;
import java.io.InputStream;

/**
 * Streams the uncompressed bytes {@code [start, end)} of a layer from whole spans, each verified
 * and inflated once by {@link SpanLoader} and handed over by a {@link ReadAhead}. Skipping costs
 * nothing: a span is only fetched when one of its bytes is read. Not thread-safe.
 */
final class SpanInputStream extends InputStream {
  private final ReadAhead spans;
  private final Zinfo zinfo;
  private final long end;
  private final int lastSpan;
  private long position;
  private byte[] span;
  private long spanStart;
  private boolean closed;

  SpanInputStream(ReadAhead spans, Zinfo zinfo, long start, long end) {
    this.spans = spans;
    this.zinfo = zinfo;
    this.position = start;
    this.end = end;
    this.lastSpan = end > start ? zinfo.spanOf(end - 1) : -1;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (closed) {
      throw new IOException("stream closed");
    }
    if (len == 0) {
      return 0;
    }
    if (position >= end) {
      return -1;
    }
    ensureSpan();
    int n = (int) Math.min(Math.min(len, end - position), spanStart + span.length - position);
    System.arraycopy(span, (int) (position - spanStart), b, off, n);
    position += n;
    return n;
  }

  /** Makes {@link #span} the span holding {@link #position} (which is before {@link #end}). */
  private void ensureSpan() throws IOException {
    if (span == null || position < spanStart || position >= spanStart + span.length) {
      int i = zinfo.spanOf(position);
      span = spans.span(i, lastSpan);
      spanStart = zinfo.startUncompressedOffset(i);
      if (position < spanStart || position >= spanStart + span.length) {
        throw new ZtocException(
            "uncompressed offset "
                + position
                + " is not inside span "
                + i
                + " (["
                + spanStart
                + ", "
                + (spanStart + span.length)
                + "))");
      }
    }
  }

  /** Writes straight from the spans, without an intermediate buffer. */
  @Override
  public long transferTo(java.io.OutputStream out) throws IOException {
    long total = 0;
    while (position < end) {
      if (closed) {
        throw new IOException("stream closed");
      }
      ensureSpan();
      int n = (int) Math.min(end - position, spanStart + span.length - position);
      out.write(span, (int) (position - spanStart), n);
      position += n;
      total += n;
    }
    return total;
  }

  @Override
  public long skip(long n) {
    long k = Math.max(0, Math.min(n, end - position));
    position += k;
    return k;
  }

  @Override
  public int available() {
    if (span == null || position < spanStart || position >= spanStart + span.length) {
      return 0;
    }
    return (int) Math.min(end - position, spanStart + span.length - position);
  }

  @Override
  public void close() {
    closed = true;
    span = null;
  }
}
