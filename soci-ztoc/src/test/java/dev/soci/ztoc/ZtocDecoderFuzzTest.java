package dev.soci.ztoc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.soci.ztoc.zinfo.TarZinfo;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property: for any mutation of a valid zTOC (bit flips, truncations, splices, huge lengths),
 * {@link Ztoc#decode} either succeeds or throws {@link MalformedZtocException}; nothing else
 * escapes, and it is quick. What decodes must also encode and give the same model back.
 */
class ZtocDecoderFuzzTest {
  private static final int MUTATIONS = 2000;
  private static final long SEED = 0x50C1_2026L;

  static Stream<Arguments> seeds() {
    Ztoc rich =
        ZtocDecoderValidationTest.valid(
                List.of(
                    ZtocVectorsTest.r1(),
                    ZtocVectorsTest.r2(),
                    ZtocVectorsTest.r3(),
                    ZtocVectorsTest.r4(),
                    ZtocVectorsTest.r5()))
            .checkpoints(TarZinfo.of(1024, 8192).toBytes())
            .maxSpanId(7)
            .spanDigests(
                java.util.stream.IntStream.range(0, 8)
                    .mapToObj(ZtocDecoderValidationTest::digest)
                    .toList())
            .compressedArchiveSize(8192)
            .uncompressedArchiveSize(8192)
            .build();
    return Stream.of(
        Arguments.of("rich-entries", rich.encode()),
        Arguments.of(
            "small.gnutar.uncompressed",
            read("upstream", "reference", "small.gnutar.uncompressed.tar.65536.ztoc")),
        Arguments.of(
            "special.rawtar",
            read("upstream", "reference", "special.rawtar.pygzip6.tar.gz.65536.ztoc")),
        Arguments.of("expected-basic.tar", read("vectors", "expected-basic.tar.ztoc")),
        Arguments.of("expected-text.tar", read("vectors", "expected-text.tar.ztoc")),
        Arguments.of("legacy-v1", read("upstream-v1", "basic.gnutar.gzip6.tar.gz.4194304.ztoc")));
  }

  private static byte[] read(String first, String... more) {
    return TestData.read(TestData.path(first, more));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("seeds")
  @Timeout(60)
  void mutationsEitherDecodeOrFailCleanly(String name, byte[] original) throws Exception {
    Ztoc.decode(original); // the seed itself is valid
    SplittableRandom rnd = new SplittableRandom(SEED ^ name.hashCode());
    int decoded = 0;
    for (int i = 0; i < MUTATIONS; i++) {
      byte[] mutated = mutate(original, rnd);
      long t0 = System.nanoTime();
      try {
        Ztoc z = Ztoc.decode(mutated);
        decoded++;
        byte[] again = z.encode();
        assertThat(Ztoc.decode(again).files()).isEqualTo(z.files());
      } catch (MalformedZtocException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      } catch (Throwable t) {
        fail(
            "mutation "
                + i
                + " of "
                + name
                + " leaked "
                + t
                + "; input (base64, keep it as a regression fixture): "
                + java.util.Base64.getEncoder().encodeToString(mutated),
            t);
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(ms).as("mutation %d of %s took %d ms", i, name, ms).isLessThan(2_000);
    }
    // Sanity: the mutations are not all fatal (some only touch data the decoder accepts).
    assertThat(decoded).isPositive().isLessThan(MUTATIONS);
  }

  static byte[] mutate(byte[] in, SplittableRandom rnd) {
    byte[] b = in.clone();
    int kind = rnd.nextInt(7);
    switch (kind) {
      case 0 -> { // flip 1..8 random bits
        int flips = 1 + rnd.nextInt(8);
        for (int k = 0; k < flips; k++) {
          int at = rnd.nextInt(b.length);
          b[at] ^= (byte) (1 << rnd.nextInt(8));
        }
      }
      case 1 -> { // truncate
        b = Arrays.copyOf(b, rnd.nextInt(b.length));
      }
      case 2 -> { // splice: copy a chunk of the buffer over another place
        int len = 1 + rnd.nextInt(Math.min(64, b.length));
        int from = rnd.nextInt(b.length - len + 1);
        int to = rnd.nextInt(b.length - len + 1);
        System.arraycopy(in, from, b, to, len);
      }
      case 3 -> { // a huge or boundary 32-bit value at a 4-aligned position (vector lengths,
        // offsets)
        int[] values = {
          0x7FFF_FFFF, 0xFFFF_FFFF, 0x8000_0000, 0x4000_0000, b.length, b.length - 3, -4, 0, 1
        };
        int at = rnd.nextInt(b.length / 4) * 4;
        int v = values[rnd.nextInt(values.length)];
        for (int k = 0; k < 4 && at + k < b.length; k++) {
          b[at + k] = (byte) (v >>> (8 * k));
        }
      }
      case 4 -> { // a 16-bit value (vtable entries)
        int at = rnd.nextInt(b.length / 2) * 2;
        int v =
            switch (rnd.nextInt(4)) {
              case 0 -> 0xFFFF;
              case 1 -> 0;
              case 2 -> rnd.nextInt(64);
              default -> 0x8000;
            };
        b[at] = (byte) v;
        if (at + 1 < b.length) {
          b[at + 1] = (byte) (v >>> 8);
        }
      }
      case 5 -> { // insert or delete a few bytes
        int at = rnd.nextInt(b.length);
        int n = 1 + rnd.nextInt(8);
        if (rnd.nextBoolean()) {
          byte[] out = new byte[b.length + n];
          System.arraycopy(b, 0, out, 0, at);
          for (int k = 0; k < n; k++) {
            out[at + k] = (byte) rnd.nextInt(256);
          }
          System.arraycopy(b, at, out, at + n, b.length - at);
          b = out;
        } else {
          n = Math.min(n, b.length - at);
          byte[] out = new byte[b.length - n];
          System.arraycopy(b, 0, out, 0, at);
          System.arraycopy(b, at + n, out, at, b.length - at - n);
          b = out;
        }
      }
      default -> { // random bytes over a random range
        int len = 1 + rnd.nextInt(Math.min(16, b.length));
        int at = rnd.nextInt(b.length - len + 1);
        for (int k = 0; k < len; k++) {
          b[at + k] = (byte) rnd.nextInt(256);
        }
      }
    }
    return b;
  }
}
