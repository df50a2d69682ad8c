package dev.soci.core.nio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider on the JDK's contract, with {@code umoci unpack} as the oracle: the same {@code
 * Files.*} calls on the unpacked root file system and on the {@code soci} file system of the same
 * image ({@link ContractImage}) give the same listing, attributes and bytes.
 */
class SociFileSystemContractTest {
  @TempDir static Path shared;
  static ContractImage.Built built;

  FileSystem fs;

  @BeforeAll
  static void build() throws Exception {
    built = ContractImage.build(shared.resolve("work"));
  }

  @BeforeEach
  void open() throws IOException {
    fs = FileSystems.newFileSystem(built.layout(), Map.of("image", ContractImage.SOCI_TAG));
  }

  @AfterEach
  void close() throws IOException {
    fs.close();
  }

  /** Every path below the root, relative, with its lstat facts, as the oracle can also state. */
  static Map<String, String> describe(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (p.equals(root)) {
          continue;
        }
        String rel = root.relativize(p).toString();
        Map<String, Object> u = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
        BasicFileAttributes a =
            Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        StringBuilder b = new StringBuilder();
        b.append(String.format("mode=%o uid=%s gid=%s", u.get("mode"), u.get("uid"), u.get("gid")));
        if (!a.isDirectory()) {
          // directory sizes and times depend on the file system and on the order of unpacking
          b.append(" size=").append(a.size());
          b.append(" mtime=").append(a.lastModifiedTime().toMillis() / 1000);
        }
        if (a.isSymbolicLink()) {
          b.append(" -> ").append(Files.readSymbolicLink(p));
        }
        out.put(rel, b.toString());
      }
    }
    return out;
  }

  @Test
  void walkListsTheSameTreeWithTheSameAttributesAsUmociUnpack() throws IOException {
    Map<String, String> oracle = describe(built.rootfs());
    Map<String, String> ours = describe(fs.getPath("/"));
    assertThat(ours).isEqualTo(oracle);
    assertThat(ours)
        .containsKeys("opt/app/c", "lib/one-link.so", "usr/share/big-link.bin", "dangling")
        .doesNotContainKeys("etc/motd", "var/cache", "opt/app/a");
  }

  @Test
  void regularFilesHaveTheSameBytes() throws IOException {
    int compared = 0;
    try (Stream<Path> s = Files.walk(built.rootfs())) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          Path q = fs.getPath("/" + built.rootfs().relativize(p));
          assertThat(Files.readAllBytes(q)).as(q.toString()).isEqualTo(Files.readAllBytes(p));
          compared++;
        }
      }
    }
    assertThat(compared).isGreaterThan(10);
  }

  @Test
  void listAndFindAgreeWithTheOracle() throws IOException {
    for (String dir : List.of("", "etc", "usr/bin", "opt/app", "lib", "var")) {
      assertThat(names(fs.getPath("/" + dir)))
          .as(dir)
          .isEqualTo(names(built.rootfs().resolve(dir)));
    }
    try (Stream<Path> s =
        Files.find(fs.getPath("/"), 10, (p, a) -> a.isRegularFile() && a.size() > 100_000)) {
      assertThat(s.map(Path::toString).sorted())
          .containsExactly("/data/big.bin", "/usr/share/big-link.bin");
    }
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void linksResolveInsideTheImage() throws IOException {
    assertThat(Files.readString(fs.getPath("/abs")))
        .isEqualTo("root:x:0:0:top\nuser:x:1000:1000\n");
    assertThat(Files.readString(fs.getPath("/bin/rel"))).startsWith("#!/bin/sh");
    assertThat(Files.isSymbolicLink(fs.getPath("/bin"))).isTrue();
    assertThat(Files.isDirectory(fs.getPath("/bin"))).isTrue();
    assertThat(Files.isDirectory(fs.getPath("/bin"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(Files.readSymbolicLink(fs.getPath("/bin"))).isEqualTo(fs.getPath("usr/bin"));
    assertThat(fs.getPath("/bin/rel").toRealPath()).isEqualTo(fs.getPath("/usr/bin/tool"));
    assertThat(Files.exists(fs.getPath("/dangling"))).isFalse();
    assertThat(Files.exists(fs.getPath("/dangling"), LinkOption.NOFOLLOW_LINKS)).isTrue();
    assertThatThrownBy(() -> Files.readAllBytes(fs.getPath("/into-deleted")))
        .isInstanceOf(NoSuchFileException.class);
    assertThatThrownBy(() -> Files.readAllBytes(fs.getPath("/loop1")))
        .isInstanceOf(FileSystemException.class)
        .hasMessageContaining("too many levels of symbolic links");
    assertThat(Files.exists(fs.getPath("/loop2"))).isFalse();
    assertThat(Files.readSymbolicLink(fs.getPath("/loop2"))).isEqualTo(fs.getPath("/loop1"));
    try (Stream<Path> s = Files.walk(fs.getPath("/"), java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
      // as on the default file system: bin -> usr/bin is walked into, the loop shows as a link
      assertThat(s.map(Path::toString)).contains("/bin/tool", "/usr/bin/tool", "/loop1");
    }
    assertThatThrownBy(() -> Files.readSymbolicLink(fs.getPath("/etc/passwd")))
        .isInstanceOf(NotLinkException.class);
    assertThatThrownBy(() -> Files.newInputStream(fs.getPath("/abs"), LinkOption.NOFOLLOW_LINKS))
        .isInstanceOf(FileSystemException.class);
    assertThatThrownBy(() -> Files.readAllBytes(fs.getPath("/etc")))
        .isInstanceOf(FileSystemException.class)
        .hasMessageContaining("Is a directory");
  }

  @Test
  void hardLinksAreTheSameFile() throws IOException {
    Path one = fs.getPath("/lib/one.so");
    Path link = fs.getPath("/lib/one-link.so");
    assertThat(Files.isSameFile(one, link)).isTrue();
    assertThat(Files.isSameFile(fs.getPath("/data/big.bin"), fs.getPath("/usr/share/big-link.bin")))
        .isTrue();
    assertThat(Files.isSameFile(one, fs.getPath("/etc/passwd"))).isFalse();
    assertThat(Files.isSameFile(fs.getPath("/bin/rel"), fs.getPath("/usr/bin/tool"))).isTrue();
    assertThat(Files.readAttributes(one, BasicFileAttributes.class).fileKey())
        .isEqualTo(Files.readAttributes(link, BasicFileAttributes.class).fileKey())
        .isNotEqualTo(
            Files.readAttributes(fs.getPath("/etc"), BasicFileAttributes.class).fileKey());
    // the oracle agrees on which names are one file
    assertThat(
            Files.isSameFile(
                built.rootfs().resolve("lib/one.so"), built.rootfs().resolve("lib/one-link.so")))
        .isTrue();
  }

  @Test
  void posixAttributesAndAccess() throws IOException {
    PosixFileAttributes a =
        Files.readAttributes(fs.getPath("/home/user/notes.txt"), PosixFileAttributes.class);
    assertThat(a.owner().getName()).isEqualTo("1000");
    assertThat(a.group().getName()).isEqualTo("1000");
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(a.permissions()))
        .isEqualTo("rw-r-----");
    assertThat(Files.getLastModifiedTime(fs.getPath("/etc/shadow")))
        .isEqualTo(FileTime.fromMillis(1_700_000_123_000L));
    assertThat(Files.size(fs.getPath("/data/big.bin"))).isEqualTo(ContractImage.BIG_SIZE);
    assertThat(Files.isReadable(fs.getPath("/etc/passwd"))).isTrue();
    assertThat(Files.isWritable(fs.getPath("/etc/passwd"))).isFalse();
    assertThat(Files.isExecutable(fs.getPath("/usr/bin/tool"))).isTrue();
    assertThat(Files.isExecutable(fs.getPath("/etc/passwd"))).isFalse();
    assertThat(Files.getAttribute(fs.getPath("/usr/bin/suid"), "unix:mode")).isEqualTo(0104755);
    assertThat(Files.readAttributes(fs.getPath("/opt/app/c"), "posix:owner,permissions"))
        .containsOnlyKeys("owner", "permissions");
    assertThat(Files.isHidden(fs.getPath("/opt/app/.x"))).isTrue();
    assertThat(Files.getFileStore(fs.getPath("/etc")).isReadOnly()).isTrue();
  }

  @Test
  void everyChangeIsRefused() {
    Path p = fs.getPath("/etc/passwd");
    List<ThrowingRunnable> writes =
        List.of(
            () -> Files.write(p, new byte[1]),
            () -> Files.newOutputStream(fs.getPath("/new")),
            () -> Files.newByteChannel(p, StandardOpenOption.WRITE),
            () -> Files.newByteChannel(p, StandardOpenOption.APPEND),
            () -> Files.delete(p),
            () -> Files.createDirectory(fs.getPath("/d")),
            () -> Files.createSymbolicLink(fs.getPath("/l"), p),
            () -> Files.createLink(fs.getPath("/l"), p),
            () -> Files.copy(p, fs.getPath("/copy")),
            () -> Files.move(p, fs.getPath("/moved")),
            () -> Files.setLastModifiedTime(p, FileTime.fromMillis(0)),
            () -> Files.setAttribute(p, "posix:permissions", java.util.Set.of()),
            () -> Files.setPosixFilePermissions(p, java.util.Set.of()));
    for (ThrowingRunnable w : writes) {
      assertThatThrownBy(w::run).isInstanceOf(ReadOnlyFileSystemException.class);
    }
    assertThat(fs.isReadOnly()).isTrue();
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void randomReadsThroughTheChannelMatchTheFile() throws IOException {
    Random random = new Random(7);
    byte[] big = ContractImage.BIG;
    try (SeekableByteChannel ch = Files.newByteChannel(fs.getPath("/usr/share/big-link.bin"))) {
      assertThat(ch.size()).isEqualTo(big.length);
      for (int i = 0; i < 1000; i++) {
        int pos = random.nextInt(big.length + 10);
        int len = 1 + random.nextInt(i % 10 == 0 ? 200_000 : 300);
        ByteBuffer buf = ByteBuffer.allocate(len);
        ch.position(pos);
        int total = 0;
        while (buf.hasRemaining()) {
          int n = ch.read(buf);
          if (n < 0) {
            break;
          }
          total += n;
        }
        int expected = Math.max(0, Math.min(len, big.length - pos));
        assertThat(total).as("bytes at %d", pos).isEqualTo(expected);
        assertThat(Arrays.copyOf(buf.array(), total))
            .as("bytes at %d", pos)
            .isEqualTo(
                Arrays.copyOfRange(
                    big, Math.min(pos, big.length), Math.min(pos, big.length) + total));
        assertThat(ch.position()).isEqualTo((long) pos + total);
      }
      // seek back: the same bytes again
      ch.position(10);
      ByteBuffer b = ByteBuffer.allocate(5);
      ch.read(b);
      assertThat(b.array()).isEqualTo(Arrays.copyOfRange(big, 10, 15));
    }
  }

  @Test
  void aReadAtTheEndOfALargeFileFetchesOnlyTheSpansAroundIt() throws IOException {
    SociFileSystem s = (SociFileSystem) fs;
    long before = s.statistics().layerBytesFetched();
    long requestsBefore = s.statistics().layerRequests();
    try (SeekableByteChannel ch = Files.newByteChannel(fs.getPath("/data/big.bin"))) {
      ch.position(ContractImage.BIG_SIZE - 100);
      ByteBuffer b = ByteBuffer.allocate(100);
      while (b.hasRemaining() && ch.read(b) > 0) {}
      assertThat(b.array())
          .isEqualTo(
              Arrays.copyOfRange(
                  ContractImage.BIG, ContractImage.BIG_SIZE - 100, ContractImage.BIG_SIZE));
    }
    long requests = s.statistics().layerRequests() - requestsBefore;
    long bytes = s.statistics().layerBytesFetched() - before;
    // the span holding the file's tar header (checked on the first read), and the one or two
    // holding its last 100 bytes: each a range request of about one span of random data
    assertThat(requests).isBetween(2L, 3L);
    assertThat(bytes).isLessThanOrEqualTo(requests * 2 * ContractImage.SPAN_SIZE);
    assertThat(bytes).isLessThan(ContractImage.BIG_SIZE / 4);
  }

  @Test
  void closingReleasesEverythingAndLaterUseThrows() throws IOException {
    Path p = fs.getPath("/etc/passwd");
    SeekableByteChannel ch = Files.newByteChannel(p);
    InputStream in = Files.newInputStream(p);
    fs.close();
    assertThat(fs.isOpen()).isFalse();
    assertThat(ch.isOpen()).isFalse();
    assertThatThrownBy(() -> ch.read(ByteBuffer.allocate(1)))
        .isInstanceOf(ClosedChannelException.class);
    assertThatThrownBy(in::read).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> Files.readAllBytes(p)).isInstanceOf(ClosedFileSystemException.class);
    assertThatThrownBy(() -> Files.exists(p)).isInstanceOf(ClosedFileSystemException.class);
    assertThatThrownBy(() -> Files.list(fs.getPath("/")))
        .isInstanceOf(ClosedFileSystemException.class);
    assertThat(p.resolve("x").toString()).isEqualTo("/etc/passwd/x"); // paths stay usable
    fs.close(); // again: nothing happens
  }

  @Test
  void concurrentReadersSeeTheSameBytes() throws Exception {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.walk(fs.getPath("/"))) {
      s.filter(q -> Files.isRegularFile(q, LinkOption.NOFOLLOW_LINKS)).forEach(files::add);
    }
    Map<Path, byte[]> expected = new HashMap<>();
    for (Path q : files) {
      expected.put(q, Files.readAllBytes(built.rootfs().resolve(q.toString().substring(1))));
    }
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < 8; t++) {
      int seed = t;
      Thread th =
          new Thread(
              () -> {
                try {
                  List<Path> order = new ArrayList<>(files);
                  java.util.Collections.shuffle(order, new Random(seed));
                  for (Path q : order) {
                    assertThat(Files.readAllBytes(q)).isEqualTo(expected.get(q));
                  }
                } catch (Throwable e) {
                  failures.add(e);
                }
              });
      threads.add(th);
      th.start();
    }
    for (Thread th : threads) {
      th.join();
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void pathUrisRoundTripToTheOpenFileSystem() throws IOException {
    Path p = fs.getPath("/usr/bin/tool");
    java.net.URI uri = p.toUri();
    assertThat(uri.getScheme()).isEqualTo("soci");
    assertThat(Path.of(uri)).isEqualTo(p);
    assertThat(FileSystems.getFileSystem(((SociFileSystem) fs).uri())).isSameAs(fs);
    assertThat(Files.readString(Path.of(uri))).startsWith("#!/bin/sh");
    assertThat(fs.getPathMatcher("glob:/usr/**/t*").matches(p)).isTrue();
    assertThat(fs.getPathMatcher("glob:/usr/*").matches(p)).isFalse();
    assertThat(fs.getPathMatcher("regex:.*/to+l").matches(p)).isTrue();
    assertThat(Files.walk(fs.getPath("/etc")).map(Path::toString).collect(Collectors.toList()))
        .containsExactly("/etc", "/etc/passwd", "/etc/shadow");
  }

  @Test
  void cacheBytesKeepsSpansForTheNextReadAndZeroKeepsNone() throws IOException {
    Path big = fs.getPath("/data/big.bin");
    SociFileSystem cached = (SociFileSystem) fs;
    Files.readAllBytes(big);
    long first = cached.statistics().layerBytesFetched();
    assertThat(Files.readAllBytes(big)).isEqualTo(ContractImage.BIG);
    assertThat(cached.statistics().layerBytesFetched()).isEqualTo(first); // all from the cache

    try (SociFileSystem none =
        (SociFileSystem)
            FileSystems.newFileSystem(
                built.layout(), Map.of("image", ContractImage.SOCI_TAG, "cacheBytes", "0"))) {
      Path b = none.getPath("/data/big.bin");
      Files.readAllBytes(b);
      long once = none.statistics().layerBytesFetched();
      assertThat(Files.readAllBytes(b)).isEqualTo(ContractImage.BIG);
      // fetched again: at least the file's random (incompressible) bytes
      assertThat(none.statistics().layerBytesFetched() - once)
          .isGreaterThanOrEqualTo(ContractImage.BIG_SIZE);
    }
  }
}
