package dev.soci.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** containerd v2.2 IsLayerType and DiffCompression, as spec/index.md section 3 lists them. */
class MediaTypesTest {
  @Test
  void layerTypes() {
    assertThat(MediaTypes.isLayer(MediaTypes.OCI_LAYER_GZIP)).isTrue();
    assertThat(MediaTypes.isLayer("application/vnd.oci.image.layer.whatever")).isTrue();
    assertThat(MediaTypes.isLayer(MediaTypes.DOCKER_LAYER_GZIP + "+encrypted")).isTrue();
    assertThat(MediaTypes.isLayer(MediaTypes.DOCKER_FOREIGN_LAYER)).isTrue();
    assertThat(MediaTypes.isLayer("application/octet-stream")).isFalse();
    assertThat(MediaTypes.isLayer(MediaTypes.OCI_CONFIG)).isFalse();
  }

  @Test
  void diffCompression() {
    assertThat(MediaTypes.diffCompression(MediaTypes.OCI_LAYER_GZIP)).isEqualTo("gzip");
    assertThat(MediaTypes.diffCompression(MediaTypes.OCI_LAYER_ZSTD)).isEqualTo("zstd");
    assertThat(MediaTypes.diffCompression(MediaTypes.OCI_LAYER)).isEqualTo("");
    assertThat(MediaTypes.diffCompression(MediaTypes.OCI_LAYER + "+gzip+encrypted"))
        .isEqualTo("gzip");
    assertThat(MediaTypes.diffCompression(MediaTypes.OCI_LAYER + "+encrypted")).isEqualTo("");
    assertThat(MediaTypes.diffCompression(MediaTypes.OCI_LAYER_NONDISTRIBUTABLE_GZIP))
        .isEqualTo("gzip");
    assertThat(MediaTypes.diffCompression(MediaTypes.DOCKER_LAYER_GZIP)).isEqualTo("gzip");
    assertThat(MediaTypes.diffCompression(MediaTypes.DOCKER_LAYER_ZSTD)).isEqualTo("zstd");
    assertThat(MediaTypes.diffCompression(MediaTypes.DOCKER_LAYER)).isEqualTo("unknown");
    assertThat(MediaTypes.diffCompression(MediaTypes.DOCKER_FOREIGN_LAYER)).isEqualTo("unknown");
    assertThat(MediaTypes.diffCompression(MediaTypes.DOCKER_LAYER_GZIP + "+encrypted"))
        .isEqualTo("");
    assertThatThrownBy(
            () -> MediaTypes.diffCompression("application/vnd.oci.image.layer.v2.squashfs"))
        .hasMessageContaining("unrecognised");
  }
}
