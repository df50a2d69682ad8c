package dev.soci.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The {@code --help} text of a command: a usage line, the description, then its parameters, options
 * and subcommands in two columns wrapped at 80 characters.
 */
final class HelpText {
  private static final int WIDTH = 80;
  private static final int COLUMN = 28;

  private HelpText() {}

  static String of(List<String> path, CommandSpec command, List<OptionSpec> standard) {
    List<OptionSpec> options = new ArrayList<>(command.options());
    options.addAll(standard);
    options.sort(
        Comparator.comparing(
            o -> o.key().replaceFirst("^-+", "").toLowerCase(java.util.Locale.ROOT)));

    StringBuilder usage =
        new StringBuilder("Usage: ").append(String.join(" ", path)).append(" [OPTIONS]");
    for (OptionSpec o : command.options()) {
      if (o.required()) {
        usage.append(' ').append(o.synopsis());
      }
    }
    for (ParameterSpec p : command.parameters()) {
      usage.append(' ').append(p.synopsis());
    }
    if (command.isGroup()) {
      usage.append(" COMMAND");
    }
    StringBuilder sb = new StringBuilder();
    wrap(sb, usage.toString(), "", "        ");
    for (String paragraph : command.description()) {
      wrap(sb, paragraph, "", "");
    }
    if (!command.parameters().isEmpty()) {
      sb.append("Parameters:\n");
      for (ParameterSpec p : command.parameters()) {
        row(sb, "  " + p.label(), p.description());
      }
    }
    sb.append("Options:\n");
    for (OptionSpec o : options) {
      String names =
          o.names().size() > 1 ? "  " + String.join(", ", o.names()) : "      " + o.names().get(0);
      row(sb, o.isFlag() ? names : names + "=" + o.label(), o.help());
    }
    if (command.isGroup()) {
      sb.append("Commands:\n");
      for (CommandSpec c : command.subcommands()) {
        row(sb, "  " + c.name(), c.description().get(0));
      }
    }
    return sb.toString();
  }

  /** A name in the left column and its description, wrapped, in the right one. */
  private static void row(StringBuilder sb, String left, String description) {
    String indent = " ".repeat(COLUMN);
    if (left.length() + 2 > COLUMN) {
      sb.append(left).append('\n');
      wrap(sb, description, indent, indent);
    } else {
      wrap(sb, description, left + " ".repeat(COLUMN - left.length()), indent);
    }
  }

  /** Appends {@code text} as lines of at most {@link #WIDTH} characters, breaking at spaces. */
  static void wrap(StringBuilder sb, String text, String firstPrefix, String prefix) {
    StringBuilder line = new StringBuilder(firstPrefix);
    int start = line.length();
    for (String word : text.split(" ")) {
      if (line.length() > start && line.length() + 1 + word.length() > WIDTH) {
        sb.append(line).append('\n');
        line.setLength(0);
        line.append(prefix);
        start = line.length();
      }
      if (line.length() > start) {
        line.append(' ');
      }
      line.append(word);
    }
    sb.append(line).append('\n');
  }
}
