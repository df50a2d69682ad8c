package dev.soci.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the README's code honest: every {@code java} block in it is a run of lines of one of the
 * example programs (which compile and are run by their tests), every example is named in it, and
 * its Maven block and {@code requires} name modules of this build; the examples' own module
 * requires exactly what README's does. Lines are compared without their leading and trailing
 * blanks, so a block may be indented differently.
 */
class ReadmeExamplesTest {
  private static final Pattern REQUIRES = Pattern.compile("(?m)^\\s*requires ([\\w.]+);");
  private static final Pattern JAVA_BLOCK = Pattern.compile("(?ms)^```java\\n(.*?)^```");
  private static final Path ROOT = Path.of(System.getProperty("soci.testdata")).getParent();

  @Test
  void everyJavaBlockOfTheReadmeIsPartOfAnExample() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
    Map<String, List<String>> examples = exampleSources();
    List<String> blocks = new ArrayList<>();
    Matcher m = JAVA_BLOCK.matcher(readme);
    while (m.find()) {
      blocks.add(m.group(1));
    }

    assertThat(blocks).as("java blocks in README.md").hasSizeGreaterThanOrEqualTo(4);
    for (String block : blocks) {
      List<String> lines = normalized(block);
      assertThat(examples.values())
          .as("an example in examples/src/main/java holding the README block%n%s", block)
          .anyMatch(source -> Collections.indexOfSubList(source, lines) >= 0);
    }
  }

  @Test
  void everyExampleIsNamedInTheReadme() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);

    assertThat(exampleSources().keySet())
        .isNotEmpty()
        .allSatisfy(name -> assertThat(readme).contains("`" + name + "`"));
  }

  @Test
  void theMavenBlockAndTheRequiresNameTheModulesThatExist() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
    List<String> artifacts = matches(Pattern.compile("<artifactId>([^<]+)</artifactId>"), readme);
    List<String> requires = matches(REQUIRES, readme);

    assertThat(artifacts).contains("soci-bom", "soci-core");
    for (String artifact : artifacts) {
      String pom = Files.readString(ROOT.resolve(artifact).resolve("pom.xml"));
      assertThat(pom).contains("<artifactId>" + artifact + "</artifactId>");
    }
    assertThat(requires).containsExactly("dev.soci.core");
    // The tour's programs are compiled and tested as a module with exactly README's requires.
    String examplesModule =
        Files.readString(ROOT.resolve("examples/src/main/java/module-info.java"));
    // (the notification worker also requires the JDK's own jdk.httpserver, which needs no Maven)
    assertThat(
            matches(REQUIRES, examplesModule).stream()
                .filter(m -> !m.startsWith("jdk.") && !m.startsWith("java."))
                .toList())
        .isEqualTo(requires);
    assertThat(Files.readString(ROOT.resolve("soci-core/src/main/java/module-info.java")))
        .contains("module dev.soci.core {");
  }

  private static List<String> matches(Pattern p, String text) {
    List<String> out = new ArrayList<>();
    Matcher m = p.matcher(text);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  /** The example programs' sources by class name, as normalized lines. */
  private static Map<String, List<String>> exampleSources() throws IOException {
    Map<String, List<String>> out = new TreeMap<>();
    Path dir = ROOT.resolve("examples/src/main/java/dev/soci/examples");
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String name = p.getFileName().toString();
        if (name.endsWith(".java") && !name.equals("package-info.java")) {
          out.put(
              name.substring(0, name.length() - 5),
              normalized(Files.readString(p, StandardCharsets.UTF_8)));
        }
      }
    }
    return out;
  }

  /** Lines without leading and trailing blanks; blank lines dropped. */
  private static List<String> normalized(String text) {
    return text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }
}
