package dev.soci.oci;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.soci.common.internal.GoText;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict reader of one OCI JSON document on jackson-core's streaming parser. Members may come in
 * any order; unknown members are skipped; the last of duplicated members wins (as in Go); {@code
 * null} counts as absent. Wrong types, missing required members, invalid digests and trailing
 * content fail with an {@link InvalidDocumentException} naming the document and the JSON path.
 * Strings decode as Go decodes them: invalid UTF-8 bytes and unpaired surrogate escapes become
 * U+FFFD.
 */
final class DocumentReader {
  private final JsonParser p;
  private final String doc;
  private final int maxDepth;

  private DocumentReader(JsonParser p, String doc, int maxDepth) {
    this.p = p;
    this.doc = doc;
    this.maxDepth = maxDepth;
  }

  interface Body<T> {
    T read(DocumentReader r) throws IOException;
  }

  static <T> T read(
      JsonFactory factory, byte[] json, String doc, long maxSize, int maxDepth, Body<T> body)
      throws InvalidDocumentException {
    if (json.length > maxSize) {
      throw new InvalidDocumentException(
          doc, null, "document is " + json.length + " bytes, more than the limit of " + maxSize);
    }
    char[] chars = GoText.decodeUtf8(json);
    int start = 0;
    while (start < chars.length
        && (chars[start] == ' '
            || chars[start] == '\t'
            || chars[start] == '\n'
            || chars[start] == '\r')) {
      start++;
    }
    if (start < chars.length && chars[start] == '\uFEFF') {
      throw new InvalidDocumentException(
          doc, null, "invalid character (byte order mark) at the start");
    }
    try (JsonParser p = factory.createParser(chars)) {
      DocumentReader r = new DocumentReader(p, doc, maxDepth);
      T value = body.read(r);
      JsonToken after = p.nextToken();
      if (after != null) {
        throw r.malformed("unexpected content after the top-level value");
      }
      return value;
    } catch (InvalidDocumentException e) {
      throw e;
    } catch (StreamConstraintsException e) {
      throw new InvalidDocumentException(
          doc, null, "JSON nested deeper than " + maxDepth + " levels", e);
    } catch (JsonProcessingException e) {
      JsonLocation l = e.getLocation();
      throw new InvalidDocumentException(
          doc,
          null,
          "malformed JSON"
              + (l == null ? "" : " at line " + l.getLineNr() + ", column " + l.getColumnNr())
              + ": "
              + e.getOriginalMessage(),
          e);
    } catch (IOException e) {
      throw new InvalidDocumentException(doc, null, "unreadable JSON: " + e.getMessage(), e);
    }
  }

  InvalidDocumentException malformed(String reason) {
    JsonLocation l = p.currentLocation();
    return new InvalidDocumentException(
        doc,
        null,
        "malformed JSON at line " + l.getLineNr() + ", column " + l.getColumnNr() + ": " + reason);
  }

  private InvalidDocumentException wrongType(String path, String expected) {
    return new InvalidDocumentException(
        doc, path, "expected " + expected + ", found " + describe(p.currentToken()));
  }

  private InvalidDocumentException missing(String path) {
    return new InvalidDocumentException(doc, path, "missing required field");
  }

  private static String describe(JsonToken t) {
    if (t == null) {
      return "the end of the document";
    }
    return switch (t) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT -> "an integer";
      case VALUE_NUMBER_FLOAT -> "a floating-point number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> t.toString();
    };
  }

  private static String child(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  /** Moves to the root value. */
  JsonToken root() throws IOException {
    JsonToken t = p.nextToken();
    if (t == null) {
      throw malformed("empty document");
    }
    return t;
  }

  /** Calls {@code field} for every member of the object at the current token. */
  private void members(String path, FieldHandler field) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw wrongType(path.isEmpty() ? "(document)" : path, "an object");
    }
    if (p.getParsingContext().getNestingDepth() > maxDepth) {
      throw new InvalidDocumentException(
          doc, path, "JSON nested deeper than " + maxDepth + " levels");
    }
    for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
      String name = p.currentName();
      p.nextToken();
      if (!field.handle(name)) {
        p.skipChildren();
      }
    }
  }

  @FunctionalInterface
  private interface FieldHandler {
    /**
     * Reads the value of member {@code name} (the current token) and returns true, or false to skip
     * it.
     */
    boolean handle(String name) throws IOException;
  }

  private String string(String path) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.VALUE_STRING) {
      throw wrongType(path, "a string");
    }
    return GoText.replaceLoneSurrogates(p.getText());
  }

  private Long int64(String path) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.VALUE_NUMBER_INT) {
      throw wrongType(path, "an integer");
    }
    if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      throw new InvalidDocumentException(
          doc, path, "integer " + p.getText() + " out of the int64 range");
    }
    return p.getLongValue();
  }

  private List<String> strings(String path) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.START_ARRAY) {
      throw wrongType(path, "an array of strings");
    }
    List<String> list = new ArrayList<>();
    for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
      String s = string(path + "[" + list.size() + "]");
      list.add(s == null ? "" : s);
    }
    return list;
  }

  private Map<String, String> stringMap(String path) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.START_OBJECT) {
      throw wrongType(path, "an object of strings");
    }
    Map<String, String> map = new HashMap<>();
    members(
        path,
        name -> {
          String key = GoText.replaceLoneSurrogates(name);
          String v = string(path + "[" + quote(key) + "]");
          map.put(key, v == null ? "" : v);
          return true;
        });
    return map;
  }

  private static String quote(String key) {
    return "\"" + key.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private Digest digest(String path) throws IOException {
    String s = string(path);
    if (s == null) {
      return null;
    }
    try {
      return Digest.parse(s);
    } catch (IllegalArgumentException e) {
      throw new InvalidDocumentException(doc, path, e.getMessage());
    }
  }

  Platform platform(String path) throws IOException {
    return platform(path, true);
  }

  /** A platform; with {@code strict} false (an image config) architecture and os may be absent. */
  Platform platform(String path, boolean strict) throws IOException {
    String[] f = new String[4];
    List<List<String>> features = new ArrayList<>(List.of(List.of()));
    members(
        path,
        name -> {
          switch (name) {
            case "architecture" -> f[0] = string(child(path, name));
            case "os" -> f[1] = string(child(path, name));
            case "os.version" -> f[2] = string(child(path, name));
            case "variant" -> f[3] = string(child(path, name));
            case "os.features" -> {
              List<String> l = strings(child(path, name));
              features.set(0, l == null ? List.of() : l);
            }
            default -> {
              return false;
            }
          }
          return true;
        });
    if (strict) {
      if (f[0] == null) {
        throw missing(child(path, "architecture"));
      }
      if (f[1] == null) {
        throw missing(child(path, "os"));
      }
    }
    return new Platform(f[0], f[1], f[2], features.get(0), f[3]);
  }

  Descriptor descriptor(String path) throws IOException {
    Descriptor.Builder b = Descriptor.builder();
    boolean[] seen = new boolean[3];
    members(
        path,
        name -> {
          String at = child(path, name);
          switch (name) {
            case "mediaType" -> {
              String s = string(at);
              seen[0] = s != null;
              b.mediaType(s);
            }
            case "digest" -> {
              Digest d = digest(at);
              seen[1] = d != null;
              b.digest(d);
            }
            case "size" -> {
              Long n = int64(at);
              if (n != null && n < 0) {
                throw new InvalidDocumentException(doc, at, "negative size " + n);
              }
              seen[2] = n != null;
              b.size(n == null ? 0 : n);
            }
            case "urls" -> b.urls(strings(at));
            case "annotations" -> b.annotations(stringMap(at));
            case "data" -> {
              String s = string(at);
              try {
                b.data(
                    s == null
                        ? null
                        : Base64.getDecoder().decode(s.replace("\r", "").replace("\n", "")));
              } catch (IllegalArgumentException e) {
                throw new InvalidDocumentException(doc, at, "invalid base64: " + e.getMessage());
              }
            }
            case "platform" ->
                b.platform(p.currentToken() == JsonToken.VALUE_NULL ? null : platform(at));
            case "artifactType" -> b.artifactType(string(at));
            default -> {
              return false;
            }
          }
          return true;
        });
    if (!seen[0]) {
      throw missing(child(path, "mediaType"));
    }
    if (!seen[1]) {
      throw missing(child(path, "digest"));
    }
    if (!seen[2]) {
      throw missing(child(path, "size"));
    }
    return b.build();
  }

  private Descriptor optionalDescriptor(String path) throws IOException {
    return p.currentToken() == JsonToken.VALUE_NULL ? null : descriptor(path);
  }

  private List<Descriptor> descriptors(String path) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.START_ARRAY) {
      throw wrongType(path, "an array of descriptors");
    }
    List<Descriptor> list = new ArrayList<>();
    for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
      String at = path + "[" + list.size() + "]";
      if (e == JsonToken.VALUE_NULL) {
        throw wrongType(at, "a descriptor");
      }
      list.add(descriptor(at));
    }
    return list;
  }

  private int schemaVersion(Long v) throws InvalidDocumentException {
    if (v == null) {
      throw missing("schemaVersion");
    }
    if (v != 2) {
      throw new InvalidDocumentException(
          doc, "schemaVersion", "unsupported schema version " + v + " (expected 2)");
    }
    return 2;
  }

  ImageManifest manifest() throws IOException {
    Object[] f = new Object[7];
    boolean[] indexLike = new boolean[1];
    members(
        "",
        name -> {
          switch (name) {
            case "schemaVersion" -> f[0] = int64(name);
            case "mediaType" -> f[1] = string(name);
            case "artifactType" -> f[2] = string(name);
            case "config" -> f[3] = optionalDescriptor(name);
            case "layers" -> f[4] = descriptors(name);
            case "subject" -> f[5] = optionalDescriptor(name);
            case "annotations" -> f[6] = stringMap(name);
            case "manifests" -> {
              indexLike[0] = true;
              return false;
            }
            case "fsLayers" ->
                throw new InvalidDocumentException(
                    doc, name, "schema 1 manifests are not supported");
            default -> {
              return false;
            }
          }
          return true;
        });
    String mediaType = (String) f[1];
    if (indexLike[0] || MediaTypes.isIndex(mediaType)) {
      throw new InvalidDocumentException(
          doc,
          null,
          "expected an image manifest but found an image index"
              + (mediaType == null ? "" : " (" + mediaType + ")"));
    }
    int version = schemaVersion((Long) f[0]);
    if (f[3] == null) {
      throw missing("config");
    }
    if (f[4] == null) {
      throw missing("layers");
    }
    @SuppressWarnings("unchecked")
    List<Descriptor> layers = (List<Descriptor>) f[4];
    @SuppressWarnings("unchecked")
    Map<String, String> annotations = (Map<String, String>) f[6];
    return new ImageManifest(
        version,
        mediaType,
        (String) f[2],
        (Descriptor) f[3],
        layers,
        (Descriptor) f[5],
        annotations);
  }

  ImageIndex index() throws IOException {
    Object[] f = new Object[6];
    boolean[] manifestLike = new boolean[1];
    members(
        "",
        name -> {
          switch (name) {
            case "schemaVersion" -> f[0] = int64(name);
            case "mediaType" -> f[1] = string(name);
            case "artifactType" -> f[2] = string(name);
            case "manifests" -> f[3] = descriptors(name);
            case "subject" -> f[4] = optionalDescriptor(name);
            case "annotations" -> f[5] = stringMap(name);
            case "config", "layers" -> {
              manifestLike[0] = true;
              return false;
            }
            default -> {
              return false;
            }
          }
          return true;
        });
    String mediaType = (String) f[1];
    if (manifestLike[0] || MediaTypes.isManifest(mediaType)) {
      throw new InvalidDocumentException(
          doc,
          null,
          "expected an image index but found an image manifest"
              + (mediaType == null ? "" : " (" + mediaType + ")"));
    }
    int version = schemaVersion((Long) f[0]);
    if (f[3] == null) {
      throw missing("manifests");
    }
    @SuppressWarnings("unchecked")
    List<Descriptor> manifests = (List<Descriptor>) f[3];
    @SuppressWarnings("unchecked")
    Map<String, String> annotations = (Map<String, String>) f[5];
    return new ImageIndex(
        version, mediaType, (String) f[2], manifests, (Descriptor) f[4], annotations);
  }

  /**
   * Any JSON value as plain Java objects: objects as unmodifiable insertion-ordered {@code
   * Map<String, Object>} (members whose value is {@code null} left out, the last duplicate wins),
   * arrays as unmodifiable {@code List<Object>} ({@code null} elements kept), strings, {@code Long}
   * integers (out of the int64 range fails), {@code Double} for other numbers, {@code Boolean} and
   * {@code null}.
   */
  Object value(String path) throws IOException {
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT -> {
        Map<String, Object> map = new LinkedHashMap<>();
        members(
            path,
            name -> {
              String key = GoText.replaceLoneSurrogates(name);
              Object v = value(child(path, key));
              if (v == null) {
                map.remove(key);
              } else {
                map.put(key, v);
              }
              return true;
            });
        return Collections.unmodifiableMap(map);
      }
      case START_ARRAY -> {
        if (p.getParsingContext().getNestingDepth() > maxDepth) {
          throw new InvalidDocumentException(
              doc, path, "JSON nested deeper than " + maxDepth + " levels");
        }
        List<Object> list = new ArrayList<>();
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
          list.add(value(path + "[" + list.size() + "]"));
        }
        return Collections.unmodifiableList(list);
      }
      case VALUE_STRING -> {
        return string(path);
      }
      case VALUE_NUMBER_INT -> {
        return int64(path);
      }
      case VALUE_NUMBER_FLOAT -> {
        return p.getDoubleValue();
      }
      case VALUE_TRUE -> {
        return Boolean.TRUE;
      }
      case VALUE_FALSE -> {
        return Boolean.FALSE;
      }
      case VALUE_NULL -> {
        return null;
      }
      default -> throw malformed("unexpected " + describe(t));
    }
  }

  /** The {@code imageLayoutVersion} member of an {@code oci-layout} file. */
  String layoutVersion() throws IOException {
    String[] v = new String[1];
    members(
        "",
        name -> {
          if (name.equals("imageLayoutVersion")) {
            v[0] = string(name);
            return true;
          }
          return false;
        });
    if (v[0] == null) {
      throw missing("imageLayoutVersion");
    }
    return v[0];
  }

  /** A JSON array of strings (a {@code null} element reads as {@code ""}, as in Go). */
  List<String> stringArray() throws IOException {
    List<String> l = strings("(document)");
    if (l == null) {
      throw wrongType("(document)", "an array of strings");
    }
    return l;
  }

  /** A prefetch artifact, validated as {@link PrefetchArtifact#decode} says. */
  PrefetchArtifact prefetchArtifact() throws IOException {
    String[] version = new String[1];
    List<PrefetchArtifact.Span> spans = new ArrayList<>();
    members(
        "",
        name -> {
          switch (name) {
            case "version" -> version[0] = string(name);
            case "prefetch_spans" -> {
              spans.clear();
              JsonToken t = p.currentToken();
              if (t == JsonToken.VALUE_NULL) {
                return true;
              }
              if (t != JsonToken.START_ARRAY) {
                throw wrongType(name, "an array of prefetch spans");
              }
              for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                spans.add(prefetchSpan(name + "[" + spans.size() + "]"));
              }
            }
            default -> {
              return false;
            }
          }
          return true;
        });
    if (!PrefetchArtifact.VERSION.equals(version[0])) {
      throw new InvalidDocumentException(
          doc,
          "version",
          "unsupported prefetch artifact version: "
              + (version[0] == null ? "(none)" : version[0])
              + " (expected "
              + PrefetchArtifact.VERSION
              + ")");
    }
    if (spans.isEmpty()) {
      throw new InvalidDocumentException(doc, "prefetch_spans", "prefetch artifact is empty");
    }
    return PrefetchArtifact.of(spans);
  }

  private PrefetchArtifact.Span prefetchSpan(String path) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      throw wrongType(path, "a prefetch span");
    }
    long[] f = new long[3];
    members(
        path,
        name -> {
          String at = child(path, name);
          switch (name) {
            case "start_span" -> f[0] = spanId(at);
            case "end_span" -> f[1] = spanId(at);
            case "priority" -> {
              Long v = int64(at);
              f[2] = v == null ? 0 : v;
            }
            default -> {
              return false;
            }
          }
          return true;
        });
    if (f[1] < f[0]) {
      throw new InvalidDocumentException(
          doc, path, "end_span " + f[1] + " is before start_span " + f[0]);
    }
    return new PrefetchArtifact.Span((int) f[0], (int) f[1], f[2]);
  }

  /** A span id: Go's {@code SpanID} is an int32; negative ids name no span. */
  private long spanId(String path) throws IOException {
    Long v = int64(path);
    if (v == null) {
      return 0;
    }
    if (v < 0 || v > Integer.MAX_VALUE) {
      throw new InvalidDocumentException(doc, path, "span id " + v + " out of range");
    }
    return v;
  }
}
