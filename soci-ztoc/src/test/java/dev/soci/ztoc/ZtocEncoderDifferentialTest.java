package dev.soci.ztoc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.ztoc.zinfo.Checkpoint;
import dev.soci.ztoc.zinfo.GzipZinfo;
import dev.soci.ztoc.zinfo.TarZinfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property test: {@link ZtocEncoder} on our own flatbuffers writer gives the bytes of the same
 * procedure on flatbuffers-java's builder (the reference spec {@code ztoc.md} section 4.5 verified
 * against upstream's Go runtime) for random zTOCs: empty and odd-length strings and blobs (every
 * padding case), raw non-UTF-8 names, scalars at and off their defaults, both algorithms.
 */
class ZtocEncoderDifferentialTest {
  private static final EntryType[] TYPES = EntryType.values();

  @Test
  void randomZtocsEncodeLikeTheFlatbuffersJavaBuilder() {
    for (int seed = 0; seed < 400; seed++) {
      Ztoc ztoc = randomZtoc(new Random(seed));
      byte[] ours = ztoc.encode();
      assertThat(ours).as("seed %d", seed).isEqualTo(ReferenceFlatbuffersEncoder.encode(ztoc));
    }
  }

  /**
   * {@link Ztoc#encodedStream()} leaves a built zTOC's checkpoints out of the flatbuffer and
   * streams them from the zinfo: the same bytes as {@link Ztoc#encode()}, read in any chunk sizes,
   * whether the zTOC holds a zinfo (gzip or tar) or a decoded blob.
   */
  @Test
  void theStreamedEncodingIsTheEncoding() throws IOException {
    for (int seed = 0; seed < 400; seed++) {
      Random r = new Random(seed);
      Ztoc ztoc = randomZtoc(r);
      byte[] bytes = ztoc.encode();
      assertThat(ztoc.encodedStream().readAllBytes()).as("seed %d", seed).isEqualTo(bytes);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (InputStream in = ztoc.encodedStream()) {
        byte[] chunk = new byte[1 + r.nextInt(70_000)];
        for (int n; (n = in.read(chunk, 0, 1 + r.nextInt(chunk.length))) >= 0; ) {
          out.write(chunk, 0, n);
          int b = in.read(); // and single bytes between the chunks
          if (b < 0) {
            break;
          }
          out.write(b);
        }
      }
      assertThat(out.toByteArray()).as("seed %d in chunks", seed).isEqualTo(bytes);
      ByteArrayOutputStream written = new ByteArrayOutputStream();
      assertThat(ztoc.writeTo(written)).isEqualTo(bytes.length);
      assertThat(written.toByteArray()).isEqualTo(bytes);
    }
  }

  @Test
  void tarZinfoEncodesLikeTheFlatbuffersJavaBuilder() {
    long[][] cases = {{1, 0}, {1, 1}, {4 << 20, (1L << 32) + 5}, {7, 7L * Integer.MAX_VALUE}};
    for (long[] c : cases) {
      TarZinfo z = TarZinfo.of(c[0], c[1]);
      com.google.flatbuffers.FlatBufferBuilder fb = new com.google.flatbuffers.FlatBufferBuilder(0);
      fb.startTable(3);
      fb.addInt(0, z.version(), 0);
      fb.addLong(1, z.spanSize(), 0);
      fb.addLong(2, z.size(), 0);
      fb.finish(fb.endTable());
      assertThat(z.toBytes()).isEqualTo(fb.sizedByteArray());
    }
  }

  private static Ztoc randomZtoc(Random r) {
    List<FileMetadata> files = new ArrayList<>();
    int n = r.nextInt(4) == 0 ? 0 : r.nextInt(30);
    for (int i = 0; i < n; i++) {
      FileMetadata.Builder f =
          FileMetadata.builder()
              .name(bytes(r, 40))
              .type(TYPES[r.nextInt(TYPES.length)])
              .uncompressedOffset(scalar(r))
              .uncompressedSize(scalar(r))
              .linkName(bytes(r, 10))
              .mode(r.nextBoolean() ? 0 : r.nextInt(07777))
              .uid(r.nextBoolean() ? 0 : r.nextInt() & 0xffffffffL)
              .gid(r.nextBoolean() ? 0 : r.nextInt(70000))
              .userName(bytes(r, 8))
              .groupName(bytes(r, 8))
              .modTime(r.nextBoolean() ? "2023-01-02T03:04:05Z" : "1970-01-01T00:00:00.5+02:00")
              .devMajor(r.nextInt(3) == 0 ? r.nextInt(300) : 0)
              .devMinor(r.nextInt(3) == 0 ? r.nextInt(300) : 0);
      int pax = r.nextInt(3) == 0 ? r.nextInt(5) : 0;
      for (int k = 0; k < pax; k++) {
        byte[] key = ("k" + k + HexFormat.of().formatHex(bytes(r, 3))).getBytes();
        f.addPaxRecord(new PaxRecord(key, bytes(r, 12)));
      }
      files.add(f.build());
    }
    List<String> digests = new ArrayList<>();
    int d = r.nextInt(6);
    for (int i = 0; i < d; i++) {
      byte[] h = new byte[32];
      r.nextBytes(h);
      digests.add("sha256:" + HexFormat.of().formatHex(h));
    }
    Ztoc.Assembler b =
        Ztoc.assembler()
            .buildToolIdentifier(new String(bytes(r, 20), java.nio.charset.StandardCharsets.UTF_8))
            .files(files)
            .spanDigests(digests)
            .maxSpanId(r.nextInt(4) - 1)
            .compressionAlgorithm(
                r.nextBoolean() ? CompressionAlgorithm.GZIP : CompressionAlgorithm.UNCOMPRESSED)
            .compressedArchiveSize(scalar(r))
            .uncompressedArchiveSize(scalar(r));
    int kind = r.nextInt(4);
    if (kind == 0) {
      b.zinfo(TarZinfo.of(1 + r.nextInt(1 << 20), r.nextInt(1 << 30)));
    } else if (kind == 1) {
      List<Checkpoint> checkpoints = new ArrayList<>();
      long in = 10;
      long out = 0;
      for (int i = r.nextInt(5); i > 0; i--) {
        byte[] window = new byte[Checkpoint.WINDOW_SIZE];
        r.nextBytes(window);
        checkpoints.add(new Checkpoint(in, out, r.nextInt(8), window));
        in += r.nextInt(1 << 20);
        out += r.nextInt(1 << 22);
      }
      b.compressionAlgorithm(CompressionAlgorithm.GZIP)
          .maxSpanId(checkpoints.size() - 1)
          .zinfo(GzipZinfo.of(1 + r.nextInt(1 << 22), checkpoints));
    } else {
      b.checkpoints(bytes(r, 200));
    }
    return b.build();
  }

  private static long scalar(Random r) {
    return r.nextBoolean() ? 0 : r.nextLong() & Long.MAX_VALUE;
  }

  private static byte[] bytes(Random r, int max) {
    byte[] b = new byte[r.nextInt(3) == 0 ? 0 : r.nextInt(max + 1)];
    r.nextBytes(b);
    return b;
  }
}
