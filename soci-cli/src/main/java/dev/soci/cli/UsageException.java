package dev.soci.cli;

/**
 * A command line that does not fit the command: reported as {@code error: ... (see --help)}, exit
 * status 2.
 */
final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
