package dev.soci.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.soci.core.BlobSource;
import dev.soci.core.SeekableLayer;
import dev.soci.fuzz.Findings.Sink;
import dev.soci.ztoc.CompressionAlgorithm;
import dev.soci.ztoc.EntryType;
import dev.soci.ztoc.FileMetadata;
import dev.soci.ztoc.MalformedZtocException;
import dev.soci.ztoc.Ztoc;
import dev.soci.ztoc.ZtocBuilder;
import dev.soci.ztoc.ZtocException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Reading files through a hostile zTOC from a fixed, genuine layer (a small plain tar or a small
 * gzip layer, chosen by the zTOC's compression algorithm). Each input is read twice:
 *
 * <ol>
 *   <li>as decoded, checkpoints and digests included: only {@link ZtocException}s escape, and
 *       nothing hangs or reads outside the blob;
 *   <li>with its TOC (and sizes) kept but the layer's genuine checkpoints and span digests put
 *       back, which is what an attacker who can alter only the TOC controls: every byte a read
 *       returns must be the content of the file of that name in the layer. A forged offset, size or
 *       name must fail, never return another file's bytes.
 * </ol>
 */
class SeekableLayerFuzzer {
  private static final Layer TAR = Layer.load("layers/basic-shrunk.tar");
  private static final Layer GZIP = Layer.load("layers/special-shrunk.tar.gz");
  private static final int MAX_ENTRIES = 64;

  public static void fuzzerTestOneInput(byte[] data) {
    Ztoc z;
    try {
      z = Ztoc.decode(data);
    } catch (MalformedZtocException e) {
      Findings.checkMessage(e);
      return;
    }
    Layer layer = z.compressionAlgorithm() == CompressionAlgorithm.GZIP ? GZIP : TAR;
    readAll(z, layer, false);
    Ztoc bound =
        z.toAssembler()
            .compressionAlgorithm(layer.ztoc.compressionAlgorithm())
            .compressedArchiveSize(layer.ztoc.compressedArchiveSize())
            .checkpoints(layer.ztoc.checkpoints())
            .maxSpanId(layer.ztoc.maxSpanId())
            .spanDigests(layer.ztoc.spanDigests())
            .build();
    readAll(bound, layer, true);
  }

  @FuzzTest
  void fuzz(byte[] data) {
    fuzzerTestOneInput(data);
  }

  private static void readAll(Ztoc z, Layer layer, boolean checkBytes) {
    try (SeekableLayer l = SeekableLayer.open(BlobSource.of(layer.blob), z)) {
      List<FileMetadata> files = z.files();
      for (int i = 0; i < Math.min(files.size(), MAX_ENTRIES); i++) {
        FileMetadata f = files.get(i);
        if (f.type() != EntryType.REG) {
          continue;
        }
        Sink got = new Sink();
        try (InputStream in = l.openFile(f)) {
          byte[] buf = new byte[8192];
          int n;
          while (!got.full() && (n = in.read(buf)) > 0) {
            got.write(buf, 0, n);
          }
        } catch (ZtocException e) {
          Findings.checkMessage(e);
          continue;
        }
        if (checkBytes) {
          List<byte[]> expected = layer.contents.getOrDefault(key(f.rawName()), List.of());
          byte[] bytes = got.toByteArray();
          Findings.check(
              expected.stream().anyMatch(e -> Arrays.equals(e, bytes)),
              "read "
                  + got.size()
                  + " bytes for "
                  + f
                  + " that are not the content of any of the layer's "
                  + expected.size()
                  + " files of that name");
        }
      }
    } catch (ZtocException e) {
      Findings.checkMessage(e);
    } catch (IOException e) {
      throw Findings.undocumented(e);
    }
  }

  private static String key(byte[] raw) {
    return new String(raw, StandardCharsets.ISO_8859_1);
  }

  /** A genuine layer, its zTOC, and the content of each regular file by raw name. */
  private record Layer(byte[] blob, Ztoc ztoc, Map<String, List<byte[]>> contents) {
    static Layer load(String resource) {
      try (InputStream in = SeekableLayerFuzzer.class.getResourceAsStream(resource)) {
        byte[] blob = in.readAllBytes();
        boolean gz = resource.endsWith(".gz");
        byte[] tar = gz ? new GZIPInputStream(new ByteArrayInputStream(blob)).readAllBytes() : blob;
        Ztoc ztoc =
            ZtocBuilder.withDefaults()
                .spanSize(gz ? 4 << 20 : 512)
                .compression(gz ? CompressionAlgorithm.GZIP : CompressionAlgorithm.UNCOMPRESSED)
                .build(new ByteArrayInputStream(blob));
        Map<String, List<byte[]>> contents = new HashMap<>();
        for (FileMetadata f : ztoc.files()) {
          if (f.type() == EntryType.REG) {
            int off = (int) f.uncompressedOffset();
            contents
                .computeIfAbsent(key(f.rawName()), k -> new ArrayList<>())
                .add(Arrays.copyOfRange(tar, off, off + (int) f.uncompressedSize()));
          }
        }
        return new Layer(blob, ztoc, contents);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
