package dev.soci.core.index;

import dev.soci.oci.Annotations;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.InvalidDocumentException;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciJson;
import dev.soci.oci.Platform;
import dev.soci.oci.SociIndex;
import dev.soci.oci.internal.ImageGraphWalker;
import dev.soci.oci.layout.OciLayout;
import dev.soci.oci.layout.OciLayoutException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The SOCI indexes and zTOCs of an OCI image layout, found by walking everything {@code index.json}
 * reaches: v1 indexes listed in {@code index.json} (as {@link SociIndexBuilder#create} records
 * them) and v2 indexes inside SOCI-enabled image indexes (as {@link SociIndexBuilder#convert} makes
 * them), and any other manifest whose config media type is a SOCI index type. Every document read
 * is verified. A snapshot: immutable once scanned.
 */
public final class SociIndexCatalog {

  /**
   * One SOCI index of the layout.
   *
   * @param descriptor its descriptor (OCI manifest media type, digest, size, artifact type)
   * @param index the decoded index
   * @param platform the platform it was built for, or {@code null} if unknown
   * @param imageManifest the image manifest it indexes (v1: its subject; v2: its descriptor's
   *     {@value Annotations#SOCI_IMAGE_MANIFEST_DIGEST} annotation), or {@code null}
   * @param imageRefs the tags of the layout under which the indexed image (v1) or the SOCI-enabled
   *     image (v2) is found
   * @param listed whether {@code index.json} lists the index itself (v1 indexes made by {@link
   *     SociIndexBuilder#create})
   * @param created when the index blob was written (its file's modification time), or {@code null}
   */
  public record IndexEntry(
      Descriptor descriptor,
      SociIndex index,
      Platform platform,
      Digest imageManifest,
      List<String> imageRefs,
      boolean listed,
      Instant created) {
    /** Copies the list. */
    public IndexEntry {
      imageRefs = List.copyOf(imageRefs);
    }

    /** The index version. */
    public SociIndex.Version version() {
      return index.version();
    }

    /** containerd's formatting of the platform ({@code linux/amd64}), {@code unknown} if none. */
    public String platformText() {
      return platform == null ? "unknown" : platform.format();
    }
  }

  /**
   * One zTOC referenced by a SOCI index of the layout.
   *
   * @param digest the zTOC digest
   * @param size the zTOC size in bytes
   * @param layerDigest the layer it indexes ({@value Annotations#SOCI_IMAGE_LAYER_DIGEST}), or
   *     {@code null}
   * @param layerMediaType the layer's media type, or {@code ""}
   * @param spanSize the span size annotation, or -1 if absent or not a number
   */
  public record ZtocEntry(
      Digest digest, long size, Digest layerDigest, String layerMediaType, long spanSize) {}

  /**
   * The largest SOCI index (and other document) the catalog reads, whatever the layout's own
   * document limit: so that the tools that clean up ({@code index list}, {@code index rm}, {@code
   * ztoc list}) work on anything {@link SociIndexBuilder} could write, which never exceeds it.
   */
  public static final long MAX_DOCUMENT_SIZE = 64L << 20;

  private final OciLayout layout;
  private final List<IndexEntry> indexes;
  private final Map<Digest, Set<String>> manifestRefs;
  private final Map<Digest, Platform> manifestPlatforms;
  private final Map<String, Descriptor> tagged;
  private final List<String> skipped;

  private SociIndexCatalog(
      OciLayout layout,
      List<IndexEntry> indexes,
      Map<Digest, Set<String>> manifestRefs,
      Map<Digest, Platform> manifestPlatforms,
      Map<String, Descriptor> tagged,
      List<String> skipped) {
    this.layout = layout;
    this.skipped = List.copyOf(skipped);
    this.indexes = indexes;
    this.manifestRefs = manifestRefs;
    this.manifestPlatforms = manifestPlatforms;
    this.tagged = tagged;
  }

  /** A candidate SOCI index met during the walk. */
  private static final class Found {
    Descriptor descriptor;
    final Set<String> refs = new LinkedHashSet<>();
    boolean listed;
  }

  /**
   * Walks the layout and reads every SOCI index it holds. An entry of {@code index.json} whose
   * graph is nested deeper than 32 image indexes or reaches more than 1,000,000 descriptors is left
   * out and reported by {@link #skipped()}, so one hostile image does not make the rest of the
   * layout unusable.
   */
  public static SociIndexCatalog scan(OciLayout layout) throws IOException {
    ImageIndex top = layout.index();
    Map<Digest, Found> found = new LinkedHashMap<>();
    Map<Digest, Set<String>> manifestRefs = new LinkedHashMap<>();
    Map<Digest, Platform> manifestPlatforms = new LinkedHashMap<>();
    Map<String, Descriptor> tagged = new LinkedHashMap<>();
    Map<Digest, ImageManifest> manifests = new LinkedHashMap<>();
    List<String> skipped = new ArrayList<>();
    for (Descriptor d : top.manifests()) {
      String tag = d.annotation(Annotations.REF_NAME);
      if (tag != null) {
        tagged.putIfAbsent(tag, d);
      }
      try {
        walk(layout, d, tag, found, manifestRefs, manifestPlatforms, manifests);
      } catch (ImageGraphWalker.LimitException e) {
        // Only what reaches the hostile graph is unreadable; the rest of the layout stays usable.
        skipped.add(
            "skipped "
                + (tag == null ? "entry " + d.digest() : "image \"" + tag + "\"")
                + " of "
                + layout.root().resolve(OciLayout.INDEX_FILE)
                + ": "
                + e.getMessage());
      }
    }
    List<IndexEntry> entries = new ArrayList<>();
    for (Found f : found.values()) {
      Descriptor d = f.descriptor;
      Path file = layout.blobPath(d.digest());
      long limit = Math.max(layout.decoder().maxDocumentSize(), MAX_DOCUMENT_SIZE);
      byte[] bytes = layout.readBlob(d, limit);
      SociIndex index;
      try {
        index =
            SociIndex.fromManifest(
                OciJson.decoder().maxDocumentSize(limit).decodeManifest(bytes, file.toString()),
                file.toString());
      } catch (InvalidDocumentException e) {
        throw new OciLayoutException(file, e.getMessage(), e);
      }
      Descriptor desc = d.artifactType().isEmpty() ? d.withArtifactType(index.artifactType()) : d;
      Digest image = null;
      List<String> refs;
      if (index.version() == SociIndex.Version.V1 && index.subject() != null) {
        image = index.subject().digest();
        refs = List.copyOf(manifestRefs.getOrDefault(image, Set.of()));
      } else {
        String a = d.annotation(Annotations.SOCI_IMAGE_MANIFEST_DIGEST);
        image = a != null && Digest.isValid(a) ? Digest.parse(a) : null;
        refs = List.copyOf(f.refs);
      }
      Platform platform = d.platform();
      if (platform == null && image != null) {
        platform = manifestPlatforms.get(image);
        if (platform == null && manifests.containsKey(image)) {
          platform = configPlatform(layout, manifests.get(image));
        }
      }
      Instant created = null;
      try {
        created = Files.getLastModifiedTime(file).toInstant();
      } catch (IOException e) {
        // leave unknown
      }
      entries.add(new IndexEntry(desc, index, platform, image, refs, f.listed, created));
    }
    entries.sort(
        Comparator.comparing((IndexEntry e) -> e.created() == null ? Instant.MIN : e.created())
            .reversed()
            .thenComparing(e -> e.descriptor().digest()));
    return new SociIndexCatalog(
        layout, List.copyOf(entries), manifestRefs, manifestPlatforms, tagged, skipped);
  }

  /**
   * A manifest of the layout read up to {@link #MAX_DOCUMENT_SIZE} whatever the layout's limit:
   * SOCI indexes that {@link SociIndexBuilder} wrote under a raised limit are manifests too.
   */
  private static ImageManifest readManifest(OciLayout layout, Descriptor d) throws IOException {
    long limit = Math.max(layout.decoder().maxDocumentSize(), MAX_DOCUMENT_SIZE);
    if (d.size() <= layout.decoder().maxDocumentSize()) {
      return layout.readManifest(d);
    }
    Path file = layout.blobPath(d.digest());
    byte[] bytes = layout.readBlob(d, limit);
    try {
      return OciJson.decoder().maxDocumentSize(limit).decodeManifest(bytes, file.toString());
    } catch (InvalidDocumentException e) {
      throw new OciLayoutException(file, e.getMessage(), e);
    }
  }

  private static Platform configPlatform(OciLayout layout, ImageManifest m) {
    if (!MediaTypes.isConfig(m.config().mediaType()) || !layout.exists(m.config())) {
      return null;
    }
    try {
      byte[] b = layout.readBlob(m.config(), layout.decoder().maxDocumentSize());
      return OciJson.decoder()
          .decodeConfigPlatform(b, layout.blobPath(m.config().digest()).toString())
          .normalize();
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Walks the graph under one entry of {@code index.json}, recording the SOCI indexes and image
   * manifests it reaches under the entry's tag.
   */
  private static void walk(
      OciLayout layout,
      Descriptor root,
      String tag,
      Map<Digest, Found> found,
      Map<Digest, Set<String>> manifestRefs,
      Map<Digest, Platform> manifestPlatforms,
      Map<Digest, ImageManifest> manifests)
      throws IOException {
    ImageGraphWalker.withDefaults()
        .walk(
            root,
            d -> layout.readIndex(d).manifests(),
            (d, depth) -> {
              if (MediaTypes.isIndex(d.mediaType())) {
                return layout.exists(d);
              }
              if (MediaTypes.isManifest(d.mediaType())) {
                visitManifest(
                    layout, d, tag, depth == 0, found, manifestRefs, manifestPlatforms, manifests);
              }
              return false;
            });
  }

  private static void visitManifest(
      OciLayout layout,
      Descriptor d,
      String tag,
      boolean topLevel,
      Map<Digest, Found> found,
      Map<Digest, Set<String>> manifestRefs,
      Map<Digest, Platform> manifestPlatforms,
      Map<Digest, ImageManifest> manifests)
      throws IOException {
    boolean soci = SociIndex.Version.ofArtifactType(d.artifactType()) != null;
    if (!soci) {
      if (!layout.exists(d)) {
        return; // a platform that was not pulled
      }
      ImageManifest m = manifests.get(d.digest());
      if (m == null) {
        m = readManifest(layout, d);
      }
      soci = SociIndex.Version.ofArtifactType(m.config().mediaType()) != null;
      if (!soci) {
        Set<String> refs = manifestRefs.computeIfAbsent(d.digest(), k -> new LinkedHashSet<>());
        if (tag != null) {
          refs.add(tag);
        }
        if (d.platform() != null) {
          manifestPlatforms.putIfAbsent(d.digest(), d.platform());
        }
        manifests.putIfAbsent(d.digest(), m);
        return;
      }
    }
    Found f = found.computeIfAbsent(d.digest(), k -> new Found());
    if (f.descriptor == null || (f.descriptor.platform() == null && d.platform() != null)) {
      f.descriptor = d;
    }
    f.listed |= topLevel;
    if (tag != null && !topLevel) {
      f.refs.add(tag);
    }
  }

  /**
   * The entries of {@code index.json} left out of the scan because the graph under them exceeds the
   * walk's bounds (nesting depth, number of descriptors): one line each, naming the entry and the
   * bound. What they reach is not in this catalog.
   */
  public List<String> skipped() {
    return skipped;
  }

  /** The layout scanned. */
  public OciLayout layout() {
    return layout;
  }

  /** Every SOCI index, newest first (by file time), then by digest. */
  public List<IndexEntry> indexes() {
    return indexes;
  }

  /** The index with digest {@code d}. */
  public Optional<IndexEntry> index(Digest d) {
    return indexes.stream().filter(e -> e.descriptor().digest().equals(d)).findFirst();
  }

  /** Every zTOC referenced by an index, once each, sorted by digest string. */
  public List<ZtocEntry> ztocs() {
    return ztocsOf(indexes);
  }

  /** The zTOCs of the given indexes, once each, sorted by digest string. */
  public static List<ZtocEntry> ztocsOf(List<IndexEntry> entries) {
    Map<Digest, ZtocEntry> out = new java.util.TreeMap<>();
    for (IndexEntry e : entries) {
      for (Descriptor z : e.index().ztocs()) {
        out.computeIfAbsent(z.digest(), k -> toEntry(z));
      }
    }
    return List.copyOf(out.values());
  }

  private static ZtocEntry toEntry(Descriptor z) {
    String layer = z.annotation(Annotations.SOCI_IMAGE_LAYER_DIGEST);
    long span = -1;
    String s = z.annotation(Annotations.SOCI_SPAN_SIZE);
    if (s != null) {
      try {
        span = Long.parseLong(s);
      } catch (NumberFormatException e) {
        span = -1;
      }
    }
    return new ZtocEntry(
        z.digest(),
        z.size(),
        layer != null && Digest.isValid(layer) ? Digest.parse(layer) : null,
        Objects.requireNonNullElse(z.annotation(Annotations.SOCI_IMAGE_LAYER_MEDIA_TYPE), ""),
        span);
  }

  /** Whether a SOCI index of the layout references a zTOC with digest {@code d}. */
  public boolean isZtoc(Digest d) {
    return indexes.stream()
        .anyMatch(e -> e.index().ztocs().stream().anyMatch(z -> z.digest().equals(d)));
  }

  /**
   * The image manifests of the image tagged (or with digest) {@code ref}: for an image index, those
   * of its entries matching one of {@code platforms} (every entry with a platform other than {@code
   * unknown} when the list is empty); for a single manifest, that manifest.
   */
  public Set<Digest> imageManifests(String ref, List<Platform> platforms) throws IOException {
    Descriptor target = layout.resolve(ref);
    Set<Digest> out = new LinkedHashSet<>();
    ImageGraphWalker.withDefaults()
        .walk(
            target,
            d -> layout.readIndex(d).manifests(),
            (d, depth) -> {
              if (MediaTypes.isManifest(d.mediaType())) {
                if (SociIndex.Version.ofArtifactType(d.artifactType()) == null) {
                  Platform p = d.platform();
                  boolean wanted =
                      p == null
                          || (platforms.isEmpty()
                              ? !p.os().equals("unknown") && !p.architecture().equals("unknown")
                              : platforms.stream().anyMatch(q -> q.normalize().matches(p)));
                  if (wanted) {
                    out.add(d.digest());
                  }
                }
                return false;
              }
              return MediaTypes.isIndex(d.mediaType()) && layout.exists(d);
            });
    return out;
  }

  /** The image manifests {@code index.json} reaches, with the tags they are reached under. */
  public Map<Digest, Set<String>> manifestRefs() {
    return manifestRefs;
  }

  /** The platforms recorded on the descriptors of image manifests. */
  public Map<Digest, Platform> manifestPlatforms() {
    return manifestPlatforms;
  }

  /** The tagged entries of {@code index.json}. */
  public Map<String, Descriptor> tagged() {
    return tagged;
  }

  /**
   * What {@link #delete} removed.
   *
   * @param indexes the SOCI indexes removed, as asked
   * @param images the {@code index.json} entries removed with them: the SOCI-enabled image indexes
   *     (with their tags) that v2 indexes belong to
   * @param deleted the digests of the blobs deleted
   */
  public record Removal(List<Digest> indexes, List<Descriptor> images, List<Digest> deleted) {
    /** Copies the lists. */
    public Removal {
      indexes = List.copyOf(indexes);
      images = List.copyOf(images);
      deleted = List.copyOf(deleted);
    }
  }

  /**
   * Removes SOCI indexes from the layout; see {@link #delete}.
   *
   * @return the digests of the blobs deleted
   */
  public static List<Digest> remove(OciLayout layout, java.util.Collection<Digest> digests)
      throws IOException {
    return delete(layout, digests).deleted();
  }

  /**
   * Removes SOCI indexes from the layout, in one transaction:
   *
   * <ul>
   *   <li>a v1 index (listed in {@code index.json} by {@link SociIndexBuilder#create}) leaves
   *       {@code index.json};
   *   <li>a v2 index takes with it the SOCI-enabled image it belongs to: every entry of {@code
   *       index.json} (with its tag) through which the index is reached, as {@link
   *       SociIndexBuilder#convert} made it. The original image, under its own tag, is not touched.
   * </ul>
   *
   * Then the blobs of what was removed that nothing left in the layout reaches are deleted: the
   * index blobs, their zTOCs, prefetch artifacts and {@code {}} configs, and the image indexes and
   * (annotated) image manifests of the removed images. Image configs and layers are never deleted.
   * When another entry's graph exceeds the walk's bounds, what it reaches is unknown: the indexes
   * are unlisted but no blob is deleted.
   *
   * @throws SociIndexException if a digest is not a SOCI index of the layout, or a v1 index is only
   *     reached through another image index
   */
  public static Removal delete(OciLayout layout, java.util.Collection<Digest> digests)
      throws IOException {
    try (OciLayout.Transaction tx = layout.begin()) {
      SociIndexCatalog catalog = scan(layout);
      ImageIndex top = tx.index();
      Set<Digest> gone = new LinkedHashSet<>();
      Set<Digest> goneImages = new LinkedHashSet<>(); // top-level entries removed with v2 indexes
      for (Digest d : digests) {
        IndexEntry e = catalog.index(d).orElse(null);
        if (e == null) {
          if (catalog.isZtoc(d)) {
            throw new SociIndexException("the provided digest " + d + " is of ztoc not SOCI index");
          }
          throw new SociIndexException("no SOCI index with digest " + d + " in " + layout.root());
        }
        if (e.version() == SociIndex.Version.V2) {
          for (Descriptor t : top.manifests()) {
            if (!t.digest().equals(d) && MediaTypes.isIndex(t.mediaType())) {
              Set<Digest> reached = new HashSet<>();
              try {
                reach(layout, t, reached);
              } catch (ImageGraphWalker.LimitException past) {
                continue; // not an image convert made: those are shallow
              }
              if (reached.contains(d)) {
                goneImages.add(t.digest());
              }
            }
          }
        } else if (!e.listed()) {
          throw new SociIndexException(
              "SOCI index "
                  + d
                  + " is not listed in "
                  + layout.root().resolve(OciLayout.INDEX_FILE)
                  + " but reached through another image index; remove that image instead");
        }
        gone.add(d);
      }
      List<Descriptor> keptEntries = new ArrayList<>();
      List<Descriptor> removedImages = new ArrayList<>();
      List<Descriptor> removedEntries = new ArrayList<>();
      for (Descriptor m : top.manifests()) {
        if (goneImages.contains(m.digest())) {
          removedImages.add(m);
          removedEntries.add(m);
        } else if (gone.contains(m.digest())) {
          removedEntries.add(m);
        } else {
          keptEntries.add(m);
        }
      }
      Set<Digest> reachable = new HashSet<>();
      boolean complete = true;
      for (Descriptor m : keptEntries) {
        try {
          reach(layout, m, reachable);
        } catch (ImageGraphWalker.LimitException e) {
          // What lies past the bound is unknown and may use any blob: unlist, delete nothing.
          complete = false;
        }
      }
      List<Descriptor> removed = new ArrayList<>(removedEntries);
      for (Digest d : gone) {
        removed.add(catalog.index(d).orElseThrow().descriptor());
      }
      Set<Digest> owned = complete ? owned(layout, removed) : Set.of();
      List<Digest> deleted = new ArrayList<>();
      for (Digest c : owned) {
        if (!reachable.contains(c) && Files.exists(layout.blobPath(c))) {
          tx.deleteAfterCommit(c);
          deleted.add(c);
        }
      }
      tx.commit(top.withManifests(keptEntries));
      return new Removal(List.copyOf(gone), removedImages, deleted);
    }
  }

  /**
   * The blobs the removed entries own: image indexes and manifests they reach, and for SOCI indexes
   * their config, zTOCs and prefetch artifacts; not the configs and layers of image manifests.
   */
  private static Set<Digest> owned(OciLayout layout, List<Descriptor> removed) throws IOException {
    Set<Digest> out = new LinkedHashSet<>();
    ImageGraphWalker.withDefaults()
        .walk(
            removed,
            d -> layout.readIndex(d).manifests(),
            (d, depth) -> {
              if (MediaTypes.isIndex(d.mediaType())) {
                out.add(d.digest());
                return layout.exists(d);
              }
              if (MediaTypes.isManifest(d.mediaType())) {
                out.add(d.digest());
                if (layout.exists(d)) {
                  ImageManifest m = readManifest(layout, d);
                  if (SociIndex.Version.ofArtifactType(m.config().mediaType()) != null) {
                    out.add(m.config().digest());
                    m.layers().forEach(l -> out.add(l.digest()));
                  }
                }
              }
              return false;
            });
    return out;
  }

  /**
   * Adds to {@code reachable} every digest {@code root} reaches: documents, configs, layers and
   * subjects (what {@code reachable} already holds is not walked again).
   *
   * @throws ImageGraphWalker.LimitException if the graph exceeds the walker's bounds
   */
  private static void reach(OciLayout layout, Descriptor root, Set<Digest> reachable)
      throws IOException {
    Map<Digest, ImageManifest> read = new HashMap<>();
    ImageGraphWalker.withDefaults()
        .walk(
            root,
            d -> {
              if (MediaTypes.isIndex(d.mediaType())) {
                return layout.readIndex(d).manifests();
              }
              ImageManifest m = read.remove(d.digest());
              return m.subject() == null ? List.of() : List.of(m.subject());
            },
            (d, depth) -> {
              if (!reachable.add(d.digest()) || !layout.exists(d)) {
                return false;
              }
              if (MediaTypes.isIndex(d.mediaType())) {
                return true;
              }
              if (MediaTypes.isManifest(d.mediaType())) {
                ImageManifest m = readManifest(layout, d);
                reachable.add(m.config().digest());
                for (Descriptor l : m.layers()) {
                  reachable.add(l.digest());
                }
                read.put(d.digest(), m);
                return true;
              }
              return false;
            });
  }
}
