package dev.soci.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** containerd platforms rules: parse, normalize, strict match, format. */
class PlatformTest {
  @Test
  void parseNormalizesAsContainerd() {
    assertThat(Platform.parse("linux/amd64")).isEqualTo(Platform.of("linux", "amd64"));
    assertThat(Platform.parse("linux/x86_64")).isEqualTo(Platform.of("linux", "amd64"));
    assertThat(Platform.parse("Linux/AArch64")).isEqualTo(Platform.of("linux", "arm64"));
    assertThat(Platform.parse("linux/arm64/v8")).isEqualTo(Platform.of("linux", "arm64", "v8"));
    assertThat(Platform.parse("linux/arm64/8").format()).isEqualTo("linux/arm64/v8");
    assertThat(Platform.parse("linux/arm")).isEqualTo(Platform.of("linux", "arm"));
    assertThat(Platform.parse("linux/arm/v6")).isEqualTo(Platform.of("linux", "arm", "v6"));
    assertThat(Platform.parse("linux/armhf")).isEqualTo(Platform.of("linux", "arm"));
    assertThat(Platform.parse("macos/arm64").os()).isEqualTo("darwin");
    assertThat(Platform.parse("windows(10.0.17763+win32k)/amd64"))
        .isEqualTo(new Platform("amd64", "windows", "10.0.17763", List.of("win32k"), ""));
    assertThat(Platform.parse("linux").os()).isEqualTo("linux");
    assertThat(Platform.parse("arm64").architecture()).isEqualTo("arm64");
    assertThatThrownBy(() -> Platform.parse("linux/*")).hasMessageContaining("wildcards");
    assertThatThrownBy(() -> Platform.parse("nonsense"))
        .hasMessageContaining("unknown operating system");
    assertThatThrownBy(() -> Platform.parse("linux/am d64"))
        .hasMessageContaining("invalid component");
    assertThatThrownBy(() -> Platform.parse("a/b/c/d")).hasMessageContaining("cannot parse");
  }

  @Test
  void strictMatchAfterNormalization() {
    Platform arm64 = Platform.parse("linux/arm64");
    assertThat(arm64.matches(Platform.of("linux", "arm64", "v8"))).isTrue();
    assertThat(Platform.parse("linux/arm64/v8").matches(Platform.of("linux", "aarch64"))).isTrue();
    assertThat(Platform.parse("linux/arm/v7").matches(Platform.of("linux", "arm"))).isTrue();
    assertThat(Platform.parse("linux/arm/v7").matches(Platform.of("linux", "arm", "v6"))).isFalse();
    assertThat(Platform.parse("linux/amd64").matches(Platform.of("linux", "amd64", "v1"))).isTrue();
    assertThat(Platform.parse("linux/amd64").matches(Platform.of("linux", "amd64", "v3")))
        .isFalse();
    assertThat(Platform.parse("linux/amd64").matches(Platform.of("linux", "arm64"))).isFalse();
    assertThat(Platform.of("unknown", "unknown").matches(Platform.of("linux", "amd64"))).isFalse();
    Platform withFeatures = Platform.of("linux", "amd64").withOsFeatures(List.of("b", "a"));
    assertThat(withFeatures.matches(Platform.of("linux", "amd64").withOsFeatures(List.of("a"))))
        .isTrue();
    assertThat(Platform.of("linux", "amd64").matches(withFeatures)).isFalse();
  }

  @Test
  void formatIsContainerdsFormat() {
    assertThat(Platform.of("linux", "arm64", "v8").format()).isEqualTo("linux/arm64/v8");
    assertThat(Platform.of("linux", "amd64")).hasToString("linux/amd64");
    assertThat(Platform.of("", "amd64").format()).isEqualTo("unknown");
    assertThat(Platform.of("linux", "", "v7").format()).isEqualTo("linux/v7");
    assertThat(Platform.host().os()).isNotEmpty();
  }
}
