package dev.soci.ztoc.gzip;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Makes gzip streams of the same payload with many real producers: the JDK's zlib at several levels
 * and with sync flushes, GNU gzip, pigz (plain, --rsyncable, independent blocks), busybox,
 * libdeflate, zopfli, concatenated and empty members, and headers with every flag. Command-line
 * producers that are not installed are left out (CI installs them all).
 */
public final class GzipProducers {
  private GzipProducers() {}

  /** Deterministic layer-like payload: text, incompressible random runs, zeros, repeats. */
  public static byte[] payload(long seed, int size) {
    Random r = new Random(seed);
    ByteArrayOutputStream out = new ByteArrayOutputStream(size + 65536);
    String[] words = {
      "the",
      "layer",
      "span",
      "checkpoint",
      "window",
      "tar",
      "gzip",
      "inflate",
      "container",
      "image",
      "registry",
      "lazy",
      "zTOC",
      "seekable",
      "block",
      "huffman"
    };
    while (out.size() < size) {
      int kind = r.nextInt(10);
      int len = 1 + r.nextInt(120_000);
      byte[] chunk = new byte[len];
      if (kind < 4) {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < len) {
          sb.append(words[r.nextInt(words.length)]).append(r.nextInt(7) == 0 ? '\n' : ' ');
        }
        System.arraycopy(sb.toString().getBytes(StandardCharsets.US_ASCII), 0, chunk, 0, len);
      } else if (kind < 7) {
        r.nextBytes(chunk); // incompressible: producers emit stored blocks
      } else if (kind < 8) {
        // zeros
      } else {
        for (int i = 0; i < len; i++) {
          chunk[i] = (byte) (i % (1 + r.nextInt(3) * 17));
        }
      }
      out.write(chunk, 0, len);
    }
    byte[] all = out.toByteArray();
    return java.util.Arrays.copyOf(all, size);
  }

  /** Every producer's gzip of {@code data}, by name. */
  public static Map<String, byte[]> all(byte[] data, Path tmp) {
    Map<String, byte[]> m = new LinkedHashMap<>();
    for (int level : new int[] {0, 1, 6, 9}) {
      m.put("jdk-" + level, jdk(data, level, 0));
    }
    m.put("jdk-6-syncflush", jdk(data, 6, 100_000));
    m.put("jdk-1-syncflush-small", jdk(data, 1, 7_000));
    m.put("jdk-9-fullflush", jdkFullFlush(data, 9, 300_000));
    m.put(
        "concat-3-with-empty",
        concat(
            jdk(data, 6, 0, 0, data.length / 3),
            jdk(new byte[0], 6, 0),
            jdk(data, 6, 0, data.length / 3, data.length - data.length / 3)));
    m.put("all-flags-header", withHeader(data, true, true, true, true));
    m.put("fname-header", withHeader(data, true, false, false, false));
    tool(m, tmp, data, "gzip-1", "gzip", "-1", "-c");
    tool(m, tmp, data, "gzip-6", "gzip", "-6", "-c");
    tool(m, tmp, data, "gzip-9", "gzip", "-9", "-c");
    tool(m, tmp, data, "pigz-6", "pigz", "-6", "-c");
    tool(m, tmp, data, "pigz-rsyncable", "pigz", "--rsyncable", "-c");
    tool(m, tmp, data, "pigz-independent", "pigz", "-i", "-b", "128", "-c");
    tool(m, tmp, data, "pigz-11", "pigz", "-11", "-c");
    tool(m, tmp, data, "busybox", "busybox", "gzip", "-c");
    tool(m, tmp, data, "libdeflate-1", "libdeflate-gzip", "-1", "-c");
    tool(m, tmp, data, "libdeflate-6", "libdeflate-gzip", "-6", "-c");
    tool(m, tmp, data, "libdeflate-12", "libdeflate-gzip", "-12", "-c");
    return m;
  }

  /** The command-line producers whose binaries are missing on this machine. */
  public static List<String> missingTools() {
    List<String> missing = new ArrayList<>();
    for (String t : new String[] {"gzip", "pigz", "busybox", "libdeflate-gzip"}) {
      if (!onPath(t)) {
        missing.add(t);
      }
    }
    return missing;
  }

  static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  static byte[] jdk(byte[] data, int level, int flushEvery) {
    return jdk(data, level, flushEvery, 0, data.length);
  }

  static byte[] jdk(byte[] data, int level, int flushEvery, int off, int len) {
    try {
      ByteArrayOutputStream bos = new ByteArrayOutputStream();
      writeHeader(bos, false, false, false, false);
      Deflater d = new Deflater(level, true);
      try (DeflaterOutputStream out = new DeflaterOutputStream(bos, d, 65536, true)) {
        if (flushEvery <= 0) {
          out.write(data, off, len);
        } else {
          for (int p = off; p < off + len; p += flushEvery) {
            out.write(data, p, Math.min(flushEvery, off + len - p));
            out.flush(); // SYNC_FLUSH: an empty stored block marker
          }
        }
        out.finish();
        writeTrailer(bos, data, off, len);
      } finally {
        d.end();
      }
      return bos.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] jdkFullFlush(byte[] data, int level, int flushEvery) {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try {
      writeHeader(bos, false, false, false, false);
      Deflater d = new Deflater(level, true);
      byte[] buf = new byte[65536];
      for (int p = 0; p < data.length; p += flushEvery) {
        d.setInput(data, p, Math.min(flushEvery, data.length - p));
        int n;
        while ((n = d.deflate(buf, 0, buf.length, Deflater.FULL_FLUSH)) > 0) {
          bos.write(buf, 0, n);
        }
      }
      d.finish();
      while (!d.finished()) {
        int n = d.deflate(buf);
        bos.write(buf, 0, n);
      }
      d.end();
      writeTrailer(bos, data, 0, data.length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bos.toByteArray();
  }

  static byte[] withHeader(
      byte[] data, boolean name, boolean comment, boolean extra, boolean hcrc) {
    byte[] plain = jdk(data, 6, 0);
    try {
      ByteArrayOutputStream bos = new ByteArrayOutputStream();
      writeHeader(bos, name, comment, extra, hcrc);
      bos.write(plain, 10, plain.length - 10);
      return bos.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void writeHeader(
      OutputStream os, boolean name, boolean comment, boolean extra, boolean hcrc)
      throws IOException {
    ByteArrayOutputStream h = new ByteArrayOutputStream();
    int flags = (hcrc ? 2 : 0) | (extra ? 4 : 0) | (name ? 8 : 0) | (comment ? 16 : 0);
    h.write(new byte[] {0x1f, (byte) 0x8b, 8, (byte) flags, 0x10, 0x20, 0x30, 0x40, 0, 3});
    if (extra) {
      byte[] x = "SOxx-extra-field".getBytes(StandardCharsets.US_ASCII);
      h.write(x.length);
      h.write(0);
      h.write(x);
    }
    if (name) {
      h.write("layer.tar\0".getBytes(StandardCharsets.US_ASCII));
    }
    if (comment) {
      h.write("a comment\0".getBytes(StandardCharsets.US_ASCII));
    }
    if (hcrc) {
      CRC32 c = new CRC32();
      c.update(h.toByteArray());
      h.write((int) c.getValue() & 0xFF);
      h.write((int) (c.getValue() >>> 8) & 0xFF);
    }
    os.write(h.toByteArray());
  }

  static void writeTrailer(OutputStream os, byte[] data, int off, int len) throws IOException {
    CRC32 c = new CRC32();
    c.update(data, off, len);
    long v = c.getValue();
    for (int i = 0; i < 4; i++) {
      os.write((int) (v >>> (8 * i)) & 0xFF);
    }
    for (int i = 0; i < 4; i++) {
      os.write((len >>> (8 * i)) & 0xFF);
    }
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      bos.writeBytes(p);
    }
    return bos.toByteArray();
  }

  private static void tool(
      Map<String, byte[]> m, Path tmp, byte[] data, String name, String... cmd) {
    if (!onPath(cmd[0])) {
      return;
    }
    m.put(name, run(tmp, data, cmd));
  }

  /** Runs a filter command with {@code data} on stdin and returns its stdout. */
  public static byte[] run(Path tmp, byte[] data, String... cmd) {
    try {
      Path in = Files.createTempFile(tmp, "in", ".bin");
      Files.write(in, data);
      Process p =
          new ProcessBuilder(cmd)
              .redirectInput(in.toFile())
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      byte[] out;
      try (InputStream is = p.getInputStream()) {
        out = is.readAllBytes();
      }
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", cmd) + " failed");
      }
      Files.delete(in);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
