package dev.soci.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The options and parameters given to one command, with typed accessors. Options are looked up by
 * their longest name; asking for one the command does not declare is a programming error. Values
 * that do not convert raise a {@link UsageException} naming the option.
 */
final class Arguments {
  private final CommandSpec command;
  private final Map<String, List<String>> options;
  private final List<String> parameters;

  Arguments(CommandSpec command, Map<String, List<String>> options, List<String> parameters) {
    this.command = command;
    this.options = options;
    this.parameters = parameters;
  }

  /** Whether a standard option (such as {@code --debug}) was given. */
  boolean standardFlag(String name) {
    return options.containsKey(name);
  }

  boolean flag(String name) {
    spec(name);
    return options.containsKey(name);
  }

  /** The option's value (the last one if given more than once), its default, or null. */
  String value(String name) {
    OptionSpec spec = spec(name);
    List<String> given = options.get(name);
    return given == null ? spec.defaultValue() : given.get(given.size() - 1);
  }

  /** Every value of a repeatable option, in order. */
  List<String> values(String name) {
    spec(name);
    return options.getOrDefault(name, List.of());
  }

  Path path(String name) {
    String v = value(name);
    return v == null ? null : toPath("option '" + name + "'", v);
  }

  long longValue(String name) {
    return number(name, value(name));
  }

  /** The option's value, which must be a whole number above 0 (a usage error otherwise). */
  long positiveLongValue(String name) {
    String v = value(name);
    long n = number(name, v);
    if (n <= 0) {
      throw new UsageException("invalid value for option '" + name + "': '" + v + "' must be > 0");
    }
    return n;
  }

  /** The option's int value, or null when it is neither given nor defaulted. */
  Integer intValue(String name) {
    String v = value(name);
    if (v == null) {
      return null;
    }
    long n = number(name, v);
    if (n != (int) n) {
      throw outOfRange(name, v);
    }
    return (int) n;
  }

  /** The {@code index}-th positional parameter, or null when absent. */
  String parameter(int index) {
    return index < parameters.size() ? parameters.get(index) : null;
  }

  Path pathParameter(int index) {
    String v = parameter(index);
    return v == null ? null : toPath("parameter " + command.parameters().get(index).label(), v);
  }

  /** The positional parameters from {@code index} on. */
  List<String> parametersFrom(int index) {
    return parameters.subList(Math.min(index, parameters.size()), parameters.size());
  }

  private OptionSpec spec(String name) {
    for (OptionSpec o : command.options()) {
      if (o.key().equals(name)) {
        return o;
      }
    }
    throw new IllegalArgumentException(command.name() + " declares no option " + name);
  }

  private static long number(String name, String v) {
    if (v == null || !v.matches("[+-]?[0-9]+")) {
      throw new UsageException(
          "invalid value for option '" + name + "': '" + v + "' is not a whole number");
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw outOfRange(name, v);
    }
  }

  private static UsageException outOfRange(String name, String v) {
    return new UsageException(
        "invalid value for option '" + name + "': '" + v + "' is out of range");
  }

  private static Path toPath(String what, String v) {
    try {
      return Path.of(v);
    } catch (InvalidPathException e) {
      throw new UsageException("invalid value for " + what + ": " + e.getMessage());
    }
  }
}
