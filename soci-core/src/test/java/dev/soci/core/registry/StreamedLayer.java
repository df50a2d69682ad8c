package dev.soci.core.registry;

import dev.soci.oci.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A gzip layer of any size made as a stream, never stored, the same bytes each time it is made (so
 * that it can be hashed once and then uploaded, and re-made for a retried chunk, without a copy on
 * disk). Its tar holds:
 *
 * <ul>
 *   <li>{@code random.bin}: {@code randomBytes} pseudo-random bytes, deflated at level 0 (stored
 *       blocks), so the layer is about as large as this file: this is what makes a layer of several
 *       GB in seconds, and what puts a checkpoint every span into the zTOC;
 *   <li>{@code logs/00000.log} ...: {@code textFiles} files of {@code textFileBytes} bytes of
 *       compressible lines (eight random letters of a four-letter alphabet and a fixed text),
 *       deflated at level 1, so that Huffman-coded blocks, back references and many TOC entries are
 *       in the layer too.
 * </ul>
 *
 * <p>One {@link Deflater} makes the whole stream, switching levels between the parts, so the
 * deflate stream is one valid stream with back references only into its own window.
 */
final class StreamedLayer implements BlobContent {
  private final long randomBytes;
  private final int textFiles;
  private final int textFileBytes;
  private final long seed;

  StreamedLayer(long randomBytes, int textFiles, int textFileBytes, long seed) {
    if (randomBytes < 0 || randomBytes >= 8L << 30) {
      throw new IllegalArgumentException("a ustar header holds sizes under 8 GiB");
    }
    if (textFiles < 0 || textFiles > 99_999 || textFileBytes < 0) {
      throw new IllegalArgumentException("0 to 99999 text files of a non-negative size");
    }
    this.randomBytes = randomBytes;
    this.textFiles = textFiles;
    this.textFileBytes = textFileBytes;
    this.seed = seed;
  }

  /** The tar's size: headers, contents padded to 512 bytes, and the two zero blocks. */
  long tarSize() {
    return 512 + padded(randomBytes) + textFiles * (512 + padded(textFileBytes)) + 1024;
  }

  private static long padded(long n) {
    return (n + 511) / 512 * 512;
  }

  /** The layer's compressed digest and size, and the digest of its tar (the config's diff_id). */
  record Measured(Digest digest, long size, Digest diffId) {}

  /** Makes the layer once, hashing the gzip and the tar as it goes. */
  Measured measure() throws IOException {
    MessageDigest compressed = sha256();
    Gzip gzip = new Gzip(sha256());
    long size = 0;
    byte[] buf = new byte[1 << 16];
    for (int n; (n = gzip.read(buf, 0, buf.length)) > 0; ) {
      compressed.update(buf, 0, n);
      size += n;
    }
    return new Measured(digest(compressed), size, digest(gzip.tarDigest));
  }

  /** The stream the last upload request read, kept for the next chunk (chunks come in order). */
  private InputStream shared;

  private long sharedPosition;

  @Override
  public synchronized InputStream open(long offset) throws IOException {
    if (shared == null || offset < sharedPosition) {
      shared = new Gzip(null);
      sharedPosition = 0;
    }
    shared.skipNBytes(offset - sharedPosition);
    sharedPosition = offset;
    return new FilterInputStream(shared) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          sharedPosition++;
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
          sharedPosition += n;
        }
        return n;
      }

      @Override
      public void close() {
        // the next chunk goes on from here
      }
    };
  }

  /** The gzip member, made as it is read: header, raw deflate of the tar, CRC-32 and size. */
  private final class Gzip extends InputStream {
    private final Tar tar = new Tar();
    private final Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
    private final CRC32 crc = new CRC32();
    private final MessageDigest tarDigest;
    private final byte[] in = new byte[1 << 16];
    private final byte[] out = new byte[1 << 16];
    private int pos;
    private int limit;
    private int level = -1;
    private int stage; // 0 header, 1 body, 2 trailer, 3 done

    Gzip(MessageDigest tarDigest) {
      this.tarDigest = tarDigest;
      byte[] header = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 255};
      System.arraycopy(header, 0, out, 0, header.length);
      limit = header.length;
    }

    private boolean fill() {
      pos = 0;
      limit = 0;
      while (limit == 0) {
        switch (stage) {
          case 0 -> stage = 1;
          case 1 -> {
            if (deflater.needsInput() && !deflater.finished()) {
              int n = tar.read(in);
              if (n < 0) {
                deflater.finish();
              } else {
                crc.update(in, 0, n);
                if (tarDigest != null) {
                  tarDigest.update(in, 0, n);
                }
                if (tar.level != level) {
                  level = tar.level;
                  deflater.setLevel(level); // applied from the next deflate call
                }
                deflater.setInput(in, 0, n);
              }
            }
            limit = deflater.deflate(out);
            if (deflater.finished() && limit == 0) {
              stage = 2;
            }
          }
          case 2 -> {
            ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt((int) crc.getValue()).putInt((int) deflater.getBytesRead());
            limit = 8;
            deflater.end();
            stage = 3;
          }
          default -> {
            return false;
          }
        }
      }
      return true;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (len == 0) {
        return 0;
      }
      if (pos == limit && !fill()) {
        return -1;
      }
      int n = Math.min(len, limit - pos);
      System.arraycopy(out, pos, b, off, n);
      pos += n;
      return n;
    }
  }

  /** The tar, made in chunks that each belong to one part, tagged with that part's level. */
  private final class Tar {
    private final SplittableRandom random = new SplittableRandom(seed);
    private final ByteBuffer longs = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    private int file = -1; // -1 random.bin, then the text files
    private long left = -1; // bytes of the current file's content still to make; -1 before header
    private boolean ended;
    int level;

    /** The next chunk (at most {@code b.length} bytes) or -1 at the end. */
    int read(byte[] b) {
      if (ended) {
        return -1;
      }
      if (left < 0) { // the current file's header
        String name = file < 0 ? "random.bin" : String.format("logs/%05d.log", file);
        long size = file < 0 ? randomBytes : textFileBytes;
        System.arraycopy(header(name, size), 0, b, 0, 512);
        left = padded(size);
        level = Deflater.BEST_SPEED;
        return 512;
      }
      if (left == 0) { // next file, or the end
        left = -1;
        if (++file >= textFiles) {
          Arrays.fill(b, 0, 1024, (byte) 0);
          ended = true;
          level = Deflater.BEST_SPEED;
          return 1024;
        }
        return read(b);
      }
      int n = (int) Math.min(b.length, left);
      if (file < 0) {
        longs.clear();
        while (longs.hasRemaining()) {
          longs.putLong(random.nextLong());
        }
        System.arraycopy(longs.array(), 0, b, 0, n);
        long contentLeft = left - (padded(randomBytes) - randomBytes);
        if (contentLeft < n) {
          Arrays.fill(b, (int) Math.max(0, contentLeft), n, (byte) 0);
        }
        level = Deflater.NO_COMPRESSION;
      } else {
        for (int line = 0; line < n; line += 64) {
          long bits = random.nextLong();
          for (int k = 0; k < 8 && line + k < n; k++) {
            b[line + k] = ALPHABET[(int) (bits >>> (2 * k)) & 3];
          }
          System.arraycopy(FILLER, 0, b, line + 8, Math.max(0, Math.min(56, n - line - 8)));
        }
        long contentLeft = left - (padded(textFileBytes) - textFileBytes);
        if (contentLeft < n) {
          Arrays.fill(b, (int) Math.max(0, contentLeft), n, (byte) 0);
        }
        level = Deflater.BEST_SPEED;
      }
      left -= n;
      return n;
    }
  }

  private static final byte[] ALPHABET = "ACGT".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] FILLER =
      " the rest of the line repeats, as lines of logs do ..........\n"
          .substring(0, 56)
          .getBytes(StandardCharsets.US_ASCII);

  private static byte[] header(String name, long size) {
    byte[] h = new byte[512];
    put(h, 0, name);
    put(h, 100, "0000644");
    put(h, 108, "0000000");
    put(h, 116, "0000000");
    put(h, 124, String.format("%011o", size));
    put(h, 136, String.format("%011o", 1_700_000_000L));
    h[156] = '0';
    put(h, 257, "ustar");
    put(h, 263, "00");
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    put(h, 148, String.format("%06o", sum));
    h[155] = ' ';
    return h;
  }

  private static void put(byte[] h, int at, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, at, b.length);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Digest digest(MessageDigest md) {
    return Digest.parse("sha256:" + HexFormat.of().formatHex(md.digest()));
  }
}
