package dev.soci.core.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body as an {@link InputStream} with a read timeout: a read that gets no data for the
 * timeout fails with an {@link InterruptedIOException} and cancels the exchange ({@code
 * java.net.http}'s own streams have no timeout once the headers have arrived). Demand is one buffer
 * list at a time, so a slow reader holds back the server rather than filling memory.
 */
final class TimedBodyStream extends InputStream
    implements HttpResponse.BodySubscriber<InputStream> {
  private static final List<ByteBuffer> END = List.of();

  private final Duration timeout;
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final CompletableFuture<InputStream> body = new CompletableFuture<>();
  private volatile Flow.Subscription subscription;
  private Iterator<ByteBuffer> current;
  private ByteBuffer buffer;
  private boolean finished;
  private IOException failure;
  private volatile boolean closed;

  TimedBodyStream(Duration timeout) {
    this.timeout = timeout;
  }

  /** A body handler giving such streams. */
  static HttpResponse.BodyHandler<InputStream> handler(Duration timeout) {
    return info -> new TimedBodyStream(timeout);
  }

  @Override
  public CompletionStage<InputStream> getBody() {
    return body;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (closed) {
      s.cancel();
      return;
    }
    body.complete(this);
    s.request(1);
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    queue.add(item);
  }

  @Override
  public void onError(Throwable t) {
    queue.add(t);
  }

  @Override
  public void onComplete() {
    queue.add(END);
  }

  /** Makes {@link #buffer} a buffer with data, or returns false at the end. */
  private boolean fill() throws IOException {
    while (buffer == null || !buffer.hasRemaining()) {
      if (failure != null) {
        throw failure;
      }
      if (finished) {
        return false;
      }
      if (current != null && current.hasNext()) {
        buffer = current.next();
        continue;
      }
      if (current != null) {
        current = null;
        subscription.request(1);
      }
      if (closed) {
        throw new IOException("stream closed");
      }
      Object next;
      try {
        next = queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new InterruptedIOException("interrupted while reading a response body");
      }
      if (next == null) {
        failure = new InterruptedIOException("no data received for " + timeout.toMillis() + " ms");
        cancel();
        throw failure;
      }
      if (next == END) {
        finished = true;
      } else if (next instanceof Throwable t) {
        failure =
            t instanceof IOException io ? io : new IOException("response body failed: " + t, t);
        throw failure;
      } else {
        @SuppressWarnings("unchecked")
        List<ByteBuffer> list = (List<ByteBuffer>) next;
        current = list.iterator();
      }
    }
    return true;
  }

  @Override
  public int read() throws IOException {
    if (!fill()) {
      return -1;
    }
    return buffer.get() & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    int done = 0;
    while (done < len) {
      // block only for the first byte; afterwards take what is already there
      if (done > 0 && (buffer == null || !buffer.hasRemaining()) && !ready()) {
        break;
      }
      if (!fill()) {
        break;
      }
      int n = Math.min(len - done, buffer.remaining());
      buffer.get(b, off + done, n);
      done += n;
    }
    return done == 0 ? -1 : done;
  }

  private boolean ready() {
    return (current != null && current.hasNext()) || !queue.isEmpty();
  }

  @Override
  public int available() {
    return buffer == null ? 0 : buffer.remaining();
  }

  private void cancel() {
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      cancel();
      queue.clear();
    }
  }
}
