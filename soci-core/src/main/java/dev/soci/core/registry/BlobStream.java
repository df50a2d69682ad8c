package dev.soci.core.registry;

import dev.soci.oci.Digest;
import dev.soci.oci.Digester;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;

/**
 * A blob (or one range of it) read from a registry. A connection that fails mid-body is resumed
 * with a range request from the first byte not yet delivered (bounded by the registry's attempt
 * limit); an answer that does not cover what was asked (a wrong {@code Content-Range}, a short
 * body) is an error, never a silent short read. A whole blob is checked against its size and digest
 * when its end is reached.
 */
final class BlobStream extends InputStream {
  private final Repository repo;
  private final Digest digest;
  private final long start;

  /** Bytes wanted (the range length, or the blob size), -1 when unknown (whole blob). */
  private final long length;

  private final boolean whole;
  private final Digester digester;
  private final String action;
  private long pos;
  private InputStream body;
  private int resumes;
  private boolean done;

  BlobStream(Repository repo, Digest digest, long start, long length, boolean whole) {
    this.repo = repo;
    this.digest = digest;
    this.start = start;
    this.length = length;
    this.whole = whole;
    this.digester = whole ? Digester.of(digest.algorithm()) : null;
    this.action =
        whole
            ? "read blob " + digest + " from " + repo.registry() + "/" + repo.name()
            : "read bytes "
                + start
                + "-"
                + (start + length - 1)
                + " of blob "
                + digest
                + " from "
                + repo.registry()
                + "/"
                + repo.name();
  }

  void openFirst() throws IOException {
    if (length == 0 && !whole) {
      done = true;
      return;
    }
    open();
  }

  private void open() throws IOException {
    long from = start + pos;
    long to = whole || length < 0 ? -1 : start + length - 1;
    Response r = repo.blobGet(digest, from, from == 0 && whole ? -1 : to);
    boolean ok = false;
    try {
      InputStream in = r.stream();
      if (r.status == 200) {
        long declared = r.contentLength();
        if (whole && length >= 0 && declared >= 0 && declared != length) {
          throw repo.failure(
              action, r, "the registry's blob is " + declared + " bytes, not " + length);
        }
        // the registry ignored the range: skip to where we are
        long skip = from;
        while (skip > 0) {
          long n = in.skip(skip);
          if (n <= 0) {
            if (in.read() < 0) {
              throw repo.failure(action, r, "the blob ended before byte " + from);
            }
            n = 1;
          }
          skip -= n;
        }
      } else if (r.status == 206) {
        ContentRange cr = ContentRange.parse(r.header("Content-Range"));
        if (cr == null || cr.first() != from) {
          throw repo.failure(
              action,
              r,
              "the registry answered range "
                  + (cr == null ? "(unreadable Content-Range)" : cr.first() + "-" + cr.last())
                  + " for bytes from "
                  + from);
        }
        long wantLast = to >= 0 ? to : (length >= 0 ? start + length - 1 : -1);
        if (wantLast >= 0 && cr.last() != wantLast) {
          throw repo.failure(
              action,
              r,
              "the registry answered bytes "
                  + cr.first()
                  + "-"
                  + cr.last()
                  + (cr.total() >= 0 ? " of " + cr.total() : "")
                  + " instead of "
                  + from
                  + "-"
                  + wantLast);
        }
      } else if (r.status == 416) {
        throw repo.failure(action, r, "the range is beyond the end of the blob");
      } else {
        throw repo.failure(action, r, null);
      }
      body = in;
      ok = true;
    } finally {
      if (!ok) {
        r.close();
      }
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (done) {
      return -1;
    }
    if (len == 0) {
      return 0;
    }
    while (true) {
      int want = len;
      if (length >= 0) {
        long left = length - pos;
        if (left <= 0) {
          // the answer has more than was asked for only when the registry is wrong
          return finish();
        }
        want = (int) Math.min(len, left);
      }
      int n;
      try {
        n = body.read(b, off, want);
      } catch (RegistryException e) {
        throw e;
      } catch (IOException e) {
        if (e instanceof java.io.InterruptedIOException && Thread.currentThread().isInterrupted()) {
          throw e; // interrupted, not broken: no resume
        }
        resume(e);
        continue;
      }
      if (n < 0) {
        if (length >= 0 && pos < length) {
          resume(
              new java.io.EOFException("the body ended after " + pos + " of " + length + " bytes"));
          continue;
        }
        return finish();
      }
      if (digester != null) {
        digester.update(b, off, n);
      }
      pos += n;
      return n;
    }
  }

  private void resume(IOException cause) throws IOException {
    body.close();
    if (++resumes >= repo.maxResumes()) {
      throw new RegistryException(
          action,
          "the connection failed after " + pos + " bytes, " + resumes + " times: " + cause,
          RegistryException.NO_STATUS,
          null,
          null,
          "GET",
          null,
          cause);
    }
    Transport.log(Level.DEBUG, action + ": resuming at byte " + pos + " after " + cause);
    open();
  }

  private int finish() throws IOException {
    done = true;
    body.close();
    if (digester != null) {
      Digest got = digester.digest();
      if (length >= 0 && pos != length) {
        throw new RegistryException(
            action,
            "the registry sent " + pos + " bytes, not " + length,
            RegistryException.NO_STATUS,
            null,
            null,
            "GET",
            null,
            null);
      }
      if (!got.equals(digest)) {
        throw new RegistryException(
            action,
            "the registry sent content whose digest is " + got,
            RegistryException.NO_STATUS,
            null,
            null,
            "GET",
            null,
            null);
      }
    }
    return -1;
  }

  @Override
  public void close() throws IOException {
    done = true;
    if (body != null) {
      body.close();
    }
  }
}
