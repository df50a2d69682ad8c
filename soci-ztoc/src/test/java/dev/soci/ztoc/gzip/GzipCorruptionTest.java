package dev.soci.ztoc.gzip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.soci.ztoc.GzipFormatException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

/**
 * Differential tests against zlib (java.util.zip.Inflater): on corrupted deflate data we fail
 * exactly when zlib fails and otherwise produce zlib's bytes; truncation anywhere is an error.
 */
class GzipCorruptionTest {

  static byte[] decode(byte[] gz) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new GzipDecoder(new ByteArrayInputStream(gz)).decode((b, o, l) -> out.write(b, o, l));
    return out.toByteArray();
  }

  /** zlib's verdict on raw deflate data: its output and how many input bytes it used, or null. */
  record ZlibResult(byte[] out, int consumed) {}

  static ZlibResult zlib(byte[] deflate) {
    Inflater inf = new Inflater(true);
    try {
      inf.setInput(deflate);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[65536];
      while (!inf.finished()) {
        int n = inf.inflate(buf);
        if (n == 0 && !inf.finished() && (inf.needsInput() || inf.needsDictionary())) {
          return null; // truncated
        }
        out.write(buf, 0, n);
        if (out.size() > 50_000_000) {
          return null;
        }
      }
      return new ZlibResult(out.toByteArray(), deflate.length - inf.getRemaining());
    } catch (DataFormatException e) {
      return null;
    } finally {
      inf.end();
    }
  }

  static byte[] gzipOf(byte[] deflate, int len, byte[] plain) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3}, 0, 10);
    b.write(deflate, 0, len);
    CRC32 c = new CRC32();
    c.update(plain);
    for (int i = 0; i < 4; i++) {
      b.write((int) (c.getValue() >>> (8 * i)));
    }
    for (int i = 0; i < 4; i++) {
      b.write(plain.length >>> (8 * i));
    }
    return b.toByteArray();
  }

  @Test
  void mutatedStreamsFailExactlyWhenZlibFails() throws IOException {
    Random r = new Random(1234);
    byte[] plain = GzipProducers.payload(7, 200_000);
    int agreedOk = 0;
    int agreedBad = 0;
    for (int level : new int[] {1, 6, 9}) {
      byte[] gz = GzipProducers.jdk(plain, level, level == 6 ? 30_000 : 0);
      byte[] deflate = Arrays.copyOfRange(gz, 10, gz.length - 8);
      for (int i = 0; i < 700; i++) {
        byte[] m = deflate.clone();
        int flips = 1 + r.nextInt(3);
        for (int f = 0; f < flips; f++) {
          // Mostly near the start, where block headers and code tables are.
          int at = r.nextInt(4) == 0 ? r.nextInt(m.length) : r.nextInt(Math.min(m.length, 400));
          m[at] ^= (byte) (1 << r.nextInt(8));
        }
        ZlibResult z = zlib(m);
        if (z == null) {
          byte[] candidate = gzipOf(m, m.length, new byte[0]);
          assertThatThrownBy(() -> decode(candidate))
              .as("mutation %d level %d", i, level)
              .isInstanceOf(GzipFormatException.class);
          agreedBad++;
        } else {
          byte[] candidate = gzipOf(m, z.consumed(), z.out());
          try {
            assertThat(decode(candidate)).as("mutation %d level %d", i, level).isEqualTo(z.out());
          } catch (GzipFormatException e) {
            fail(
                "zlib accepted mutation "
                    + i
                    + " at level "
                    + level
                    + " but we failed: "
                    + e.getMessage());
          }
          agreedOk++;
        }
      }
    }
    assertThat(agreedBad).isGreaterThan(100);
    assertThat(agreedOk).isGreaterThan(10);
  }

  @Test
  void everyTruncationIsAnError() throws IOException {
    byte[] plain = GzipProducers.payload(3, 40_000);
    byte[] first = GzipProducers.jdk(plain, 6, 10_000);
    byte[] gz = GzipProducers.concat(first, GzipProducers.jdk(plain, 1, 0));
    for (int len = 0; len < gz.length; len++) {
      if (len == first.length) {
        continue; // a complete first member is a valid stream
      }
      byte[] cut = Arrays.copyOf(gz, len);
      assertThatThrownBy(() -> decode(cut))
          .as("cut at %d", len)
          .isInstanceOf(GzipFormatException.class)
          .hasMessageContaining("offset");
    }
    assertThat(decode(gz)).hasSize(plain.length * 2);
  }

  @Test
  void trailerAndHeaderChecks() {
    byte[] plain = GzipProducers.payload(5, 10_000);
    byte[] gz = GzipProducers.jdk(plain, 6, 0);
    byte[] badCrc = gz.clone();
    badCrc[gz.length - 8] ^= 1;
    assertThatThrownBy(() -> decode(badCrc))
        .isInstanceOf(GzipFormatException.class)
        .hasMessageContaining("data check");
    byte[] badSize = gz.clone();
    badSize[gz.length - 1] ^= 1;
    assertThatThrownBy(() -> decode(badSize))
        .isInstanceOf(GzipFormatException.class)
        .hasMessageContaining("length check");
    byte[] badMethod = gz.clone();
    badMethod[2] = 7;
    assertThatThrownBy(() -> decode(badMethod)).hasMessageContaining("compression method");
    byte[] reservedFlag = gz.clone();
    reservedFlag[3] = (byte) 0x20;
    assertThatThrownBy(() -> decode(reservedFlag)).hasMessageContaining("flags");
    byte[] hcrc = GzipProducers.withHeader(plain, true, true, true, true);
    byte[] badHcrc = hcrc.clone();
    badHcrc[12] ^= 1; // inside the extra field
    assertThatThrownBy(() -> decode(badHcrc)).hasMessageContaining("header crc");
    byte[] garbage = GzipProducers.concat(gz, new byte[] {0, 0, 0, 0});
    assertThatThrownBy(() -> decode(garbage))
        .hasMessageContaining("trailing garbage")
        .hasMessageContaining("offset " + gz.length);
    assertThatThrownBy(() -> decode(new byte[0])).hasMessageContaining("empty");
    assertThatThrownBy(() -> decode("not gzip at all".getBytes()))
        .hasMessageContaining("not a gzip");
  }

  @Test
  void handMadeInvalidBlocksNameZlibsReason() {
    // BFINAL=1, BTYPE=11: invalid block type.
    assertThatThrownBy(() -> decode(gzipOf(new byte[] {0x07, 0, 0, 0}, 4, new byte[0])))
        .hasMessageContaining("invalid block type");
    // Stored block whose NLEN is not the complement of LEN.
    assertThatThrownBy(
            () -> decode(gzipOf(new byte[] {0x01, 5, 0, 5, 0, 1, 2, 3, 4, 5}, 10, new byte[0])))
        .hasMessageContaining("invalid stored block lengths");
    // Fixed block starting with a match (distance 1) with no history: too far back.
    PrimePrefix.BitWriter w = new PrimePrefix.BitWriter(8);
    w.bits(1, 1);
    w.bits(1, 2);
    w.code(1, 7); // length symbol 257 (3)
    w.code(0, 5); // distance code 0 (1)
    w.code(0, 7); // end of block
    byte[] data = w.bytes();
    assertThatThrownBy(() -> decode(gzipOf(data, data.length, new byte[0])))
        .hasMessageContaining("too far back");
  }

  @Test
  void emptyDeflateBlocksOfThePrimePrefixDecode() throws Exception {
    for (int bits = 1; bits < 8; bits++) {
      byte[] prefix = PrimePrefix.forCheckpoint(bits, 0);
      // Complete the partial byte with a final empty fixed block.
      byte[] stream = Arrays.copyOf(prefix, prefix.length + 2);
      // After the prefix, `bits` bits of the last byte are free: our final block must start there.
      PrimePrefix.BitWriter tail = new PrimePrefix.BitWriter(3);
      tail.bits(0, 8 - bits); // skip the prefix's bits in that byte
      tail.bits(1, 1);
      tail.bits(1, 2);
      tail.code(0, 7);
      byte[] t = tail.bytes();
      stream[prefix.length - 1] |= t[0];
      stream[prefix.length] = t[1];
      stream[prefix.length + 1] = t[2];
      assertThat(zlib(stream)).as("bits=%d", bits).isNotNull();
      assertThat(zlib(stream).out()).isEmpty();
      assertThat(decode(gzipOf(stream, zlib(stream).consumed(), new byte[0]))).isEmpty();
    }
  }
}
