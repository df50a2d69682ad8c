package dev.soci.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.soci.core.BlobSource;
import dev.soci.core.SeekableLayer;
import dev.soci.ztoc.EntryType;
import dev.soci.ztoc.FileMetadata;
import dev.soci.ztoc.Ztoc;
import dev.soci.ztoc.ZtocBuilder;
import dev.soci.ztoc.ZtocException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * The whole pipeline on an arbitrary layer blob: {@link ZtocBuilder} (gzip decoder, checkpoints,
 * span digests, tar parser in one pass) with a small span size, then every file read back through
 * {@link SeekableLayer} (resume at checkpoints, digest and header checks). Invariants: only {@link
 * ZtocException}s escape; a zTOC that builds also encodes and decodes; every file read back is
 * exactly the bytes of the uncompressed tar at its offset.
 */
class ZtocBuilderFuzzer {
  private static final int MAX_UNCOMPRESSED = 1 << 20;

  public static void fuzzerTestOneInput(byte[] data) {
    byte[] tar = plain(data);
    if (tar == TOO_LARGE) {
      return; // a bomb beyond the budget: not worth building
    }
    Ztoc z;
    try {
      z = ZtocBuilder.withDefaults().spanSize(1024).build(new ByteArrayInputStream(data));
      z = Ztoc.decode(z.encode());
    } catch (ZtocException e) {
      Findings.checkMessage(e);
      return;
    } catch (IOException e) {
      throw Findings.undocumented(e);
    }
    Findings.check(tar != CORRUPT, "the builder indexed a gzip stream the JDK cannot read");
    try (SeekableLayer l = SeekableLayer.open(BlobSource.of(data), z)) {
      for (FileMetadata f : z.files()) {
        if (f.type() != EntryType.REG) {
          continue;
        }
        byte[] got;
        try (InputStream in = l.openFile(f)) {
          got = in.readAllBytes();
        }
        int off = (int) f.uncompressedOffset();
        Findings.check(
            Arrays.equals(got, Arrays.copyOfRange(tar, off, off + (int) f.uncompressedSize())),
            "read back different bytes for " + f);
      }
    } catch (IOException e) {
      throw new AssertionError(
          "a layer the builder indexed cannot be read back through its zTOC: " + e, e);
    }
  }

  @FuzzTest
  void fuzz(byte[] data) {
    fuzzerTestOneInput(data);
  }

  private static final byte[] TOO_LARGE = new byte[0];
  private static final byte[] CORRUPT = new byte[0];

  /** The uncompressed bytes as the JDK sees them, or {@link #TOO_LARGE} or {@link #CORRUPT}. */
  private static byte[] plain(byte[] data) {
    if (data.length < 2 || (data[0] & 0xFF) != 0x1f || (data[1] & 0xFF) != 0x8b) {
      return data;
    }
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
      byte[] b = in.readNBytes(MAX_UNCOMPRESSED + 1);
      return b.length > MAX_UNCOMPRESSED ? TOO_LARGE : b;
    } catch (IOException e) {
      return CORRUPT;
    }
  }
}
