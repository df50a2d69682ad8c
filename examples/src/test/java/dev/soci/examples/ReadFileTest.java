package dev.soci.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.ztoc.ZtocException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ReadFileTest {
  private static final Path LAYER = Programs.upstream().resolve("layers/spans.gnutar.gzip6.tar.gz");
  // upstream soci's zTOC of that layer, 64 KiB spans
  private static final Path ZTOC =
      Programs.upstream().resolve("reference/spans.gnutar.gzip6.tar.gz.65536.ztoc");

  @Test
  void writesTheBytesTarExtractsReadingOnlyTheSpansThatHoldThem() throws Exception {
    String name = "./big/mixed-1500000";
    byte[] expected = Programs.tool(LAYER.getParent(), "tar", "-xzOf", LAYER.toString(), name);

    Programs.Output out = Programs.run(ReadFile::main, LAYER.toString(), ZTOC.toString(), name);

    assertThat(out.stdout()).hasSize(1_440_000).isEqualTo(expected);
    long read = Long.parseLong(out.stderr().replaceFirst("^read (\\d+) of .*\\R$", "$1"));
    assertThat(read).isPositive().isLessThan(Files.size(LAYER) / 2);
    assertThat(out.stderr()).contains("of " + Files.size(LAYER) + " compressed bytes");
  }

  @Test
  void readsASmallFileFromOneSpan() throws Exception {
    byte[] expected =
        Programs.tool(LAYER.getParent(), "tar", "-xzOf", LAYER.toString(), "./tail/t01");

    Programs.Output out =
        Programs.run(ReadFile::main, LAYER.toString(), ZTOC.toString(), "./tail/t01");

    assertThat(out.stdout()).hasSize(1007).isEqualTo(expected);
    assertThat(out.stderr()).endsWith(" 1 spans inflated" + System.lineSeparator());
  }

  @Test
  void refusesAZtocOfAnotherLayer() throws Exception {
    Path other = Programs.upstream().resolve("reference/basic.gnutar.gzip6.tar.gz.65536.ztoc");
    Path otherLayer = Programs.upstream().resolve("layers/basic.gnutar.gzip6.tar.gz");

    assertThatThrownBy(
            () -> Programs.run(ReadFile::main, LAYER.toString(), other.toString(), "./tail/t01"))
        .isInstanceOf(ZtocException.class)
        .hasMessageContaining("the zTOC was built for a blob of " + Files.size(otherLayer));
  }
}
