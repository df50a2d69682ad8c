package dev.soci.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.oci.Digest;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ImageReferenceTest {
  private static final String HEX = "a".repeat(64);

  @Test
  void parsesDockerForms() {
    ImageReference r = ImageReference.parse("127.0.0.1:5000/team/app:v1");
    assertThat(r.registry()).isEqualTo("127.0.0.1:5000");
    assertThat(r.repository()).isEqualTo("team/app");
    assertThat(r.tag()).isEqualTo("v1");
    assertThat(r.digest()).isNull();
    assertThat(r.reference()).isEqualTo("v1");

    ImageReference hub = ImageReference.parse("busybox");
    assertThat(hub.registry()).isEqualTo("docker.io");
    assertThat(hub.repository()).isEqualTo("library/busybox");
    assertThat(hub.tag()).isEqualTo("latest");
    assertThat(hub.apiHost()).isEqualTo("registry-1.docker.io");

    assertThat(ImageReference.parse("user/app").repository()).isEqualTo("user/app");
    assertThat(ImageReference.parse("index.docker.io/user/app").registry()).isEqualTo("docker.io");
    assertThat(ImageReference.parse("localhost/app").registry()).isEqualTo("localhost");
    assertThat(ImageReference.parse("Host/app").registry()).isEqualTo("Host");
    assertThat(ImageReference.parse("[::1]:5000/app:x").registry()).isEqualTo("[::1]:5000");

    ImageReference d = ImageReference.parse("ghcr.io/a/b/c@sha256:" + HEX);
    assertThat(d.tag()).isNull();
    assertThat(d.digest()).isEqualTo(Digest.parse("sha256:" + HEX));
    assertThat(d.reference()).isEqualTo("sha256:" + HEX);

    ImageReference both = ImageReference.parse("host:1/a:t@sha256:" + HEX);
    assertThat(both.tag()).isEqualTo("t");
    assertThat(both.reference()).isEqualTo("sha256:" + HEX);
    assertThat(both.toString()).isEqualTo("host:1/a:t@sha256:" + HEX);
  }

  @Test
  void localhostWithPortAloneIsARepositoryWithATag() {
    // Docker's grammar: no slash means no registry part
    ImageReference r = ImageReference.parse("localhost:5000");
    assertThat(r.registry()).isEqualTo("docker.io");
    assertThat(r.repository()).isEqualTo("library/localhost");
    assertThat(r.tag()).isEqualTo("5000");
  }

  @Test
  void rejectsInvalidReferences() {
    for (String bad :
        new String[] {
          "",
          "host:5000/UPPER",
          "host/a//b",
          "host/-a",
          "host/a:",
          "host/a:-tag",
          "host/a@sha256:short",
          "host/a@",
          "host/a:" + "t".repeat(129),
          "ho_st:1/a",
          "host/" + "a".repeat(300),
          "host/a b"
        }) {
      assertThatThrownBy(() -> ImageReference.parse(bad), bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("invalid image reference");
    }
  }

  @Test
  void roundTripsGeneratedReferences() {
    Random rnd = new Random(42);
    for (int i = 0; i < 2000; i++) {
      String host = word(rnd, "abcdefghij0123456789") + "." + word(rnd, "abcxyz");
      if (rnd.nextBoolean()) {
        host += ":" + (1 + rnd.nextInt(65535));
      }
      StringBuilder path = new StringBuilder(word(rnd, "abc123"));
      for (int k = rnd.nextInt(3); k > 0; k--) {
        path.append(
                rnd.nextBoolean() ? "/" : new String[] {".", "_", "__", "-", "--"}[rnd.nextInt(5)])
            .append(word(rnd, "xyz789"));
      }
      String tag = rnd.nextBoolean() ? word(rnd, "ABCabc_019") + "-." + word(rnd, "z") : null;
      Digest digest =
          rnd.nextBoolean() || tag == null ? Digest.sha256(new byte[] {(byte) i}) : null;
      ImageReference ref = new ImageReference(host, path.toString(), tag, digest);
      assertThat(ImageReference.parse(ref.toString())).isEqualTo(ref);
    }
  }

  @Test
  void randomTextNeverFailsOtherThanIllegalArgument() {
    Random rnd = new Random(7);
    String alphabet = "abAB09:/@._-[]% \u00e9sha256";
    for (int i = 0; i < 20000; i++) {
      String s = word(rnd, alphabet);
      try {
        ImageReference r = ImageReference.parse(s);
        assertThat(ImageReference.parse(r.toString())).isEqualTo(r);
      } catch (IllegalArgumentException e) {
        assertThat(e.getMessage()).startsWith("invalid image reference");
      }
    }
  }

  private static String word(Random rnd, String alphabet) {
    int n = 1 + rnd.nextInt(8);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
    }
    return b.toString();
  }
}
