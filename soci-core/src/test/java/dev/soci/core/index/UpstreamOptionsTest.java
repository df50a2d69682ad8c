package dev.soci.core.index;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.oci.Annotations;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.InvalidDocumentException;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciJson;
import dev.soci.oci.PrefetchArtifact;
import dev.soci.oci.SociIndex;
import dev.soci.oci.layout.OciLayout;
import dev.soci.ztoc.Ztoc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The builder options upstream has beyond the basics ({@code spec/index.md} sections 3 and 4):
 * prefetch artifacts, the {@code xattr} optimization and {@code --force}. The index documents are
 * compared byte for byte with documents written here from the spec's rules; the layers are real tar
 * files written by Python's {@code tarfile}, which also reports where each file's data lies.
 */
class UpstreamOptionsTest {
  static final long SPAN = 1024;

  @TempDir Path tmp;

  /** A tar member: name, size, PAX records. */
  record Member(String name, int size, Map<String, String> pax) {
    Member(String name, int size) {
      this(name, size, Map.of());
    }
  }

  /** A layer: its bytes and, per file name, the offset and size of its data (first occurrence). */
  record Layer(byte[] bytes, Map<String, long[]> files) {}

  private static final String TAR_PY =
      String.join(
          "\n",
          "import io, sys, tarfile",
          "out, spec = sys.argv[1], sys.argv[2:]",
          "with tarfile.open(out, 'w', format=tarfile.PAX_FORMAT) as t:",
          "    for s in spec:",
          "        parts = s.split('|')",
          "        ti = tarfile.TarInfo(parts[0])",
          "        ti.size = int(parts[1])",
          "        ti.mtime = 1700000000",
          "        ti.mode = 0o644",
          "        ti.uname = ti.gname = ''",
          "        ti.pax_headers = dict(p.split('=', 1) for p in parts[2:])",
          "        data = bytes((i * 7 + len(parts[0])) % 251 for i in range(ti.size))",
          "        t.addfile(ti, io.BytesIO(data))",
          "seen = set()",
          "for ti in tarfile.open(out).getmembers():",
          "    if ti.name not in seen:",
          "        seen.add(ti.name)",
          "        print(ti.name + '\\t' + str(ti.offset_data) + '\\t' + str(ti.size))",
          "");

  Layer tar(String name, Member... members) throws Exception {
    Path py = tmp.resolve("tar.py");
    if (!Files.exists(py)) {
      Files.writeString(py, TAR_PY);
    }
    Path out = tmp.resolve(name + ".tar");
    List<String> cmd = new ArrayList<>(List.of("python3", py.toString(), out.toString()));
    for (Member m : members) {
      StringBuilder sb = new StringBuilder(m.name() + "|" + m.size());
      m.pax().forEach((k, v) -> sb.append('|').append(k).append('=').append(v));
      cmd.add(sb.toString());
    }
    String listing = Layouts.run(tmp, cmd.toArray(String[]::new));
    Map<String, long[]> files = new LinkedHashMap<>();
    for (String line : listing.split("\n")) {
      String[] f = line.split("\t");
      files.put(f[0], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
    }
    return new Layer(Files.readAllBytes(out), files);
  }

  /** A layout holding one linux/amd64 image tagged {@code img} with these uncompressed layers. */
  OciLayout layout(String dir, Layer... layers) throws IOException {
    OciLayout layout = OciLayout.init(tmp.resolve(dir));
    try (OciLayout.Transaction tx = layout.begin()) {
      StringBuilder ls = new StringBuilder();
      StringBuilder diffIds = new StringBuilder();
      for (Layer l : layers) {
        Descriptor d = tx.writeBlob(MediaTypes.OCI_LAYER, l.bytes());
        ls.append(ls.isEmpty() ? "" : ",").append(new String(OciJson.encode(d), UTF_8));
        diffIds.append(diffIds.isEmpty() ? "" : ",").append('"').append(d.digest()).append('"');
      }
      Descriptor config =
          tx.writeBlob(
              MediaTypes.OCI_CONFIG,
              ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
                      + "\"diff_ids\":["
                      + diffIds
                      + "]}}")
                  .getBytes(UTF_8));
      Descriptor manifest =
          tx.writeBlob(
              MediaTypes.OCI_MANIFEST,
              ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                      + "\"config\":"
                      + new String(OciJson.encode(config), UTF_8)
                      + ",\"layers\":["
                      + ls
                      + "]}")
                  .getBytes(UTF_8));
      tx.commit(
          tx.index().withManifest(manifest.withAnnotations(Map.of(Annotations.REF_NAME, "img"))));
    }
    return layout;
  }

  static SociIndexBuilder builder(List<String> warnings, List<LayerResult> layers) {
    return SociIndexBuilder.withDefaults()
        .spanSize(SPAN)
        .minLayerSize(0)
        .listener(
            new BuildListener() {
              @Override
              public void onLayer(LayerResult r) {
                layers.add(r);
              }

              @Override
              public void onWarning(String message) {
                warnings.add(message);
              }
            });
  }

  /** The spans of a file of an uncompressed layer: upstream's offset / span size, both ends. */
  static int[] spans(Layer l, String name) {
    long[] f = l.files().get(name);
    return new int[] {(int) (f[0] / SPAN), (int) ((f[0] + f[1]) / SPAN)};
  }

  /** The spec's merge: sort by (start, end), merge ranges that overlap or touch. */
  static List<int[]> merged(List<int[]> spans) {
    List<int[]> sorted = new ArrayList<>(spans);
    sorted.sort((a, b) -> a[0] != b[0] ? Integer.compare(a[0], b[0]) : Integer.compare(a[1], b[1]));
    List<int[]> out = new ArrayList<>();
    for (int[] s : sorted) {
      int[] last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && s[0] <= last[1] + 1) {
        last[1] = Math.max(last[1], s[1]);
      } else {
        out.add(s.clone());
      }
    }
    return out;
  }

  /** The artifact JSON as section 4 writes it. */
  static String artifactJson(List<int[]> spans) {
    StringBuilder sb = new StringBuilder("{\"version\":\"1.0\",\"prefetch_spans\":[");
    for (int i = 0; i < spans.size(); i++) {
      sb.append(i == 0 ? "" : ",")
          .append("{\"start_span\":")
          .append(spans.get(i)[0])
          .append(",\"end_span\":")
          .append(spans.get(i)[1])
          .append('}');
    }
    return sb.append("]}").toString();
  }

  static String ztocJson(Descriptor z, Digest layer, boolean disableXattrs) {
    return "{\"mediaType\":\"application/octet-stream\",\"digest\":\""
        + z.digest()
        + "\",\"size\":"
        + z.size()
        + ",\"annotations\":{"
        + (disableXattrs ? "\"com.amazon.soci.disable-xattrs\":\"true\"," : "")
        + "\"com.amazon.soci.image-layer-digest\":\""
        + layer
        + "\",\"com.amazon.soci.image-layer-mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
        + "\"com.amazon.soci.span-size\":\""
        + SPAN
        + "\"}}";
  }

  static String prefetchJson(String artifact, Digest layer) {
    byte[] b = artifact.getBytes(UTF_8);
    return "{\"mediaType\":\"application/vnd.amazon.soci.prefetch.v1+json\",\"digest\":\""
        + Digest.sha256(b)
        + "\",\"size\":"
        + b.length
        + ",\"annotations\":{\"com.amazon.soci.image-layer-digest\":\""
        + layer
        + "\"}}";
  }

  /** The v1 index document: ztocs, then prefetch artifacts, subject, tool annotation. */
  static String indexJson(List<String> blobs, Descriptor subject) {
    return "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"config\":{\"mediaType\":\"application/vnd.amazon.soci.index.v1+json\",\"digest\":\""
        + SociIndex.CONFIG_DIGEST
        + "\",\"size\":2},\"layers\":["
        + String.join(",", blobs)
        + "],\"subject\":{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\""
        + subject.digest()
        + "\",\"size\":"
        + subject.size()
        + "},\"annotations\":{\"com.amazon.soci.build-tool-identifier\":\"AWS SOCI CLI v0.2\"}}";
  }

  static Digest digestOf(byte[] b) {
    return Digest.sha256(b);
  }

  @Test
  void theSpecsExampleArtifactComesOutOfABuild() throws Exception {
    // a.bin: data at 512, ends at 10512: spans [0, 10]; c.bin fills up to b.bin, whose data
    // starts at 20480 (span 20) and ends at 30980 (span 30).
    Layer l =
        tar(
            "l",
            new Member("a.bin", 10_000),
            new Member("c.bin", 8704),
            new Member("b.bin", 10_500));
    assertThat(l.files().get("a.bin")[0]).isEqualTo(512);
    assertThat(l.files().get("b.bin")[0]).isEqualTo(20_480);
    OciLayout layout = layout("ex", l);
    List<String> warnings = new ArrayList<>();
    CreateResult r =
        builder(warnings, new ArrayList<>())
            .prefetchFiles(List.of("b.bin", "/a.bin"))
            .create(layout, "img", PlatformSelection.defaultPlatform());
    SociIndex index = r.indexes().get(0).index();
    assertThat(index.blobs()).hasSize(2);
    Descriptor p = index.blobs().get(1);
    assertThat(p.mediaType()).isEqualTo(MediaTypes.SOCI_PREFETCH);
    assertThat(p.digest().toString())
        .isEqualTo("sha256:6ba27e2723b81ce84195e09f5964192c229c2f058d3f2a74b42522cb83669351");
    assertThat(p.size()).isEqualTo(99);
    assertThat(p.annotations())
        .containsExactly(
            Map.entry(Annotations.SOCI_IMAGE_LAYER_DIGEST, digestOf(l.bytes()).toString()));
    assertThat(warnings).isEmpty();
  }

  @Test
  void prefetchArtifactsAreUpstreamsBytes() throws Exception {
    Layer bottom =
        tar(
            "bottom",
            new Member("etc/a.txt", 3000),
            new Member("usr/bin/tool", 5000),
            new Member("shared.txt", 100),
            new Member("usr/lib/x", 700),
            new Member("far/away", 20_000),
            new Member("far/end", 10));
    Layer middle = tar("middle", new Member("nothing/here", 4000));
    Layer top = tar("top", new Member("shared.txt", 200), new Member("opt/big", 10_000));
    OciLayout layout = layout("p", bottom, middle, top);
    List<String> warnings = new ArrayList<>();
    List<String> paths =
        List.of(
            "/shared.txt",
            "usr//bin/../bin/tool",
            " etc/a.txt\t",
            "",
            "   ",
            "missing/file",
            "opt/big/",
            "usr/lib/x",
            "./usr/lib/x",
            "../../far/end");
    CreateResult r =
        builder(warnings, new ArrayList<>())
            .prefetchFiles(paths)
            .create(layout, "img", PlatformSelection.defaultPlatform());
    IndexResult ir = r.indexes().get(0);
    List<Descriptor> ztocs = ir.index().ztocs();
    assertThat(ztocs).hasSize(3);

    String bottomArtifact =
        artifactJson(
            merged(
                List.of(
                    spans(bottom, "usr/bin/tool"),
                    spans(bottom, "etc/a.txt"),
                    spans(bottom, "usr/lib/x"),
                    spans(bottom, "usr/lib/x"),
                    spans(bottom, "far/end"))));
    String topArtifact =
        artifactJson(merged(List.of(spans(top, "shared.txt"), spans(top, "opt/big"))));
    // a.txt [0,3] and tool [4,8] touch, x [10,11] does not, far/end [32,32] stands alone
    assertThat(bottomArtifact)
        .isEqualTo(
            "{\"version\":\"1.0\",\"prefetch_spans\":[{\"start_span\":0,\"end_span\":8},"
                + "{\"start_span\":10,\"end_span\":11},{\"start_span\":32,\"end_span\":32}]}");
    Digest b = digestOf(bottom.bytes());
    Digest m = digestOf(middle.bytes());
    Digest t = digestOf(top.bytes());
    String expected =
        indexJson(
            List.of(
                ztocJson(ztocs.get(0), b, false),
                ztocJson(ztocs.get(1), m, false),
                ztocJson(ztocs.get(2), t, false),
                prefetchJson(bottomArtifact, b),
                prefetchJson(topArtifact, t)),
            ir.manifest());
    assertThat(new String(layout.readBlob(ir.descriptor()), UTF_8)).isEqualTo(expected);
    assertThat(warnings).singleElement().asString().contains("prefetch file missing/file");

    // the artifacts are stored, and read back through the index, checked against the zTOCs
    Map<Digest, PrefetchArtifact> read = PrefetchArtifacts.read(layout, ir.index());
    assertThat(read.keySet()).containsExactly(b, t);
    assertThat(read.get(t).encode()).isEqualTo(topArtifact.getBytes(UTF_8));
    Descriptor bad =
        ir.index().prefetchArtifact(t).withAnnotation(Annotations.SOCI_IMAGE_LAYER_DIGEST, "x");
    assertThatThrownBy(
            () -> PrefetchArtifacts.read(layout, SociIndex.v2(List.of(ztocs.get(0), bad), "t")))
        .isInstanceOf(SociIndexException.class)
        .hasMessageContaining("annotation");
  }

  @Test
  void readingRejectsArtifactsOutsideTheZtocOrNotMatchingTheirDescriptor() throws Exception {
    Layer l = tar("l", new Member("f", 3000));
    OciLayout layout = layout("r", l);
    IndexResult ir =
        builder(new ArrayList<>(), new ArrayList<>())
            .prefetchFiles(List.of("f"))
            .create(layout, "img", PlatformSelection.defaultPlatform())
            .indexes()
            .get(0);
    Ztoc ztoc = Ztoc.decode(layout.readBlob(ir.index().ztocs().get(0)));
    Descriptor a = ir.index().prefetchArtifacts().get(0);
    byte[] bytes = layout.readBlob(a);
    assertThat(PrefetchArtifacts.read(a, bytes, ztoc).spans())
        .containsExactly(new PrefetchArtifact.Span(0, 3));

    byte[] outside =
        PrefetchArtifact.of(List.of(new PrefetchArtifact.Span(0, ztoc.maxSpanId() + 1))).encode();
    Descriptor od = Descriptor.ofContent(MediaTypes.SOCI_PREFETCH, outside);
    assertThatThrownBy(() -> PrefetchArtifacts.read(od, outside, ztoc))
        .isInstanceOf(InvalidDocumentException.class)
        .hasMessageContaining("outside the zTOC");
    assertThatThrownBy(() -> PrefetchArtifacts.read(a, outside, ztoc))
        .isInstanceOf(SociIndexException.class)
        .hasMessageContaining("not the blob its descriptor names");
    assertThatThrownBy(
            () -> PrefetchArtifacts.read(a.withMediaType(MediaTypes.SOCI_ZTOC), bytes, ztoc))
        .isInstanceOf(SociIndexException.class)
        .hasMessageContaining("media type");
    byte[] v2 =
        "{\"version\":\"2.0\",\"prefetch_spans\":[{\"start_span\":0,\"end_span\":0}]}"
            .getBytes(UTF_8);
    assertThatThrownBy(
            () ->
                PrefetchArtifacts.read(
                    Descriptor.ofContent(MediaTypes.SOCI_PREFETCH, v2), v2, ztoc))
        .isInstanceOf(InvalidDocumentException.class)
        .hasMessageContaining("unsupported prefetch artifact version: 2.0");
  }

  @Test
  void xattrOptimizationMarksExactlyTheLayersWithoutXattrsOrOpaqueWhiteouts() throws Exception {
    Layer plain = tar("plain", new Member("a", 10), new Member("dir/.wh.removed", 0));
    Layer xattr =
        tar("xattr", new Member("b", 10), new Member("c", 10, Map.of("SCHILY.xattr.user.k", "v")));
    Layer opaque = tar("opaque", new Member("d", 10), new Member("dir/.wh..wh..opq", 0));
    Layer otherPax = tar("pax", new Member("e", 10, Map.of("LIBARCHIVE.creationtime", "1")));
    OciLayout layout = layout("x", plain, xattr, opaque, otherPax);
    List<LayerResult> first = new ArrayList<>();
    IndexResult without =
        builder(new ArrayList<>(), first)
            .create(layout, "img", PlatformSelection.defaultPlatform())
            .indexes()
            .get(0);
    assertThat(without.index().ztocs())
        .allSatisfy(
            z -> assertThat(z.annotations()).doesNotContainKey(Annotations.SOCI_DISABLE_XATTRS));

    // a second build reuses the stored zTOCs and reads them back for the check
    List<LayerResult> second = new ArrayList<>();
    IndexResult with =
        builder(new ArrayList<>(), second)
            .optimizations(List.of(Optimization.XATTR))
            .create(layout, "img", PlatformSelection.defaultPlatform())
            .indexes()
            .get(0);
    assertThat(second).extracting(LayerResult::status).containsOnly(LayerResult.Status.REUSED);
    List<Descriptor> z = with.index().ztocs();
    String expected =
        indexJson(
            List.of(
                ztocJson(z.get(0), digestOf(plain.bytes()), true),
                ztocJson(z.get(1), digestOf(xattr.bytes()), false),
                ztocJson(z.get(2), digestOf(opaque.bytes()), false),
                ztocJson(z.get(3), digestOf(otherPax.bytes()), true)),
            with.manifest());
    assertThat(new String(layout.readBlob(with.descriptor()), UTF_8)).isEqualTo(expected);

    // the same annotations when the zTOCs are built in this run
    IndexResult fresh =
        builder(new ArrayList<>(), new ArrayList<>())
            .optimizations(List.of(Optimization.XATTR))
            .force(true)
            .create(layout, "img", PlatformSelection.defaultPlatform())
            .indexes()
            .get(0);
    assertThat(fresh.descriptor()).isEqualTo(with.descriptor());
    assertThatThrownBy(() -> Optimization.parse("speed"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("xattr");
  }

  @Test
  void forceRebuildsTheZtocsWithTheSameBytes() throws Exception {
    Layer one = tar("one", new Member("a", 5000));
    Layer two = tar("two", new Member("b", 7000));
    OciLayout layout = layout("f", one, two);
    IndexResult a =
        builder(new ArrayList<>(), new ArrayList<>())
            .create(layout, "img", PlatformSelection.defaultPlatform())
            .indexes()
            .get(0);
    Map<Digest, byte[]> ztocs = new LinkedHashMap<>();
    for (Descriptor z : a.index().ztocs()) {
      ztocs.put(z.digest(), layout.readBlob(z));
      Files.delete(layout.blobPath(z.digest())); // a rebuild must write them again
      Files.write(layout.blobPath(z.digest()), ztocs.get(z.digest()));
    }
    List<LayerResult> reused = new ArrayList<>();
    builder(new ArrayList<>(), reused).create(layout, "img", PlatformSelection.defaultPlatform());
    assertThat(reused).extracting(LayerResult::status).containsOnly(LayerResult.Status.REUSED);

    List<LayerResult> forced = new ArrayList<>();
    IndexResult f =
        builder(new ArrayList<>(), forced)
            .force(true)
            .create(layout, "img", PlatformSelection.defaultPlatform())
            .indexes()
            .get(0);
    assertThat(forced).extracting(LayerResult::status).containsOnly(LayerResult.Status.CREATED);
    assertThat(f.descriptor()).isEqualTo(a.descriptor());
    for (Descriptor z : f.index().ztocs()) {
      assertThat(layout.readBlob(z)).isEqualTo(ztocs.get(z.digest()));
    }
    ConvertResult c1 =
        builder(new ArrayList<>(), new ArrayList<>())
            .convert(layout, "img", "img-soci", PlatformSelection.defaultPlatform());
    ConvertResult c2 =
        builder(new ArrayList<>(), new ArrayList<>())
            .force(true)
            .convert(layout, "img", "img-soci", PlatformSelection.defaultPlatform());
    assertThat(c2.imageIndex()).isEqualTo(c1.imageIndex());
  }

  /** Every blob file of the layout. */
  static Set<Digest> blobs(OciLayout layout) throws IOException {
    Set<Digest> out = new HashSet<>();
    try (Stream<Path> s = Files.list(layout.root().resolve("blobs/sha256"))) {
      s.forEach(p -> out.add(Digest.parse("sha256:" + p.getFileName())));
    }
    return out;
  }

  /** Every blob {@code index.json} reaches. */
  static Set<Digest> reached(OciLayout layout) throws IOException {
    Set<Digest> out = new HashSet<>();
    for (Descriptor d : layout.index().manifests()) {
      reach(layout, d, out);
    }
    return out;
  }

  private static void reach(OciLayout layout, Descriptor d, Set<Digest> out) throws IOException {
    if (!out.add(d.digest())) {
      return;
    }
    if (MediaTypes.isIndex(d.mediaType())) {
      ImageIndex x = layout.readIndex(d);
      for (Descriptor c : x.manifests()) {
        reach(layout, c, out);
      }
    } else if (MediaTypes.isManifest(d.mediaType())) {
      ImageManifest m = layout.readManifest(d);
      out.add(m.config().digest());
      m.layers().forEach(l -> out.add(l.digest()));
      if (m.subject() != null) {
        reach(layout, m.subject(), out);
      }
    }
  }

  @Test
  void removingAV2IndexRemovesItsSociEnabledImageAndLeavesTheOriginalForSkopeo() throws Exception {
    Path dir = tmp.resolve("rm");
    Map<String, byte[]> app = new LinkedHashMap<>();
    app.put("data/big1.bin", LayoutIndexTest.BIG1);
    app.put("etc/hello.txt", LayoutIndexTest.HELLO);
    Layouts.umociImage(dir, "app", "amd64", app);
    Layouts.umociImage(dir, "arm", "arm64", Map.of("data/big3.bin", LayoutIndexTest.BIG3));
    Map<String, dev.soci.oci.Platform> children = new LinkedHashMap<>();
    children.put("app", dev.soci.oci.Platform.of("linux", "amd64"));
    children.put("arm", dev.soci.oci.Platform.of("linux", "arm64", "v8"));
    OciLayout layout = OciLayout.open(dir);
    Layouts.multiPlatform(layout, "multi", children);
    Layouts.run(tmp, "umoci", "gc", "--layout", dir.toString()); // umoci leaves garbage behind
    assertThat(reached(layout)).containsAll(blobs(layout));
    byte[] indexBefore = Files.readAllBytes(dir.resolve("index.json"));
    Set<Digest> blobsBefore = blobs(layout);

    // multi-platform image, only amd64 indexed: the arm64 manifest is re-encoded without an index
    ConvertResult r =
        LayoutIndexTest.builder()
            .prefetchFiles(List.of("data/big1.bin"))
            .convert(
                layout,
                "multi",
                "multi-soci",
                PlatformSelection.of(List.of(dev.soci.oci.Platform.of("linux", "amd64"))));
    SociIndex built = r.indexes().get(0).index();
    assertThat(built.prefetchArtifacts()).hasSize(1);
    // in a gzip layer, the spans are those soci ztoc info reports for the file
    Map<Digest, PrefetchArtifact> read = PrefetchArtifacts.read(layout, built);
    Digest gzLayer = read.keySet().iterator().next();
    Descriptor gzZtoc = built.ztoc(gzLayer);
    dev.soci.ztoc.ZtocInfo.FileSpans fs =
        dev.soci.ztoc.ZtocInfo.of(Ztoc.decode(layout.readBlob(gzZtoc)), gzZtoc.size())
            .files()
            .stream()
            .filter(f -> f.file().name().equals("data/big1.bin"))
            .findFirst()
            .orElseThrow();
    assertThat(fs.endSpan()).isGreaterThan(fs.startSpan());
    assertThat(read.get(gzLayer).spans())
        .containsExactly(new PrefetchArtifact.Span((int) fs.startSpan(), (int) fs.endSpan()));
    assertThat(blobs(layout)).hasSizeGreaterThan(blobsBefore.size() + 4);
    Digest v2 = r.indexes().get(0).descriptor().digest();

    SociIndexCatalog.Removal removal = SociIndexCatalog.delete(layout, List.of(v2));
    assertThat(removal.indexes()).containsExactly(v2);
    assertThat(removal.images())
        .extracting(Descriptor::digest)
        .containsExactly(r.imageIndex().digest());
    assertThat(Files.readAllBytes(dir.resolve("index.json"))).isEqualTo(indexBefore);
    assertThat(blobs(layout)).isEqualTo(blobsBefore);
    assertThat(reached(layout)).containsAll(blobs(layout)); // no blob that nothing reaches
    Layouts.assertGraphResolves(layout);
    for (String tag : List.of("app", "arm")) {
      Layouts.run(
          tmp,
          "skopeo",
          "copy",
          "oci:" + dir + ":" + tag,
          "oci:" + tmp.resolve("out-" + tag) + ":x");
    }
    Layouts.run(
        tmp,
        "skopeo",
        "copy",
        "--all",
        "oci:" + dir + ":multi",
        "oci:" + tmp.resolve("out") + ":x");

    // a v1 index and a v2 index sharing zTOCs: removing the v2 one keeps what the v1 one uses
    CreateResult v1 =
        LayoutIndexTest.builder().create(layout, "app", PlatformSelection.defaultPlatform());
    ConvertResult c =
        LayoutIndexTest.builder()
            .convert(layout, "app", "app-soci", PlatformSelection.defaultPlatform());
    SociIndexCatalog.delete(layout, List.of(c.indexes().get(0).descriptor().digest()));
    assertThat(layout.tags()).doesNotContain("app-soci");
    for (Descriptor z : v1.indexes().get(0).index().ztocs()) {
      assertThat(layout.exists(z)).isTrue();
    }
    assertThat(reached(layout)).containsAll(blobs(layout));
    assertThat(SociIndexCatalog.scan(layout).indexes())
        .extracting(e -> e.descriptor().digest())
        .containsExactly(v1.indexes().get(0).descriptor().digest());
  }
}
