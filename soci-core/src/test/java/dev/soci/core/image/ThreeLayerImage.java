package dev.soci.core.image;

import static dev.soci.core.index.Layouts.run;

import dev.soci.core.index.Layouts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A three-layer image tagged {@value #TAG}, made by umoci (init, new, unpack, repack) and GNU tar
 * (the third layer, added verbatim with {@code umoci raw add-layer}):
 *
 * <ol>
 *   <li>{@code etc/motd}, {@code etc/passwd}, {@code opt/app/{a,b}}, {@code usr/bin/ls}, {@code
 *       var/cache/x} and the 300 kB {@code usr/lib/big.bin} ({@link #BIG1});
 *   <li>umoci's diff: deletes {@code etc/motd} and {@code var/cache} (whiteouts), rewrites {@code
 *       etc/passwd}, adds {@code usr/share/doc.txt} and a hard link to it;
 *   <li>tar: {@code opt/app} replaced opaquely ({@code .wh..wh..opq}, the 200 kB {@code opt/app/c},
 *       {@link #BIG3}), {@code bin -> usr/bin}, {@code abs -> /usr/bin/ls}, a loop {@code loop1 <->
 *       loop2} and {@code escape -> ../../../../etc/passwd}.
 * </ol>
 *
 * With a minimum layer size of {@value #MIN_LAYER_SIZE} bytes, layers 1 and 3 get zTOCs and layer 2
 * does not.
 */
final class ThreeLayerImage {
  static final String TAG = "t";
  static final long MIN_LAYER_SIZE = 100_000;
  static final long SPAN_SIZE = 65_536;
  static final byte[] BIG1 = Layouts.random(300_000, 11);
  static final byte[] BIG3 = Layouts.random(200_000, 13);

  private ThreeLayerImage() {}

  static Path build(Path work) throws IOException, InterruptedException {
    Files.createDirectories(work);
    Path layout = work.resolve("layout");
    String image = layout + ":" + TAG;
    run(work, "umoci", "init", "--layout", layout.toString());
    run(work, "umoci", "new", "--image", image);

    Path b1 = work.resolve("b1");
    run(work, "umoci", "unpack", "--rootless", "--image", image, b1.toString());
    Path r = b1.resolve("rootfs");
    write(r, "etc/motd", "base motd\n");
    write(r, "etc/passwd", "root:x:0:0:base\n");
    write(r, "opt/app/a", "a\n");
    write(r, "opt/app/b", "b\n");
    write(r, "usr/bin/ls", "ls from layer 1\n");
    write(r, "var/cache/x", "x\n");
    Files.createDirectories(r.resolve("usr/lib"));
    Files.write(r.resolve("usr/lib/big.bin"), BIG1);
    run(work, "umoci", "repack", "--image", image, b1.toString());

    Path b2 = work.resolve("b2");
    run(work, "umoci", "unpack", "--rootless", "--image", image, b2.toString());
    r = b2.resolve("rootfs");
    Files.delete(r.resolve("etc/motd"));
    deleteTree(r.resolve("var/cache"));
    write(r, "etc/passwd", "root:x:0:0:top\n");
    write(r, "usr/share/doc.txt", "documentation\n");
    Files.createLink(r.resolve("usr/share/doc-link.txt"), r.resolve("usr/share/doc.txt"));
    run(work, "umoci", "repack", "--image", image, b2.toString());

    Path l3 = work.resolve("l3");
    Files.createDirectories(l3.resolve("opt/app"));
    Files.write(l3.resolve("opt/app/.wh..wh..opq"), new byte[0]);
    Files.write(l3.resolve("opt/app/c"), BIG3);
    Files.createSymbolicLink(l3.resolve("bin"), Path.of("usr/bin"));
    Files.createSymbolicLink(l3.resolve("abs"), Path.of("/usr/bin/ls"));
    Files.createSymbolicLink(l3.resolve("loop1"), Path.of("loop2"));
    Files.createSymbolicLink(l3.resolve("loop2"), Path.of("loop1"));
    Files.createSymbolicLink(l3.resolve("escape"), Path.of("../../../../etc/passwd"));
    Path tar = work.resolve("l3.tar");
    run(
        work,
        "tar",
        "--numeric-owner",
        "--owner=0",
        "--group=0",
        "--mtime=@1700000000",
        "--sort=name",
        "-cf",
        tar.toString(),
        "-C",
        l3.toString(),
        ".");
    run(work, "umoci", "raw", "add-layer", "--image", image, tar.toString());
    deleteTree(l3); // links to outside paths: nothing later should follow them by accident
    return layout;
  }

  private static void write(Path root, String name, String content) throws IOException {
    Path f = root.resolve(name);
    Files.createDirectories(f.getParent());
    Files.writeString(f, content, StandardCharsets.UTF_8);
    Files.setLastModifiedTime(f, FileTime.fromMillis(1_700_000_000_000L));
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }
}
