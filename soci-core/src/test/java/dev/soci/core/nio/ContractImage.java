package dev.soci.core.nio;

import static dev.soci.core.index.Layouts.run;

import dev.soci.core.index.Layouts;
import dev.soci.core.index.PlatformSelection;
import dev.soci.core.index.SociIndexBuilder;
import dev.soci.oci.layout.OciLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A three-layer image tagged {@value #TAG} for the provider's contract tests, made by umoci (two
 * layers through unpack and repack) and GNU tar (a third one added with {@code umoci raw
 * add-layer}), converted ({@value #SOCI_TAG}) with a v2 SOCI index of {@value #SPAN_SIZE}-byte
 * spans, and unpacked by {@code umoci unpack} as the oracle:
 *
 * <ol>
 *   <li>files of several modes (setuid, 0600, 0755) and owners, an empty file, a 0700 directory, a
 *       hard-link pair, relative and absolute symbolic links, and {@value #BIG_SIZE} random bytes
 *       in {@code data/big.bin};
 *   <li>umoci's diff: a deleted file and directory (whiteouts), a rewritten file, a new hard link
 *       to a file of layer 1;
 *   <li>tar: {@code opt/app} replaced opaquely, a file owned by 1234:5678, a dangling link and a
 *       link into a deleted directory, and a loop {@code loop1 -> loop2 -> /loop1}.
 * </ol>
 */
final class ContractImage {
  static final String TAG = "t";
  static final String SOCI_TAG = "soci";
  static final long SPAN_SIZE = 65_536;
  static final int BIG_SIZE = 1_500_000;
  static final byte[] BIG = Layouts.random(BIG_SIZE, 42);

  /** The layout, and the root file system {@code umoci unpack} made of it. */
  record Built(Path layout, Path rootfs) {}

  private ContractImage() {}

  static Built build(Path work) throws IOException, InterruptedException {
    Files.createDirectories(work);
    Path layout = work.resolve("layout");
    String image = layout + ":" + TAG;
    run(work, "umoci", "init", "--layout", layout.toString());
    run(work, "umoci", "new", "--image", image);

    Path b1 = work.resolve("b1");
    run(work, "umoci", "unpack", "--image", image, b1.toString());
    Path r = b1.resolve("rootfs");
    write(r, "etc/passwd", "root:x:0:0:base\n", "rw-r--r--");
    write(r, "etc/shadow", "root:*:0\n", "rw-------");
    write(r, "etc/motd", "hello\n", "rw-r--r--");
    write(r, "usr/bin/tool", "#!/bin/sh\necho tool\n", "rwxr-xr-x");
    write(r, "usr/bin/suid", "suid\n", "rwxr-xr-x");
    Files.setAttribute(r.resolve("usr/bin/suid"), "unix:mode", 04755);
    write(r, "usr/share/empty", "", "rw-r--r--");
    write(r, "home/user/notes.txt", "notes\n", "rw-r-----");
    Files.setAttribute(r.resolve("home/user/notes.txt"), "unix:uid", 1000);
    Files.setAttribute(r.resolve("home/user/notes.txt"), "unix:gid", 1000);
    Files.setPosixFilePermissions(
        r.resolve("home/user"), PosixFilePermissions.fromString("rwx------"));
    write(r, "opt/app/a", "a\n", "rw-r--r--");
    write(r, "opt/app/b", "b\n", "rw-r--r--");
    write(r, "var/cache/x", "x\n", "rw-r--r--");
    write(r, "lib/one.so", "one\n", "rw-r--r--");
    Files.createLink(r.resolve("lib/one-link.so"), r.resolve("lib/one.so"));
    Files.createDirectories(r.resolve("data"));
    Files.write(r.resolve("data/big.bin"), BIG);
    Files.setLastModifiedTime(r.resolve("data/big.bin"), FileTime.fromMillis(1_700_000_000_000L));
    Files.createSymbolicLink(r.resolve("usr/bin/rel"), Path.of("tool"));
    Files.createSymbolicLink(r.resolve("abs"), Path.of("/etc/passwd"));
    Files.createSymbolicLink(r.resolve("bin"), Path.of("usr/bin"));
    run(work, "umoci", "repack", "--image", image, b1.toString());

    Path b2 = work.resolve("b2");
    run(work, "umoci", "unpack", "--image", image, b2.toString());
    r = b2.resolve("rootfs");
    Files.delete(r.resolve("etc/motd"));
    Files.delete(r.resolve("var/cache/x"));
    Files.delete(r.resolve("var/cache"));
    write(r, "etc/passwd", "root:x:0:0:top\nuser:x:1000:1000\n", "rw-r--r--");
    Files.createLink(r.resolve("usr/share/big-link.bin"), r.resolve("data/big.bin"));
    run(work, "umoci", "repack", "--image", image, b2.toString());

    Path l3 = work.resolve("l3");
    Files.createDirectories(l3.resolve("opt/app"));
    Files.write(l3.resolve("opt/app/.wh..wh..opq"), new byte[0]);
    Files.writeString(l3.resolve("opt/app/c"), "c from layer 3\n");
    Files.createSymbolicLink(l3.resolve("dangling"), Path.of("no/such/file"));
    Files.createSymbolicLink(l3.resolve("into-deleted"), Path.of("var/cache/x"));
    Files.createSymbolicLink(l3.resolve("loop1"), Path.of("loop2"));
    Files.createSymbolicLink(l3.resolve("loop2"), Path.of("/loop1"));
    Path tar = work.resolve("l3.tar");
    run(
        work,
        "tar",
        "--numeric-owner",
        "--owner=1234",
        "--group=5678",
        "--mtime=@1700000000",
        "--sort=name",
        "-cf",
        tar.toString(),
        "-C",
        l3.toString(),
        "opt",
        "dangling",
        "into-deleted",
        "loop1",
        "loop2");
    run(work, "umoci", "raw", "add-layer", "--image", image, tar.toString());

    SociIndexBuilder.withDefaults()
        .spanSize(SPAN_SIZE)
        .minLayerSize(0)
        .convert(OciLayout.open(layout), TAG, SOCI_TAG, PlatformSelection.defaultPlatform());
    Path bundle = work.resolve("oracle");
    run(work, "umoci", "unpack", "--image", image, bundle.toString());
    return new Built(layout, bundle.resolve("rootfs"));
  }

  private static void write(Path root, String name, String content, String perms)
      throws IOException {
    Path f = root.resolve(name);
    Files.createDirectories(f.getParent());
    Files.writeString(f, content, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(perms));
    Files.setLastModifiedTime(f, FileTime.fromMillis(1_700_000_123_000L));
  }
}
