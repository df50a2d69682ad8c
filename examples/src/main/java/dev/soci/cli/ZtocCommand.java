package dev.soci.cli;

import dev.soci.core.SeekableLayer;
import dev.soci.ztoc.CompressionAlgorithm;
import dev.soci.ztoc.FileMetadata;
import dev.soci.ztoc.Ztoc;
import dev.soci.ztoc.ZtocBuilder;
import dev.soci.ztoc.ZtocInfo;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code soci ztoc create|info|get-file|list|extract}. */
@Command(name = "ztoc", description = "Create and inspect zTOCs.", mixinStandardHelpOptions = true,
    subcommands = {ZtocCommand.Create.class, ZtocCommand.Info.class, ZtocCommand.GetFile.class, ZtocListCommand.class,
        ZtocExtractCommand.class})
final class ZtocCommand {

  /** {@code soci ztoc create LAYER [-o OUT]}. */
  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Build the zTOC of a layer blob (gzip or uncompressed tar) and write it.")
  static final class Create implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "LAYER", description = "The layer blob, or - to read it from stdin.")
    String layer;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT",
        description = "Where to write the zTOC (default: LAYER.ztoc; required with -).")
    Path output;

    @Option(names = "--span-size", paramLabel = "BYTES", description = "Span size (default: ${DEFAULT-VALUE}).",
        defaultValue = "4194304")
    long spanSize;

    @Option(names = "--build-tool-identifier", paramLabel = "S", defaultValue = Ztoc.DEFAULT_BUILD_TOOL_IDENTIFIER,
        description = "Build tool identifier to record (default: ${DEFAULT-VALUE}).")
    String buildTool;

    @Option(names = "--compression", paramLabel = "gzip|uncompressed",
        description = "The layer's compression (default: detected from its first bytes).")
    String compression;

    @Option(names = {"-f", "--force"}, description = "Overwrite OUT if it exists.")
    boolean force;

    @Option(names = {"-q", "--quiet"}, description = "Print only the digest.")
    boolean quiet;

    @Option(names = "--parallelism", paramLabel = "N",
        description = "Threads inflating a gzip layer file (default: the number of processors; 1: one thread).")
    Integer parallelism;

    @Override
    public Integer call() throws IOException {
      if (spanSize < 0) {
        throw new IllegalArgumentException("span size must be >= 0");
      }
      ZtocBuilder builder = ZtocBuilder.withDefaults().spanSize(spanSize).buildToolIdentifier(buildTool);
      if (parallelism != null) {
        if (parallelism < 1) {
          throw new IllegalArgumentException("parallelism must be >= 1");
        }
        builder = builder.parallelism(parallelism);
      }
      if (compression != null) {
        builder = builder.compression(parseCompression(compression));
      }
      boolean stdin = layer.equals("-");
      if (stdin && output == null) {
        throw new IllegalArgumentException("-o OUT is required when the layer is read from stdin");
      }
      Path out = output != null ? output : Path.of(layer + ".ztoc");
      if (!force && Files.exists(out)) {
        throw new java.nio.file.FileAlreadyExistsException(out + " (use --force to overwrite)");
      }
      Ztoc ztoc = stdin ? builder.build(System.in) : builder.build(Path.of(layer));
      MessageDigest sha = sha256();
      long[] size = {0};
      Files2.writeAtomically(out, force, os -> {
        DigestOutputStream digesting = new DigestOutputStream(new BufferedOutputStream(os, 1 << 16), sha);
        size[0] = ztoc.writeTo(digesting);
        digesting.flush();
      });
      String digest = "sha256:" + HexFormat.of().formatHex(sha.digest());
      PrintStream o = System.out;
      if (quiet) {
        o.println(digest);
      } else {
        o.println("ztoc " + digest + " size " + size[0] + " -> " + out);
      }
      return 0;
    }
  }

  /** {@code soci ztoc info ZTOC}. */
  @Command(name = "info", mixinStandardHelpOptions = true,
      description = "Print a zTOC as JSON, exactly as upstream `soci ztoc info` does.")
  static final class Info implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ZTOC", description = "The zTOC file.")
    Path ztoc;

    @Override
    public Integer call() throws IOException {
      Ztoc z = Ztoc.read(ztoc); // checks the size before reading
      System.out.print(ZtocInfo.of(z, Files.size(ztoc)).toJson());
      System.out.flush();
      return 0;
    }
  }

  /** {@code soci ztoc get-file --ztoc ZTOC LAYER NAME [-o OUT]}. */
  @Command(name = "get-file", mixinStandardHelpOptions = true,
      description = "Extract one file from a layer through its zTOC, reading only the spans that hold it.")
  static final class GetFile implements Callable<Integer> {
    @Option(names = "--ztoc", required = true, paramLabel = "ZTOC", description = "The layer's zTOC.")
    Path ztoc;

    @Parameters(index = "0", paramLabel = "LAYER", description = "The layer blob.")
    Path layer;

    @Parameters(index = "1", paramLabel = "NAME", description = "The file's name as stored in the tar.")
    String name;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "Write to OUT instead of stdout.")
    Path output;

    @Option(names = {"-f", "--force"}, description = "Overwrite OUT if it exists.")
    boolean force;

    @Override
    public Integer call() throws IOException {
      Ztoc z = Ztoc.read(ztoc);
      try (SeekableLayer l = SeekableLayer.open(layer, z)) {
        FileMetadata f = l.entry(name);
        if (output == null) {
          try (InputStream in = l.openFile(f)) {
            in.transferTo(System.out);
          }
          System.out.flush();
        } else {
          if (!force && Files.exists(output)) {
            throw new java.nio.file.FileAlreadyExistsException(output + " (use --force to overwrite)");
          }
          Path tmp = Files2.tempBeside(output);
          try {
            try (InputStream in = l.openFile(f); OutputStream os = Files.newOutputStream(tmp)) {
              in.transferTo(os);
            }
            Files2.moveIntoPlace(tmp, output, force);
          } finally {
            Files.deleteIfExists(tmp);
          }
        }
      }
      return 0;
    }
  }

  static CompressionAlgorithm parseCompression(String s) {
    switch (s.toLowerCase(Locale.ROOT)) {
      case "gzip":
        return CompressionAlgorithm.GZIP;
      case "uncompressed":
      case "tar":
        return CompressionAlgorithm.UNCOMPRESSED;
      default:
        throw new IllegalArgumentException("unknown compression '" + s + "': expected gzip or uncompressed");
    }
  }

  static String sha256(byte[] b) {
    return HexFormat.of().formatHex(sha256().digest(b));
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
