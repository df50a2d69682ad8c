package dev.soci.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.layout.OciLayout;
import dev.soci.oci.layout.OciLayoutException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The OCI image layout reader ({@link OciLayout}) on a layout built from any bytes: {@code
 * index.json}, up to nine blobs and optionally {@code oci-layout}, some of them replaced by links
 * to {@code /dev/zero} or reached through a linked {@code blobs/sha256}. Every document, tag and
 * blob the layout names is read the ways the library reads them. Invariants: only {@link
 * OciLayoutException} escapes, with a message; every blob returned (whole or streamed to its end)
 * has its descriptor's size and digest; no read changes the layout.
 *
 * <p>Input: one mode byte, then parts separated by NUL bytes: part 0 is {@code index.json}, parts 1
 * to 9 are blobs stored under their own digests. So that mutations keep references meaningful, in
 * part j the tokens {@code @Dk} and {@code @Sk} (k a digit above j) become the digest and size of
 * part k. Mode bits: 1 links {@code index.json} to {@code /dev/zero}; 2 links blob 1 to {@code
 * /dev/zero}; 4 takes {@code oci-layout} from the last part; 8 makes {@code blobs/sha256} a link to
 * a directory beside the layout.
 */
class OciLayoutFuzzer {
  private static final int MAX_PARTS = 10;
  private static Path work;

  public static void fuzzerTestOneInput(byte[] data) {
    try {
      run(data);
    } catch (IOException e) {
      throw new UncheckedIOException("harness I/O failed", e);
    }
  }

  private static void run(byte[] data) throws IOException {
    if (data.length == 0) {
      return;
    }
    int mode = data[0] & 0xFF;
    List<byte[]> parts = split(data);
    Path dir = freshDirectory();
    Path layout = dir.resolve("layout");
    Path sha = layout.resolve("blobs/sha256");
    if ((mode & 8) != 0) {
      Files.createDirectories(layout.resolve("blobs"));
      Files.createSymbolicLink(sha, Files.createDirectories(dir.resolve("elsewhere")));
    } else {
      Files.createDirectories(sha);
    }
    byte[][] content = new byte[parts.size()][];
    for (int j = parts.size() - 1; j >= 0; j--) {
      content[j] = substitute(parts.get(j), j, content);
    }
    for (int j = 1; j < content.length; j++) {
      Path blob = sha.resolve(Digest.sha256(content[j]).hex());
      if (j == 1 && (mode & 2) != 0) {
        Files.deleteIfExists(blob);
        Files.createSymbolicLink(blob, Path.of("/dev/zero"));
      } else if (!Files.exists(blob)) {
        Files.write(blob, content[j]);
      }
    }
    if ((mode & 1) != 0) {
      Files.createSymbolicLink(layout.resolve("index.json"), Path.of("/dev/zero"));
    } else {
      Files.write(layout.resolve("index.json"), content[0]);
    }
    byte[] marker =
        (mode & 4) != 0 && content.length > 1
            ? content[content.length - 1]
            : "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);
    Files.write(layout.resolve("oci-layout"), marker);

    List<String> before = listing(dir);
    try {
      read(OciLayout.open(layout));
    } catch (OciLayoutException e) {
      Findings.check(e.getMessage() != null && !e.getMessage().isBlank(), "empty message");
    }
    Findings.check(listing(dir).equals(before), "a read changed the layout");
  }

  /** Reads everything the layout names, each failure an {@link OciLayoutException}. */
  private static void read(OciLayout layout) throws IOException {
    for (String tag : layout.tags()) {
      try {
        layout.resolve(tag);
      } catch (OciLayoutException e) {
        Findings.check(e.getMessage() != null, "empty message");
      }
    }
    Deque<Descriptor> todo = new ArrayDeque<>(layout.index().manifests());
    Set<Digest> seen = new HashSet<>();
    while (!todo.isEmpty() && seen.size() < 64) {
      Descriptor d = todo.pop();
      if (!seen.add(d.digest())) {
        continue;
      }
      try {
        layout.resolve(d.digest().toString()); // found for what an index lists, refused otherwise
      } catch (OciLayoutException e) {
        Findings.check(e.getMessage() != null && !e.getMessage().isBlank(), "empty message");
      }
      try {
        layout.exists(d);
        byte[] b = layout.readBlob(d, 1 << 20);
        Findings.check(b.length == d.size(), "readBlob returned a wrong size");
        Findings.check(
            Digest.of(d.digest().algorithm(), b).equals(d.digest()),
            "readBlob returned bytes of another digest");
        try (InputStream in = layout.openBlob(d)) {
          byte[] streamed = in.readNBytes(Findings.MAX_OUTPUT);
          Findings.check(in.read() == -1, "openBlob streamed more than the blob");
          Findings.check(java.util.Arrays.equals(streamed, b), "openBlob and readBlob disagree");
        }
        if (MediaTypes.isIndex(d.mediaType())) {
          todo.addAll(layout.readIndex(d).manifests());
        } else if (MediaTypes.isManifest(d.mediaType())) {
          var m = layout.readManifest(d);
          todo.add(m.config());
          todo.addAll(m.layers());
          if (m.subject() != null) {
            todo.add(m.subject());
          }
        }
      } catch (OciLayoutException e) {
        Findings.check(e.getMessage() != null && !e.getMessage().isBlank(), "empty message");
      }
    }
  }

  private static List<byte[]> split(byte[] data) {
    List<byte[]> parts = new ArrayList<>();
    int start = 1;
    for (int i = 1; i <= data.length && parts.size() < MAX_PARTS; i++) {
      if (i == data.length || data[i] == 0) {
        parts.add(java.util.Arrays.copyOfRange(data, start, i));
        start = i + 1;
      }
    }
    return parts;
  }

  /** Part {@code j} with {@code @Dk}/{@code @Sk} (k > j) replaced by part k's digest and size. */
  private static byte[] substitute(byte[] part, int j, byte[][] content) {
    String s = new String(part, StandardCharsets.ISO_8859_1);
    if (s.indexOf('@') < 0) {
      return part;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '@' && i + 2 < s.length()) {
        char kind = s.charAt(i + 1);
        int k = s.charAt(i + 2) - '0';
        if ((kind == 'D' || kind == 'S') && k > j && k < content.length) {
          out.append(
              kind == 'D'
                  ? Digest.sha256(content[k]).toString()
                  : Integer.toString(content[k].length));
          i += 2;
          continue;
        }
      }
      out.append(c);
    }
    return out.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  private static Path freshDirectory() throws IOException {
    if (work == null) {
      work = Files.createTempDirectory("oci-layout-fuzz");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(work)));
    }
    delete(work.resolve("d"));
    return Files.createDirectories(work.resolve("d"));
  }

  private static List<String> listing(Path dir) throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        out.add(
            dir.relativize(p)
                + " "
                + (Files.isSymbolicLink(p)
                    ? "-> " + Files.readSymbolicLink(p)
                    : Files.isRegularFile(p) ? Long.toString(Files.size(p)) : "dir"));
      }
    }
    return out;
  }

  private static void delete(Path p) {
    if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) { // does not follow links
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest
  void fuzz(byte[] data) {
    fuzzerTestOneInput(data);
  }
}
