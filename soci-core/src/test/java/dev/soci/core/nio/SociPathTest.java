package dev.soci.core.nio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Path operations against the default file system's on Unix as the oracle: random paths made of
 * names, {@code .}, {@code ..}, empty components and repeated slashes, through every syntactic
 * operation, give the same strings (or both throw).
 */
class SociPathTest {
  private static final String[] PARTS = {"a", "b", "c", ".", "..", "", "a.b", "..."};

  /** A file system without an image: only its path syntax is used. */
  private static final SociFileSystem FS =
      new SociFileSystem(
          new SociFileSystemProvider(), URI.create("soci://test/x:y"), null, null, null, null);

  private static String randomPath(Random r) {
    StringBuilder b = new StringBuilder(r.nextInt(4) == 0 ? "/" : "");
    int n = r.nextInt(5);
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        b.append(r.nextInt(6) == 0 ? "//" : "/");
      }
      b.append(PARTS[r.nextInt(PARTS.length)]);
    }
    if (r.nextInt(8) == 0) {
      b.append('/');
    }
    return b.toString();
  }

  private static String outcome(Function<Void, Object> f) {
    try {
      Object o = f.apply(null);
      return String.valueOf(o);
    } catch (IllegalArgumentException e) {
      return "IllegalArgumentException";
    }
  }

  private static void same(
      String what, Function<Path, Object> ours, Function<Path, Object> jdk, String p) {
    assertThat(outcome(v -> ours.apply(FS.getPath(p))))
        .as("%s of \"%s\"", what, p)
        .isEqualTo(outcome(v -> jdk.apply(Path.of(p))));
  }

  @Test
  void unaryOperationsMatchTheDefaultFileSystem() {
    Random r = new Random(1);
    List<Map.Entry<String, Function<Path, Object>>> ops = new ArrayList<>();
    ops.add(Map.entry("toString", Path::toString));
    ops.add(Map.entry("normalize", Path::normalize));
    ops.add(Map.entry("getParent", Path::getParent));
    ops.add(Map.entry("getFileName", Path::getFileName));
    ops.add(Map.entry("getRoot", Path::getRoot));
    ops.add(Map.entry("getNameCount", Path::getNameCount));
    ops.add(Map.entry("isAbsolute", Path::isAbsolute));
    ops.add(
        Map.entry(
            "names",
            p -> {
              List<String> names = new ArrayList<>();
              p.iterator().forEachRemaining(n -> names.add(n.toString()));
              return names;
            }));
    ops.add(Map.entry("subpath(1,2)", p -> p.subpath(1, 2)));
    ops.add(Map.entry("subpath(0,n)", p -> p.subpath(0, p.getNameCount())));
    ops.add(Map.entry("getName(0)", p -> p.getName(0)));
    ops.add(Map.entry("parentOfNormalized", p -> p.normalize().getParent()));
    for (int i = 0; i < 3000; i++) {
      String p = randomPath(r);
      for (Map.Entry<String, Function<Path, Object>> op : ops) {
        same(op.getKey(), op.getValue(), op.getValue(), p);
      }
    }
  }

  @Test
  void binaryOperationsMatchTheDefaultFileSystem() {
    Random r = new Random(2);
    List<Map.Entry<String, BiFunction<Path, Path, Object>>> ops = new ArrayList<>();
    ops.add(Map.entry("resolve", Path::resolve));
    ops.add(Map.entry("resolveSibling", Path::resolveSibling));
    ops.add(Map.entry("relativize", Path::relativize));
    ops.add(Map.entry("startsWith", Path::startsWith));
    ops.add(Map.entry("endsWith", Path::endsWith));
    ops.add(Map.entry("equals", Path::equals));
    ops.add(Map.entry("compareTo", (a, b) -> Integer.signum(a.compareTo(b))));
    ops.add(Map.entry("relativizeThenResolve", (a, b) -> a.resolve(a.relativize(b)).normalize()));
    for (int i = 0; i < 3000; i++) {
      String a = randomPath(r);
      String b = randomPath(r);
      for (Map.Entry<String, BiFunction<Path, Path, Object>> op : ops) {
        String ours = outcome(v -> op.getValue().apply(FS.getPath(a), FS.getPath(b)));
        String jdk = outcome(v -> op.getValue().apply(Path.of(a), Path.of(b)));
        assertThat(ours).as("%s(\"%s\", \"%s\")", op.getKey(), a, b).isEqualTo(jdk);
      }
    }
  }

  @Test
  void getPathJoinsLikeTheDefaultFileSystem() {
    String[][] cases = {{"a", "b"}, {"/", "x"}, {"", "y"}, {"a/", "/b/"}, {"a", ""}, {"", ""}};
    for (String[] c : cases) {
      assertThat(FS.getPath(c[0], c[1]).toString())
          .isEqualTo(FileSystems.getDefault().getPath(c[0], c[1]).toString());
    }
  }

  @Test
  void pathsOfOtherProvidersAreRefused() {
    assertThatThrownBy(() -> FS.getPath("a").resolve(Path.of("b")))
        .isInstanceOf(ProviderMismatchException.class);
    assertThat(FS.getPath("a").startsWith(Path.of("a"))).isFalse();
    assertThatThrownBy(() -> FS.getPath("a\u0000b"))
        .isInstanceOf(java.nio.file.InvalidPathException.class);
  }

  @Test
  void malformedRegistryUrisAreRefused() throws IOException {
    assertThatThrownBy(
            () ->
                new SociFileSystemProvider().newFileSystem(URI.create("soci://h/Bad:v1"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("repository");
    assertThatThrownBy(
            () ->
                new SociFileSystemProvider()
                    .newFileSystem(URI.create("soci://u:secret@h/a:v1"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("secret");
    assertThat(SociFileSystemProvider.RegistryImage.parse(URI.create("soci://h:5000/lib/deb")))
        .isEqualTo(new SociFileSystemProvider.RegistryImage("h:5000", "lib/deb", "latest"));
    String digest = "sha256:" + "a".repeat(64);
    assertThat(
            SociFileSystemProvider.RegistryImage.parse(URI.create("soci://h/lib/deb@" + digest))
                .uri())
        .isEqualTo(URI.create("soci://h/lib/deb@" + digest));
  }

  @Test
  void envKeysTakeStringsOrTheirNaturalTypes() {
    FileSystemOptions o =
        FileSystemOptions.of(
            Map.of(
                "image", "t",
                "platform", "linux/arm64/v8",
                "plainHttp", "true",
                "cacheBytes", "1024",
                "verify", false,
                "password", "hunter2"));
    assertThat(o.platform().format()).isEqualTo("linux/arm64/v8");
    assertThat(o.plainHttp()).isTrue();
    assertThat(o.cacheBytes()).isEqualTo(1024);
    assertThat(o.verify()).isFalse();
    assertThat(o.toString()).doesNotContain("hunter2");
    assertThat(
            FileSystemOptions.of(Map.of("cacheBytes", 5L, "plainHttp", Boolean.FALSE)).cacheBytes())
        .isEqualTo(5);
    FileSystemOptions d = FileSystemOptions.of(Map.of());
    assertThat(d.verify()).isTrue();
    assertThat(d.cacheBytes()).isEqualTo(FileSystemOptions.DEFAULT_CACHE_BYTES);
    assertThatThrownBy(() -> FileSystemOptions.of(Map.of("imgae", "t")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("imgae");
    assertThatThrownBy(() -> FileSystemOptions.of(Map.of("verify", "yes")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("verify");
    assertThatThrownBy(() -> FileSystemOptions.of(Map.of("cacheBytes", "-1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cacheBytes");
    assertThatThrownBy(() -> FileSystemOptions.of(Map.of("cacheBytes", 1.5)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
