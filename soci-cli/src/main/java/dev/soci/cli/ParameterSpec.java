package dev.soci.cli;

/**
 * A positional parameter of a command: its label, help text, and whether it may be absent or
 * repeat.
 */
record ParameterSpec(String label, String description, boolean optional, boolean variadic) {

  /** Exactly one value. */
  static ParameterSpec required(String label, String description) {
    return new ParameterSpec(label, description, false, false);
  }

  /** One value or none. */
  static ParameterSpec optional(String label, String description) {
    return new ParameterSpec(label, description, true, false);
  }

  /** Any number of values, none included; only the last parameter of a command may be variadic. */
  static ParameterSpec variadic(String label, String description) {
    return new ParameterSpec(label, description, true, true);
  }

  String synopsis() {
    return variadic ? "[" + label + "...]" : optional ? "[" + label + "]" : label;
  }
}
