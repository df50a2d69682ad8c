package dev.soci.core.registry.testing;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One request a {@link FakeRegistry} (or its blob host) received, for assertions.
 *
 * @param origin which server received it
 * @param method the HTTP method
 * @param path the decoded path, such as {@code /v2/app/blobs/sha256:...}
 * @param query the raw query string, empty when there is none
 * @param headers the request headers, names in lower case
 * @param status the status answered; {@code -1} when the connection was dropped before a status
 *     ({@link Fault#disconnect()}); {@code 0} while a {@link RequestMatcher} looks at the request
 * @param fault the fault applied to it ({@link Fault#toString()}), or null
 */
public record RecordedRequest(
    Origin origin,
    String method,
    String path,
    String query,
    Map<String, List<String>> headers,
    int status,
    String fault) {

  /** The server that received a request. */
  public enum Origin {
    /** The registry itself (including its {@code /token} endpoint). */
    REGISTRY,
    /** The second server, on another port, that cross-origin redirects point to. */
    BLOB_HOST
  }

  /** Copies the headers. */
  public RecordedRequest {
    headers = Map.copyOf(headers);
  }

  /** The first value of a header (name in any case), if present. */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /** The first value of a query parameter, if present. */
  public Optional<String> queryParameter(String name) {
    return Optional.ofNullable(Exchanges.first(Exchanges.parseQuery(query), name));
  }

  RecordedRequest withOutcome(int status, String fault) {
    return new RecordedRequest(origin, method, path, query, headers, status, fault);
  }

  @Override
  public String toString() {
    return origin
        + " "
        + method
        + " "
        + path
        + (query.isEmpty() ? "" : "?" + query)
        + " -> "
        + status
        + (fault == null ? "" : " [" + fault + "]");
  }
}
