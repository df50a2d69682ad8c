package dev.soci.ztoc.internal.tar;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds tar archives byte by byte for tests: raw 512-byte headers with any field contents (valid
 * checksums computed unless overridden), payloads with padding, zero blocks.
 */
final class RawTar {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** A header under construction; fields default to a valid USTAR regular file. */
  static final class Header {
    final byte[] b = new byte[512];
    private byte[] checksum;

    Header() {
      octal(100, 8, 0644);
      octal(108, 8, 0);
      octal(116, 8, 0);
      octal(124, 12, 0);
      octal(136, 12, 1_700_000_000L);
      b[156] = '0';
      ustar();
    }

    static Header of(String name, char type, long size) {
      return new Header().name(name).type(type).size(size);
    }

    Header name(String s) {
      return string(0, 100, s);
    }

    Header link(String s) {
      return string(157, 100, s);
    }

    Header type(char c) {
      b[156] = (byte) c;
      return this;
    }

    Header size(long v) {
      return octal(124, 12, v);
    }

    Header mode(long v) {
      return octal(100, 8, v);
    }

    Header uid(long v) {
      return octal(108, 8, v);
    }

    Header gid(long v) {
      return octal(116, 8, v);
    }

    Header mtime(long v) {
      return octal(136, 12, v);
    }

    Header uname(String s) {
      return string(265, 32, s);
    }

    Header gname(String s) {
      return string(297, 32, s);
    }

    Header devMajor(long v) {
      return octal(329, 8, v);
    }

    Header devMinor(long v) {
      return octal(337, 8, v);
    }

    Header prefix(String s) {
      return string(345, 155, s);
    }

    /** Magic {@code "ustar\0"}, version {@code "00"}. */
    Header ustar() {
      System.arraycopy("ustar\00000".getBytes(StandardCharsets.ISO_8859_1), 0, b, 257, 8);
      return this;
    }

    /** GNU magic {@code "ustar "} + version {@code " \0"}. */
    Header gnu() {
      System.arraycopy("ustar  \0".getBytes(StandardCharsets.ISO_8859_1), 0, b, 257, 8);
      return this;
    }

    /** No magic at all: a V7 header. */
    Header v7() {
      Arrays.fill(b, 257, 265, (byte) 0);
      return this;
    }

    /** USTAR magic plus the STAR trailer {@code "tar\0"} at 508. */
    Header star() {
      ustar();
      System.arraycopy("tar\0".getBytes(StandardCharsets.ISO_8859_1), 0, b, 508, 4);
      return this;
    }

    Header string(int off, int len, String s) {
      return raw(off, len, s.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes {@code value} as zero-padded octal with a trailing NUL, as Go does. */
    Header octal(int off, int len, long value) {
      String s = Long.toOctalString(value);
      s = "0".repeat(Math.max(0, len - 1 - s.length())) + s;
      return raw(off, len, (s + "\0").getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Writes {@code value} as base-256 two's complement with the marker bit. */
    Header base256(int off, int len, long value) {
      for (int i = len - 1; i >= 0; i--) {
        b[off + i] = (byte) value;
        value >>= 8;
      }
      b[off] |= (byte) 0x80;
      return this;
    }

    /** Replaces the field with exactly these bytes (rest of the field zeroed). */
    Header raw(int off, int len, byte[] v) {
      if (v.length > len) {
        throw new IllegalArgumentException("field too long");
      }
      Arrays.fill(b, off, off + len, (byte) 0);
      System.arraycopy(v, 0, b, off, v.length);
      return this;
    }

    /** Stores this exact checksum field instead of the computed one. */
    Header checksumField(String field) {
      checksum = field.getBytes(StandardCharsets.ISO_8859_1);
      return this;
    }

    static long unsignedSum(byte[] b) {
      long sum = 0;
      for (int i = 0; i < 512; i++) {
        sum += (i >= 148 && i < 156) ? ' ' : b[i] & 0xFF;
      }
      return sum;
    }

    byte[] build() {
      byte[] out = b.clone();
      byte[] c =
          checksum != null
              ? checksum
              : String.format("%06o\0 ", unsignedSum(out)).getBytes(StandardCharsets.ISO_8859_1);
      Arrays.fill(out, 148, 156, (byte) 0);
      System.arraycopy(c, 0, out, 148, c.length);
      return out;
    }
  }

  RawTar header(Header h) {
    out.writeBytes(h.build());
    return this;
  }

  /** A header for {@code name} plus its data, padded. */
  RawTar file(String name, byte[] data) {
    header(Header.of(name, '0', data.length));
    return data(data);
  }

  /** Payload bytes followed by zero padding to the next 512 boundary. */
  RawTar data(byte[] data) {
    out.writeBytes(data);
    out.writeBytes(new byte[(512 - data.length % 512) % 512]);
    return this;
  }

  /** A meta header of {@code type} ('x', 'g', 'L', 'K') with {@code payload}. */
  RawTar meta(char type, byte[] payload) {
    header(Header.of("././@meta", type, payload.length));
    return data(payload);
  }

  /** A PAX header ('x' or 'g') with the given key/value pairs, correctly length-prefixed. */
  RawTar pax(char type, String... keyValues) {
    return meta(type, paxPayload(keyValues));
  }

  static byte[] paxPayload(String... keyValues) {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    for (int i = 0; i < keyValues.length; i += 2) {
      p.writeBytes(record(keyValues[i], keyValues[i + 1]));
    }
    return p.toByteArray();
  }

  static byte[] record(String key, String value) {
    byte[] kv = (" " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8);
    int n = kv.length + 1;
    while (String.valueOf(n).length() + kv.length != n) {
      n++;
    }
    byte[] len = String.valueOf(n).getBytes(StandardCharsets.ISO_8859_1);
    byte[] r = Arrays.copyOf(len, n);
    System.arraycopy(kv, 0, r, len.length, kv.length);
    return r;
  }

  RawTar zeroBlocks(int n) {
    out.writeBytes(new byte[512 * n]);
    return this;
  }

  RawTar raw(byte[] bytes) {
    out.writeBytes(bytes);
    return this;
  }

  RawTar end() {
    return zeroBlocks(2);
  }

  int size() {
    return out.size();
  }

  byte[] bytes() {
    return out.toByteArray();
  }
}
