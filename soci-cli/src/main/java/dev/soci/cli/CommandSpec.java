package dev.soci.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A command of the CLI: its name and aliases, its help (a summary line, then paragraphs), and
 * either an action with options and parameters or subcommands. Immutable; built once per command as
 * a constant.
 */
record CommandSpec(
    String name,
    List<String> aliases,
    List<String> description,
    List<OptionSpec> options,
    List<ParameterSpec> parameters,
    List<CommandSpec> subcommands,
    Action action) {

  /** What a command does with its parsed arguments; returns the exit status. */
  @FunctionalInterface
  interface Action {
    int run(Arguments args) throws Exception;
  }

  CommandSpec {
    for (int i = 0; i + 1 < parameters.size(); i++) {
      if (parameters.get(i).optional()) {
        throw new IllegalArgumentException(name + ": only the last parameter may be optional");
      }
    }
  }

  /**
   * A command that runs {@code action}; {@code description} is its summary, then further
   * paragraphs.
   */
  static CommandSpec command(String name, Action action, String... description) {
    return new CommandSpec(
        name, List.of(), List.of(description), List.of(), List.of(), List.of(), action);
  }

  /** A command that only groups subcommands. */
  static CommandSpec group(String name, String description, CommandSpec... subcommands) {
    return new CommandSpec(
        name, List.of(), List.of(description), List.of(), List.of(), List.of(subcommands), null);
  }

  CommandSpec aliases(String... names) {
    return new CommandSpec(
        name, List.of(names), description, options, parameters, subcommands, action);
  }

  CommandSpec options(OptionSpec... more) {
    return options(Arrays.asList(more));
  }

  CommandSpec options(List<OptionSpec> more) {
    List<OptionSpec> all = new ArrayList<>(options);
    all.addAll(more);
    return new CommandSpec(
        name, aliases, description, List.copyOf(all), parameters, subcommands, action);
  }

  CommandSpec parameters(ParameterSpec... more) {
    List<ParameterSpec> all = new ArrayList<>(parameters);
    all.addAll(Arrays.asList(more));
    return new CommandSpec(
        name, aliases, description, options, List.copyOf(all), subcommands, action);
  }

  boolean isGroup() {
    return action == null;
  }

  CommandSpec subcommand(String nameOrAlias) {
    for (CommandSpec c : subcommands) {
      if (c.name.equals(nameOrAlias) || c.aliases.contains(nameOrAlias)) {
        return c;
      }
    }
    return null;
  }
}
