package dev.soci.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.ztoc.Ztoc;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexLayerTest {
  @Test
  void writesTheZtocUpstreamWrites(@TempDir Path dir) throws Exception {
    Path testdata = Path.of(System.getProperty("soci.testdata"), "upstream");
    Path layer = testdata.resolve("layers/basic.gnutar.gzip6.tar.gz");
    Path out = dir.resolve("layer.ztoc");

    IndexLayer.main(new String[] {layer.toString(), out.toString()});

    byte[] expected =
        Files.readAllBytes(testdata.resolve("reference/basic.gnutar.gzip6.tar.gz.4194304.ztoc"));
    assertThat(Files.readAllBytes(out)).isEqualTo(expected);
    assertThat(Ztoc.read(out).files()).isNotEmpty();
  }
}
