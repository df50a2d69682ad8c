package dev.soci.ztoc;

import java.util.Optional;

/**
 * The uncompressed layer is not a tar archive the table of contents can be built from: a header
 * with a bad checksum or number, an invalid PAX record, an unsupported entry type (sparse files,
 * multi-volume parts), a limit exceeded, or a stream that ends inside a header or inside entry
 * data. Carries the offset in the uncompressed tar stream where the offending header or record
 * starts, and the entry name when it is known.
 *
 * <p>Example message: {@code invalid tar header checksum at uncompressed offset 1024 (stored
 * 0o1234, computed 0o1235)}.
 */
public class TarFormatException extends ZtocException {
  private static final long serialVersionUID = 1L;
  private static final int MAX_NAME_IN_MESSAGE = 200;

  private final long offset;
  private final String entryName;

  /**
   * Creates an exception.
   *
   * @param offset offset in the uncompressed tar stream where the bad header or record starts
   * @param entryName name of the entry concerned, or {@code null} when not known
   * @param problem what is wrong, e.g. {@code "invalid tar header checksum"}
   * @param detail what was expected and found, e.g. {@code "stored 0o1234, computed 0o1235"}, or
   *     {@code null}
   */
  public TarFormatException(long offset, String entryName, String problem, String detail) {
    super(message(offset, entryName, problem, detail));
    this.offset = offset;
    this.entryName = entryName;
  }

  private static String message(long offset, String entryName, String problem, String detail) {
    StringBuilder sb = new StringBuilder();
    if (entryName != null) {
      String shown =
          entryName.length() > MAX_NAME_IN_MESSAGE
              ? entryName.substring(0, MAX_NAME_IN_MESSAGE) + "..."
              : entryName;
      sb.append("tar entry \"").append(shown).append("\": ");
    }
    sb.append(problem).append(" at uncompressed offset ").append(offset);
    if (detail != null) {
      sb.append(" (").append(detail).append(')');
    }
    return sb.toString();
  }

  /** Offset in the uncompressed tar stream where the offending header or record starts. */
  public long offset() {
    return offset;
  }

  /** Name of the entry concerned (decoded as UTF-8), if known. */
  public Optional<String> entryName() {
    return Optional.ofNullable(entryName);
  }
}
