package dev.soci.oci;

import dev.soci.common.internal.GoText;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Writes the OCI types exactly as Go's {@code encoding/json} ({@code json.Marshal}, Go 1.22+)
 * writes the image-spec v1.1.1 structs: compact, members in struct order, {@code omitempty} members
 * left out when empty, map keys sorted by bytes, strings escaped as Go escapes them ({@link
 * GoText#appendJsonString(StringBuilder, String)}).
 */
final class GoJsonWriter {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream(1024);

  byte[] toByteArray() {
    return out.toByteArray();
  }

  private void raw(String ascii) {
    for (int i = 0; i < ascii.length(); i++) {
      out.write(ascii.charAt(i));
    }
  }

  private void name(String name, boolean first) {
    if (!first) {
      out.write(',');
    }
    string(name);
    out.write(':');
  }

  void string(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2);
    GoText.appendJsonString(sb, s);
    // No unpaired surrogate is left (they became escapes): the encoding is exact.
    out.writeBytes(sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  private void number(long v) {
    raw(Long.toString(v));
  }

  private void stringList(List<String> list) {
    out.write('[');
    for (int i = 0; i < list.size(); i++) {
      if (i > 0) {
        out.write(',');
      }
      string(list.get(i));
    }
    out.write(']');
  }

  /** A map whose iteration order is already Go's (the model keeps annotations sorted). */
  private void stringMap(Map<String, String> map) {
    out.write('{');
    boolean first = true;
    for (Map.Entry<String, String> e : map.entrySet()) {
      name(e.getKey(), first);
      string(e.getValue());
      first = false;
    }
    out.write('}');
  }

  void platform(Platform p) {
    out.write('{');
    name("architecture", true);
    string(p.architecture());
    name("os", false);
    string(p.os());
    if (!p.osVersion().isEmpty()) {
      name("os.version", false);
      string(p.osVersion());
    }
    if (!p.osFeatures().isEmpty()) {
      name("os.features", false);
      stringList(p.osFeatures());
    }
    if (!p.variant().isEmpty()) {
      name("variant", false);
      string(p.variant());
    }
    out.write('}');
  }

  void descriptor(Descriptor d) {
    out.write('{');
    name("mediaType", true);
    string(d.mediaType());
    name("digest", false);
    string(d.digest().toString());
    name("size", false);
    number(d.size());
    if (!d.urls().isEmpty()) {
      name("urls", false);
      stringList(d.urls());
    }
    if (!d.annotations().isEmpty()) {
      name("annotations", false);
      stringMap(d.annotations());
    }
    byte[] data = d.data();
    if (data.length > 0) {
      name("data", false);
      string(Base64.getEncoder().encodeToString(data));
    }
    if (d.platform() != null) {
      name("platform", false);
      platform(d.platform());
    }
    if (!d.artifactType().isEmpty()) {
      name("artifactType", false);
      string(d.artifactType());
    }
    out.write('}');
  }

  private void descriptors(List<Descriptor> list) {
    out.write('[');
    for (int i = 0; i < list.size(); i++) {
      if (i > 0) {
        out.write(',');
      }
      descriptor(list.get(i));
    }
    out.write(']');
  }

  void manifest(ImageManifest m) {
    out.write('{');
    name("schemaVersion", true);
    number(m.schemaVersion());
    if (!m.mediaType().isEmpty()) {
      name("mediaType", false);
      string(m.mediaType());
    }
    if (!m.artifactType().isEmpty()) {
      name("artifactType", false);
      string(m.artifactType());
    }
    name("config", false);
    descriptor(m.config());
    name("layers", false);
    descriptors(m.layers());
    if (m.subject() != null) {
      name("subject", false);
      descriptor(m.subject());
    }
    if (!m.annotations().isEmpty()) {
      name("annotations", false);
      stringMap(m.annotations());
    }
    out.write('}');
  }

  void index(ImageIndex x) {
    out.write('{');
    name("schemaVersion", true);
    number(x.schemaVersion());
    if (!x.mediaType().isEmpty()) {
      name("mediaType", false);
      string(x.mediaType());
    }
    if (!x.artifactType().isEmpty()) {
      name("artifactType", false);
      string(x.artifactType());
    }
    name("manifests", false);
    descriptors(x.manifests());
    if (x.subject() != null) {
      name("subject", false);
      descriptor(x.subject());
    }
    if (!x.annotations().isEmpty()) {
      name("annotations", false);
      stringMap(x.annotations());
    }
    out.write('}');
  }

  /** upstream {@code PrefetchArtifact}: version, prefetch_spans; a span's priority is omitempty. */
  void prefetchArtifact(PrefetchArtifact a) {
    out.write('{');
    name("version", true);
    string(a.version());
    name("prefetch_spans", false);
    out.write('[');
    for (int i = 0; i < a.spans().size(); i++) {
      PrefetchArtifact.Span s = a.spans().get(i);
      if (i > 0) {
        out.write(',');
      }
      out.write('{');
      name("start_span", true);
      number(s.startSpan());
      name("end_span", false);
      number(s.endSpan());
      if (s.priority() != 0) {
        name("priority", false);
        number(s.priority());
      }
      out.write('}');
    }
    out.write(']');
    out.write('}');
  }
}
