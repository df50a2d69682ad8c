package dev.soci.core.index;

import dev.soci.core.registry.BlobContent;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.layout.OciLayout;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** A {@link Store} over an image layout, writing through a transaction. */
final class LayoutStore implements Store {
  private final OciLayout layout;
  private final OciLayout.Transaction tx;
  private SociIndexCatalog catalog;

  LayoutStore(OciLayout.Transaction tx) {
    this.layout = tx.layout();
    this.tx = tx;
  }

  @Override
  public byte[] read(Descriptor d, long maxSize) throws IOException {
    return layout.readBlob(d, maxSize);
  }

  @Override
  public ImageManifest manifest(Descriptor d) throws IOException {
    return layout.readManifest(d);
  }

  @Override
  public ImageIndex index(Descriptor d) throws IOException {
    return layout.readIndex(d);
  }

  @Override
  public boolean exists(Descriptor d) {
    return layout.exists(d);
  }

  @Override
  public InputStream open(Descriptor d) throws IOException {
    return layout.openBlob(d);
  }

  @Override
  public Path file(Descriptor d) {
    Path f = layout.blobPath(d.digest());
    try {
      return Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) && Files.size(f) == d.size()
          ? f
          : null;
    } catch (IOException e) {
      return null; // open() reports it
    }
  }

  @Override
  public OutputStream check(Descriptor d) {
    return layout.blobCheck(d);
  }

  @Override
  public Descriptor write(String mediaType, byte[] content) throws IOException {
    return tx.writeBlob(mediaType, content);
  }

  @Override
  public Descriptor write(Descriptor d, BlobContent content) throws IOException {
    try (InputStream in = content.open(0)) {
      return tx.writeBlob(d, in); // checked against d as it is written
    }
  }

  @Override
  public synchronized Descriptor existingZtoc(Digest layer, long spanSize) throws IOException {
    if (catalog == null) {
      catalog = SociIndexCatalog.scan(layout);
    }
    for (SociIndexCatalog.ZtocEntry z : catalog.ztocs()) {
      if (layer.equals(z.layerDigest()) && z.spanSize() == spanSize) {
        Descriptor d = Descriptor.of(MediaTypes.SOCI_ZTOC, z.digest(), z.size());
        if (layout.exists(d)) {
          layout.readBlob(d); // verify it before building on it
          return d;
        }
      }
    }
    return null;
  }

  @Override
  public long maxDocumentSize() {
    return layout.decoder().maxDocumentSize();
  }

  @Override
  public String describe(Descriptor d) {
    return layout.blobPath(d.digest()).toString();
  }
}
