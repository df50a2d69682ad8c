package dev.soci.core.registry;

import dev.soci.oci.Digest;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.Deflater;
import java.util.zip.DeflaterInputStream;

/**
 * A gzip layer of any size made as a stream, never stored: a tar of one file of pseudo-random but
 * compressible bytes (64-byte lines of eight random letters of a four-letter alphabet and a fixed
 * text), the same bytes each time it is made, so that it can be hashed once and then uploaded (and
 * re-opened by a retried upload) without a copy on disk.
 */
final class StreamedLayer implements BlobContent {
  private final long fileSize;
  private final long seed;

  StreamedLayer(long fileSize, long seed) {
    if (fileSize >= 8L << 30) {
      throw new IllegalArgumentException("a ustar header holds sizes under 8 GiB");
    }
    this.fileSize = fileSize;
    this.seed = seed;
  }

  /** The layer's compressed digest and size, and the digest of its tar (the config's diff_id). */
  record Measured(Digest digest, long size, Digest diffId) {}

  Measured measure() throws IOException {
    MessageDigest compressed = sha256();
    MessageDigest tar = sha256();
    long size = 0;
    try (InputStream in = gzip(new DigestInputStream(new Tar(), tar))) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        compressed.update(buf, 0, n);
        size += n;
      }
    }
    return new Measured(digest(compressed), size, digest(tar));
  }

  /** The stream the last upload request read, kept for the next chunk (chunks come in order). */
  private InputStream shared;

  private long sharedPosition;

  @Override
  public synchronized InputStream open(long offset) throws IOException {
    if (shared == null || offset < sharedPosition) {
      shared = gzip(new Tar());
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

  /** gzip of {@code tar} made as it is read: header, raw deflate, then CRC-32 and size. */
  private static InputStream gzip(InputStream tar) {
    CRC32 crc = new CRC32();
    CheckedInputStream checked = new CheckedInputStream(tar, crc);
    long[] length = {0};
    InputStream counted =
        new FilterInputStream(checked) {
          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
              length[0] += n;
            }
            return n;
          }
        };
    Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
    InputStream header =
        new ByteArrayInputStream(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 255});
    InputStream body = new DeflaterInputStream(counted, deflater, 1 << 16);
    InputStream trailer =
        new InputStream() {
          private ByteArrayInputStream bytes;

          private ByteArrayInputStream bytes() {
            if (bytes == null) {
              ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
              b.putInt((int) crc.getValue()).putInt((int) length[0]);
              bytes = new ByteArrayInputStream(b.array());
              deflater.end();
            }
            return bytes;
          }

          @Override
          public int read() {
            return bytes().read();
          }

          @Override
          public int read(byte[] b, int off, int len) {
            return bytes().read(b, off, len);
          }
        };
    return new SequenceInputStream(
        java.util.Collections.enumeration(java.util.List.of(header, body, trailer)));
  }

  /** The tar, made as it is read. */
  private final class Tar extends InputStream {
    private final SplittableRandom random = new SplittableRandom(seed);
    private final byte[] buf = new byte[1 << 16]; // 1024 lines of 64 bytes
    private int pos;
    private int limit;
    private long fileLeft = fileSize;
    private int stage; // 0 header, 1 file, 2 padding and end, 3 done

    private boolean fill() {
      pos = 0;
      switch (stage) {
        case 0 -> {
          System.arraycopy(header("big.bin", fileSize), 0, buf, 0, 512);
          limit = 512;
          stage = 1;
        }
        case 1 -> {
          if (fileLeft == 0) {
            stage = 2;
            return fill();
          }
          for (int line = 0; line < buf.length; line += 64) {
            long bits = random.nextLong();
            for (int k = 0; k < 8; k++) {
              buf[line + k] = ALPHABET[(int) (bits >>> (2 * k)) & 3];
            }
            System.arraycopy(FILLER, 0, buf, line + 8, FILLER.length);
          }
          limit = (int) Math.min(buf.length, fileLeft);
          fileLeft -= limit;
        }
        case 2 -> {
          limit = (int) ((512 - fileSize % 512) % 512) + 1024; // padding, two zero blocks
          java.util.Arrays.fill(buf, 0, limit, (byte) 0);
          stage = 3;
        }
        default -> {
          return false;
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
      while (pos == limit) {
        if (!fill()) {
          return -1;
        }
      }
      int n = Math.min(len, limit - pos);
      System.arraycopy(buf, pos, b, off, n);
      pos += n;
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
