package dev.soci.core.image;

import dev.soci.core.BlobSource;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.LongAdder;

/** The fetch counters of one image, and the wrappers that feed them. Thread-safe. */
final class Counters {
  final LongAdder documentBytes = new LongAdder();
  final LongAdder documentRequests = new LongAdder();
  final LongAdder layerBytes = new LongAdder();
  final LongAdder layerRequests = new LongAdder();

  void document(long bytes) {
    documentBytes.add(bytes);
    documentRequests.increment();
  }

  /** A source that counts every range read as one layer request. */
  BlobSource counting(BlobSource source) {
    return new BlobSource() {
      @Override
      public long size() throws IOException {
        return source.size();
      }

      @Override
      public void readFully(long offset, byte[] dst, int dstOffset, int length) throws IOException {
        layerRequests.increment();
        source.readFully(offset, dst, dstOffset, length);
        layerBytes.add(length);
      }

      @Override
      public boolean rangesIgnored() {
        return source.rangesIgnored();
      }

      @Override
      public void close() throws IOException {
        source.close();
      }

      @Override
      public String toString() {
        return source.toString();
      }
    };
  }

  /** A stream counted as one layer request, and its bytes as layer bytes. */
  InputStream counting(InputStream in) {
    layerRequests.increment();
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          layerBytes.increment();
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
          layerBytes.add(n);
        }
        return n;
      }
    };
  }
}
