package dev.soci.core.registry;

import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;

/**
 * A request body that notes when it last moved: when the client took a buffer of it, or when it
 * ended. An upload is then timed by its progress, not as a whole ({@code HttpRequest.timeout}
 * counts the time to send the whole body, so a large blob on a slow link would fail however
 * steadily it went): {@link Transport} gives up when the body has not moved, or the answer has not
 * come after it, for the read timeout.
 */
final class ProgressPublisher implements HttpRequest.BodyPublisher {
  private final HttpRequest.BodyPublisher delegate;
  private volatile long lastProgress = System.nanoTime();

  ProgressPublisher(HttpRequest.BodyPublisher delegate) {
    this.delegate = delegate;
  }

  /** {@link System#nanoTime()} when the body last moved (or when this publisher was made). */
  long lastProgress() {
    return lastProgress;
  }

  @Override
  public long contentLength() {
    return delegate.contentLength();
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
    lastProgress = System.nanoTime();
    delegate.subscribe(
        new Flow.Subscriber<ByteBuffer>() {
          @Override
          public void onSubscribe(Flow.Subscription subscription) {
            subscriber.onSubscribe(subscription);
          }

          @Override
          public void onNext(ByteBuffer item) {
            lastProgress = System.nanoTime();
            subscriber.onNext(item);
          }

          @Override
          public void onError(Throwable throwable) {
            subscriber.onError(throwable);
          }

          @Override
          public void onComplete() {
            lastProgress = System.nanoTime(); // the wait for the answer starts now
            subscriber.onComplete();
          }
        });
  }
}
