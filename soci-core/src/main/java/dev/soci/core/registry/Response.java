package dev.soci.core.registry;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpHeaders;

/**
 * The final response of an exchange (after redirects, authentication and retries): status, headers,
 * the URI that answered and the body, either still streaming or, for error statuses, already read
 * (capped) so that its OCI error can be reported.
 */
final class Response implements Closeable {
  /** How much of an error body is kept. */
  static final int MAX_ERROR_BODY = 64 << 10;

  final String method;
  final URI uri;
  final int status;
  final HttpHeaders headers;
  private InputStream body;

  Response(String method, URI uri, int status, HttpHeaders headers, InputStream body) {
    this.method = method;
    this.uri = uri;
    this.status = status;
    this.headers = headers;
    this.body = body;
  }

  String header(String name) {
    return headers.firstValue(name).orElse(null);
  }

  /** The declared Content-Length, or -1. */
  long contentLength() {
    String v = header("Content-Length");
    return v == null ? -1 : ContentRange.number(v.trim());
  }

  InputStream stream() {
    return body;
  }

  /**
   * Reads the whole body, failing with a plain {@link IOException} if it is longer than {@code cap}
   * (the caller turns that into a typed error) or shorter than a declared Content-Length.
   */
  byte[] bytes(long cap) throws IOException {
    long declared = contentLength();
    if (declared > cap) {
      throw new BodyTooLargeException(declared, cap);
    }
    try (InputStream in = body) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 512);
      byte[] buf = new byte[16384];
      for (int n; (n = in.read(buf)) > 0; ) {
        if (out.size() + (long) n > cap) {
          throw new BodyTooLargeException(-1, cap);
        }
        out.write(buf, 0, n);
      }
      if (declared >= 0 && out.size() != declared) {
        throw new java.io.EOFException(
            "the body ended after " + out.size() + " of " + declared + " bytes");
      }
      byte[] b = out.toByteArray();
      body = new ByteArrayInputStream(b);
      return b;
    }
  }

  /** Reads up to {@link #MAX_ERROR_BODY} bytes of the body and keeps them; never throws. */
  byte[] errorBody() {
    if (body instanceof ByteArrayInputStream b) {
      b.reset();
      return b.readAllBytes();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = body) {
      byte[] buf = new byte[8192];
      for (int n; out.size() < MAX_ERROR_BODY && (n = in.read(buf)) > 0; ) {
        out.write(buf, 0, Math.min(n, MAX_ERROR_BODY - out.size()));
      }
    } catch (IOException e) {
      // a partial error body is still useful
    }
    byte[] b = out.toByteArray();
    body = new ByteArrayInputStream(b);
    return b;
  }

  @Override
  public void close() {
    try {
      body.close();
    } catch (IOException e) {
      // nothing to release beyond the exchange
    }
  }

  /** A body longer than allowed. */
  static final class BodyTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    BodyTooLargeException(long declared, long cap) {
      super(
          (declared >= 0 ? "the response declares " + declared + " bytes" : "the response is")
              + " more than the limit of "
              + cap
              + " bytes");
    }
  }
}
