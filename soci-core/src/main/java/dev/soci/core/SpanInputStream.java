package dev.soci.core;

import dev.soci.ztoc.ZtocException;
import dev.soci.ztoc.gzip.CheckpointInflater;
import dev.soci.ztoc.gzip.GzipFormatException;
import dev.soci.ztoc.zinfo.GzipZinfo;
import dev.soci.ztoc.zinfo.Zinfo;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Streams the uncompressed bytes {@code [start, end)} of a layer: fetches the compressed bytes of
 * one span at a time from the blob source, verifies each span against its digest, and inflates from
 * the checkpoint of the first span with the JDK inflater. The inflater never produces more than the
 * spans fed to it declare (their uncompressed ranges in the zTOC): a span that inflates to more
 * fails, so a decompression bomb costs at most one span's declared size. Not thread-safe.
 */
final class SpanInputStream extends InputStream {
  private final SeekableLayer layer;
  private final Zinfo zinfo;
  private final List<String> digests;
  private final long end;
  private final int lastSpan;
  private long position;
  private int nextSpan;
  private long fedUpTo;
  private CheckpointInflater inflater;
  private long toSkip;
  private long inflatedTo;
  private byte[] plain;
  private int plainPos;
  private int plainEnd;
  private boolean closed;
  private byte[] skipBuffer;

  /** Digest checks of fetched spans, running beside inflation; joined before bytes are returned. */
  private final java.util.ArrayDeque<java.util.concurrent.CompletableFuture<Void>> pendingChecks =
      new java.util.ArrayDeque<>();

  SpanInputStream(SeekableLayer layer, long start, long end) throws ZtocException {
    this.layer = layer;
    this.zinfo = layer.zinfo();
    this.digests = layer.ztoc().spanDigests();
    this.position = start;
    this.end = end;
    int first = end > start ? zinfo.spanOf(start) : 0;
    this.lastSpan = end > start ? zinfo.spanOf(end - 1) : -1;
    this.nextSpan = first;
    if (end > start && zinfo instanceof GzipZinfo g) {
      this.inflater = new CheckpointInflater(g.checkpoint(first));
      this.toSkip = start - g.checkpoint(first).out();
      this.fedUpTo = g.startCompressedOffset(first);
      this.inflatedTo = g.checkpoint(first).out();
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
    if (len == 0) {
      return 0;
    }
    if (position >= end) {
      return -1;
    }
    int want = (int) Math.min(len, end - position);
    int n = inflater != null ? readGzip(b, off, want) : readPlain(b, off, want);
    awaitChecks(); // no byte counts as read before every span it came from is verified
    position += n;
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long k = Math.max(0, Math.min(n, end - position));
    long left = k;
    byte[] buf = new byte[(int) Math.min(left, 1 << 16)];
    while (left > 0) {
      int r = read(buf, 0, (int) Math.min(buf.length, left));
      if (r < 0) {
        break;
      }
      left -= r;
    }
    return k - left;
  }

  @Override
  public int available() {
    return (int) Math.min(Integer.MAX_VALUE, plainEnd - plainPos);
  }

  private int readGzip(byte[] b, int off, int want) throws IOException {
    if (toSkip > 0 && skipBuffer == null) {
      skipBuffer = new byte[(int) Math.min(toSkip, 1 << 16)];
    }
    while (toSkip > 0) {
      toSkip -= inflateSome(skipBuffer, 0, (int) Math.min(toSkip, skipBuffer.length));
    }
    return inflateSome(b, off, want);
  }

  private int inflateSome(byte[] b, int off, int len) throws IOException {
    for (; ; ) {
      int n = inflater.inflate(b, off, len);
      if (n > 0) {
        inflatedTo += n;
        long declaredEnd = zinfo.endUncompressedOffset(nextSpan - 1, layer.uncompressedSize());
        if (inflatedTo > declaredEnd) {
          throw new ZtocException(
              "spans up to "
                  + (nextSpan - 1)
                  + " of "
                  + layer.sourceName()
                  + " inflate past uncompressed offset "
                  + declaredEnd
                  + ", where the zTOC says they end: the zTOC does not belong to this layer");
        }
        return n;
      }
      if (!inflater.needsInput()) {
        throw new GzipFormatException(fedUpTo, "inflate made no progress");
      }
      if (nextSpan > lastSpan) {
        throw new GzipFormatException(
            fedUpTo,
            "compressed data of spans up to "
                + lastSpan
                + " ended before uncompressed offset "
                + end
                + " was reached");
      }
      byte[] span = fetchSpan(nextSpan);
      long spanStart = zinfo.startCompressedOffset(nextSpan);
      int skip = (int) (fedUpTo - spanStart); // neighbouring spans share one byte when bits != 0
      fedUpTo = spanStart + span.length;
      nextSpan++;
      layer.countSpanInflated();
      inflater.setInput(span, skip, span.length - skip);
    }
  }

  private int readPlain(byte[] b, int off, int want) throws IOException {
    if (plainPos >= plainEnd) {
      int span = zinfo.spanOf(position);
      plain = fetchSpan(span);
      long spanStart = zinfo.startCompressedOffset(span);
      plainPos = (int) (position - spanStart);
      plainEnd = plain.length;
      if (plainPos >= plainEnd) {
        throw new ZtocException(
            "uncompressed offset " + position + " is past the end of span " + span);
      }
    }
    int n = Math.min(want, plainEnd - plainPos);
    System.arraycopy(plain, plainPos, b, off, n);
    plainPos += n;
    return n;
  }

  private byte[] fetchSpan(int span) throws IOException {
    long from = zinfo.startCompressedOffset(span);
    long to = zinfo.endCompressedOffset(span, layer.blobSize());
    if (from < 0 || to < from || to - from > Integer.MAX_VALUE - 8) {
      throw new ZtocException(
          "span " + span + " has an impossible compressed range [" + from + ", " + to + ")");
    }
    byte[] bytes = layer.fetch(from, (int) (to - from));
    if (layer.verifiesSpans()) {
      pendingChecks.add(
          java.util.concurrent.CompletableFuture.runAsync(
              () -> {
                try {
                  verify(span, bytes);
                } catch (SpanVerificationException e) {
                  throw new java.util.concurrent.CompletionException(e);
                }
              },
              SpanVerifiers.EXECUTOR));
    }
    return bytes;
  }

  private void awaitChecks() throws IOException {
    while (!pendingChecks.isEmpty()) {
      try {
        pendingChecks.peek().join();
        pendingChecks.poll();
      } catch (java.util.concurrent.CompletionException e) {
        if (e.getCause() instanceof IOException io) {
          throw io;
        }
        throw e;
      }
    }
  }

  private void verify(int span, byte[] bytes) throws SpanVerificationException {
    if (span >= digests.size()) {
      throw new SpanVerificationException(span, "the zTOC has no digest for span " + span);
    }
    String actual;
    try {
      actual =
          "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    if (!actual.equals(digests.get(span))) {
      throw new SpanVerificationException(
          span,
          "span "
              + span
              + " of "
              + layer.sourceName()
              + " has digest "
              + actual
              + ", but the zTOC expects "
              + digests.get(span));
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      pendingChecks.forEach(f -> f.cancel(false));
      if (inflater != null) {
        inflater.close();
      }
    }
  }
}
