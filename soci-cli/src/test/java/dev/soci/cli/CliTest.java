package dev.soci.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CliTest {
  private final List<Arguments> seen = new ArrayList<>();

  private final CommandSpec copy =
      CommandSpec.command(
              "copy",
              a -> {
                seen.add(a);
                return 0;
              },
              "Copy things.",
              "A second paragraph.")
          .aliases("cp")
          .parameters(
              ParameterSpec.required("SRC", "The source."),
              ParameterSpec.variadic("DEST", "Destinations."))
          .options(
              OptionSpec.value("-o, --output", "OUT", "Where to write."),
              OptionSpec.value("--size", "BYTES", "A size (default: {default}).").withDefault("42"),
              OptionSpec.value("--to", "REF", "Required target.").asRequired(),
              OptionSpec.value("-p, --platform", "P", "Repeatable.").asRepeatable(),
              OptionSpec.flag("-f, --force", "Force."),
              OptionSpec.flag("-q, --quiet", "Quiet."));

  private final CommandSpec fail =
      CommandSpec.command(
          "fail",
          a -> {
            throw new IllegalStateException("it broke\nbadly");
          },
          "Always fails.");

  private final Cli cli =
      new Cli(
          CommandSpec.group("tool", "A tool.", CommandSpec.group("sub", "Nested.", copy), fail),
          "tool 1.0");

  private Arguments parse(String... args) {
    Cli.Invocation inv = cli.parse(args);
    inv.checkComplete();
    return inv.arguments();
  }

  @Test
  void optionsInEverySpelling() {
    Arguments a =
        parse(
            "sub",
            "copy",
            "--to=x",
            "-o",
            "out",
            "--size",
            "7",
            "-fq",
            "-pA",
            "-p=B",
            "--platform",
            "C",
            "src");
    assertThat(a.value("--to")).isEqualTo("x");
    assertThat(a.path("--output")).hasToString("out");
    assertThat(a.longValue("--size")).isEqualTo(7);
    assertThat(a.flag("--force")).isTrue();
    assertThat(a.flag("--quiet")).isTrue();
    assertThat(a.values("--platform")).containsExactly("A", "B", "C");
    assertThat(a.parameter(0)).isEqualTo("src");
    assertThat(a.parametersFrom(1)).isEmpty();

    Arguments b = parse("sub", "cp", "--to", "-x", "-ofile", "src", "d1", "--", "-d2", "-");
    assertThat(b.value("--to")).as("a value may start with a dash").isEqualTo("-x");
    assertThat(b.value("--output")).isEqualTo("file");
    assertThat(b.parametersFrom(1)).containsExactly("d1", "-d2", "-");
    assertThat(b.flag("--force")).isFalse();
    assertThat(b.longValue("--size")).isEqualTo(42);
    assertThat(b.intValue("--size")).isEqualTo(42);
    assertThat(b.value("--output")).isEqualTo("file");
    assertThat(b.values("--platform")).isEmpty();
    assertThat(parse("sub", "copy", "--to", "x", "src", "-o=").value("--output")).isEmpty();
  }

  @Test
  void misfitsAreUsageErrors() {
    assertUsage("unknown option '--nope' for 'tool sub copy'", "sub", "copy", "--nope");
    assertUsage("unknown option '-z' for 'tool sub copy'", "sub", "copy", "-fz");
    assertUsage("option '--force' takes no value", "sub", "copy", "--force=yes");
    assertUsage(
        "option '--output' needs a value OUT", "sub", "copy", "--to", "x", "src", "--output");
    assertUsage(
        "option '--output' given more than once", "sub", "copy", "-o", "a", "--output", "b");
    assertUsage("missing required option '--to=REF'", "sub", "copy", "src");
    assertUsage("missing required parameter SRC", "sub", "copy", "--to", "x");
    assertUsage("unknown command 'copyy' for 'tool sub'; expected one of copy", "sub", "copyy");
    assertUsage("'tool sub' needs a command: copy", "sub");
    assertUsage("unexpected argument 'extra'", "fail", "extra");
    assertThatThrownBy(
            () -> parse("sub", "copy", "--to", "x", "--size", "1k", "s").longValue("--size"))
        .isInstanceOf(UsageException.class)
        .hasMessage("invalid value for option '--size': '1k' is not a whole number");
    assertThatThrownBy(
            () ->
                parse("sub", "copy", "--to", "x", "--size", "99999999999", "s").intValue("--size"))
        .isInstanceOf(UsageException.class)
        .hasMessage("invalid value for option '--size': '99999999999' is out of range");
    assertThatThrownBy(
            () ->
                parse("sub", "copy", "--to", "x", "--size", "9".repeat(30), "s")
                    .longValue("--size"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("is out of range");
    assertThatThrownBy(() -> parse("sub", "copy", "--to", "x", "s").value("--undeclared"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private void assertUsage(String message, String... args) {
    assertThatThrownBy(() -> parse(args)).isInstanceOf(UsageException.class).hasMessage(message);
    Run r = run(args);
    assertThat(r.code).isEqualTo(2);
    assertThat(r.err).isEqualTo("error: " + message + " (see --help)\n");
    assertThat(seen).isEmpty();
  }

  @Test
  void runsTheCommandAndReportsItsFailureOnOneLine() {
    assertThat(run("sub", "copy", "--to", "x", "src").code).isZero();
    assertThat(seen).hasSize(1);

    Run failed = run("fail");
    assertThat(failed.code).isEqualTo(1);
    assertThat(failed.err).isEqualTo("error: it broke badly\n");
    Run debug = run("--debug", "fail");
    assertThat(debug.err)
        .startsWith("error: it broke badly\njava.lang.IllegalStateException")
        .contains("\tat ");
    assertThat(run("fail", "--debug").err).contains("\tat ");
  }

  @Test
  void helpAndVersion() {
    Run help = run("sub", "copy", "--help", "--nonsense-after-help-is-still-an-error");
    assertThat(help.code).isEqualTo(2);

    help = run("sub", "copy", "-h");
    assertThat(help.code).isZero();
    assertThat(help.out)
        .isEqualTo(
            String.join(
                "\n",
                "Usage: tool sub copy [OPTIONS] --to=REF SRC [DEST...]",
                "Copy things.",
                "A second paragraph.",
                "Parameters:",
                "  SRC                       The source.",
                "  DEST                      Destinations.",
                "Options:",
                "      --debug               Print stack traces of errors.",
                "  -f, --force               Force.",
                "  -h, --help                Show this help message and exit.",
                "  -o, --output=OUT          Where to write.",
                "  -p, --platform=P          Repeatable.",
                "  -q, --quiet               Quiet.",
                "      --size=BYTES          A size (default: 42).",
                "      --to=REF              Required target.",
                "  -V, --version             Print version information and exit.",
                ""));
    assertThat(seen).as("help does not run the command").isEmpty();

    Run group = run("--help");
    assertThat(group.out)
        .startsWith("Usage: tool [OPTIONS] COMMAND\nA tool.\n")
        .contains(
            "Commands:\n  sub                       Nested.\n  fail                      Always fails.\n");
    assertThat(run("sub", "--version").out).isEqualTo("tool 1.0\n");
    assertThat(run("-V").code).isZero();
  }

  @Test
  void wrapsLongLinesAtSpaces() {
    StringBuilder sb = new StringBuilder();
    HelpText.wrap(sb, "word ".repeat(40).strip(), "> ", "  ");
    assertThat(sb.toString().lines())
        .allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80))
        .hasSize(3);
    assertThat(sb.toString().replace("\n  ", " "))
        .isEqualTo("> " + "word ".repeat(40).strip() + "\n");
  }

  @Test
  void onlyTheLastParameterMayBeOptional() {
    assertThatThrownBy(
            () ->
                CommandSpec.command("x", a -> 0, "X.")
                    .parameters(ParameterSpec.variadic("A", "a"), ParameterSpec.required("B", "b")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private record Run(int code, String out, String err) {}

  private Run run(String... args) {
    SociCommandTest.Result r = SociCommandTest.capture(() -> cli.execute(args));
    return new Run(r.code(), r.outText(), r.err());
  }
}
