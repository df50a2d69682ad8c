package dev.soci.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.cli.SociCommandTest.Result;
import dev.soci.oci.Annotations;
import dev.soci.oci.Descriptor;
import dev.soci.oci.OciJson;
import dev.soci.oci.layout.OciLayout;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code soci create|convert|index list|info|rm|ztoc list} on a layout made by umoci. */
class IndexCommandsTest {
  @TempDir static Path shared;
  static Path base;
  @TempDir Path tmp;

  static String sh(Path cwd, String... cmd) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError(
          cmd[0] + " is not installed (scripts/setup.sh installs it): " + e, e);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = p.getInputStream()) {
      in.transferTo(out);
    }
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
    return out.toString(StandardCharsets.UTF_8);
  }

  @BeforeAll
  static void layout() throws Exception {
    base = shared.resolve("base");
    sh(shared, "umoci", "init", "--layout", base.toString());
    sh(shared, "umoci", "new", "--image", base + ":app");
    byte[] big = new byte[200_000];
    new Random(7).nextBytes(big);
    Files.write(shared.resolve("big"), big);
    Files.writeString(shared.resolve("small"), "small\n");
    sh(
        shared,
        "umoci",
        "insert",
        "--image",
        base + ":app",
        shared.resolve("big").toString(),
        "/big.bin");
    sh(
        shared,
        "umoci",
        "insert",
        "--image",
        base + ":app",
        shared.resolve("small").toString(),
        "/small.txt");
  }

  Path copy() throws IOException {
    Path dir = tmp.resolve("l");
    try (var s = Files.walk(base)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path q = dir.resolve(base.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else {
          Files.copy(p, q);
        }
      }
    }
    return dir;
  }

  static Result run(String... args) {
    return SociCommandTest.run(args);
  }

  @Test
  void createThenListInfoZtocListAndRemove() throws Exception {
    Path dir = copy();
    Result r =
        run(
            "create",
            "--layout",
            dir.toString(),
            "--image",
            "app",
            "--min-layer-size",
            "100000",
            "--span-size",
            "65536");
    assertThat(r.code()).as(r.err()).isZero();
    String[] lines = r.outText().split("\n");
    assertThat(lines).hasSize(3);
    assertThat(lines[0]).matches("layer sha256:[0-9a-f]{64} -> ztoc sha256:[0-9a-f]{64}");
    assertThat(lines[1])
        .matches(
            Pattern.quote("ztoc skipped - layer ")
                + "sha256:[0-9a-f]{64}"
                + Pattern.quote(" (application/vnd.oci.image.layer.v1.tar+gzip) size ")
                + "\\d+"
                + Pattern.quote(" is less than min-layer-size 100000"));
    assertThat(lines[2])
        .matches(
            "soci index sha256:[0-9a-f]{64} \\(v1, linux/amd64, \\d+ bytes\\) for image manifest "
                + "sha256:[0-9a-f]{64}");
    String index = lines[2].split(" ")[2];
    String ztoc = lines[0].split(" ")[4];
    String layer = lines[0].split(" ")[1];

    OciLayout layout = OciLayout.open(dir);
    Descriptor d =
        layout.index().manifests().stream()
            .filter(m -> m.digest().toString().equals(index))
            .findFirst()
            .orElseThrow();
    Files.setLastModifiedTime(
        layout.blobPath(d.digest()), FileTime.from(Instant.now().minusSeconds(3723)));

    Result list = run("index", "list", "--layout", dir.toString());
    assertThat(list.code()).as(list.err()).isZero();
    String header =
        "DIGEST                                                                     SIZE    IMAGE REF    "
            + "PLATFORM       MEDIA TYPE                                    MANIFEST VERSION    CREATED       \n";
    String row =
        index
            + "    "
            + pad(Long.toString(d.size()), 8)
            + "app          linux/amd64    "
            + "application/vnd.oci.image.manifest.v1+json    v1                  1h2m3s ago    \n";
    assertThat(list.outText()).isEqualTo(header + row);
    assertThat(run("index", "list", "--layout", dir.toString(), "-q").outText())
        .isEqualTo(index + "\n");
    assertThat(run("index", "ls", "--layout", dir.toString(), "--ref", "app", "-q").outText())
        .isEqualTo(index + "\n");
    assertThat(
            run("index", "list", "--layout", dir.toString(), "-p", "linux/arm64", "-q").outText())
        .isEmpty();

    Result info = run("index", "info", "--layout", dir.toString(), index);
    assertThat(info.code()).as(info.err()).isZero();
    byte[] blob = layout.readBlob(d);
    assertThat(info.out()).isEqualTo(OciJson.indent(blob));
    assertThat(info.outText())
        .startsWith(
            "{\n  \"schemaVersion\": 2,\n  \"mediaType\": "
                + "\"application/vnd.oci.image.manifest.v1+json\",\n  \"config\": {\n")
        .endsWith("}\n");
    Result ztocInfo = run("index", "info", "--layout", dir.toString(), ztoc);
    assertThat(ztocInfo.code()).isNotZero();
    assertThat(ztocInfo.err())
        .isEqualTo(
            "error: the provided digest is of ztoc not SOCI index. Use \"soci ztoc info\""
                + " command to get detailed info of ztoc\n");

    Result zl = run("ztoc", "list", "--layout", dir.toString());
    long ztocSize = Files.size(layout.blobPath(dev.soci.oci.Digest.parse(ztoc)));
    int sizeWidth = Math.max(8, Long.toString(ztocSize).length() + 4);
    assertThat(zl.outText())
        .isEqualTo(
            pad("DIGEST", 75)
                + pad("SIZE", sizeWidth)
                + pad("LAYER DIGEST", 75)
                + "\n"
                + ztoc
                + "    "
                + pad(Long.toString(ztocSize), sizeWidth)
                + layer
                + "    \n");
    assertThat(
            run("ztoc", "list", "--layout", dir.toString(), "--image-ref", "app", "-q").outText())
        .isEqualTo(ztoc + "\n");
    Result none =
        run(
            "ztoc",
            "list",
            "--layout",
            dir.toString(),
            "--image-ref",
            "app",
            "--ztoc-digest",
            layer);
    assertThat(none.err())
        .isEqualTo(
            "error: the specified ztoc doesn't exist or is not associated with the specified"
                + " image\n");

    Result rm = run("index", "rm", "--layout", dir.toString(), index);
    assertThat(rm.code()).as(rm.err()).isZero();
    assertThat(rm.outText()).isEqualTo("removed soci index " + index + "\ndeleted 3 blobs\n");
    assertThat(layout.index().manifests()).hasSize(1);
    assertThat(Files.exists(layout.blobPath(dev.soci.oci.Digest.parse(ztoc)))).isFalse();
    assertThat(Files.exists(layout.blobPath(dev.soci.oci.Digest.parse(layer)))).isTrue();
    assertThat(run("index", "list", "--layout", dir.toString()).outText())
        .isEqualTo(
            "DIGEST    SIZE    IMAGE REF    PLATFORM    MEDIA TYPE    MANIFEST VERSION    CREATED    \n");
  }

  @Test
  void prefetchFilesOptimizationsAndForceOnCreateAndConvert() throws Exception {
    Path dir = copy();
    Path json = tmp.resolve("prefetch.json");
    Files.writeString(json, "[\"/small.txt\", \" \", \"nowhere\"]");
    Result r =
        run(
            "create",
            "--layout",
            dir.toString(),
            "--image",
            "app",
            "--min-layer-size",
            "0",
            "--prefetch-file",
            "big.bin",
            "--prefetch-files-json",
            json.toString(),
            "--optimizations",
            "xattr",
            "-q");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err())
        .matches(
            Pattern.quote("warning: image manifest " + dir.resolve("blobs/sha256") + "/")
                + "[0-9a-f]{64}: prefetch file nowhere was not found in any layer\n");
    OciLayout layout = OciLayout.open(dir);
    String digest = r.outText().strip();
    dev.soci.oci.SociIndex index =
        dev.soci.oci.SociIndex.decode(
            layout.readBlob(
                layout.index().manifests().stream()
                    .filter(m -> m.digest().toString().equals(digest))
                    .findFirst()
                    .orElseThrow()),
            digest);
    assertThat(index.ztocs()).hasSize(2);
    assertThat(index.ztocs())
        .allSatisfy(
            z -> assertThat(z.annotation(Annotations.SOCI_DISABLE_XATTRS)).isEqualTo("true"));
    assertThat(index.prefetchArtifacts()).hasSize(2);

    Result again =
        run("create", "--layout", dir.toString(), "--image", "app", "--min-layer-size", "0");
    assertThat(again.outText()).contains("(already exists)");
    Result forced =
        run(
            "create",
            "--layout",
            dir.toString(),
            "--image",
            "app",
            "--min-layer-size",
            "0",
            "--force");
    assertThat(forced.code()).as(forced.err()).isZero();
    assertThat(forced.outText()).doesNotContain("(already exists)");
    assertThat(forced.outText().lines().reduce((a, b) -> b).orElseThrow())
        .isEqualTo(again.outText().lines().reduce((a, b) -> b).orElseThrow());

    Result converted =
        run(
            "convert",
            "--layout",
            dir.toString(),
            "--image",
            "app",
            "--to",
            "app-soci",
            "--min-layer-size",
            "0",
            "--prefetch-file",
            "small.txt",
            "--optimizations",
            "xattr",
            "--force");
    assertThat(converted.code()).as(converted.err()).isZero();
    assertThat(converted.err()).isEmpty();

    Result bad =
        run(
            "create",
            "--layout",
            dir.toString(),
            "--image",
            "app",
            "--optimizations",
            "xattr,speed");
    assertThat(bad.code()).isNotZero();
    assertThat(bad.err()).contains("optimization speed is not supported");
    Files.writeString(json, "{\"not\": \"a list\"}");
    Result badJson =
        run(
            "create",
            "--layout",
            dir.toString(),
            "--image",
            "app",
            "--prefetch-files-json",
            json.toString());
    assertThat(badJson.code()).isNotZero();
    assertThat(badJson.err()).contains(json.toString()).contains("expected an array of strings");
  }

  static String pad(String s, int width) {
    return s + " ".repeat(width - s.length());
  }

  @Test
  void convertTagsTheResultAndItsIndexesAreListed() throws Exception {
    Path dir = copy();
    Result r =
        run(
            "convert",
            "--layout",
            dir.toString(),
            "--image",
            "app",
            "--to",
            "app-soci",
            "--min-layer-size",
            "0");
    assertThat(r.code()).as(r.err()).isZero();
    String[] lines = r.outText().split("\n");
    assertThat(lines).hasSize(4);
    assertThat(lines[3])
        .matches("converted image app-soci -> sha256:[0-9a-f]{64} \\(\\d+ bytes\\)");
    OciLayout layout = OciLayout.open(dir);
    assertThat(layout.tags()).containsExactly("app", "app-soci");
    String v2 = lines[2].split(" ")[2];
    Result list = run("index", "list", "--layout", dir.toString(), "--ref", "app-soci");
    assertThat(list.outText()).contains(v2 + "    ").contains(" app-soci ").contains(" v2 ");
    String converted = layout.resolve("app-soci").digest().toString();
    Result rm = run("index", "rm", "--layout", dir.toString(), v2);
    assertThat(rm.code()).as(rm.err()).isZero();
    assertThat(rm.outText())
        .startsWith(
            "removed soci index "
                + v2
                + "\nremoved soci-enabled image app-soci "
                + converted
                + "\ndeleted ");
    assertThat(layout.tags()).containsExactly("app");
    sh(tmp, "skopeo", "copy", "oci:" + dir + ":app", "oci:" + tmp.resolve("copied") + ":app");

    Result q =
        run(
            "convert",
            "--layout",
            dir.toString(),
            "--image",
            "app",
            "--to",
            "app-soci",
            "--min-layer-size",
            "0",
            "-q");
    assertThat(q.outText()).isEqualTo(layout.resolve("app-soci").digest() + "\n");
    assertThat(layout.index().manifests())
        .filteredOn(m -> m.annotation(Annotations.REF_NAME) != null)
        .hasSize(2);
  }

  @Test
  void errorsAreOneLine() throws Exception {
    Path dir = copy();
    for (List<String> args :
        List.of(
            List.of("create", "--layout", tmp.resolve("nope").toString(), "--image", "app"),
            List.of("create", "--layout", dir.toString(), "--image", "nope"),
            List.of("create", "--layout", dir.toString(), "--image", "app"),
            List.of(
                "create",
                "--layout",
                dir.toString(),
                "--image",
                "app",
                "-p",
                "linux/amd64",
                "--all-platforms"),
            List.of("create", "--layout", dir.toString(), "--image", "app", "--span-size", "-1"),
            List.of("convert", "--layout", dir.toString(), "--image", "app", "--to", "app"),
            List.of("index", "info", "--layout", dir.toString(), "sha256:1234"))) {
      Result r = run(args.toArray(String[]::new));
      assertThat(r.code()).as(args.toString()).isNotZero();
      assertThat(r.err())
          .as(args.toString())
          .startsWith("error: ")
          .endsWith("\n")
          .satisfies(e -> assertThat(e.strip()).doesNotContain("\n"));
    }
    assertThat(run("create", "--layout", dir.toString(), "--image", "app").err())
        .isEqualTo(
            "error: image manifest "
                + OciLayout.open(dir).blobPath(OciLayout.open(dir).resolve("app").digest())
                + " (linux/amd64): no ztocs created, all layers either skipped or produced errors\n");
    for (String span : List.of("0", "-1")) {
      Result r = run("create", "--layout", dir.toString(), "--image", "app", "--span-size", span);
      assertThat(r.code()).isEqualTo(2);
      assertThat(r.err())
          .isEqualTo(
              "error: invalid value for option '--span-size': '"
                  + span
                  + "' must be > 0 (see --help)\n");
    }
  }

  @Test
  void spanSizeZeroIsAUsageErrorEverywhere() throws Exception {
    Path dir = copy();
    Map<String, String> before = snapshot(dir);
    for (List<String> args :
        List.of(
            List.of("create", "--layout", dir.toString(), "--image", "app", "--span-size", "0"),
            List.of(
                "convert",
                "--layout",
                dir.toString(),
                "--image",
                "app",
                "--to",
                "x",
                "--span-size",
                "0"),
            List.of("ztoc", "create", dir.resolve("nope").toString(), "--span-size", "0"),
            List.of("demo", "--span-size", "0"))) {
      Result r = run(args.toArray(String[]::new));
      assertThat(r.code()).as(args.toString()).isEqualTo(2);
      assertThat(r.err())
          .as(args.toString())
          .isEqualTo(
              "error: invalid value for option '--span-size': '0' must be > 0 (see --help)\n");
    }
    assertThat(snapshot(dir)).isEqualTo(before);
  }

  @Test
  void convertMovesATagNamingAnotherImageOnlyWithForce() throws Exception {
    Path dir = copy();
    sh(tmp, "umoci", "new", "--image", dir + ":other");
    OciLayout layout = OciLayout.open(dir);
    String other = layout.resolve("other").digest().toString();
    Map<String, String> before = snapshot(dir);
    List<String> convert =
        List.of(
            "convert",
            "--layout",
            dir.toString(),
            "--image",
            "app",
            "--to",
            "other",
            "--min-layer-size",
            "0",
            "-q");
    Result refused = run(convert.toArray(String[]::new));
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.err())
        .startsWith("error: tag \"other\" already names another image (" + other + ")")
        .contains("--force")
        .satisfies(e -> assertThat(e.strip()).doesNotContain("\n"));
    assertThat(snapshot(dir)).isEqualTo(before);

    List<String> forced = new ArrayList<>(convert);
    forced.add("--force");
    Result moved = run(forced.toArray(String[]::new));
    assertThat(moved.code()).as(moved.err()).isZero();
    String converted = layout.resolve("other").digest().toString();
    assertThat(moved.outText()).isEqualTo(converted + "\n");
    assertThat(converted).isNotEqualTo(other);
    // converting again to the tag that already names the result is not a conflict
    Result again = run(convert.toArray(String[]::new));
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.outText()).isEqualTo(converted + "\n");
  }

  @Test
  @org.junit.jupiter.api.Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aDeepChainIsSkippedWithAWarningAndBigIndexesCanBeListedAndRemoved() throws Exception {
    Path dir = copy();
    OciLayout layout = OciLayout.open(dir);
    Descriptor app = layout.resolve("app");
    Descriptor inner = Descriptor.of(app.mediaType(), app.digest(), app.size());
    for (int i = 0; i < 40; i++) {
      byte[] doc =
          OciJson.encode(
              dev.soci.oci.ImageIndex.of(dev.soci.oci.MediaTypes.OCI_INDEX, List.of(inner)));
      inner = Descriptor.ofContent(dev.soci.oci.MediaTypes.OCI_INDEX, doc);
      Files.write(layout.blobPath(inner.digest()), doc);
    }
    // a v1 SOCI index of 25,000 zTOCs, over the default 4 MiB document limit
    List<Descriptor> ztocs = new ArrayList<>();
    for (int i = 0; i < 25_000; i++) {
      ztocs.add(
          Descriptor.ofContent(
                  dev.soci.oci.MediaTypes.SOCI_ZTOC, ("z" + i).getBytes(StandardCharsets.UTF_8))
              .withAnnotations(Map.of(Annotations.SOCI_SPAN_SIZE, "4194304")));
    }
    byte[] big =
        dev.soci.oci.SociIndex.v1(
                ztocs, Descriptor.of(app.mediaType(), app.digest(), app.size()), "test")
            .encode();
    assertThat((long) big.length).isGreaterThan(OciJson.decoder().maxDocumentSize());
    Descriptor bigIndex;
    try (OciLayout.Transaction tx = layout.begin()) {
      tx.writeBlob(
          dev.soci.oci.MediaTypes.SOCI_INDEX_V1,
          dev.soci.oci.SociIndex.CONFIG_CONTENT.getBytes(StandardCharsets.UTF_8));
      bigIndex =
          tx.writeBlob(dev.soci.oci.MediaTypes.OCI_MANIFEST, big)
              .withArtifactType(dev.soci.oci.MediaTypes.SOCI_INDEX_V1);
      tx.commit(
          tx.index()
              .withManifest(inner.withAnnotations(Map.of(Annotations.REF_NAME, "deep")))
              .withManifest(bigIndex));
    }

    Result created =
        run("create", "--layout", dir.toString(), "--image", "app", "--min-layer-size", "0", "-q");
    assertThat(created.code()).as(created.err()).isZero();
    Result list = run("index", "list", "--layout", dir.toString(), "-q");
    assertThat(list.code()).as(list.err()).isZero();
    assertThat(list.outText()).contains(bigIndex.digest().toString());
    assertThat(list.err())
        .startsWith("warning: skipped image \"deep\" of ")
        .contains("image indexes nested deeper than 32 levels");
    Result ztocList = run("ztoc", "list", "--layout", dir.toString(), "-q");
    assertThat(ztocList.code()).as(ztocList.err()).isZero();
    assertThat(ztocList.outText().lines().count()).isGreaterThanOrEqualTo(25_000);
    Result rm = run("index", "rm", "--layout", dir.toString(), bigIndex.digest().toString());
    assertThat(rm.code()).as(rm.err()).isZero();
    assertThat(OciLayout.open(dir).index().manifests())
        .noneMatch(m -> m.digest().equals(bigIndex.digest()));
  }

  static Map<String, String> snapshot(Path root) throws IOException {
    Map<String, String> out = new java.util.TreeMap<>();
    try (var s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (p.getFileName().toString().equals(".soci.lock")) {
          continue; // the writers' lock file, created by the first writer
        }
        out.put(
            root.relativize(p).toString(),
            Files.isRegularFile(p)
                ? dev.soci.oci.Digest.sha256(Files.readAllBytes(p)).toString()
                : "dir");
      }
    }
    return out;
  }

  @Test
  void tablesFollowGoTabwriter() {
    assertThat(Tables.format(List.of("DIGEST", "SIZE", "LAYER DIGEST"), List.of()))
        .isEqualTo("DIGEST    SIZE    LAYER DIGEST    \n");
    assertThat(Tables.format(List.of("A", "B"), List.of(List.of("", "123456789"))))
        .isEqualTo("A       B            \n        123456789    \n");
  }

  @Test
  void goDurations() {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    assertThat(IndexCommand.ago(now.minusSeconds(45), now)).isEqualTo("45s ago");
    assertThat(IndexCommand.ago(now.minusSeconds(60), now)).isEqualTo("1m0s ago");
    assertThat(IndexCommand.ago(now.minusSeconds(3723), now)).isEqualTo("1h2m3s ago");
    assertThat(IndexCommand.ago(now.minusMillis(1499), now)).isEqualTo("1s ago");
    assertThat(IndexCommand.ago(now.minusMillis(400), now)).isEqualTo("0s ago");
    assertThat(IndexCommand.ago(now.minusSeconds(100 * 3600), now)).isEqualTo("100h0m0s ago");
    assertThat(IndexCommand.ago(null, now)).isEqualTo("n/a");
  }
}
