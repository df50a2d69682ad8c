package dev.soci.cli;

import static dev.soci.cli.SociCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.ztoc.ZtocBuilder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code soci ztoc extract}, and the CLI on hostile input: one-line errors, nothing escapes. */
class ZtocExtractCommandTest {
  @TempDir Path tmp;

  private static Path layer() {
    return Path.of(
        System.getProperty("soci.testdata", "../testdata"),
        "upstream/layers/basic.gnutar.gzip6.tar.gz");
  }

  private Path ztoc(Path layer) throws Exception {
    Path z = tmp.resolve(layer.getFileName() + ".ztoc");
    Files.write(z, ZtocBuilder.withDefaults().build(layer).encode());
    return z;
  }

  @Test
  void extractsSafelyAndNeverOverwritesWithoutForce() throws Exception {
    Path layer = layer();
    Path z = ztoc(layer);
    Path out = tmp.resolve("out");
    SociCommandTest.Result r =
        run("ztoc", "extract", "--ztoc", z.toString(), layer.toString(), "-C", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.outText())
        .contains("extracted ")
        .contains("skipped 4 device files and fifos (use --devices)");
    assertThat(Files.size(out.resolve("data/s1048577"))).isEqualTo(1048577);
    assertThat(Files.readSymbolicLink(out.resolve("links/abs-symlink")).toString())
        .isEqualTo("/etc/hostname");

    SociCommandTest.Result again =
        run("ztoc", "extract", "--ztoc", z.toString(), layer.toString(), "-C", out.toString());
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err())
        .startsWith("error: refusing to overwrite existing ")
        .doesNotContain("\tat ");
    assertThat(again.err().lines()).hasSize(1);
    SociCommandTest.Result forced =
        run(
            "ztoc",
            "extract",
            "--ztoc",
            z.toString(),
            layer.toString(),
            "-C",
            out.toString(),
            "--force",
            "data/s512",
            "etc");
    assertThat(forced.code()).as(forced.err()).isZero();
  }

  @Test
  void aHostileLayerIsAOneLineError() throws Exception {
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    tar.writeBytes(ustarHeader("../escape"));
    tar.writeBytes(new byte[1024]);
    Path layer = Files.write(tmp.resolve("evil.tar"), tar.toByteArray());
    Path z = ztoc(layer);
    Path out = tmp.resolve("out");
    SociCommandTest.Result r =
        run("ztoc", "extract", "--ztoc", z.toString(), layer.toString(), "-C", out.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo(
            "error: refusing to extract \"../escape\": its name has a \"..\" component, which"
                + " could escape "
                + out.toRealPath()
                + "\n");
    assertThat(Files.exists(tmp.resolve("escape"))).isFalse();
  }

  /** A ustar header of an empty regular file. */
  private static byte[] ustarHeader(String name) {
    byte[] h = new byte[512];
    String[][] fields = {
      {"0", name},
      {"100", "0000644"},
      {"108", "0000000"},
      {"116", "0000000"},
      {"124", "00000000000"},
      {"136", "14525301160"},
      {"156", "0"},
      {"257", "ustar"},
      {"263", "00"}
    };
    for (String[] f : fields) {
      byte[] b = f[1].getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(b, 0, h, Integer.parseInt(f[0]), b.length);
    }
    Arrays.fill(h, 148, 156, (byte) ' ');
    int sum = 0;
    for (byte b : h) {
      sum += b & 0xFF;
    }
    byte[] chk = String.format("%06o\0", sum).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(chk, 0, h, 148, chk.length);
    return h;
  }

  @Test
  void hostileZtocsAreOneLineErrors() throws Exception {
    Path layer = layer();
    byte[] good = Files.readAllBytes(ztoc(layer));
    Path truncated =
        Files.write(tmp.resolve("truncated.ztoc"), Arrays.copyOf(good, good.length / 2));
    Path garbage =
        Files.write(tmp.resolve("garbage.ztoc"), "not a ztoc".getBytes(StandardCharsets.US_ASCII));
    for (Path bad : new Path[] {truncated, garbage}) {
      for (String[] args :
          new String[][] {
            {"ztoc", "info", bad.toString()},
            {"ztoc", "get-file", "--ztoc", bad.toString(), layer.toString(), "etc/one"},
            {
              "ztoc",
              "extract",
              "--ztoc",
              bad.toString(),
              layer.toString(),
              "-C",
              tmp.resolve("o").toString()
            }
          }) {
        SociCommandTest.Result r = run(args);
        assertThat(r.code()).as(String.join(" ", args)).isEqualTo(1);
        assertThat(r.err()).startsWith("error: malformed zTOC").hasLineCount(1);
      }
    }
  }
}
