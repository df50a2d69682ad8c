package dev.soci.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.soci.ztoc.gzip.BlockBoundary;
import dev.soci.ztoc.gzip.GzipDecoder;
import dev.soci.ztoc.gzip.GzipListener;
import dev.soci.ztoc.gzip.SpeculativeDecoding;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;

/**
 * Decoding with worker threads against decoding alone, on a valid gzip stream (two members, 700 KB
 * of layer-like data) that the input edits: its first byte says where to cut the stream (0: not at
 * all), then each 4 bytes XOR one byte at a 24-bit offset. Invariant: both report the same
 * boundaries, windows, member ends and data, and fail (if they do) with the same exception, message
 * and offset.
 */
class SpeculativeDecodingFuzzer {
  private static final byte[] BASE = base();
  private static final Path DIR = tempDir();

  public static void fuzzerTestOneInput(byte[] edits) {
    byte[] gz = apply(BASE, edits);
    Path file = DIR.resolve("layer-" + Thread.currentThread().getId() + ".gz");
    try {
      Files.write(file, gz);
      String alone = decode(gz, null);
      try (SpeculativeDecoding s =
          SpeculativeDecoding.start(file, gz.length, 1 + (edits.length & 1), 1 << 16, true)) {
        String parallel = decode(gz, s);
        Findings.check(
            alone.equals(parallel),
            "decoding with workers differs:\n alone    "
                + tail(alone)
                + "\n parallel "
                + tail(parallel));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      file.toFile().delete();
    }
  }

  @FuzzTest
  void fuzz(byte[] data) {
    fuzzerTestOneInput(data);
  }

  static byte[] apply(byte[] base, byte[] edits) {
    int length = base.length;
    if (edits.length > 0 && edits[0] != 0) {
      length = (int) ((long) base.length * (edits[0] & 0xFF) / 256);
    }
    byte[] gz = Arrays.copyOf(base, length);
    for (int i = 1; i + 3 < edits.length; i += 4) {
      int at =
          ((edits[i] & 0xFF) << 16 | (edits[i + 1] & 0xFF) << 8 | (edits[i + 2] & 0xFF))
              % Math.max(1, length);
      if (length > 0) {
        gz[at] ^= edits[i + 3];
      }
    }
    return gz;
  }

  /**
   * What a decode reports, as text (data after a failure left out: how much is handed out first is
   * not a contract).
   */
  static String decode(byte[] gz, SpeculativeDecoding speculation) {
    StringBuilder events = new StringBuilder();
    CRC32 data = new CRC32();
    long[] length = {0};
    GzipDecoder d = new GzipDecoder(new ByteArrayInputStream(gz));
    if (speculation != null) {
      d.speculate(speculation);
    }
    try {
      d.decode(
          new GzipListener() {
            @Override
            public void onData(byte[] buf, int off, int len) {
              data.update(buf, off, len);
              length[0] += len;
            }

            @Override
            public void onBoundary(BlockBoundary b) {
              byte[] window = new byte[32768];
              b.copyWindow(window, 0);
              CRC32 w = new CRC32();
              w.update(window);
              events
                  .append(b)
                  .append(' ')
                  .append(length[0])
                  .append('/')
                  .append(Long.toHexString(data.getValue()))
                  .append(' ')
                  .append(Long.toHexString(w.getValue()))
                  .append('\n');
            }

            @Override
            public void onMemberEnd(long in, long out) {
              events.append("member end ").append(in).append(' ').append(out).append('\n');
            }
          });
      events.append("end ").append(length[0]).append('/').append(Long.toHexString(data.getValue()));
    } catch (IOException e) {
      events.append(e.getClass().getSimpleName()).append(": ").append(e.getMessage());
    }
    return events.toString();
  }

  private static String tail(String s) {
    return s.substring(Math.max(0, s.length() - 300)).replace('\n', '|');
  }

  /** Two members of layer-like data (text, random runs, zeros), gzip -6 and -1. */
  private static byte[] base() {
    Random r = new Random(17);
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    List<String> words =
        List.of("usr ", "lib ", "share ", "doc ", "java ", "class ", "\n", "copyright ");
    while (raw.size() < 700_000) {
      int kind = r.nextInt(4);
      byte[] chunk = new byte[1 + r.nextInt(30_000)];
      if (kind == 0) {
        r.nextBytes(chunk);
      } else if (kind == 1) {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < chunk.length) {
          sb.append(words.get(r.nextInt(words.size())));
        }
        chunk =
            Arrays.copyOf(
                sb.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII), chunk.length);
      } else if (kind == 2) {
        for (int i = 0; i < chunk.length; i++) {
          chunk[i] = (byte) (i % 7 * 31);
        }
      }
      raw.write(chunk, 0, chunk.length);
    }
    byte[] all = raw.toByteArray();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      for (int level : new int[] {6, 1}) {
        try (GZIPOutputStream gz =
            new GZIPOutputStream(out, 1 << 16) {
              {
                def.setLevel(level);
              }

              @Override
              public void close() throws IOException {
                finish();
              }
            }) {
          gz.write(all, level == 6 ? 0 : all.length / 2, all.length / 2);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static Path tempDir() {
    try {
      Path dir = Files.createTempDirectory("soci-fuzz-speculative");
      dir.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
