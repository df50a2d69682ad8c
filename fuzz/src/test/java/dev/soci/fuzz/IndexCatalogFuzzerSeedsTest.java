package dev.soci.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.core.index.SociIndexCatalog;
import dev.soci.oci.SociIndex;
import dev.soci.oci.layout.OciLayout;
import java.io.InputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seeds of {@link IndexCatalogFuzzer} are the layouts they claim to be (the harness works). */
class IndexCatalogFuzzerSeedsTest {
  @TempDir Path tmp;

  private SociIndexCatalog scan(String seed) throws Exception {
    byte[] data;
    try (InputStream in = getClass().getResourceAsStream("IndexCatalogFuzzerInputs/fuzz/" + seed)) {
      data = in.readAllBytes();
    }
    Path dir = tmp.resolve(seed);
    IndexCatalogFuzzer.write(dir, data);
    return SociIndexCatalog.scan(OciLayout.open(dir));
  }

  @Test
  void seedsDescribeRealLayoutShapes() throws Exception {
    SociIndexCatalog v1 = scan("seed-v1-created");
    assertThat(v1.indexes())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.version()).isEqualTo(SociIndex.Version.V1);
              assertThat(e.listed()).isTrue();
              assertThat(e.imageRefs()).containsExactly("app");
            });
    assertThat(v1.ztocs()).hasSize(1);

    SociIndexCatalog v2 = scan("seed-v2-converted");
    assertThat(v2.indexes())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.version()).isEqualTo(SociIndex.Version.V2);
              assertThat(e.imageRefs()).containsExactly("app-soci");
            });

    SociIndexCatalog deep = scan("seed-chain-past-the-depth-bound");
    assertThat(deep.skipped()).singleElement().asString().contains("image \"deep\"");
    assertThat(deep.indexes()).hasSize(1);

    assertThat(scan("seed-lattice").manifestRefs()).hasSize(1);
  }
}
