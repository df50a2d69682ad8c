package dev.soci.ztoc;

/**
 * A file name was looked up in a TOC that has no such entry (or a link chain that ends nowhere).
 */
public class EntryNotFoundException extends ZtocException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception; the message names the entry. */
  public EntryNotFoundException(String message) {
    super(message);
  }
}
