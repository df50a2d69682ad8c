package dev.soci.core.registry;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A scripted HTTP responder on 127.0.0.1 (ephemeral port) for response-handling tests: each request
 * is recorded and answered by the test's handler. Not a registry: the tests say what each request
 * gets.
 */
final class Stub implements AutoCloseable {
  /** A recorded request. */
  record Req(String method, URI uri, Map<String, List<String>> headers, byte[] body) {
    String header(String name) {
      for (var e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue().get(0);
        }
      }
      return null;
    }

    String path() {
      return uri.getRawPath();
    }

    String query() {
      return uri.getRawQuery();
    }
  }

  /** What to answer. */
  static final class Resp {
    int status;
    final Map<String, String> headers = new LinkedHashMap<>();
    byte[] body = new byte[0];

    /** Send only this many body bytes, then close the connection (-1: all). */
    int dropAfter = -1;

    /** Declared length, when different from the body's. */
    long declared = -1;

    /** Send the headers and then stall this long before anything else. */
    long stallMillis;

    Resp(int status) {
      this.status = status;
    }

    Resp header(String n, String v) {
      headers.put(n, v);
      return this;
    }

    Resp body(byte[] b) {
      body = b;
      return this;
    }

    Resp body(String s) {
      return body(s.getBytes(StandardCharsets.UTF_8));
    }

    Resp json(String s) {
      header("Content-Type", "application/json");
      return body(s);
    }
  }

  @FunctionalInterface
  interface Handler {
    Resp handle(Req r) throws Exception;
  }

  private final HttpServer server;
  private final ExecutorService pool = Executors.newCachedThreadPool();
  final List<Req> requests = Collections.synchronizedList(new ArrayList<>());
  volatile Handler handler = r -> new Resp(404);

  Stub() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(pool);
    server.createContext("/", this::serve);
    server.start();
  }

  String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  String url() {
    return "http://" + host();
  }

  List<Req> requests(String method, String pathPrefix) {
    synchronized (requests) {
      return requests.stream()
          .filter(r -> r.method.equals(method) && r.path().startsWith(pathPrefix))
          .toList();
    }
  }

  private void serve(HttpExchange ex) throws IOException {
    try {
      byte[] body = ex.getRequestBody().readAllBytes();
      Map<String, List<String>> h = new LinkedHashMap<>();
      ex.getRequestHeaders().forEach((k, v) -> h.put(k, List.copyOf(v)));
      Req req = new Req(ex.getRequestMethod(), ex.getRequestURI(), h, body);
      requests.add(req);
      Resp resp;
      try {
        resp = handler.handle(req);
      } catch (Exception e) {
        resp = new Resp(599).body(e.toString());
      }
      Headers out = ex.getResponseHeaders();
      resp.headers.forEach(out::add);
      boolean head = req.method().equals("HEAD");
      long len = resp.declared >= 0 ? resp.declared : resp.body.length;
      if (head || resp.status == 204 || resp.status == 304) {
        if (head && len > 0) {
          out.set("Content-Length", Long.toString(len));
        }
        ex.sendResponseHeaders(resp.status, -1);
      } else {
        ex.sendResponseHeaders(resp.status, len == 0 ? -1 : len);
      }
      OutputStream os = ex.getResponseBody();
      if (resp.stallMillis > 0) {
        os.flush();
        Thread.sleep(resp.stallMillis);
      }
      if (!head) {
        int n = resp.dropAfter >= 0 ? Math.min(resp.dropAfter, resp.body.length) : resp.body.length;
        os.write(resp.body, 0, n);
        if (resp.dropAfter >= 0) {
          os.flush();
          // failing the handler makes the server close the connection mid-body
          throw new IOException("stub: connection dropped on purpose");
        }
      }
      os.close();
      ex.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ex.close();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
