package dev.soci.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI in-process: outputs, exit codes, one-line errors, no overwriting. */
class SociCommandTest {
  @TempDir Path tmp;

  record Result(int code, byte[] out, String err) {
    String outText() {
      return new String(out, StandardCharsets.UTF_8);
    }
  }

  static Result run(String... args) {
    return capture(() -> SociCommand.run(args));
  }

  /** Runs {@code command} with stdout and stderr captured. */
  static Result capture(java.util.function.IntSupplier command) {
    PrintStream savedOut = System.out;
    PrintStream savedErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = command.getAsInt();
      System.out.flush();
      return new Result(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(savedOut);
      System.setErr(savedErr);
    }
  }

  static Path data(String rel) {
    return Path.of(System.getProperty("soci.testdata")).resolve(rel);
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @Test
  void createWritesUpstreamBytesAndNeverOverwrites() throws Exception {
    Path layer = data("upstream/layers/basic.gnutar.gzip6.tar.gz");
    Path out = tmp.resolve("x.ztoc");
    Result r =
        run("ztoc", "create", layer.toString(), "--span-size", "65536", "-o", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    byte[] expected =
        Files.readAllBytes(data("upstream/reference/basic.gnutar.gzip6.tar.gz.65536.ztoc"));
    assertThat(Files.readAllBytes(out)).isEqualTo(expected);
    assertThat(r.outText())
        .contains("sha256:" + sha256(expected))
        .contains(String.valueOf(expected.length));

    Files.write(out, new byte[] {1, 2, 3});
    Result again = run("ztoc", "create", layer.toString(), "-o", out.toString());
    assertThat(again.code()).isNotZero();
    assertThat(again.err()).startsWith("error: ").contains("exists");
    assertThat(Files.readAllBytes(out)).containsExactly(1, 2, 3);

    Result forced =
        run(
            "ztoc",
            "create",
            layer.toString(),
            "--span-size",
            "65536",
            "-o",
            out.toString(),
            "--force");
    assertThat(forced.code()).isZero();
    assertThat(Files.readAllBytes(out)).isEqualTo(expected);
    try (var s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .containsExactly("x.ztoc"); // no temp files left
    }
  }

  @Test
  void infoPrintsUpstreamJson() throws Exception {
    Result r =
        run(
            "ztoc",
            "info",
            data("upstream/reference/spans.gnutar.gzip6.tar.gz.65536.ztoc").toString());
    assertThat(r.code()).isZero();
    assertThat(r.outText())
        .isEqualTo(
            Files.readString(data("upstream/reference/spans.gnutar.gzip6.tar.gz.65536.info.json")));
  }

  @Test
  void getFileToStdoutAndToAFile() throws Exception {
    String ztoc = data("upstream/reference/basic.gnutar.gzip6.tar.gz.65536.ztoc").toString();
    String layer = data("upstream/layers/basic.gnutar.gzip6.tar.gz").toString();
    Result info = run("ztoc", "info", ztoc);
    String name =
        info.outText()
            .replaceAll(
                "(?s).*?\"filename\": \"([^\"]+)\",\\s*\"offset\": \\d+,\\s*\"size\": [1-9].*",
                "$1");
    Result stdout = run("ztoc", "get-file", "--ztoc", ztoc, layer, name);
    assertThat(stdout.code()).as(stdout.err()).isZero();
    assertThat(stdout.out()).isNotEmpty();
    Path out = tmp.resolve("f");
    Result file = run("ztoc", "get-file", "--ztoc", ztoc, layer, name, "-o", out.toString());
    assertThat(file.code()).isZero();
    assertThat(Files.readAllBytes(out)).isEqualTo(stdout.out());
  }

  @Test
  void errorsAreOneLineWithoutStackTraceUnlessDebug() {
    Result bad =
        run(
            "ztoc",
            "create",
            data("upstream/bad/truncated-60pct.tar.gz").toString(),
            "-o",
            tmp.resolve("o").toString());
    assertThat(bad.code()).isNotZero();
    assertThat(bad.err()).startsWith("error: ").contains("offset");
    assertThat(bad.err().strip().lines()).hasSize(1);
    assertThat(tmp.resolve("o")).doesNotExist();

    Result debug =
        run(
            "--debug",
            "ztoc",
            "create",
            data("upstream/bad/truncated-60pct.tar.gz").toString(),
            "-o",
            tmp.resolve("o").toString());
    assertThat(debug.err()).contains("\tat ");

    Result missing = run("ztoc", "info", tmp.resolve("nope").toString());
    assertThat(missing.code()).isNotZero();
    assertThat(missing.err()).startsWith("error: ").contains("nope");
    assertThat(missing.err().strip().lines()).hasSize(1);

    Result notFound =
        run(
            "ztoc",
            "get-file",
            "--ztoc",
            data("upstream/reference/basic.gnutar.gzip6.tar.gz.65536.ztoc").toString(),
            data("upstream/layers/basic.gnutar.gzip6.tar.gz").toString(),
            "no/such");
    assertThat(notFound.err()).isEqualTo("error: file no/such does not exist in metadata\n");

    Result usage = run("ztoc", "create");
    assertThat(usage.code()).isNotZero();
    assertThat(usage.err()).startsWith("error: ");
  }

  @Test
  void demoRunsOnBuiltInData() {
    Result r = run("demo");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.outText())
        .contains("extracted")
        .contains("app/config.json")
        .contains("hello from a lazily loaded layer");
  }
}
