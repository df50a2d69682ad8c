package dev.soci.core.registry;

import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.InvalidDocumentException;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The distribution-spec operations on one repository of a registry: manifests, blobs (whole,
 * ranged, uploads monolithic and chunked, cross-repository mounts), tags and referrers (with the
 * {@code sha256-<hex>} fallback tag where a registry has no referrers API). Get one from {@link
 * Registry#repository}; thread-safe. Every failure is a {@link RegistryException}.
 */
public final class Repository {
  /** Manifests and indexes larger than this are refused (4 MiB, as containerd and oras). */
  public static final long MAX_MANIFEST_SIZE = 4L << 20;

  /** What manifest requests accept: OCI and Docker v2 schema 2 manifests and indexes. */
  static final String MANIFEST_ACCEPT =
      String.join(
          ", ",
          MediaTypes.OCI_MANIFEST,
          MediaTypes.OCI_INDEX,
          MediaTypes.DOCKER_MANIFEST,
          MediaTypes.DOCKER_MANIFEST_LIST);

  private static final int MAX_UPLOAD_SESSIONS = 3;

  /** What is known of the registry's referrers API. */
  enum ReferrersSupport {
    UNKNOWN,
    SUPPORTED,
    UNSUPPORTED
  }

  private final Registry registry;
  private final Transport transport;
  private final String registryName;
  private final String name;
  private final URI base;
  private final AtomicReference<ReferrersSupport> referrers =
      new AtomicReference<>(ReferrersSupport.UNKNOWN);

  Repository(Registry registry, String registryName, String apiHost, String name) {
    this.registry = registry;
    this.transport = registry.transport;
    this.registryName = registryName;
    this.name = name;
    this.base = registry.baseUri(apiHost);
  }

  /** The registry as references name it ({@code docker.io} for Docker Hub). */
  public String registry() {
    return registryName;
  }

  /** The repository path. */
  public String name() {
    return name;
  }

  private String where() {
    return registryName + "/" + name;
  }

  private URI uri(String path) {
    return base.resolve("/v2/" + name + "/" + path);
  }

  private Call call(String action, String method, URI uri, boolean push) {
    Call c = new Call(action, method, uri);
    c.scope("repository:" + name + (push ? ":pull,push" : ":pull"));
    return c;
  }

  private Response send(Call c) throws IOException {
    return transport.send(c, registryName);
  }

  // ---------------------------------------------------------------------------------- manifests

  /**
   * Reads a manifest or index by tag or digest, at most {@link #MAX_MANIFEST_SIZE} bytes, its
   * digest checked against the requested digest and the registry's {@code Docker-Content-Digest}.
   *
   * @throws RegistryException with status 404 when it does not exist
   */
  public FetchedManifest getManifest(String reference) throws IOException {
    checkReference(reference);
    String action = "get manifest " + where() + refSuffix(reference);
    Call c = call(action, "GET", uri("manifests/" + reference), false);
    c.header("Accept", MANIFEST_ACCEPT);
    for (int attempt = 1; ; attempt++) {
      try (Response r = send(c)) {
        if (r.status != 200) {
          throw transport.failure(action, r, null);
        }
        byte[] content;
        try {
          content = r.bytes(MAX_MANIFEST_SIZE);
        } catch (Response.BodyTooLargeException e) {
          throw transport.failure(
              action, r, "the manifest is larger than " + MAX_MANIFEST_SIZE + " bytes");
        } catch (IOException e) {
          if (attempt < 3) {
            continue; // the body was cut: ask again
          }
          throw transport.failure(action, r, "its body could not be read: " + e);
        }
        Digest digest = checkDigest(action, r, reference, content);
        String mediaType = mediaType(r.header("Content-Type"), content);
        return new FetchedManifest(Descriptor.of(mediaType, digest, content.length), content);
      }
    }
  }

  /**
   * The descriptor of a manifest by tag or digest without its content, or empty when the registry
   * has none.
   */
  public Optional<Descriptor> headManifest(String reference) throws IOException {
    checkReference(reference);
    String action = "check manifest " + where() + refSuffix(reference);
    Call c = call(action, "HEAD", uri("manifests/" + reference), false);
    c.header("Accept", MANIFEST_ACCEPT);
    try (Response r = send(c)) {
      if (r.status == 404) {
        return Optional.empty();
      }
      if (r.status != 200) {
        throw transport.failure(action, r, null);
      }
      String header = r.header("Docker-Content-Digest");
      long size = r.contentLength();
      Digest digest = null;
      if (header != null) {
        try {
          digest = Digest.parse(header.trim());
        } catch (IllegalArgumentException e) {
          throw transport.failure(action, r, "its Docker-Content-Digest is not a digest");
        }
      }
      if (Digest.isValid(reference)) {
        Digest wanted = Digest.parse(reference);
        if (digest != null && !digest.equals(wanted)) {
          throw transport.failure(
              action, r, "the registry reports digest " + digest + " for " + wanted);
        }
        digest = wanted;
      }
      String ct = r.header("Content-Type");
      if (digest == null || size < 0 || ct == null) {
        // not enough in the headers (a tag without Docker-Content-Digest): read it
        return Optional.of(getManifest(reference).descriptor());
      }
      return Optional.of(Descriptor.of(stripParams(ct), digest, size));
    }
  }

  /**
   * Stores a manifest or index under a tag or its digest and returns its descriptor. For a manifest
   * with a {@code subject} on a registry without the referrers API (no {@code OCI-Subject} in the
   * answer), the subject's fallback tag {@code <alg>-<hex>} is updated to list it (read, add,
   * write; the previous fallback index is never deleted).
   */
  public Descriptor putManifest(String reference, String mediaType, byte[] content)
      throws IOException {
    checkReference(reference);
    byte[] body = content.clone();
    Descriptor d = Descriptor.of(mediaType, Digest.sha256(body), body.length);
    if (Digest.isValid(reference) && !Digest.parse(reference).equals(d.digest())) {
      Digest wanted = Digest.parse(reference);
      if (!Digest.of(wanted.algorithm(), body).equals(wanted)) {
        throw new IllegalArgumentException(
            "the content's digest is not " + reference + " (it is " + d.digest() + ")");
      }
      d = Descriptor.of(mediaType, wanted, body.length);
    }
    String action = "push manifest " + d.digest() + " to " + where() + refSuffix(reference);
    Call c = call(action, "PUT", uri("manifests/" + reference), true);
    c.header("Content-Type", mediaType);
    c.body(() -> HttpRequest.BodyPublishers.ofByteArray(body));
    String subjectHeader;
    try (Response r = send(c)) {
      if (r.status != 201 && r.status != 200) {
        throw transport.failure(action, r, null);
      }
      String got = r.header("Docker-Content-Digest");
      if (got != null && Digest.isValid(got.trim())) {
        Digest g = Digest.parse(got.trim());
        if (!Digest.of(g.algorithm(), body).equals(g)) {
          throw transport.failure(
              action,
              r,
              "the registry reports digest " + g + " for content of digest " + d.digest());
        }
      }
      subjectHeader = r.header("OCI-Subject");
    }
    Referrer referrer = referrer(d, body);
    if (referrer != null) {
      if (subjectHeader != null) {
        referrers.set(ReferrersSupport.SUPPORTED);
      } else if (referrers.get() != ReferrersSupport.SUPPORTED) {
        referrers.set(ReferrersSupport.UNSUPPORTED);
        addToFallbackTag(referrer);
      }
    }
    return d;
  }

  /** Deletes a manifest by digest (registries may refuse: 405 UNSUPPORTED). */
  public void deleteManifest(Digest digest) throws IOException {
    String action = "delete manifest " + digest + " from " + where();
    Call c = call(action, "DELETE", uri("manifests/" + digest), true);
    try (Response r = send(c)) {
      if (r.status != 202 && r.status != 200 && r.status != 204) {
        throw transport.failure(action, r, null);
      }
    }
  }

  private static void checkReference(String reference) {
    if (reference == null
        || !(Digest.isValid(reference) || reference.matches("[\\w][\\w.-]{0,127}"))) {
      throw new IllegalArgumentException("not a tag or digest: \"" + reference + "\"");
    }
  }

  private static String refSuffix(String reference) {
    return Digest.isValid(reference) ? "@" + reference : ":" + reference;
  }

  private Digest checkDigest(String action, Response r, String reference, byte[] content)
      throws RegistryException {
    Digest actual = Digest.sha256(content);
    if (Digest.isValid(reference)) {
      Digest wanted = Digest.parse(reference);
      if (!Digest.of(wanted.algorithm(), content).equals(wanted)) {
        throw transport.failure(
            action,
            r,
            "the registry sent content whose digest is "
                + Digest.of(wanted.algorithm(), content)
                + ", not "
                + wanted);
      }
      actual = wanted;
    }
    String header = r.header("Docker-Content-Digest");
    if (header != null && !header.isBlank()) {
      Digest claimed;
      try {
        claimed = Digest.parse(header.trim());
      } catch (IllegalArgumentException e) {
        throw transport.failure(
            action, r, "its Docker-Content-Digest \"" + shorten(header) + "\" is not a digest");
      }
      Digest computed = Digest.of(claimed.algorithm(), content);
      if (!computed.equals(claimed)) {
        throw transport.failure(
            action,
            r,
            "its Docker-Content-Digest is " + claimed + " but the content's digest is " + computed);
      }
      if (!Digest.isValid(reference)) {
        actual = claimed;
      }
    }
    return actual;
  }

  private static String shorten(String s) {
    return s.length() > 100 ? s.substring(0, 100) + "..." : s;
  }

  static String stripParams(String contentType) {
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
  }

  /** The media type from Content-Type, or from the document when the header is generic. */
  static String mediaType(String contentType, byte[] content) {
    String ct = contentType == null ? "" : stripParams(contentType).toLowerCase(Locale.ROOT);
    if (!ct.isEmpty()
        && !ct.equals("application/json")
        && !ct.equals("text/plain")
        && !ct.equals("application/octet-stream")) {
      return ct;
    }
    try {
      Object v = OciJson.decoder().decodeValue(content, "manifest");
      if (v instanceof Map<?, ?> m) {
        if (m.get("mediaType") instanceof String s && !s.isEmpty()) {
          return s;
        }
        if (m.containsKey("manifests")) {
          return MediaTypes.OCI_INDEX;
        }
      }
    } catch (InvalidDocumentException e) {
      // fall through: the caller decodes and reports
    }
    return MediaTypes.OCI_MANIFEST;
  }

  // ---------------------------------------------------------------------------------- blobs

  /** The size of a blob, or empty when the registry does not have it. */
  public OptionalLong headBlob(Digest digest) throws IOException {
    String action = "check blob " + digest + " in " + where();
    Call c = call(action, "HEAD", uri("blobs/" + digest), false);
    try (Response r = send(c)) {
      if (r.status == 404) {
        return OptionalLong.empty();
      }
      if (r.status != 200) {
        throw transport.failure(action, r, null);
      }
      long size = r.contentLength();
      if (size < 0) {
        throw transport.failure(action, r, "the answer has no Content-Length");
      }
      return OptionalLong.of(size);
    }
  }

  /**
   * Reads a whole blob. The stream checks the size and digest as it is read and fails at the end (a
   * {@link RegistryException}) if they differ; a connection that drops mid-body is resumed with a
   * range request.
   *
   * @param size the expected size, or -1 when unknown
   */
  public InputStream getBlob(Digest digest, long size) throws IOException {
    BlobStream s = new BlobStream(this, digest, 0, size, true);
    s.openFirst();
    return s;
  }

  /**
   * Reads {@code length} bytes of a blob from {@code offset} with a single-range request ({@code
   * Range: bytes=offset-(offset+length-1)}). A registry that ignores ranges (200) is read past the
   * offset; a short answer fails; a dropped connection is resumed.
   */
  public InputStream getBlobRange(Digest digest, long offset, long length) throws IOException {
    if (offset < 0 || length < 0 || offset + length < 0) {
      throw new IllegalArgumentException("invalid range " + offset + "+" + length);
    }
    BlobStream s = new BlobStream(this, digest, offset, length, false);
    s.openFirst();
    return s;
  }

  /** Sends a GET for a blob, with a Range from {@code from} (to {@code toInclusive} or the end). */
  Response blobGet(Digest digest, long from, long toInclusive) throws IOException {
    String action = "get blob " + digest + " from " + where();
    Call c = call(action, "GET", uri("blobs/" + digest), false);
    c.header("Accept-Encoding", "identity");
    if (from > 0 || toInclusive >= 0) {
      c.header("Range", "bytes=" + from + "-" + (toInclusive >= 0 ? toInclusive : ""));
    }
    return send(c);
  }

  /**
   * Random access to a blob for lazy loading: one single-range {@code GET} per read on the blob's
   * resolved URL ({@link RegistryBlobSource}), with {@link RegistryBlobSource.Options#defaults()}.
   *
   * @param size the blob's size (from its descriptor); -1 asks the registry ({@code HEAD})
   * @throws RegistryException with status 404 when the size is asked and the blob does not exist
   */
  public RegistryBlobSource openBlob(Digest digest, long size) throws IOException {
    return openBlob(digest, size, RegistryBlobSource.Options.defaults());
  }

  /** As {@link #openBlob(Digest, long)}, with options. */
  public RegistryBlobSource openBlob(Digest digest, long size, RegistryBlobSource.Options options)
      throws IOException {
    if (size < 0) {
      OptionalLong s = headBlob(digest);
      if (s.isEmpty()) {
        throw new RegistryException(
            "check blob " + digest + " in " + where(),
            "the registry does not have it",
            404,
            "BLOB_UNKNOWN",
            null,
            "HEAD",
            Urls.redact(blobUri(digest)),
            null);
      }
      size = s.getAsLong();
    }
    return new RegistryBlobSource(this, digest, size, options);
  }

  /** The blob's URL at the registry. */
  URI blobUri(Digest digest) {
    return uri("blobs/" + digest);
  }

  /**
   * One ranged GET of {@code [from, last]} at {@code target}: the registry's blob URL, or where it
   * led; registry credentials only when {@code target} is on the registry's origin.
   */
  Response rangeGet(URI target, String action, long from, long last) throws IOException {
    Call c = call(action, "GET", target, false);
    c.registryAuth = Urls.sameOrigin(target, base);
    c.header("Accept-Encoding", "identity");
    c.header("Range", "bytes=" + from + "-" + last);
    return send(c);
  }

  int maxResumes() {
    return transport.settings.maxAttempts();
  }

  RegistryException failure(String action, Response r, String reason) {
    return transport.failure(action, r, reason);
  }

  /** Deletes a blob (registries may refuse: 405 UNSUPPORTED). */
  public void deleteBlob(Digest digest) throws IOException {
    String action = "delete blob " + digest + " from " + where();
    Call c = call(action, "DELETE", uri("blobs/" + digest), true);
    try (Response r = send(c)) {
      if (r.status != 202 && r.status != 200 && r.status != 204) {
        throw transport.failure(action, r, null);
      }
    }
  }

  /**
   * Uploads a blob in one request (POST for a session, then PUT with the digest and a known
   * Content-Length). A stale session (404) starts a new one; nothing is sent twice blindly.
   */
  public void pushBlob(Digest digest, long size, BlobContent content) throws IOException {
    new Upload(digest, size, content, null).run(0);
  }

  /**
   * Uploads a blob in chunks of {@code chunkSize} bytes (PATCH with Content-Range). After a failed
   * chunk the registry is asked how much it has and the upload resumes from there.
   */
  public void pushBlobChunked(Digest digest, long size, BlobContent content, int chunkSize)
      throws IOException {
    if (chunkSize < 1) {
      throw new IllegalArgumentException("chunk size must be positive");
    }
    new Upload(digest, size, content, null).run(chunkSize);
  }

  /**
   * Mounts a blob from another repository of the same registry ({@code ?mount=&from=}); if the
   * registry answers with an upload session instead (202), uploads the content through it.
   *
   * @return true when mounted, false when uploaded
   */
  public boolean mountBlob(Digest digest, long size, String fromRepository, BlobContent content)
      throws IOException {
    if (fromRepository == null || fromRepository.isEmpty()) {
      throw new IllegalArgumentException("a mount needs the source repository");
    }
    return new Upload(digest, size, content, fromRepository).run(0);
  }

  /** One blob upload, with its session restarts and chunk resumes. */
  private final class Upload {
    final Digest digest;
    final long size;
    final BlobContent content;
    final String mountFrom;
    final String action;

    Upload(Digest digest, long size, BlobContent content, String mountFrom) {
      if (size < 0) {
        throw new IllegalArgumentException("negative size");
      }
      this.digest = digest;
      this.size = size;
      this.content = content;
      this.mountFrom = mountFrom;
      this.action =
          (mountFrom != null
                  ? "mount blob " + digest + " from " + mountFrom + " into "
                  : "push blob " + digest + " to ")
              + where();
    }

    private Call uploadCall(String method, URI uri) {
      Call c = call(action, method, uri, true);
      if (mountFrom != null) {
        c.scope("repository:" + mountFrom + ":pull");
      }
      return c;
    }

    /** Returns true when the blob was mounted. */
    boolean run(int chunkSize) throws IOException {
      RegistryException last = null;
      for (int session = 0; session < MAX_UPLOAD_SESSIONS; session++) {
        URI start = uri("blobs/uploads/");
        if (mountFrom != null && session == 0) {
          start =
              Urls.withParam(Urls.withParam(start, "mount", digest.toString()), "from", mountFrom);
        }
        Call post = uploadCall("POST", start).idempotent(true);
        post.body(HttpRequest.BodyPublishers::noBody);
        URI location;
        try (Response r = send(post)) {
          if (r.status == 201 && mountFrom != null && session == 0) {
            return true;
          }
          if (r.status != 202) {
            throw transport.failure(action, r, null);
          }
          location = location(r);
        }
        try {
          if (chunkSize > 0) {
            location = patchAll(location, chunkSize);
            finish(location, false);
          } else {
            finish(location, true);
          }
          return false;
        } catch (StaleSessionException e) {
          last = e.cause;
          Transport.log(
              Level.DEBUG, "upload session of " + digest + " is gone; starting a new one");
        }
      }
      throw last;
    }

    private URI location(Response r) throws RegistryException {
      String loc = r.header("Location");
      if (loc == null || loc.isBlank()) {
        throw transport.failure(action, r, "the registry gave no upload Location");
      }
      URI u;
      try {
        u = r.uri.resolve(new URI(loc.trim()));
      } catch (java.net.URISyntaxException | IllegalArgumentException e) {
        throw transport.failure(action, r, "the upload Location is not a valid URL");
      }
      if (!Urls.sameOrigin(u, base)) {
        throw transport.failure(
            action,
            r,
            "the upload Location " + Urls.redact(u) + " is not on the registry's origin " + base);
      }
      return u;
    }

    /** The closing PUT; with {@code withBody} the whole content (monolithic upload). */
    private void finish(URI location, boolean withBody) throws IOException {
      URI put = Urls.withParam(location, "digest", digest.toString());
      Call c = uploadCall("PUT", put);
      c.header("Content-Type", "application/octet-stream");
      if (withBody) {
        c.body(() -> publisher(0, size));
      } else {
        c.body(HttpRequest.BodyPublishers::noBody);
      }
      Response r;
      try {
        r = send(c);
      } catch (RegistryException e) {
        // the PUT may have succeeded with its answer lost: the blob decides
        if (exists()) {
          return;
        }
        throw e;
      }
      try (r) {
        if (r.status == 201 || r.status == 204 || r.status == 200) {
          String got = r.header("Docker-Content-Digest");
          if (got != null
              && Digest.isValid(got.trim())
              && !Digest.parse(got.trim()).equals(digest)) {
            throw transport.failure(action, r, "the registry stored it as " + got.trim());
          }
          return;
        }
        if (r.status == 404 || r.status == 416) {
          if (exists()) {
            return;
          }
          throw new StaleSessionException(transport.failure(action, r, null));
        }
        throw transport.failure(action, r, null);
      }
    }

    private boolean exists() throws IOException {
      OptionalLong s = headBlob(digest);
      return s.isPresent() && s.getAsLong() == size;
    }

    /** PATCHes the content chunk by chunk; returns the Location for the closing PUT. */
    private URI patchAll(URI location, int chunkSize) throws IOException {
      long offset = 0;
      int recoveries = 0;
      while (offset < size) {
        long n = Math.min(chunkSize, size - offset);
        long from = offset;
        Call c = uploadCall("PATCH", location);
        c.header("Content-Type", "application/octet-stream");
        c.header("Content-Range", from + "-" + (from + n - 1));
        c.body(() -> publisher(from, n));
        Response r = null;
        IOException failure = null;
        try {
          r = send(c);
        } catch (IOException e) {
          failure = e;
        }
        if (r != null) {
          try (Response answer = r) {
            if (answer.status == 202 || answer.status == 204) {
              location = location(answer);
              ContentRange range = uploadRange(answer.header("Range"));
              offset = range != null ? range.last() + 1 : from + n;
              if (offset > from + n) {
                throw transport.failure(
                    action,
                    answer,
                    "the registry claims " + offset + " bytes after " + (from + n) + " were sent");
              }
              continue;
            }
            if (answer.status == 404) {
              throw new StaleSessionException(transport.failure(action, answer, null));
            }
            if (answer.status != 416
                && answer.status < 500
                && answer.status != 408
                && answer.status != 429) {
              throw transport.failure(action, answer, null);
            }
            failure = transport.failure(action, answer, null);
          }
        }
        // never replay a PATCH blindly: ask the registry where the upload stands
        if (++recoveries >= transport.settings.maxAttempts()) {
          throw failure instanceof RegistryException re
              ? re
              : new RegistryException(
                  action,
                  "a chunk failed: " + failure,
                  RegistryException.NO_STATUS,
                  null,
                  null,
                  "PATCH",
                  Urls.redact(location),
                  failure);
        }
        sleepBriefly(recoveries);
        URI[] loc = {location};
        offset = status(loc, from);
        location = loc[0];
      }
      return location;
    }

    /**
     * GETs the upload's status: the offset the registry has, updating the location. Registries
     * write {@code 0-0} for an empty upload as for a one-byte one; before the first chunk was
     * accepted ({@code confirmed} 0) it means empty.
     */
    private long status(URI[] location, long confirmed) throws IOException {
      Call c = uploadCall("GET", location[0]);
      c.followRedirects = false;
      try (Response r = send(c)) {
        if (r.status == 404) {
          throw new StaleSessionException(transport.failure(action, r, null));
        }
        if (r.status != 204 && r.status != 200) {
          throw transport.failure(action, r, null);
        }
        if (r.header("Location") != null) {
          location[0] = location(r);
        }
        ContentRange range = uploadRange(r.header("Range"));
        if (range == null || (range.last() == 0 && confirmed == 0)) {
          return 0;
        }
        return range.last() + 1;
      }
    }

    private void sleepBriefly(int round) throws RegistryException {
      try {
        Thread.sleep(
            Math.min(5000, transport.settings.initialBackoff().toMillis() << Math.min(round, 10)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RegistryException(
            action,
            "the thread was interrupted",
            RegistryException.NO_STATUS,
            null,
            null,
            null,
            null,
            e);
      }
    }

    private HttpRequest.BodyPublisher publisher(long from, long length) {
      return HttpRequest.BodyPublishers.fromPublisher(
          HttpRequest.BodyPublishers.ofInputStream(
              () -> {
                try {
                  return new BoundedInputStream(content.open(from), length);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              }),
          length);
    }
  }

  /**
   * The {@code Range} header of an upload status ({@code 0-<last>}, without a unit), as a range
   * from 0, or null when absent or unreadable.
   */
  static ContentRange uploadRange(String header) {
    if (header == null) {
      return null;
    }
    String v = header.trim();
    if (v.regionMatches(true, 0, "bytes=", 0, 6)) {
      v = v.substring(6);
    }
    int dash = v.indexOf('-');
    if (dash < 0) {
      return null;
    }
    long first = ContentRange.number(v.substring(0, dash).trim());
    long last = ContentRange.number(v.substring(dash + 1).trim());
    if (first != 0 || last < 0) {
      return null;
    }
    return new ContentRange(0, last, -1);
  }

  /** A session the registry no longer knows: the upload starts over. */
  private static final class StaleSessionException extends IOException {
    private static final long serialVersionUID = 1L;
    final transient RegistryException cause;

    StaleSessionException(RegistryException cause) {
      super(cause.getMessage(), cause);
      this.cause = cause;
    }
  }

  // ---------------------------------------------------------------------------------- tags

  /** Every tag of the repository, following {@code Link} pages (at most the registry's limit). */
  public List<String> listTags() throws IOException {
    return listTags(0);
  }

  /**
   * Every tag, asking for pages of {@code pageSize} ({@code n}; 0 lets the registry choose) and
   * following {@code Link} pages up to the page limit.
   */
  public List<String> listTags(int pageSize) throws IOException {
    String action = "list the tags of " + where();
    URI next = uri("tags/list");
    if (pageSize > 0) {
      next = Urls.withParam(next, "n", Integer.toString(pageSize));
    }
    List<String> tags = new ArrayList<>();
    for (int page = 0; next != null; page++) {
      if (page >= registry.maxPages) {
        throw new RegistryException(
            action,
            "there are more than " + registry.maxPages + " pages",
            RegistryException.NO_STATUS,
            null,
            null,
            "GET",
            Urls.redact(next),
            null);
      }
      Call c = call(action, "GET", next, false);
      try (Response r = send(c)) {
        if (r.status == 404 && page == 0) {
          throw transport.failure(action, r, null);
        }
        if (r.status != 200) {
          throw transport.failure(action, r, null);
        }
        byte[] body = readJson(action, r);
        try {
          Map<String, Object> m = Json.object(body, "tag list");
          List<String> t = Json.strings(m, "tags", "tag list");
          if (t != null) {
            tags.addAll(t);
          }
        } catch (InvalidDocumentException e) {
          throw transport.failure(action, r, "the tag list is not valid: " + e.getMessage());
        }
        next = nextPage(action, r);
      }
    }
    return tags;
  }

  private byte[] readJson(String action, Response r) throws RegistryException {
    try {
      return r.bytes(MAX_MANIFEST_SIZE);
    } catch (IOException e) {
      throw transport.failure(action, r, "its body could not be read: " + e.getMessage());
    }
  }

  private URI nextPage(String action, Response r) throws RegistryException {
    List<String> links = r.headers.allValues("Link");
    if (links.isEmpty()) {
      return null;
    }
    URI next = LinkHeader.resolveNext(r.uri, links);
    if (next == null) {
      return null;
    }
    if (!Urls.sameOrigin(next, base)) {
      throw transport.failure(
          action, r, "its next page " + Urls.redact(next) + " is on another origin");
    }
    return next;
  }

  // ---------------------------------------------------------------------------------- referrers

  /**
   * The referrers of a manifest (descriptors of manifests whose {@code subject} is it), those of
   * {@code artifactType} only when it is not null: from the referrers API, following {@code Link}
   * pages and filtering here when the registry did not ({@code OCI-Filters-Applied}), or from the
   * fallback tag {@code <alg>-<hex>} when the registry has no referrers API.
   */
  public List<Descriptor> referrers(Digest subject, String artifactType) throws IOException {
    if (referrers.get() != ReferrersSupport.UNSUPPORTED) {
      List<Descriptor> found = referrersApi(subject, artifactType);
      if (found != null) {
        return found;
      }
    }
    return filter(fallbackIndex(subject).manifests(), artifactType);
  }

  /** From the API, or null when it is not supported. */
  private List<Descriptor> referrersApi(Digest subject, String artifactType) throws IOException {
    String action = "list the referrers of " + subject + " in " + where();
    URI next = uri("referrers/" + subject);
    if (artifactType != null) {
      next = Urls.withParam(next, "artifactType", artifactType);
    }
    List<Descriptor> out = new ArrayList<>();
    for (int page = 0; next != null; page++) {
      if (page >= registry.maxPages) {
        throw new RegistryException(
            action,
            "there are more than " + registry.maxPages + " pages",
            RegistryException.NO_STATUS,
            null,
            null,
            "GET",
            Urls.redact(next),
            null);
      }
      Call c = call(action, "GET", next, false);
      c.header("Accept", MediaTypes.OCI_INDEX);
      try (Response r = send(c)) {
        if (r.status == 404 || r.status == 405 || r.status == 400) {
          if (page > 0) {
            throw transport.failure(action, r, null);
          }
          String[] err = Json.firstError(r.errorBody());
          if (r.status == 404 && err != null && "NAME_UNKNOWN".equals(err[0])) {
            // the repository does not exist: no referrers, and nothing learnt about the API
            return List.of();
          }
          referrers.compareAndSet(ReferrersSupport.UNKNOWN, ReferrersSupport.UNSUPPORTED);
          return null;
        }
        if (r.status != 200) {
          throw transport.failure(action, r, null);
        }
        String ct = r.header("Content-Type");
        if (ct == null || !stripParams(ct).equalsIgnoreCase(MediaTypes.OCI_INDEX)) {
          if (page > 0) {
            throw transport.failure(action, r, "a page is not an OCI image index");
          }
          referrers.compareAndSet(ReferrersSupport.UNKNOWN, ReferrersSupport.UNSUPPORTED);
          return null;
        }
        referrers.set(ReferrersSupport.SUPPORTED);
        byte[] body = readJson(action, r);
        ImageIndex index;
        try {
          index = OciJson.decoder().decodeIndex(body, "referrers of " + subject);
        } catch (InvalidDocumentException e) {
          throw transport.failure(action, r, e.getMessage());
        }
        boolean filtered = false;
        for (String f : r.headers.allValues("OCI-Filters-Applied")) {
          for (String part : f.split(",")) {
            filtered |= part.trim().equalsIgnoreCase("artifactType");
          }
        }
        out.addAll(filtered ? index.manifests() : filter(index.manifests(), artifactType));
        next = nextPage(action, r);
      }
    }
    return out;
  }

  private static List<Descriptor> filter(List<Descriptor> all, String artifactType) {
    if (artifactType == null) {
      return all;
    }
    List<Descriptor> out = new ArrayList<>();
    for (Descriptor d : all) {
      if (artifactType.equals(d.artifactType())) {
        out.add(d);
      }
    }
    return out;
  }

  /** The fallback tag of a subject: {@code <alg>-<hex>}, truncated as the spec says. */
  static String fallbackTag(Digest subject) {
    String alg = subject.algorithm();
    String hex = subject.hex();
    return (alg.length() > 32 ? alg.substring(0, 32) : alg)
        + "-"
        + (hex.length() > 64 ? hex.substring(0, 64) : hex);
  }

  private ImageIndex fallbackIndex(Digest subject) throws IOException {
    String tag = fallbackTag(subject);
    FetchedManifest m;
    try {
      m = getManifest(tag);
    } catch (RegistryException e) {
      if (e.status() == 404) {
        return ImageIndex.of(MediaTypes.OCI_INDEX, List.of());
      }
      throw e;
    }
    try {
      return OciJson.decoder().decodeIndex(m.content(), where() + ":" + tag);
    } catch (InvalidDocumentException e) {
      throw new RegistryException(
          "read the referrers fallback tag " + where() + ":" + tag,
          "it is not an image index: " + e.getMessage(),
          RegistryException.NO_STATUS,
          null,
          null,
          null,
          null,
          e);
    }
  }

  /** Adds a referrer to its subject's fallback index unless it is there already. */
  private void addToFallbackTag(Referrer referrer) throws IOException {
    ImageIndex current = fallbackIndex(referrer.subject());
    for (Descriptor d : current.manifests()) {
      if (d.digest().equals(referrer.entry().digest())) {
        return;
      }
    }
    List<Descriptor> list = new ArrayList<>(current.manifests());
    list.add(referrer.entry());
    ImageIndex updated = current.withMediaType(MediaTypes.OCI_INDEX).withManifests(list);
    // a plain PUT: the index has no subject, so this does not recurse; the old one is kept
    putManifest(fallbackTag(referrer.subject()), MediaTypes.OCI_INDEX, OciJson.encode(updated));
  }

  /** A manifest with a subject: the subject and the entry that lists it among the referrers. */
  private record Referrer(Digest subject, Descriptor entry) {}

  /**
   * The referrer entry of a manifest with a subject (artifact type from {@code artifactType} or the
   * config's media type, the manifest's annotations); null without a subject.
   */
  private static Referrer referrer(Descriptor d, byte[] body) {
    Descriptor subject;
    String artifactType;
    Map<String, String> annotations;
    try {
      if (MediaTypes.isIndex(d.mediaType())) {
        ImageIndex i = OciJson.decoder().decodeIndex(body, "manifest");
        subject = i.subject();
        artifactType = i.artifactType();
        annotations = i.annotations();
      } else {
        ImageManifest m = OciJson.decoder().decodeManifest(body, "manifest");
        subject = m.subject();
        artifactType = m.artifactType().isEmpty() ? m.config().mediaType() : m.artifactType();
        annotations = m.annotations();
      }
    } catch (InvalidDocumentException e) {
      return null;
    }
    if (subject == null) {
      return null;
    }
    Descriptor entry =
        Descriptor.builder()
            .mediaType(d.mediaType())
            .digest(d.digest())
            .size(d.size())
            .artifactType(artifactType.isEmpty() ? null : artifactType)
            .annotations(annotations.isEmpty() ? null : annotations)
            .build();
    return new Referrer(subject.digest(), entry);
  }
}
