package dev.soci.oci;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;

class DigestTest {
  @Test
  void sha256AndSha512() throws Exception {
    byte[] b = "{}".getBytes(UTF_8);
    assertThat(Digest.sha256(b))
        .isEqualTo(SociIndex.CONFIG_DIGEST)
        .hasToString("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
    Digest s512 = Digest.sha512("abc".getBytes(UTF_8));
    assertThat(s512.hex()).startsWith("ddaf35a193617aba").hasSize(128);
    assertThat(Digest.parse(s512.toString())).isEqualTo(s512);
    assertThat(Digest.compute(Digest.SHA512, new ByteArrayInputStream("abc".getBytes(UTF_8))))
        .isEqualTo(s512);
    Digester d = Digester.sha256();
    d.update(b, 0, 1);
    d.update(b, 1, 1);
    assertThat(d.count()).isEqualTo(2);
    assertThat(d.digest()).isEqualTo(Digest.sha256(b));
    assertThat(Digest.sha256(b).matches(b)).isTrue();
  }

  @Test
  void validation() {
    assertThat(Digest.isValid("sha256:" + "0".repeat(64))).isTrue();
    assertThat(Digest.isValid("sha256:" + "A".repeat(64))).isFalse();
    assertThat(Digest.isValid("sha512:" + "0".repeat(64))).isFalse();
    assertThat(Digest.isValid("latest")).isFalse();
    assertThatThrownBy(() -> Digest.parse("sha256"))
        .hasMessageContaining("expected <algorithm>:<hex>");
    assertThatThrownBy(() -> Digest.parse("sha1:" + "0".repeat(40)))
        .hasMessageContaining("unsupported");
  }
}
