package dev.soci.oci;

/**
 * A JSON document that is not a valid OCI document of the expected kind: malformed JSON, a field of
 * the wrong type, a missing required field, a bad digest, or a document over the size or nesting
 * limits. Names the document (usually a file) and the field (a JSON path such as {@code
 * layers[2].digest}).
 */
public class InvalidDocumentException extends OciException {
  private static final long serialVersionUID = 1L;

  private final String document;
  private final String field;

  /**
   * @param document what was being read (a file name)
   * @param field the JSON path of the offending field, or {@code null} for the whole document
   * @param reason what is wrong
   */
  public InvalidDocumentException(String document, String field, String reason) {
    super(document + ": " + (field == null ? "" : "field " + field + ": ") + reason);
    this.document = document;
    this.field = field;
  }

  /** Same, with the underlying parser error. */
  public InvalidDocumentException(String document, String field, String reason, Throwable cause) {
    super(document + ": " + (field == null ? "" : "field " + field + ": ") + reason, cause);
    this.document = document;
    this.field = field;
  }

  /** The document that was being read. */
  public String document() {
    return document;
  }

  /** The JSON path of the offending field, or {@code null}. */
  public String field() {
    return field;
  }
}
