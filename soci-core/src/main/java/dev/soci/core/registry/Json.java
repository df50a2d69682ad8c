package dev.soci.core.registry;

import dev.soci.oci.InvalidDocumentException;
import dev.soci.oci.OciJson;
import java.util.List;
import java.util.Map;

/** Typed access to small JSON documents read with {@link OciJson.Decoder#decodeValue}. */
final class Json {
  private static final OciJson.Decoder DECODER = OciJson.decoder().maxDocumentSize(1 << 20);

  private Json() {}

  /** The document's top-level object. */
  static Map<String, Object> object(byte[] json, String document) throws InvalidDocumentException {
    Object v = DECODER.decodeValue(json, document);
    if (!(v instanceof Map<?, ?>)) {
      throw new InvalidDocumentException(document, null, "expected a JSON object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) v;
    return m;
  }

  /** A member that must be an object if present; null when absent. */
  static Map<String, Object> object(Map<String, Object> m, String key, String document)
      throws InvalidDocumentException {
    Object v = m.get(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Map<?, ?>)) {
      throw new InvalidDocumentException(document, key, "expected an object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> o = (Map<String, Object>) v;
    return o;
  }

  /** A member that must be a string if present; null when absent. */
  static String string(Map<String, Object> m, String key, String document)
      throws InvalidDocumentException {
    Object v = m.get(key);
    if (v == null || v instanceof String) {
      return (String) v;
    }
    throw new InvalidDocumentException(document, key, "expected a string");
  }

  /** A member that must be an integer if present; null when absent. */
  static Long integer(Map<String, Object> m, String key, String document)
      throws InvalidDocumentException {
    Object v = m.get(key);
    if (v == null || v instanceof Long) {
      return (Long) v;
    }
    throw new InvalidDocumentException(document, key, "expected an integer");
  }

  /** A member that must be an array of strings if present; null when absent. */
  static List<String> strings(Map<String, Object> m, String key, String document)
      throws InvalidDocumentException {
    Object v = m.get(key);
    if (v == null) {
      return null;
    }
    if (v instanceof List<?> l) {
      for (int i = 0; i < l.size(); i++) {
        if (!(l.get(i) instanceof String)) {
          throw new InvalidDocumentException(document, key + "[" + i + "]", "expected a string");
        }
      }
      @SuppressWarnings("unchecked")
      List<String> s = (List<String>) l;
      return s;
    }
    throw new InvalidDocumentException(document, key, "expected an array of strings");
  }

  /**
   * The first error of a distribution-spec error body ({@code {"errors":[{"code","message"}]}}) as
   * {code, message}, or null when the body is not one. Never throws: error bodies are hints.
   */
  static String[] firstError(byte[] body) {
    if (body == null || body.length == 0) {
      return null;
    }
    try {
      Object v = DECODER.decodeValue(body, "error body");
      if (v instanceof Map<?, ?> m && m.get("errors") instanceof List<?> errors) {
        for (Object e : errors) {
          if (e instanceof Map<?, ?> em) {
            Object code = em.get("code");
            Object message = em.get("message");
            return new String[] {
              code instanceof String c ? c : null, message instanceof String s ? s : null
            };
          }
        }
      }
      return null;
    } catch (InvalidDocumentException e) {
      return null;
    }
  }
}
