package dev.soci.core.registry;

import dev.soci.core.BlobSource;
import dev.soci.oci.Digest;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Random access to one blob of a registry, for lazy loading: every {@link #readFully} is one {@code
 * GET} with a single {@code Range} and {@code Accept-Encoding: identity} (never multi-range).
 *
 * <p>The blob's real URL is found on the first read by following the registry's redirects (by hand,
 * {@code Authorization} only to the registry's origin) and kept: later reads go straight to it,
 * without credentials when it is on another origin (a CDN or a presigned storage URL). When the
 * kept URL answers 401, 403, 404 or 400 (an expired token or presigned URL) it is resolved afresh
 * through the registry, once per read.
 *
 * <p>Answers are checked: a 206 must carry a {@code Content-Range} equal to the range asked for
 * (and the blob's size as total, when given). A 200 means the registry ignored the range: the
 * wanted bytes are taken from the whole blob as it streams, the connection is closed after them,
 * and the blob is marked {@link #rangesIgnored()} (or, with {@link Options#failOnIgnoredRanges},
 * the read fails at once). A body that ends or breaks midway is resumed for the bytes still missing
 * only, a bounded number of times. Timeouts, retries and authentication are the {@link Registry}'s.
 *
 * <p>The bytes themselves are not verified here: {@link dev.soci.core.SeekableLayer} checks every
 * span against its digest. Thread-safe. Get one from {@link Repository#openBlob}.
 */
public final class RegistryBlobSource implements BlobSource {
  private final Repository repository;
  private final Digest digest;
  private final long size;
  private final Options options;
  private final URI registryUrl;
  private volatile URI realUrl;
  private final LongAdder bytesReceived = new LongAdder();
  private final LongAdder requests = new LongAdder();
  private final LongAdder resumes = new LongAdder();
  private final LongAdder reresolutions = new LongAdder();
  private final AtomicBoolean rangesIgnored = new AtomicBoolean();

  /**
   * How a registry blob is read.
   *
   * @param failOnIgnoredRanges fail a read when the registry answers a range request with the whole
   *     blob (200), instead of taking the wanted bytes from it (default false)
   */
  public record Options(boolean failOnIgnoredRanges) {
    private static final Options DEFAULTS = new Options(false);

    /** Ranges ignored by the registry are tolerated (and reported). */
    public static Options defaults() {
      return DEFAULTS;
    }

    /** A copy that fails, or not, when the registry ignores a range. */
    public Options withFailOnIgnoredRanges(boolean fail) {
      return new Options(fail);
    }
  }

  /**
   * What the source has done so far.
   *
   * @param bytesReceived body bytes received (with the bytes skipped over when ranges were ignored)
   * @param requests range requests sent (one per read, plus resumptions and re-resolutions; the
   *     registry client's own retries and token requests not counted)
   * @param resumes bodies that broke or ended early and were resumed
   * @param reresolutions times the kept URL was dropped and the blob resolved through the registry
   *     again
   * @param rangesIgnored whether the registry answered a range request with the whole blob
   */
  public record Statistics(
      long bytesReceived, long requests, long resumes, long reresolutions, boolean rangesIgnored) {}

  RegistryBlobSource(Repository repository, Digest digest, long size, Options options) {
    this.repository = repository;
    this.digest = digest;
    this.size = size;
    this.options = Objects.requireNonNull(options, "options");
    this.registryUrl = repository.blobUri(digest);
  }

  /** The blob read. */
  public Digest digest() {
    return digest;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public boolean rangesIgnored() {
    return rangesIgnored.get();
  }

  /** The counters of this source. */
  public Statistics statistics() {
    return new Statistics(
        bytesReceived.sum(),
        requests.sum(),
        resumes.sum(),
        reresolutions.sum(),
        rangesIgnored.get());
  }

  @Override
  public void readFully(long offset, byte[] dst, int dstOffset, int length) throws IOException {
    Objects.checkFromIndexSize(dstOffset, length, dst.length);
    if (offset < 0 || offset > size - length) {
      throw new EOFException(
          "bytes ["
              + offset
              + ", "
              + (offset + length)
              + ") are not inside blob "
              + digest
              + " of "
              + size
              + " bytes");
    }
    if (length == 0) {
      return;
    }
    long last = offset + length - 1;
    int done = 0;
    int broken = 0;
    boolean reresolved = false;
    while (done < length) {
      long from = offset + done;
      String action =
          "read bytes "
              + from
              + "-"
              + last
              + " of blob "
              + digest
              + " from "
              + repository.registry()
              + "/"
              + repository.name();
      URI kept = realUrl;
      URI target = kept != null ? kept : registryUrl;
      requests.increment();
      try (Response r = repository.rangeGet(target, action, from, last)) {
        if (r.status == 206 || r.status == 200) {
          if (kept == null) {
            realUrl = r.uri; // where the redirects led: asked directly from now on
          }
          int n =
              r.status == 206 ? checkPartial(r, action, from, last) : skipToRange(r, action, from);
          if (n < 0) {
            throw repository.failure(
                action, r, "the blob ended before byte " + from + " (" + size + " expected)");
          }
          int got = readBody(r.stream(), dst, dstOffset + done, length - done);
          done += got;
          if (done < length) {
            broken++;
            resumes.increment();
            if (broken >= repository.maxResumes()) {
              throw repository.failure(
                  action,
                  r,
                  "the body broke off "
                      + broken
                      + " times; "
                      + (length - done)
                      + " of "
                      + length
                      + " bytes are still missing");
            }
            Transport.log(Level.DEBUG, action + ": body ended after " + got + " bytes, resuming");
          }
          continue;
        }
        boolean expired = r.status == 401 || r.status == 403 || r.status == 400 || r.status == 404;
        if (expired && kept != null && !reresolved) {
          // an expired token or presigned URL: ask the registry where the blob is now, once
          reresolved = true;
          reresolutions.increment();
          realUrl = null;
          Transport.log(
              Level.DEBUG, action + ": " + r.status + " from the resolved URL, resolving again");
          continue;
        }
        if (r.status == 416) {
          throw repository.failure(action, r, "the range is beyond the end of the blob");
        }
        throw repository.failure(action, r, null);
      }
    }
  }

  /** Checks a 206's Content-Range against the request; returns 0. */
  private int checkPartial(Response r, String action, long from, long last)
      throws RegistryException {
    ContentRange cr = ContentRange.parse(r.header("Content-Range"));
    if (cr == null || cr.first() != from || cr.last() != last) {
      throw repository.failure(
          action,
          r,
          "the registry answered "
              + (cr == null
                  ? "206 without a valid Content-Range"
                  : "bytes " + cr.first() + "-" + cr.last())
              + " for bytes "
              + from
              + "-"
              + last);
    }
    if (cr.total() >= 0 && cr.total() != size) {
      throw repository.failure(
          action, r, "the registry says the blob is " + cr.total() + " bytes, not " + size);
    }
    return 0;
  }

  /**
   * A 200 to a range request: the registry ignored the range. Marks the blob, or fails when told
   * to; skips the body to {@code from}. Returns -1 when the body ends first.
   */
  private int skipToRange(Response r, String action, long from) throws IOException {
    if (options.failOnIgnoredRanges()) {
      throw repository.failure(
          action,
          r,
          "the registry ignored the Range header and answered 200 with the whole blob"
              + " (ranges ignored; failing as told)");
    }
    if (rangesIgnored.compareAndSet(false, true)) {
      Transport.log(
          Level.WARNING,
          "the registry ignores range requests for blob "
              + digest
              + " in "
              + repository.registry()
              + "/"
              + repository.name()
              + ": every read streams the blob from its start");
    }
    long declared = r.contentLength();
    if (declared >= 0 && declared != size) {
      throw repository.failure(
          action, r, "the registry's blob is " + declared + " bytes, not " + size);
    }
    InputStream in = r.stream();
    byte[] skip = new byte[(int) Math.min(from, 64 << 10)];
    long left = from;
    while (left > 0) {
      int n = in.read(skip, 0, (int) Math.min(left, skip.length));
      if (n < 0) {
        return -1;
      }
      bytesReceived.add(n);
      left -= n;
    }
    return 0;
  }

  /** Reads up to {@code len} bytes of the body; fewer when it ends or breaks. */
  private int readBody(InputStream in, byte[] dst, int off, int len) throws InterruptedIOException {
    int got = 0;
    try {
      while (got < len) {
        int n = in.read(dst, off + got, len - got);
        if (n < 0) {
          break;
        }
        got += n;
        bytesReceived.add(n);
      }
    } catch (IOException e) {
      if (e instanceof InterruptedIOException && Thread.currentThread().isInterrupted()) {
        throw (InterruptedIOException) e; // interrupted, not broken: no resume
      }
      Transport.log(Level.DEBUG, "blob " + digest + ": body broke after " + got + " bytes: " + e);
    }
    return got;
  }

  @Override
  public String toString() {
    return "blob " + digest + " in " + repository.registry() + "/" + repository.name();
  }
}
