package dev.soci.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses a command line against a tree of {@link CommandSpec}s and runs the chosen command.
 *
 * <p>Every command also takes {@code -h, --help}, {@code -V, --version} and {@code --debug}.
 * Options are written {@code --name value}, {@code --name=value}, {@code -n value}, {@code -nvalue}
 * or, for flags, clustered ({@code -fq}); {@code --} ends the options; a lone {@code -} is a
 * parameter. Exit status: the command's, 1 when it throws (one line {@code error: ...} on stderr,
 * and the stack trace with {@code --debug}), 2 for a command line that does not fit.
 */
final class Cli {
  static final OptionSpec HELP = OptionSpec.flag("-h, --help", "Show this help message and exit.");
  static final OptionSpec VERSION =
      OptionSpec.flag("-V, --version", "Print version information and exit.");
  static final OptionSpec DEBUG = OptionSpec.flag("--debug", "Print stack traces of errors.");
  private static final List<OptionSpec> STANDARD = List.of(DEBUG, HELP, VERSION);

  private final CommandSpec root;
  private final String version;

  Cli(CommandSpec root, String version) {
    this.root = root;
    this.version = version;
  }

  /** Parses {@code args}, runs the command and returns the exit status. */
  int execute(String... args) {
    PrintStream err = System.err;
    Invocation inv;
    try {
      inv = parse(args);
    } catch (UsageException e) {
      err.println("error: " + e.getMessage() + " (see --help)");
      err.flush();
      return 2;
    }
    if (inv.has(HELP)) {
      System.out.print(HelpText.of(inv.path, inv.command, STANDARD));
      System.out.flush();
      return 0;
    }
    if (inv.has(VERSION)) {
      System.out.println(version);
      System.out.flush();
      return 0;
    }
    try {
      inv.checkComplete();
      return inv.command.action().run(inv.arguments());
    } catch (UsageException e) {
      err.println("error: " + e.getMessage() + " (see --help)");
      err.flush();
      return 2;
    } catch (Exception e) {
      err.println("error: " + SociCommand.describe(e));
      if (inv.has(DEBUG)) {
        e.printStackTrace(err);
      }
      err.flush();
      return 1;
    }
  }

  /** The command a command line chose, with the options and parameters given to it. */
  Invocation parse(String... args) {
    Invocation inv = new Invocation(root);
    boolean optionsEnded = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!optionsEnded && a.equals("--")) {
        optionsEnded = true;
      } else if (!optionsEnded && a.startsWith("--")) {
        i = inv.longOption(args, i);
      } else if (!optionsEnded && a.startsWith("-") && a.length() > 1) {
        i = inv.shortOptions(args, i);
      } else if (inv.command.isGroup()) {
        inv.enter(a);
      } else {
        inv.parameters.add(a);
      }
    }
    return inv;
  }

  /** A command line being parsed, then parsed. */
  static final class Invocation {
    final List<String> path = new ArrayList<>();
    CommandSpec command;
    final Map<String, List<String>> options = new LinkedHashMap<>();
    final List<String> parameters = new ArrayList<>();

    Invocation(CommandSpec root) {
      command = root;
      path.add(root.name());
    }

    boolean has(OptionSpec standard) {
      return options.containsKey(standard.key());
    }

    Arguments arguments() {
      return new Arguments(command, options, parameters);
    }

    void enter(String name) {
      CommandSpec sub = command.subcommand(name);
      if (sub == null) {
        throw new UsageException(
            "unknown command '"
                + name
                + "' for '"
                + String.join(" ", path)
                + "'; expected one of "
                + names(command.subcommands()));
      }
      command = sub;
      path.add(sub.name());
    }

    int longOption(String[] args, int i) {
      String a = args[i];
      int eq = a.indexOf('=');
      String name = eq < 0 ? a : a.substring(0, eq);
      OptionSpec o = find(name);
      if (o.isFlag()) {
        if (eq >= 0) {
          throw new UsageException("option '" + name + "' takes no value");
        }
        put(o, null);
        return i;
      }
      if (eq >= 0) {
        put(o, a.substring(eq + 1));
        return i;
      }
      put(o, next(args, i, name, o));
      return i + 1;
    }

    int shortOptions(String[] args, int i) {
      String a = args[i];
      for (int j = 1; j < a.length(); j++) {
        String name = "-" + a.charAt(j);
        OptionSpec o = find(name);
        if (o.isFlag()) {
          put(o, null);
          continue;
        }
        String rest = a.substring(j + 1);
        if (rest.startsWith("=")) {
          rest = rest.substring(1);
        }
        if (!rest.isEmpty() || a.charAt(a.length() - 1) == '=') {
          put(o, rest);
          return i;
        }
        put(o, next(args, i, name, o));
        return i + 1;
      }
      return i;
    }

    /** Fails unless every required option and parameter was given and nothing more. */
    void checkComplete() {
      if (command.isGroup()) {
        throw new UsageException(
            "'" + String.join(" ", path) + "' needs a command: " + names(command.subcommands()));
      }
      for (OptionSpec o : command.options()) {
        if (o.required() && !options.containsKey(o.key())) {
          throw new UsageException("missing required option '" + o.synopsis() + "'");
        }
      }
      List<ParameterSpec> declared = command.parameters();
      for (int k = parameters.size(); k < declared.size(); k++) {
        if (!declared.get(k).optional()) {
          throw new UsageException("missing required parameter " + declared.get(k).label());
        }
      }
      boolean variadic = !declared.isEmpty() && declared.get(declared.size() - 1).variadic();
      if (!variadic && parameters.size() > declared.size()) {
        throw new UsageException("unexpected argument '" + parameters.get(declared.size()) + "'");
      }
    }

    private OptionSpec find(String name) {
      for (OptionSpec o : STANDARD) {
        if (o.names().contains(name)) {
          return o;
        }
      }
      for (OptionSpec o : command.options()) {
        if (o.names().contains(name)) {
          return o;
        }
      }
      throw new UsageException(
          "unknown option '" + name + "' for '" + String.join(" ", path) + "'");
    }

    private void put(OptionSpec o, String value) {
      List<String> values = options.computeIfAbsent(o.key(), k -> new ArrayList<>());
      if (o.isFlag()) {
        return;
      }
      if (!values.isEmpty() && !o.repeatable()) {
        throw new UsageException("option '" + o.key() + "' given more than once");
      }
      values.add(value);
    }

    private static String next(String[] args, int i, String name, OptionSpec o) {
      if (i + 1 >= args.length) {
        throw new UsageException("option '" + name + "' needs a value " + o.label());
      }
      return args[i + 1];
    }

    private static String names(List<CommandSpec> commands) {
      List<String> names = new ArrayList<>();
      commands.forEach(c -> names.add(c.name()));
      return String.join(", ", names);
    }
  }
}
