package dev.soci.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code soci} command line: zTOC creation and inspection, file extraction through a zTOC,
 * and a demo on built-in sample data. Errors print one line {@code error: ...} on stderr and
 * exit non-zero; {@code --debug} adds the stack trace.
 */
@Command(name = "soci", mixinStandardHelpOptions = true, version = "soci-java 0.1.0",
    description = "Seekable OCI (SOCI) tools in pure Java.",
    subcommands = {ZtocCommand.class, DemoCommand.class, CreateCommand.class, ConvertCommand.class, IndexCommand.class})
public final class SociCommand {
  @Option(names = "--debug", description = "Print stack traces of errors.", scope = CommandLine.ScopeType.INHERIT)
  boolean debug;

  /** Runs the CLI and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns its exit status (for tests and embedding). */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new SociCommand());
    boolean debug = java.util.Arrays.asList(args).contains("--debug");
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      PrintWriter err = commandLine.getErr();
      err.println("error: " + describe(e));
      if (debug) {
        e.printStackTrace(err);
      }
      err.flush();
      return 1;
    });
    cli.setParameterExceptionHandler((e, a) -> {
      PrintWriter err = e.getCommandLine().getErr();
      err.println("error: " + e.getMessage() + " (see --help)");
      err.flush();
      return 2;
    });
    return cli.execute(args);
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
