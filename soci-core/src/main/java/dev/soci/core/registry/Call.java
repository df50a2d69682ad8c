package dev.soci.core.registry;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * One logical request: what it is for (the "tried to X" of errors), method, URI, headers, a body
 * that can be made again for a retry, the token scopes it needs and whether it may be repeated.
 */
final class Call {
  final String action;
  final String method;
  final URI uri;
  final Map<String, String> headers = new LinkedHashMap<>();
  Supplier<HttpRequest.BodyPublisher> body;
  final Set<String> scopes = new TreeSet<>();

  /** Whether the request may be sent again after a failure (never for PATCH). */
  boolean idempotent;

  /** Whether redirects are followed (GET and HEAD only). */
  boolean followRedirects;

  /** Whether registry authentication applies (false for token requests to a realm). */
  boolean registryAuth = true;

  Call(String action, String method, URI uri) {
    this.action = action;
    this.method = method;
    this.uri = uri;
    this.idempotent = !method.equals("PATCH") && !method.equals("POST");
    this.followRedirects = method.equals("GET") || method.equals("HEAD");
  }

  Call header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  Call scope(String scope) {
    scopes.add(scope);
    return this;
  }

  Call scopes(Set<String> s) {
    scopes.addAll(s);
    return this;
  }

  Call body(Supplier<HttpRequest.BodyPublisher> b) {
    this.body = b;
    return this;
  }

  Call idempotent(boolean v) {
    this.idempotent = v;
    return this;
  }
}
