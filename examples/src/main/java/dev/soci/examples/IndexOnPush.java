package dev.soci.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.soci.core.index.CreateResult;
import dev.soci.core.index.PlatformSelection;
import dev.soci.core.index.SociIndexBuilder;
import dev.soci.core.registry.ImageReference;
import dev.soci.core.registry.Registry;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciJson;
import dev.soci.oci.SociIndex;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A worker that indexes every image pushed to a registry, where it lives: an HTTP endpoint for
 * Debian's {@code docker-registry} (distribution 2.8) push notifications. Point the registry at it:
 *
 * <pre>
 * notifications:
 *   endpoints:
 *     - name: soci
 *       url: http://127.0.0.1:8099/events
 *       timeout: 5s
 *       threshold: 5
 *       backoff: 1s
 *       ignoredmediatypes: [application/octet-stream]
 * </pre>
 *
 * <p>Each POST carries an envelope ({@code application/vnd.docker.distribution.events.v1+json}) of
 * events; every {@code push} of a manifest or index by tag is queued and answered at once (the
 * registry retries what is not acknowledged), then indexed with {@link SociIndexBuilder#create}
 * over the registry: layers streamed once, nothing written locally, the v1 SOCI index pushed with
 * its subject. The worker's own pushes (SOCI indexes, their fallback tag) come back as events and
 * are skipped. Here one thread does the builds; behind a real queue or job runner, each event is a
 * job and any number of workers scale out.
 *
 * <p>Run: {@code IndexOnPush PORT REGISTRY_HOST} (e.g. {@code 8099 127.0.0.1:5000}).
 */
public final class IndexOnPush implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService builds = Executors.newSingleThreadExecutor();
  private final Registry registry;
  private final String registryHost;
  private final SociIndexBuilder builder;
  private final Set<Digest> seen = ConcurrentHashMap.newKeySet();

  private IndexOnPush(HttpServer server, Registry registry, String host, SociIndexBuilder b) {
    this.server = server;
    this.registry = registry;
    this.registryHost = host;
    this.builder = b;
  }

  /**
   * Starts the endpoint on loopback {@code port} (0 for any), at path {@code /events}, indexing
   * images of the registry at {@code registryHost} with {@code builder}.
   */
  public static IndexOnPush start(
      int port, Registry registry, String registryHost, SociIndexBuilder builder)
      throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    IndexOnPush worker = new IndexOnPush(server, registry, registryHost, builder);
    server.createContext("/events", worker::handle);
    server.start();
    return worker;
  }

  /** The port the endpoint listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("POST")) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readNBytes(1 << 20); // envelopes are small; a larger one is cut and refused
      }
      List<ImageReference> images;
      try {
        images = pushedImages(body);
      } catch (IOException | RuntimeException e) {
        System.err.println("ignoring a notification that is not an event envelope: " + e);
        exchange.sendResponseHeaders(400, -1);
        return;
      }
      for (ImageReference image : images) {
        builds.submit(() -> index(image));
      }
      exchange.sendResponseHeaders(200, -1);
    }
  }

  /** The images an envelope says were pushed by tag (a manifest or index, not a fallback tag). */
  private List<ImageReference> pushedImages(byte[] envelope) throws IOException {
    Object root = OciJson.decoder().decodeValue(envelope, "notification envelope");
    if (!(root instanceof Map<?, ?> m) || !(m.get("events") instanceof List<?> events)) {
      throw new IOException("no events");
    }
    List<ImageReference> out = new java.util.ArrayList<>();
    for (Object e : events) {
      if (!(e instanceof Map<?, ?> event)
          || !"push".equals(event.get("action"))
          || !(event.get("target") instanceof Map<?, ?> target)) {
        continue;
      }
      String mediaType = String.valueOf(target.get("mediaType"));
      Object tag = target.get("tag");
      Object repository = target.get("repository");
      Object digest = target.get("digest");
      if (!(MediaTypes.isManifest(mediaType) || MediaTypes.isIndex(mediaType))
          || !(tag instanceof String t)
          || t.matches("sha256-[0-9a-f]{64}") // a fallback tag: the worker's own referrers index
          || !(repository instanceof String r)
          || !(digest instanceof String d)) {
        continue;
      }
      out.add(new ImageReference(registryHost, r, t, Digest.parse(d)));
    }
    return out;
  }

  private void index(ImageReference image) {
    if (!seen.add(image.digest())) {
      return; // one index per image, however often it is tagged
    }
    try {
      var fetched = registry.repository(image).getManifest(image.digest().toString());
      if (MediaTypes.isManifest(fetched.mediaType())) {
        ImageManifest m = OciJson.decoder().decodeManifest(fetched.content(), image.toString());
        if (SociIndex.Version.ofArtifactType(m.config().mediaType()) != null
            || SociIndex.Version.ofArtifactType(m.artifactType()) != null) {
          return; // a SOCI index (ours, or pushed with the image)
        }
      }
      PlatformSelection platforms =
          MediaTypes.isIndex(fetched.mediaType())
              ? PlatformSelection.all()
              : PlatformSelection.defaultPlatform();
      CreateResult r = builder.create(registry, image, platforms);
      r.indexes()
          .forEach(
              i ->
                  System.out.println(
                      "indexed " + image + " (" + i.platform() + "): " + i.descriptor().digest()));
    } catch (IOException | RuntimeException e) {
      seen.remove(image.digest()); // a later push may try again
      System.err.println("could not index " + image + ": " + e.getMessage());
    }
  }

  /** Stops the endpoint and the builds. */
  @Override
  public void close() {
    server.stop(0);
    builds.shutdownNow();
  }

  /** {@code IndexOnPush PORT REGISTRY_HOST}: runs until killed. */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: IndexOnPush PORT REGISTRY_HOST");
      System.exit(2);
    }
    IndexOnPush worker =
        start(
            Integer.parseInt(args[0]),
            Registry.builder().build(),
            args[1],
            SociIndexBuilder.withDefaults());
    System.out.println("listening on http://127.0.0.1:" + worker.port() + "/events");
  }
}
