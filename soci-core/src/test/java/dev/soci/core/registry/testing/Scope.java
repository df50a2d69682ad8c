package dev.soci.core.registry.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One token scope, {@code type:name:actions} as the docker token protocol writes it (for example
 * {@code repository:library/app:pull,push}).
 *
 * @param type the resource type, usually {@code repository}
 * @param name the resource name, for repositories the repository path
 * @param actions the actions, such as {@code pull}, {@code push}, {@code delete}, {@code *}
 */
public record Scope(String type, String name, List<String> actions) {
  /** Copies the actions. */
  public Scope {
    actions = List.copyOf(actions);
  }

  /**
   * Parses {@code type:name:actions}; the name is what lies between the first and the last colon.
   *
   * @throws IllegalArgumentException when the text has fewer than two colons
   */
  public static Scope parse(String text) {
    int first = text.indexOf(':');
    int last = text.lastIndexOf(':');
    if (first < 0 || last == first) {
      throw new IllegalArgumentException("not a scope: " + text);
    }
    String actions = text.substring(last + 1);
    return new Scope(
        text.substring(0, first),
        text.substring(first + 1, last),
        actions.isEmpty() ? List.of() : Arrays.asList(actions.split(",")));
  }

  /** Parses every scope of a request; a parameter may hold several, separated by spaces. */
  static List<Scope> parseAll(List<String> parameters) {
    List<Scope> scopes = new ArrayList<>();
    for (String parameter : parameters) {
      for (String one : parameter.trim().split(" +")) {
        if (!one.isEmpty()) {
          scopes.add(parse(one));
        }
      }
    }
    return scopes;
  }

  /** True when this scope grants {@code action} on {@code type:name}. */
  public boolean grants(String type, String name, String action) {
    return this.type.equals(type)
        && this.name.equals(name)
        && (actions.contains(action) || actions.contains("*"));
  }

  @Override
  public String toString() {
    return type + ":" + name + ":" + String.join(",", actions);
  }
}
