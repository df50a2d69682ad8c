package dev.soci.core.registry.testing;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Chooses the requests a {@link Fault} applies to. It sees the request before it is answered
 * ({@link RecordedRequest#status()} is 0). Factories cover the distribution-spec endpoints; {@link
 * #and} narrows one down.
 */
@FunctionalInterface
public interface RequestMatcher {
  /** True when the fault applies to {@code request}. */
  boolean matches(RecordedRequest request);

  /** Both this and {@code other}. */
  default RequestMatcher and(RequestMatcher other) {
    Objects.requireNonNull(other);
    return r -> matches(r) && other.matches(r);
  }

  /** Every request to the registry (not its blob host). */
  static RequestMatcher any() {
    return r -> r.origin() == RecordedRequest.Origin.REGISTRY;
  }

  /** Requests to the registry with this method whose whole path matches {@code pathRegex}. */
  static RequestMatcher request(String method, String pathRegex) {
    Pattern pattern = Pattern.compile(pathRegex);
    return r ->
        r.origin() == RecordedRequest.Origin.REGISTRY
            && r.method().equals(method)
            && pattern.matcher(r.path()).matches();
  }

  /** {@code GET /v2/<name>/blobs/<digest>}. */
  static RequestMatcher blobGet() {
    return request("GET", "/v2/.+/blobs/[a-z0-9]+:[a-f0-9]+");
  }

  /** {@code HEAD /v2/<name>/blobs/<digest>}. */
  static RequestMatcher blobHead() {
    return request("HEAD", "/v2/.+/blobs/[a-z0-9]+:[a-f0-9]+");
  }

  /** {@code GET /v2/<name>/manifests/<reference>}. */
  static RequestMatcher manifestGet() {
    return request("GET", "/v2/.+/manifests/[^/]+");
  }

  /** {@code HEAD /v2/<name>/manifests/<reference>}. */
  static RequestMatcher manifestHead() {
    return request("HEAD", "/v2/.+/manifests/[^/]+");
  }

  /** {@code PUT /v2/<name>/manifests/<reference>}. */
  static RequestMatcher manifestPut() {
    return request("PUT", "/v2/.+/manifests/[^/]+");
  }

  /** {@code POST /v2/<name>/blobs/uploads/} (start, monolithic POST or mount). */
  static RequestMatcher uploadStart() {
    return request("POST", "/v2/.+/blobs/uploads/");
  }

  /** {@code PATCH /v2/<name>/blobs/uploads/<id>}. */
  static RequestMatcher uploadPatch() {
    return request("PATCH", "/v2/.+/blobs/uploads/[^/]+");
  }

  /** {@code PUT /v2/<name>/blobs/uploads/<id>} (completing an upload). */
  static RequestMatcher uploadPut() {
    return request("PUT", "/v2/.+/blobs/uploads/[^/]+");
  }

  /** {@code GET /v2/<name>/tags/list}. */
  static RequestMatcher tagsList() {
    return request("GET", "/v2/.+/tags/list");
  }

  /** {@code GET /v2/<name>/referrers/<digest>}. */
  static RequestMatcher referrers() {
    return request("GET", "/v2/.+/referrers/[^/]+");
  }

  /** Requests to the token endpoint ({@code /token}, bearer mode). */
  static RequestMatcher token() {
    return r -> r.origin() == RecordedRequest.Origin.REGISTRY && r.path().equals("/token");
  }

  /** Every request to the blob host that cross-origin redirects lead to. */
  static RequestMatcher blobHost() {
    return r -> r.origin() == RecordedRequest.Origin.BLOB_HOST;
  }

  /** Requests that carry this header (any value). */
  static RequestMatcher withHeader(String name) {
    return r -> r.header(name).isPresent();
  }
}
