package dev.soci.core.index;

import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.OciJson;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-memory {@link Store}, like the stand-ins upstream's index vectors were made with: blobs by
 * digest, checked on every write, plus a table of zTOCs "already built" per layer and span size
 * (upstream's artifacts DB).
 */
final class MemoryStore implements Store {
  final Map<Digest, byte[]> blobs = new LinkedHashMap<>();
  final List<Digest> writes = new ArrayList<>();
  final Map<String, Descriptor> ztocs = new HashMap<>();

  void put(byte[] b) {
    blobs.put(Digest.sha256(b), b);
  }

  @Override
  public byte[] read(Descriptor d, long maxSize) throws IOException {
    byte[] b = blobs.get(d.digest());
    if (b == null) {
      throw new FileNotFoundException("no blob " + d.digest());
    }
    if (b.length != d.size() || !Digest.sha256(b).equals(d.digest())) {
      throw new IOException("blob " + d.digest() + " does not match its descriptor");
    }
    return b;
  }

  @Override
  public ImageManifest manifest(Descriptor d) throws IOException {
    return OciJson.decoder().decodeManifest(read(d, 1 << 20), d.digest().toString());
  }

  @Override
  public ImageIndex index(Descriptor d) throws IOException {
    return OciJson.decoder().decodeIndex(read(d, 1 << 20), d.digest().toString());
  }

  @Override
  public boolean exists(Descriptor d) {
    return blobs.containsKey(d.digest());
  }

  @Override
  public InputStream open(Descriptor d) throws IOException {
    return new ByteArrayInputStream(read(d, Long.MAX_VALUE));
  }

  @Override
  public synchronized Descriptor write(String mediaType, byte[] content) {
    Descriptor d = Descriptor.ofContent(mediaType, content);
    blobs.putIfAbsent(d.digest(), content);
    writes.add(d.digest());
    return d;
  }

  @Override
  public Descriptor existingZtoc(Digest layer, long spanSize) {
    return ztocs.get(layer + "@" + spanSize);
  }

  @Override
  public String describe(Descriptor d) {
    return d.digest().toString();
  }
}
