package dev.soci.cli;

import java.util.List;

/**
 * An option of a command: its names ({@code -o}, {@code --output}), the label of its value ({@code
 * null} for a flag), its help text, and whether it is required, repeatable or has a default. {@code
 * {default}} in the help text stands for the default value.
 */
record OptionSpec(
    List<String> names,
    String label,
    String description,
    String defaultValue,
    boolean required,
    boolean repeatable) {

  /** A flag, true when given: {@code flag("-f, --force", "Overwrite OUT if it exists.")}. */
  static OptionSpec flag(String names, String description) {
    return new OptionSpec(List.of(names.split(", ")), null, description, null, false, false);
  }

  /** An option with a value: {@code value("-o, --output", "OUT", "Where to write it.")}. */
  static OptionSpec value(String names, String label, String description) {
    return new OptionSpec(List.of(names.split(", ")), label, description, null, false, false);
  }

  OptionSpec asRequired() {
    return new OptionSpec(names, label, description, defaultValue, true, repeatable);
  }

  OptionSpec asRepeatable() {
    return new OptionSpec(names, label, description, defaultValue, required, true);
  }

  OptionSpec withDefault(String value) {
    return new OptionSpec(names, label, description, value, required, repeatable);
  }

  boolean isFlag() {
    return label == null;
  }

  /** The name the option is known by in messages and lookups: its last (longest) name. */
  String key() {
    return names.get(names.size() - 1);
  }

  /** How the option is written with its value, e.g. {@code --output=OUT}. */
  String synopsis() {
    return isFlag() ? key() : key() + "=" + label;
  }

  String help() {
    return defaultValue == null ? description : description.replace("{default}", defaultValue);
  }
}
