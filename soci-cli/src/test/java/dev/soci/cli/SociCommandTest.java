package dev.soci.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
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
  void getFileToStdoutAndToAFileGivesTheTarsBytes() throws Exception {
    String ztoc = data("upstream/reference/basic.gnutar.gzip6.tar.gz.65536.ztoc").toString();
    Path layer = data("upstream/layers/basic.gnutar.gzip6.tar.gz");
    byte[] tar;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(layer))) {
      tar = in.readAllBytes();
    }
    Result info = run("ztoc", "info", ztoc);
    // Every regular file with content: get-file must give exactly its bytes in the tar.
    Matcher m =
        Pattern.compile(
                "\"filename\": \"([^\"]+)\",\\s*\"offset\": (\\d+),\\s*\"size\": ([1-9]\\d*)")
            .matcher(info.outText());
    int files = 0;
    while (m.find()) {
      String name = m.group(1);
      int offset = Integer.parseInt(m.group(2));
      byte[] expected = Arrays.copyOfRange(tar, offset, offset + Integer.parseInt(m.group(3)));
      Result stdout = run("ztoc", "get-file", "--ztoc", ztoc, layer.toString(), name);
      assertThat(stdout.code()).as(stdout.err()).isZero();
      assertThat(stdout.out()).as(name).isEqualTo(expected);
      Path out = tmp.resolve("f" + files);
      Result file =
          run("ztoc", "get-file", "--ztoc", ztoc, layer.toString(), name, "-o", out.toString());
      assertThat(file.code()).as(file.err()).isZero();
      assertThat(Files.readAllBytes(out)).as(name).isEqualTo(expected);
      files++;
    }
    assertThat(files).as("files with content in the zTOC").isPositive();
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
