package dev.soci.fuzz;

import dev.soci.ztoc.CompressionAlgorithm;
import dev.soci.ztoc.Ztoc;
import dev.soci.ztoc.ZtocBuilder;
import dev.soci.ztoc.gzip.BlockBoundary;
import dev.soci.ztoc.gzip.GzipDecoder;
import dev.soci.ztoc.gzip.GzipListener;
import dev.soci.ztoc.zinfo.Checkpoint;
import dev.soci.ztoc.zinfo.GzipZinfo;
import dev.soci.ztoc.zinfo.TarZinfo;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Writes the committed seed corpus of every fuzz target (small valid inputs, a few KB each, derived
 * from the layers in {@code testdata/}) and the two layers {@link SeekableLayerFuzzer} reads. Run
 * it from the {@code fuzz} directory after changing it; the files it writes are committed, so the
 * build does not run it:
 *
 * <pre>{@code
 * java -cp target/test-classes:$(cat target/fuzz-classpath.txt) dev.soci.fuzz.SeedCorpus ../testdata
 * }</pre>
 *
 * <p>Files named {@code seed-*} are regenerated; crash fixtures ({@code *-fail}) are kept.
 */
public final class SeedCorpus {
  private static final Path RESOURCES = Path.of("src/test/resources/dev/soci/fuzz");

  private SeedCorpus() {}

  /** Regenerates the seeds from the test data directory given as the first argument. */
  public static void main(String[] args) throws IOException {
    Path testdata = Path.of(args.length > 0 ? args[0] : "../testdata");
    Path layers = testdata.resolve("upstream/layers");

    // Tars: real layers with their entry data cut to at most 64 bytes.
    List<byte[]> tars = new ArrayList<>();
    tars.add(shrinkTar(Files.readAllBytes(layers.resolve("small.gnutar.uncompressed.tar")), 64));
    tars.add(shrinkTar(gunzip(layers.resolve("small.ustar.gzip6.tar.gz")), 64));
    tars.add(shrinkTar(gunzip(layers.resolve("gitarchive.tar.gz")), 64));
    tars.add(shrinkTar(gunzip(layers.resolve("special.rawtar.pygzip6.tar.gz")), 64));
    tars.add(shrinkTar(gunzip(layers.resolve("sparse.gnutar-pax1.0.gzip6.tar.gz")), 64));
    tars.add(shrinkTar(Files.readAllBytes(testdata.resolve("vectors/basic.tar")), 64));
    tars.add(firstEntries(gunzip(layers.resolve("dirsonly.gnutar.gzip9.tar.gz")), 6));
    String[] tarNames = {
      "small-gnutar",
      "small-ustar",
      "gitarchive-pax-global",
      "special-pax-gnu-base256",
      "sparse-pax",
      "basic-pax-xattrs",
      "dirs"
    };
    for (int i = 0; i < tars.size(); i++) {
      write("TarTocParserFuzzer", "seed-" + tarNames[i] + ".tar", tars.get(i));
    }

    // Gzip streams: the shrunk tars compressed in several ways, and real tiny layers.
    write("GzipDecoderFuzzer", "seed-small-ustar.tar.gz", gzip(tars.get(1), 6));
    write("GzipDecoderFuzzer", "seed-special-level9.tar.gz", gzip(tars.get(3), 9));
    write("GzipDecoderFuzzer", "seed-stored-level0.gz", gzip(Arrays.copyOf(tars.get(0), 1500), 0));
    write(
        "GzipDecoderFuzzer",
        "seed-fixed-huffman.gz",
        gzip("hello, hello, hello world\n".getBytes(StandardCharsets.US_ASCII), 9));
    write("GzipDecoderFuzzer", "seed-all-header-fields.gz", gzipWithHeaderFields(tars.get(2)));
    byte[] multi = concat(gzip(tars.get(0), 1), gzip(new byte[0], 6), gzip(tars.get(5), 6));
    write("GzipDecoderFuzzer", "seed-multimember-with-empty.gz", multi);
    byte[] midByte = gzipWithMidByteBoundaries(tars.get(5));
    write("GzipDecoderFuzzer", "seed-mid-byte-boundaries.gz", midByte);
    write(
        "GzipDecoderFuzzer",
        "seed-dirsonly-gzip9.tar.gz",
        Files.readAllBytes(layers.resolve("dirsonly.gnutar.gzip9.tar.gz")));
    write(
        "GzipDecoderFuzzer",
        "seed-empty-layer.tar.gz",
        Files.readAllBytes(layers.resolve("empty.gnutar.gzip6.tar.gz")));

    // Whole layers for the builder: some of the gzip streams and tars above.
    write("ZtocBuilderFuzzer", "seed-small-ustar.tar.gz", gzip(tars.get(1), 6));
    write("ZtocBuilderFuzzer", "seed-special-level9.tar.gz", gzip(tars.get(3), 9));
    write("ZtocBuilderFuzzer", "seed-all-header-fields.gz", gzipWithHeaderFields(tars.get(2)));
    write("ZtocBuilderFuzzer", "seed-multimember-with-empty.gz", multi);
    write("ZtocBuilderFuzzer", "seed-mid-byte-boundaries.gz", midByte);
    write(
        "ZtocBuilderFuzzer",
        "seed-empty-layer.tar.gz",
        Files.readAllBytes(layers.resolve("empty.gnutar.gzip6.tar.gz")));
    write("ZtocBuilderFuzzer", "seed-small-gnutar.tar", tars.get(0));
    write("ZtocBuilderFuzzer", "seed-gitarchive-pax-global.tar", tars.get(2));

    // Resumption: [bits][window seed][compressed bytes from the checkpoint], at real boundaries.
    int n = 0;
    for (byte[] stream : List.of(midByte, multi)) {
      for (long[] b : boundaries(stream)) {
        int bits = (int) b[2];
        int start = (int) (bits != 0 ? b[0] - 1 : b[0]);
        byte[] seed = new byte[2 + Math.min(4096, stream.length - start)];
        seed[0] = (byte) bits;
        seed[1] = (byte) (n * 37);
        System.arraycopy(stream, start, seed, 2, seed.length - 2);
        String name = "seed-boundary-" + n++ + "-bits" + bits;
        write("GzipResumeFuzzer", name, seed);
        write("CheckpointInflaterFuzzer", name, seed);
      }
    }

    // zinfo blobs.
    byte[] window = Arrays.copyOf(tars.get(1), Checkpoint.WINDOW_SIZE);
    write(
        "GzipZinfoFuzzer",
        "seed-v2-one-checkpoint",
        GzipZinfo.of(65536, List.of(new Checkpoint(10, 0, 0, new byte[Checkpoint.WINDOW_SIZE])))
            .toBytes());
    write("GzipZinfoFuzzer", "seed-v1-one-checkpoint", v1Header(1, 4 << 20));
    byte[] v1two =
        ByteBuffer.allocate(GzipZinfo.HEADER_SIZE + GzipZinfo.RECORD_SIZE)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putInt(2)
            .putLong(65536)
            .putLong(9000)
            .putLong(70000)
            .put((byte) 3)
            .put(window)
            .array();
    write("GzipZinfoFuzzer", "seed-v1-two-checkpoints", v1two);
    write("GzipZinfoFuzzer", "seed-v2-empty", GzipZinfo.of(65536, List.of()).toBytes());
    write("TarZinfoFuzzer", "seed-small", TarZinfo.of(65536, 30720).toBytes());
    write("TarZinfoFuzzer", "seed-many-spans", TarZinfo.of(512, 1_000_000).toBytes());
    write("TarZinfoFuzzer", "seed-empty", TarZinfo.of(4 << 20, 0).toBytes());
    write(
        "TarZinfoFuzzer",
        "seed-upstream",
        Ztoc.decode(
                Files.readAllBytes(
                    testdata.resolve(
                        "upstream/reference/small.gnutar.uncompressed.tar.65536.ztoc")))
            .checkpoints());

    // zTOCs: upstream's, the spec vectors', ours, and a legacy v1 one.
    write(
        "ZtocFuzzer",
        "seed-upstream-small-uncompressed.ztoc",
        Files.readAllBytes(
            testdata.resolve("upstream/reference/small.gnutar.uncompressed.tar.65536.ztoc")));
    write(
        "ZtocFuzzer",
        "seed-vector-text.ztoc",
        Files.readAllBytes(testdata.resolve("vectors/expected-text.tar.ztoc")));
    write(
        "ZtocFuzzer",
        "seed-vector-basic.ztoc",
        Files.readAllBytes(testdata.resolve("vectors/expected-basic.tar.ztoc")));
    byte[] gzLayer = gzip(tars.get(3), 6);
    Ztoc gz = ZtocBuilder.withDefaults().build(new ByteArrayInputStream(gzLayer));
    write("ZtocFuzzer", "seed-gzip-one-checkpoint.ztoc", gz.encode());
    write(
        "ZtocFuzzer",
        "seed-gzip-legacy-v1.ztoc",
        gz.toAssembler().checkpoints(v1Header(1, 4 << 20)).build().encode());

    // SeekableLayerFuzzer: two fixed layers and their zTOCs as seeds.
    byte[] tarLayer = tars.get(5);
    Files.write(RESOURCES.resolve("layers/basic-shrunk.tar"), tarLayer);
    Files.write(RESOURCES.resolve("layers/special-shrunk.tar.gz"), gzLayer);
    write(
        "SeekableLayerFuzzer",
        "seed-uncompressed-span512.ztoc",
        ZtocBuilder.withDefaults()
            .spanSize(512)
            .compression(CompressionAlgorithm.UNCOMPRESSED)
            .build(new ByteArrayInputStream(tarLayer))
            .encode());
    write("SeekableLayerFuzzer", "seed-gzip.ztoc", gz.encode());
    write(
        "SeekableLayerFuzzer",
        "seed-gzip-legacy-v1.ztoc",
        gz.toAssembler().checkpoints(v1Header(1, 4 << 20)).build().encode());
  }

  private static void write(String target, String name, byte[] data) throws IOException {
    Path dir = RESOURCES.resolve(target + "Inputs/fuzz");
    Files.createDirectories(dir);
    Files.write(dir.resolve(name), data);
    System.out.printf("%-28s %-40s %7d bytes%n", target, name, data.length);
  }

  static byte[] gunzip(Path p) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
      return in.readAllBytes();
    }
  }

  static byte[] gzip(byte[] data, int level) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (GZIPOutputStream gz =
        new GZIPOutputStream(bos) {
          {
            def.setLevel(level);
          }
        }) {
      gz.write(data);
    }
    return bos.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      bos.writeBytes(p);
    }
    return bos.toByteArray();
  }

  /** A v1 (or empty v2) zinfo header with no records: {@code count} checkpoints claimed. */
  private static byte[] v1Header(int count, long spanSize) {
    return ByteBuffer.allocate(GzipZinfo.HEADER_SIZE)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putInt(count)
        .putLong(spanSize)
        .array();
  }

  /** A gzip member with FEXTRA, FNAME, FCOMMENT and FHCRC set. */
  private static byte[] gzipWithHeaderFields(byte[] data) throws IOException {
    ByteArrayOutputStream h = new ByteArrayOutputStream();
    h.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 2 | 4 | 8 | 16, 0, 0, 0, 0, 0, 3});
    h.writeBytes(new byte[] {6, 0, 'A', 'B', 2, 0, 'x', 'y'});
    h.writeBytes("layer.tar\0".getBytes(StandardCharsets.US_ASCII));
    h.writeBytes("a comment\0".getBytes(StandardCharsets.US_ASCII));
    CRC32 hcrc = new CRC32();
    hcrc.update(h.toByteArray());
    h.write((int) hcrc.getValue() & 0xFF);
    h.write((int) (hcrc.getValue() >>> 8) & 0xFF);
    byte[] plain = gzip(data, 6);
    h.write(plain, 10, plain.length - 10); // deflate data and trailer of a plain member
    return h.toByteArray();
  }

  /** One gzip member whose deflate blocks end mid-byte: the level changes between chunks. */
  private static byte[] gzipWithMidByteBoundaries(byte[] data) {
    Deflater d = new Deflater(6, true);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3});
    byte[] buf = new byte[1 << 16];
    int chunk = Math.max(1, data.length / 5);
    for (int off = 0, i = 0; off < data.length; off += chunk, i++) {
      d.setLevel(i % 2 == 0 ? 6 : 1);
      d.setInput(data, off, Math.min(chunk, data.length - off));
      int k;
      while ((k = d.deflate(buf, 0, buf.length, Deflater.NO_FLUSH)) > 0) {
        out.write(buf, 0, k);
      }
    }
    d.finish();
    while (!d.finished()) {
      out.write(buf, 0, d.deflate(buf));
    }
    d.end();
    CRC32 crc = new CRC32();
    crc.update(data);
    ByteBuffer t =
        ByteBuffer.allocate(8)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putInt((int) crc.getValue())
            .putInt(data.length);
    out.writeBytes(t.array());
    return out.toByteArray();
  }

  /** The {in, out, bits} of every boundary the decoder reports in {@code stream}. */
  private static List<long[]> boundaries(byte[] stream) throws IOException {
    List<long[]> list = new ArrayList<>();
    new GzipDecoder(new ByteArrayInputStream(stream))
        .decode(
            new GzipListener() {
              @Override
              public void onData(byte[] buf, int off, int len) {}

              @Override
              public void onBoundary(BlockBoundary b) {
                list.add(new long[] {b.in(), b.out(), b.bits()});
              }
            });
    return list;
  }

  /** The first {@code count} entries of a tar (headers only), then the end-of-archive blocks. */
  private static byte[] firstEntries(byte[] tar, int count) {
    return Arrays.copyOf(Arrays.copyOf(tar, count * 512), count * 512 + 1024);
  }

  /**
   * Copies a tar with every entry's data cut to at most {@code maxData} bytes (size fields and
   * checksums rewritten); meta headers and their payloads are kept whole, and an entry whose size a
   * PAX record sets keeps its data.
   */
  static byte[] shrinkTar(byte[] tar, int maxData) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int pos = 0;
    boolean paxSize = false;
    while (pos + 512 <= tar.length) {
      byte[] h = Arrays.copyOfRange(tar, pos, pos + 512);
      if (Arrays.equals(h, new byte[512])) {
        out.writeBytes(new byte[1024]);
        break;
      }
      long size = octal(h, 124, 12);
      byte type = h[156];
      long padded = (size + 511) & -512L;
      if (type == 'x' || type == 'g' || type == 'L' || type == 'K' || size < 0 || paxSize) {
        if (type == 'x') {
          paxSize =
              new String(tar, pos + 512, (int) size, StandardCharsets.ISO_8859_1)
                  .contains(" size=");
        } else {
          paxSize = false;
        }
        int len = (int) Math.min(tar.length - pos, 512 + (size < 0 ? 0 : padded));
        out.write(tar, pos, len);
        pos += len;
        continue;
      }
      boolean headerOnly = type >= '1' && type <= '6';
      long keep = headerOnly ? size : Math.min(size, maxData);
      if (keep != size) {
        byte[] field = String.format("%011o\0", keep).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(field, 0, h, 124, 12);
        Arrays.fill(h, 148, 156, (byte) ' ');
        int sum = 0;
        for (byte b : h) {
          sum += b & 0xFF;
        }
        byte[] chk = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(chk, 0, h, 148, 8);
      }
      out.writeBytes(h);
      if (!headerOnly) {
        out.write(tar, pos + 512, (int) keep);
        out.writeBytes(new byte[(int) (((keep + 511) & -512L) - keep)]);
        pos += 512 + (int) padded;
      } else {
        pos += 512;
      }
    }
    return out.toByteArray();
  }

  /** An octal tar number field, or -1 for base-256 and unparsable fields. */
  private static long octal(byte[] h, int off, int len) {
    if ((h[off] & 0x80) != 0) {
      return -1;
    }
    long v = 0;
    for (int i = off; i < off + len; i++) {
      int c = h[i] & 0xFF;
      if (c == 0 || c == ' ') {
        if (v > 0) {
          break;
        }
        continue;
      }
      if (c < '0' || c > '7') {
        return -1;
      }
      v = v * 8 + (c - '0');
    }
    return v;
  }
}
