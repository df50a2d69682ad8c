package dev.soci.benchmarks;

import dev.soci.ztoc.Ztoc;
import dev.soci.ztoc.zinfo.Checkpoint;
import dev.soci.ztoc.zinfo.GzipZinfo;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a zTOC's checkpoints as an indexed_gzip index file (its documented "GZIDX" version 1
 * format: a header, then compressed offset, uncompressed offset, bits and a window flag per point,
 * then the windows), so that {@code compare.sh} can time indexed_gzip reading from exactly our
 * checkpoints as well as from its own. Usage: {@code GzidxExport ZTOC OUT}.
 */
public final class GzidxExport {
  private GzidxExport() {}

  /** Converts {@code args[0]} (a gzip layer's zTOC) into {@code args[1]}. */
  public static void main(String[] args) throws IOException {
    Ztoc ztoc = Ztoc.read(Path.of(args[0]));
    if (!(ztoc.zinfo() instanceof GzipZinfo zinfo)) {
      throw new IllegalArgumentException(args[0] + " is not the zTOC of a gzip layer");
    }
    List<Checkpoint> points = zinfo.checkpoints();
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(Path.of(args[1])))) {
      ByteBuffer header =
          ByteBuffer.allocate(35)
              .order(ByteOrder.LITTLE_ENDIAN)
              .put("GZIDX".getBytes(StandardCharsets.US_ASCII))
              .put((byte) 1)
              .put((byte) 0)
              .putLong(ztoc.compressedArchiveSize())
              .putLong(ztoc.uncompressedArchiveSize())
              .putInt((int) Math.min(Integer.MAX_VALUE, zinfo.spanSize()))
              .putInt(Checkpoint.WINDOW_SIZE)
              .putInt(points.size());
      out.write(header.array());
      for (int i = 0; i < points.size(); i++) {
        Checkpoint c = points.get(i);
        // The first point starts the stream: indexed_gzip keeps no window for it.
        out.write(
            ByteBuffer.allocate(18)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(c.in())
                .putLong(c.out())
                .put((byte) c.bits())
                .put((byte) (i == 0 ? 0 : 1))
                .array());
      }
      for (int i = 1; i < points.size(); i++) {
        out.write(points.get(i).window());
      }
    }
  }
}
