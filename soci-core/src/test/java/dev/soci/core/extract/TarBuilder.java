package dev.soci.core.extract;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Writes small tars by hand (ustar headers, GNU long names), hostile ones included. */
final class TarBuilder {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  TarBuilder dir(String name, int mode) {
    return entry(raw(name), '5', mode, new byte[0], "", 0, 0);
  }

  TarBuilder file(String name, int mode, String content) {
    return entry(raw(name), '0', mode, content.getBytes(StandardCharsets.UTF_8), "", 0, 0);
  }

  TarBuilder file(byte[] rawName, int mode, String content) {
    return entry(rawName, '0', mode, content.getBytes(StandardCharsets.UTF_8), "", 0, 0);
  }

  TarBuilder symlink(String name, String target) {
    return entry(raw(name), '2', 0777, new byte[0], target, 0, 0);
  }

  TarBuilder hardlink(String name, String target) {
    return entry(raw(name), '1', 0644, new byte[0], target, 0, 0);
  }

  TarBuilder device(String name, char type, int major, int minor) {
    return entry(raw(name), type, 0666, new byte[0], "", major, minor);
  }

  private static byte[] raw(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  TarBuilder entry(
      byte[] name, char type, int mode, byte[] data, String link, int major, int minor) {
    if (name.length > 100) {
      byte[] payload = Arrays.copyOf(name, name.length + 1);
      out.writeBytes(
          header(
              "././@LongLink".getBytes(StandardCharsets.US_ASCII),
              'L',
              0,
              payload.length,
              "",
              0,
              0));
      out.writeBytes(padded(payload));
      name = Arrays.copyOf(name, 100);
    }
    out.writeBytes(header(name, type, mode, data.length, link, major, minor));
    out.writeBytes(padded(data));
    return this;
  }

  byte[] build() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(out.toByteArray());
    b.writeBytes(new byte[1024]);
    return b.toByteArray();
  }

  private static byte[] padded(byte[] data) {
    return Arrays.copyOf(data, (data.length + 511) & -512);
  }

  private static byte[] header(
      byte[] name, char type, int mode, long size, String link, int major, int minor) {
    byte[] h = new byte[512];
    System.arraycopy(name, 0, h, 0, Math.min(100, name.length));
    put(h, 100, String.format("%07o", mode));
    put(h, 108, "0000000");
    put(h, 116, "0000000");
    put(h, 124, String.format("%011o", size));
    put(h, 136, "14525301160");
    h[156] = (byte) type;
    byte[] l = link.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(l, 0, h, 157, Math.min(100, l.length));
    put(h, 257, "ustar");
    put(h, 263, "00");
    put(h, 329, String.format("%07o", major));
    put(h, 337, String.format("%07o", minor));
    Arrays.fill(h, 148, 156, (byte) ' ');
    int sum = 0;
    for (byte b : h) {
      sum += b & 0xFF;
    }
    put(h, 148, String.format("%06o", sum));
    h[154] = 0;
    return h;
  }

  private static void put(byte[] h, int off, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, off, b.length);
  }
}
