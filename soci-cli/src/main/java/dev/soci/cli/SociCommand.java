package dev.soci.cli;

/**
 * The {@code soci} command line: zTOC creation and inspection, file extraction through a zTOC, SOCI
 * indexes of OCI image layouts, and a demo on built-in sample data. Errors print one line {@code
 * error: ...} on stderr and exit non-zero; {@code --debug} adds the stack trace.
 */
public final class SociCommand {
  static final String VERSION = "soci-java 0.1.0";

  static final CommandSpec SPEC =
      CommandSpec.group(
          "soci",
          "Seekable OCI (SOCI) tools in pure Java.",
          ZtocCommand.SPEC,
          DemoCommand.SPEC,
          CreateCommand.SPEC,
          ConvertCommand.SPEC,
          IndexCommand.SPEC,
          CatCommand.SPEC,
          LsCommand.SPEC,
          PushCommand.SPEC,
          PullCommand.SPEC);

  private SociCommand() {}

  /** Runs the CLI and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns its exit status (for tests and embedding). */
  public static int run(String... args) {
    return new Cli(SPEC, VERSION).execute(args);
  }

  static String describe(Throwable e) {
    String msg = e.getMessage();
    if (msg == null || msg.isBlank()) {
      msg = e.getClass().getSimpleName();
    } else if (e instanceof java.nio.file.NoSuchFileException) {
      msg = "no such file: " + msg;
    } else if (e instanceof java.nio.file.AccessDeniedException) {
      msg = "permission denied: " + msg;
    } else if (e instanceof java.nio.file.FileAlreadyExistsException) {
      msg = "file exists: " + msg;
    }
    return msg.replace('\n', ' ');
  }
}
