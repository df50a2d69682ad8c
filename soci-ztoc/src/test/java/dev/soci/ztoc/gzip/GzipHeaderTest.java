package dev.soci.ztoc.gzip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.ztoc.GzipFormatException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * Property test of the one gzip header parser: for random headers with every combination of FTEXT,
 * FHCRC, FEXTRA, FNAME and FCOMMENT, the in-memory {@link GzipHeader#length} finds the header's
 * exact length (and -1 for every proper prefix), the streaming decoder decodes the member behind
 * it, and the JDK's reader agrees that the stream is valid.
 */
class GzipHeaderTest {
  private static final byte[] EMPTY_DEFLATE = {3, 0}; // one final fixed block, end-of-block only
  private static final byte[] EMPTY_TRAILER = new byte[8]; // CRC-32 0, ISIZE 0

  @Test
  void everyFlagCombinationParsesToItsExactLength() throws IOException {
    Random r = new Random(12);
    for (int round = 0; round < 300; round++) {
      int flags = r.nextInt(32);
      byte[] header = header(r, flags);
      assertThat(GzipHeader.length(header, 0, header.length, 0))
          .as("flags %s", flags)
          .isEqualTo(header.length);
      for (int cut = 0; cut < header.length; cut++) {
        assertThat(GzipHeader.length(header, 0, cut, 0)).as("prefix %d", cut).isEqualTo(-1);
      }
      byte[] gz = concat(header, EMPTY_DEFLATE, EMPTY_TRAILER);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      new GzipDecoder(new ByteArrayInputStream(gz)).decode((b, o, l) -> out.write(b, o, l));
      assertThat(out.size()).isZero();
      try (GZIPInputStream jdk = new GZIPInputStream(new ByteArrayInputStream(gz))) {
        assertThat(jdk.readAllBytes()).isEmpty();
      }
    }
  }

  @Test
  void aWrongHeaderCrcIsReportedAtTheCrcField() {
    byte[] header = header(new Random(3), GzipHeader.FHCRC | GzipHeader.FNAME);
    header[header.length - 1] ^= 1;
    assertThatThrownBy(() -> GzipHeader.length(header, 0, header.length, 1000))
        .isInstanceOf(GzipFormatException.class)
        .hasMessageContaining("header crc mismatch")
        .satisfies(
            e ->
                assertThat(((GzipFormatException) e).offset()).isEqualTo(1000 + header.length - 2));
  }

  @Test
  void theStreamingDecoderNamesThePartAStreamEndsIn() {
    byte[] header = header(new Random(5), GzipHeader.FNAME);
    byte[] cut = Arrays.copyOf(header, header.length - 1); // the name's NUL is missing
    assertThatThrownBy(() -> new GzipDecoder(new ByteArrayInputStream(cut)).decode((b, o, l) -> {}))
        .isInstanceOf(GzipFormatException.class)
        .hasMessageContaining("file name")
        .satisfies(e -> assertThat(((GzipFormatException) e).offset()).isEqualTo(cut.length));
  }

  private static byte[] header(Random r, int flags) {
    ByteArrayOutputStream h = new ByteArrayOutputStream();
    h.write(GzipHeader.ID1);
    h.write(GzipHeader.ID2);
    h.write(GzipHeader.CM_DEFLATE);
    h.write(flags);
    for (int i = 0; i < 6; i++) {
      h.write(r.nextInt(256)); // MTIME, XFL, OS
    }
    if ((flags & GzipHeader.FEXTRA) != 0) {
      int xlen = r.nextInt(3) == 0 ? 0 : r.nextInt(300);
      h.write(xlen & 0xFF);
      h.write(xlen >> 8);
      for (int i = 0; i < xlen; i++) {
        h.write(r.nextInt(256));
      }
    }
    for (int flag : new int[] {GzipHeader.FNAME, GzipHeader.FCOMMENT}) {
      if ((flags & flag) != 0) {
        int n = r.nextInt(20);
        for (int i = 0; i < n; i++) {
          h.write(1 + r.nextInt(255));
        }
        h.write(0);
      }
    }
    if ((flags & GzipHeader.FHCRC) != 0) {
      CRC32 crc = new CRC32();
      crc.update(h.toByteArray());
      int v = (int) crc.getValue();
      h.write(v & 0xFF);
      h.write(v >> 8 & 0xFF);
    }
    return h.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
