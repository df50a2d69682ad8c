package dev.soci.ztoc;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One PAX extended-header record of a tar entry, kept as the raw bytes the tar held. A zTOC stores
 * every record of an entry (not only {@code SCHILY.xattr.*}) in its {@code xattrs} vector.
 * Immutable.
 */
public final class PaxRecord {
  private final byte[] key;
  private final byte[] value;

  /** Creates a record from raw key and value bytes (copied). */
  public PaxRecord(byte[] key, byte[] value) {
    this.key = key.clone();
    this.value = value.clone();
  }

  private PaxRecord(byte[] key, byte[] value, boolean owned) {
    this.key = key;
    this.value = value;
  }

  /** A record that takes ownership of the arrays (no copy), for the decoder. */
  static PaxRecord ofOwned(byte[] key, byte[] value) {
    return new PaxRecord(key, value, true);
  }

  /** Creates a record from UTF-8 strings. */
  public static PaxRecord of(String key, String value) {
    return new PaxRecord(
        key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
  }

  /** The raw key bytes (a copy). */
  public byte[] rawKey() {
    return key.clone();
  }

  /** The raw value bytes (a copy). */
  public byte[] rawValue() {
    return value.clone();
  }

  /** The key decoded as UTF-8 (invalid sequences replaced). */
  public String key() {
    return new String(key, StandardCharsets.UTF_8);
  }

  /** The value decoded as UTF-8 (invalid sequences replaced). */
  public String value() {
    return new String(value, StandardCharsets.UTF_8);
  }

  byte[] keyBytes() {
    return key;
  }

  byte[] valueBytes() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PaxRecord
        && Arrays.equals(key, ((PaxRecord) o).key)
        && Arrays.equals(value, ((PaxRecord) o).value);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(key) + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return key() + "=" + value();
  }
}
