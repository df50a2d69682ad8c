package dev.soci.cli;

import dev.soci.core.BlobSource;
import dev.soci.core.ReadStatistics;
import dev.soci.core.SeekableLayer;
import dev.soci.ztoc.FileMetadata;
import dev.soci.ztoc.Ztoc;
import dev.soci.ztoc.ZtocBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code soci demo}: builds the zTOC of a small built-in sample layer (or of {@code --layer}), then
 * extracts one file through it and says how few compressed bytes that took.
 */
final class DemoCommand {
  static final String SAMPLE = "sample-layer.tar.gz";

  static final CommandSpec SPEC =
      CommandSpec.command(
              "demo",
              DemoCommand::run,
              "Index a built-in sample layer and read one file lazily through its zTOC.")
          .options(
              OptionSpec.value("--layer", "PATH", "Use this layer instead of the built-in sample."),
              OptionSpec.value(
                      "--file",
                      "NAME",
                      "File to extract (default: {default}, a symlink to app/config.json).")
                  .withDefault("app/current"),
              OptionSpec.value(
                      "--span-size", "BYTES", "Span size for the demo zTOC (default: {default}).")
                  .withDefault("262144"));

  private DemoCommand() {}

  static int run(Arguments a) throws IOException {
    Path layer = a.path("--layer");
    String file = a.value("--file");
    long spanSize = a.positiveLongValue("--span-size");
    PrintStream out = System.out;
    byte[] blob;
    String label;
    if (layer != null) {
      blob = Files.readAllBytes(layer);
      label = layer.toString();
    } else {
      try (InputStream in = DemoCommand.class.getResourceAsStream(SAMPLE)) {
        if (in == null) {
          throw new IOException("the built-in sample layer " + SAMPLE + " is missing from the jar");
        }
        blob = in.readAllBytes();
      }
      label = "built-in " + SAMPLE;
    }
    long t0 = System.nanoTime();
    Ztoc ztoc = ZtocBuilder.withDefaults().spanSize(spanSize).build(new ByteArrayInputStream(blob));
    long t1 = System.nanoTime();
    byte[] encoded = ztoc.encode();
    out.printf(
        Locale.ROOT,
        "layer      %s: %,d bytes compressed, %,d bytes of tar%n",
        label,
        blob.length,
        ztoc.uncompressedArchiveSize());
    out.printf(
        Locale.ROOT,
        "zTOC       %d files, %d spans of %,d bytes, %,d bytes, sha256:%s (built in %.0f ms)%n",
        ztoc.files().size(),
        ztoc.maxSpanId() + 1,
        spanSize,
        encoded.length,
        ZtocCommand.sha256(encoded),
        (t1 - t0) / 1e6);
    try (SeekableLayer seekable = SeekableLayer.open(BlobSource.of(blob), Ztoc.decode(encoded))) {
      FileMetadata f = seekable.entry(file);
      byte[] content = seekable.readFile(file);
      ReadStatistics s = seekable.statistics();
      out.printf(
          Locale.ROOT,
          "extracted  %s%s: %,d bytes at tar offset %,d%n",
          file,
          f.name().equals(file) ? "" : " (-> " + f.name() + ")",
          content.length,
          f.uncompressedOffset());
      out.printf(
          Locale.ROOT,
          "read       %,d of %,d compressed bytes (%.1f%%) in %d read(s), %d span(s) inflated,"
              + " every span verified against its digest%n",
          s.compressedBytesRead(),
          blob.length,
          100.0 * s.compressedBytesRead() / blob.length,
          s.sourceReads(),
          s.spansInflated());
      if (content.length <= 4096 && isText(content)) {
        out.println("content:");
        out.print(new String(content, StandardCharsets.UTF_8));
        if (content.length > 0 && content[content.length - 1] != '\n') {
          out.println();
        }
      }
    }
    return 0;
  }

  private static boolean isText(byte[] b) {
    for (byte x : b) {
      if (x == 0) {
        return false;
      }
    }
    return true;
  }
}
