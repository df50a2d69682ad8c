package dev.soci.core.index;

import dev.soci.core.registry.ImageReference;
import dev.soci.core.registry.Registry;
import dev.soci.core.registry.Repository;
import dev.soci.core.registry.SociPusher;
import dev.soci.oci.Annotations;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.InvalidDocumentException;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciJson;
import dev.soci.oci.Platform;
import dev.soci.oci.SociIndex;
import dev.soci.oci.layout.OciLayout;
import dev.soci.ztoc.Ztoc;
import dev.soci.ztoc.ZtocBuilder;
import java.io.IOException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Builds SOCI indexes for an image in an OCI image layout, as upstream {@code soci create} and
 * {@code soci convert} do for an image in containerd ({@code spec/index.md} sections 3 and 5).
 *
 * <p>For every layer of the chosen platform's manifest that is a gzip or uncompressed tar layer of
 * at least the minimum size, a zTOC is built with {@link ZtocBuilder} (several layers at once, at
 * most {@link #parallelism} of them, each in bounded memory, each layer read once and checked
 * against its digest) or reused when the layout already holds one for the same layer and span size.
 * zTOCs, the {@code {}} config and the index are stored as blobs; {@code index.json} is updated
 * last, so a build that fails leaves the layout as it was.
 *
 * <ul>
 *   <li>{@link #create} makes one v1 index per platform, with {@code subject} naming the image
 *       manifest, and lists each in {@code index.json} (untagged, with its platform and artifact
 *       type).
 *   <li>{@link #convert} makes v2 indexes and the SOCI-enabled image index that ties them to the
 *       re-encoded, annotated image manifests, and tags it in {@code index.json}; unlike upstream
 *       it works in place and keeps the original tag.
 * </ul>
 *
 * <p>The same image and options give the same digests on any machine and in any time zone (zTOC
 * times are formatted in UTC unless {@link #zone} says otherwise; layers are listed in manifest
 * order whatever order their builds finish in).
 *
 * <pre>{@code
 * OciLayout layout = OciLayout.open(Path.of("image-dir"));
 * ConvertResult r = SociIndexBuilder.withDefaults()
 *     .minLayerSize(0)
 *     .convert(layout, "latest", "latest-soci", PlatformSelection.all());
 * }</pre>
 *
 * <p>Upstream's further options: {@link #prefetchFiles} (prefetch artifacts listed after the
 * zTOCs), {@link #optimizations} ({@link Optimization#XATTR}) and {@link #force} (rebuild zTOCs the
 * layout already holds).
 *
 * <p>Immutable and thread-safe; options return new instances. Defaults are upstream's: span size 4
 * MiB, minimum layer size 10 MiB, build tool identifier {@value
 * Ztoc#DEFAULT_BUILD_TOOL_IDENTIFIER}; two layers at once.
 */
public final class SociIndexBuilder {
  /** Upstream's default minimum layer size, 10 MiB. */
  public static final long DEFAULT_MIN_LAYER_SIZE = 10L << 20;

  /** The default number of zTOCs built at once. */
  public static final int DEFAULT_PARALLELISM = 2;

  private final long spanSize;
  private final long minLayerSize;
  private final String buildToolIdentifier;
  private final ZoneId zone;
  private final int parallelism;
  private final BuildListener listener;
  private final Extras extras;

  /** The options upstream's builder has beyond the basics: force, optimizations, prefetch files. */
  private record Extras(
      boolean force, Set<Optimization> optimizations, List<String> prefetch, boolean overwriteTag) {
    static final Extras NONE = new Extras(false, Set.of(), List.of(), false);
  }

  private SociIndexBuilder(
      long spanSize,
      long minLayerSize,
      String buildToolIdentifier,
      ZoneId zone,
      int parallelism,
      BuildListener listener) {
    this(spanSize, minLayerSize, buildToolIdentifier, zone, parallelism, listener, Extras.NONE);
  }

  private SociIndexBuilder(
      long spanSize,
      long minLayerSize,
      String buildToolIdentifier,
      ZoneId zone,
      int parallelism,
      BuildListener listener,
      Extras extras) {
    this.spanSize = spanSize;
    this.minLayerSize = minLayerSize;
    this.buildToolIdentifier = buildToolIdentifier;
    this.zone = zone;
    this.parallelism = parallelism;
    this.listener = listener;
    this.extras = extras;
  }

  private SociIndexBuilder with(Extras e) {
    return new SociIndexBuilder(
        spanSize, minLayerSize, buildToolIdentifier, zone, parallelism, listener, e);
  }

  /** A builder with upstream's defaults. */
  public static SociIndexBuilder withDefaults() {
    return new SociIndexBuilder(
        ZtocBuilder.DEFAULT_SPAN_SIZE,
        DEFAULT_MIN_LAYER_SIZE,
        Ztoc.DEFAULT_BUILD_TOOL_IDENTIFIER,
        ZoneOffset.UTC,
        DEFAULT_PARALLELISM,
        BuildListener.NONE);
  }

  /** The span size of the zTOCs (above 0; default 4 MiB). */
  public SociIndexBuilder spanSize(long spanSize) {
    if (spanSize <= 0) {
      throw new IllegalArgumentException("span size must be > 0, got " + spanSize);
    }
    return new SociIndexBuilder(
        spanSize, minLayerSize, buildToolIdentifier, zone, parallelism, listener, extras);
  }

  /** Layers smaller than this get no zTOC (at least 0; default 10 MiB). */
  public SociIndexBuilder minLayerSize(long minLayerSize) {
    if (minLayerSize < 0) {
      throw new IllegalArgumentException("min layer size must be >= 0");
    }
    return new SociIndexBuilder(
        spanSize, minLayerSize, buildToolIdentifier, zone, parallelism, listener, extras);
  }

  /** The build tool identifier written into the zTOCs and the index. */
  public SociIndexBuilder buildToolIdentifier(String id) {
    return new SociIndexBuilder(
        spanSize,
        minLayerSize,
        Objects.requireNonNull(id, "id"),
        zone,
        parallelism,
        listener,
        extras);
  }

  /** The zone zTOC modification times are formatted in (default UTC). */
  public SociIndexBuilder zone(ZoneId zone) {
    return new SociIndexBuilder(
        spanSize,
        minLayerSize,
        buildToolIdentifier,
        Objects.requireNonNull(zone, "zone"),
        parallelism,
        listener,
        extras);
  }

  /** How many zTOCs are built at once (at least 1; default 2). */
  public SociIndexBuilder parallelism(int parallelism) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be >= 1");
    }
    return new SociIndexBuilder(
        spanSize, minLayerSize, buildToolIdentifier, zone, parallelism, listener, extras);
  }

  /** A listener told about each layer and the build progress. */
  public SociIndexBuilder listener(BuildListener listener) {
    return new SociIndexBuilder(
        spanSize,
        minLayerSize,
        buildToolIdentifier,
        zone,
        parallelism,
        Objects.requireNonNull(listener, "listener"),
        extras);
  }

  /**
   * Whether zTOCs are built even when the layout already holds one for the same layer and span size
   * (upstream's {@code --force}); the result is the same bytes, as builds are deterministic.
   */
  public SociIndexBuilder force(boolean force) {
    return with(
        new Extras(force, extras.optimizations(), extras.prefetch(), extras.overwriteTag()));
  }

  /** The optimizations to apply (upstream's {@code --optimizations}; default none). */
  public SociIndexBuilder optimizations(Collection<Optimization> optimizations) {
    Set<Optimization> set = EnumSet.noneOf(Optimization.class);
    set.addAll(optimizations);
    return with(
        new Extras(
            extras.force(),
            Collections.unmodifiableSet(set),
            extras.prefetch(),
            extras.overwriteTag()));
  }

  /**
   * Files whose spans each index lists in prefetch artifacts (upstream's {@code --prefetch-file}
   * and {@code --prefetch-files-json}, experimental). Each path is trimmed (empty ones are dropped)
   * and cleaned ({@code /usr//bin/../lib/x} and {@code usr/lib/x} both name {@code usr/lib/x}),
   * then looked up in the TOCs of the indexed layers from the top layer down; the first entry with
   * exactly that name wins. A path found in no layer is reported to {@link BuildListener#onWarning}
   * and otherwise ignored, as upstream does.
   */
  public SociIndexBuilder prefetchFiles(List<String> paths) {
    for (String p : paths) {
      Objects.requireNonNull(p, "prefetch path");
    }
    return with(
        new Extras(
            extras.force(), extras.optimizations(), List.copyOf(paths), extras.overwriteTag()));
  }

  /**
   * Whether {@link #convert} may move a tag that already names another image (default {@code
   * false}: it refuses, as files are not overwritten without being asked; the CLI's {@code --force}
   * sets it). A tag that already names the very image a conversion produces is never a conflict.
   */
  public SociIndexBuilder overwriteTag(boolean overwrite) {
    return with(new Extras(extras.force(), extras.optimizations(), extras.prefetch(), overwrite));
  }

  /** Whether zTOCs are rebuilt even when one exists. */
  public boolean force() {
    return extras.force();
  }

  /** The optimizations applied. */
  public Set<Optimization> optimizations() {
    return extras.optimizations();
  }

  /** The prefetch files, as given. */
  public List<String> prefetchFiles() {
    return extras.prefetch();
  }

  /** The span size. */
  public long spanSize() {
    return spanSize;
  }

  /** The minimum layer size. */
  public long minLayerSize() {
    return minLayerSize;
  }

  private Engine engine(Store store) {
    return new Engine(
        store,
        new Engine.Options(
            spanSize,
            minLayerSize,
            buildToolIdentifier,
            zone,
            parallelism,
            extras.force(),
            extras.optimizations().contains(Optimization.XATTR),
            extras.prefetch()),
        listener);
  }

  /**
   * Builds a v1 SOCI index for each selected platform of the image {@code ref} (a tag or a digest)
   * and records each in {@code index.json}. All platforms succeed or nothing is recorded; a
   * platform without an indexable layer is an error.
   */
  public CreateResult create(OciLayout layout, String ref, PlatformSelection platforms)
      throws IOException {
    Objects.requireNonNull(platforms, "platforms");
    try (OciLayout.Transaction tx = layout.begin()) {
      Descriptor target = layout.resolve(ref);
      Engine engine = engine(new LayoutStore(tx));
      List<IndexResult> results = new ArrayList<>();
      for (var p : engine.select(target, platforms)) {
        results.add(engine.build(target, p, SociIndex.Version.V1));
      }
      ImageIndex top = tx.index();
      List<Descriptor> entries = new ArrayList<>(top.manifests());
      for (IndexResult r : results) {
        Descriptor d = r.descriptor().withPlatform(r.platform());
        if (entries.stream().noneMatch(e -> e.digest().equals(d.digest()))) {
          entries.add(d);
        }
      }
      commit(tx, top.withManifests(entries));
      return new CreateResult(results);
    }
  }

  /**
   * Converts the image {@code ref} (a tag or a digest) into a SOCI-enabled image tagged {@code
   * tag}: v2 indexes for the selected platforms (platforms without an indexable layer are left out;
   * none at all is an error), the image manifests re-encoded and annotated, and a new image index
   * listing both. {@code ref} keeps pointing at the original image. A {@code tag} that already
   * names another image is moved only with {@link #overwriteTag overwriteTag(true)}.
   *
   * @throws SociIndexException if {@code tag} names another image and tags are not overwritten
   *     (nothing is changed then)
   */
  public ConvertResult convert(
      OciLayout layout, String ref, String tag, PlatformSelection platforms) throws IOException {
    Objects.requireNonNull(platforms, "platforms");
    RefName.checkTag(tag);
    if (tag.equals(ref)) {
      throw new IllegalArgumentException(
          "the destination tag must differ from the source image \""
              + ref
              + "\" (the original tag is kept)");
    }
    try (OciLayout.Transaction tx = layout.begin()) {
      Descriptor target = layout.resolve(ref);
      Engine.Converted c = engine(new LayoutStore(tx)).convert(target, platforms);
      Descriptor tagged = c.imageIndex().withAnnotations(Map.of(Annotations.REF_NAME, tag));
      ImageIndex top = tx.index();
      List<Descriptor> entries = new ArrayList<>();
      boolean placed = false;
      for (Descriptor e : top.manifests()) {
        if (tag.equals(e.annotation(Annotations.REF_NAME))) {
          if (!extras.overwriteTag() && !e.digest().equals(tagged.digest())) {
            throw new SociIndexException(
                "tag \""
                    + tag
                    + "\" already names another image ("
                    + e.digest()
                    + ") in "
                    + layout.root()
                    + "; choose another tag, or move it with --force (overwriteTag(true))");
          }
          if (!placed) {
            entries.add(tagged);
            placed = true;
          }
        } else {
          entries.add(e);
        }
      }
      if (!placed) {
        entries.add(tagged);
      }
      commit(tx, top.withManifests(entries));
      return new ConvertResult(c.imageIndex(), tag, c.indexes());
    }
  }

  /**
   * Builds a v1 SOCI index for each selected platform of the image {@code image} where it lives, in
   * its registry, and pushes them there: each eligible layer is streamed once from the registry
   * through the zTOC builder (its digest checked from the same bytes), each zTOC uploaded, and each
   * index pushed with its {@code subject} (the registry's fallback tag updated when it has no
   * referrers API), as {@link dev.soci.core.registry.SociPusher} pushes them. The indexes are the
   * bytes {@link #create(OciLayout, String, PlatformSelection)} makes of a pull of the same image.
   * zTOCs the image's existing SOCI indexes hold for the same layer and span size are reused (not
   * with {@link #force}). Nothing is written to a file; memory does not grow with layer size.
   *
   * @param registry the client (credentials, plain HTTP)
   * @param image the image: {@code host/repository:tag} or {@code @digest}
   * @return the indexes pushed
   */
  public CreateResult create(Registry registry, ImageReference image, PlatformSelection platforms)
      throws IOException {
    Objects.requireNonNull(platforms, "platforms");
    Repository repo = registry.repository(image);
    Descriptor target = repo.getManifest(image.reference()).descriptor();
    RegistryStore store = new RegistryStore(repo);
    Engine engine = engine(store);
    List<IndexResult> results = new ArrayList<>();
    for (var p : engine.select(target, platforms)) {
      results.add(engine.build(target, p, SociIndex.Version.V1));
    }
    Map<Descriptor, Digest> v1 = new LinkedHashMap<>();
    for (IndexResult r : results) {
      v1.put(r.descriptor(), r.manifest().digest());
    }
    SociPusher.to(registry)
        .existingIndex(SociPusher.ExistingIndex.ALLOW)
        .pushDocuments(
            store.documents(),
            target,
            v1,
            new ImageReference(image.registry(), image.repository(), null, target.digest()));
    return new CreateResult(results);
  }

  /**
   * Converts the image {@code image} where it lives into a SOCI-enabled image tagged {@code tag} in
   * the same repository, as {@link #convert(OciLayout, String, String, PlatformSelection)} does in
   * a layout (the same bytes): layers are streamed from the registry once each, zTOCs uploaded,
   * then the annotated image manifests, the v2 indexes and the SOCI-enabled image index pushed in a
   * safe order, the tag last. A {@code tag} that already names another image is moved only with
   * {@link #overwriteTag overwriteTag(true)}. Nothing is written to a file.
   *
   * @throws SociIndexException if {@code tag} names another image and tags are not overwritten:
   *     nothing is pushed then, and nothing is uploaded unless the tag names a SOCI-enabled image
   *     index of the image's shape (which only the build can tell apart from its conversion)
   */
  public ConvertResult convert(
      Registry registry, ImageReference image, String tag, PlatformSelection platforms)
      throws IOException {
    Objects.requireNonNull(platforms, "platforms");
    Objects.requireNonNull(tag, "tag");
    ImageReference destination;
    try {
      destination = image.withTag(tag);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid destination tag \"" + tag + "\"", e);
    }
    if (tag.equals(image.tag()) && image.digest() == null) {
      throw new IllegalArgumentException(
          "the destination tag must differ from the source image \""
              + image
              + "\" (the original tag is kept)");
    }
    Repository repo = registry.repository(image);
    Descriptor target = repo.getManifest(image.reference()).descriptor();
    RegistryStore store = new RegistryStore(repo);
    // Fail fast: a tag that cannot name a conversion of this image is refused before any layer
    // is read or any zTOC uploaded. One that may (a SOCI-enabled image index of the same shape,
    // such as an earlier conversion, which converting again reproduces) is decided after the build,
    // from the digests.
    Optional<Descriptor> tagged = extras.overwriteTag() ? Optional.empty() : repo.headManifest(tag);
    if (tagged.isPresent() && !mayBeConversionOf(repo, store, tagged.get(), target)) {
      throw tagTaken(tag, tagged.get(), image);
    }
    Engine.Converted c = engine(store).convert(target, platforms);
    if (tagged.isPresent() && !tagged.get().digest().equals(c.imageIndex().digest())) {
      throw tagTaken(tag, tagged.get(), image);
    }
    SociPusher.to(registry).pushDocuments(store.documents(), c.imageIndex(), Map.of(), destination);
    return new ConvertResult(c.imageIndex(), tag, c.indexes());
  }

  private static SociIndexException tagTaken(String tag, Descriptor tagged, ImageReference image) {
    return new SociIndexException(
        "tag \""
            + tag
            + "\" already names another image ("
            + tagged.digest()
            + ") in "
            + image.registry()
            + "/"
            + image.repository()
            + "; choose another tag, or move it with --force (overwriteTag(true))");
  }

  /**
   * Whether {@code tagged} may be what converting {@code target} makes, judged without building: an
   * OCI image index with a SOCI index v2 entry, whose other entries are as many as the image's (one
   * for an image manifest) with the same platforms in the same order (the converter keeps them).
   * Anything else certainly differs from the conversion.
   */
  private static boolean mayBeConversionOf(
      Repository repo, RegistryStore store, Descriptor tagged, Descriptor target)
      throws IOException {
    if (!MediaTypes.OCI_INDEX.equals(tagged.mediaType())) {
      return false;
    }
    ImageIndex converted;
    try {
      converted =
          OciJson.decoder()
              .decodeIndex(
                  repo.getManifest(tagged.digest().toString()).content(),
                  "image index " + tagged.digest());
    } catch (InvalidDocumentException e) {
      return false; // not what the converter writes
    }
    if (converted.manifests().stream()
        .noneMatch(d -> MediaTypes.SOCI_INDEX_V2.equals(d.artifactType()))) {
      return false;
    }
    List<Platform> images = imagePlatforms(converted.manifests());
    if (MediaTypes.isIndex(target.mediaType())) {
      return images.equals(imagePlatforms(store.index(target).manifests()));
    }
    return images.size() == 1;
  }

  /** The platforms of the entries that are not SOCI indexes v2, in order. */
  private static List<Platform> imagePlatforms(List<Descriptor> entries) {
    List<Platform> out = new ArrayList<>();
    for (Descriptor d : entries) {
      if (!MediaTypes.SOCI_INDEX_V2.equals(d.artifactType())) {
        out.add(d.platform());
      }
    }
    return out;
  }

  /** Commits {@code index}, which must stay readable by every tool (see {@link Engine}). */
  private static void commit(OciLayout.Transaction tx, ImageIndex index) throws IOException {
    OciLayout layout = tx.layout();
    Engine.checkDocumentSize(
        OciJson.encode(index).length,
        layout.decoder().maxDocumentSize(),
        layout.root().resolve(OciLayout.INDEX_FILE).toString());
    tx.commit(index);
  }
}
