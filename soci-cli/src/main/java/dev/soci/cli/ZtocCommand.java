package dev.soci.cli;

import dev.soci.common.internal.AtomicFiles;
import dev.soci.core.SeekableLayer;
import dev.soci.ztoc.CompressionAlgorithm;
import dev.soci.ztoc.FileMetadata;
import dev.soci.ztoc.Ztoc;
import dev.soci.ztoc.ZtocBuilder;
import dev.soci.ztoc.ZtocInfo;
import dev.soci.ztoc.ZtocLimits;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/** {@code soci ztoc create|info|get-file|list|extract}. */
final class ZtocCommand {
  static final CommandSpec CREATE =
      CommandSpec.command(
              "create",
              ZtocCommand::create,
              "Build the zTOC of a layer blob (gzip or uncompressed tar) and write it.")
          .parameters(
              ParameterSpec.required("LAYER", "The layer blob, or - to read it from stdin."))
          .options(
              OptionSpec.value(
                  "-o, --output",
                  "OUT",
                  "Where to write the zTOC (default: LAYER.ztoc; required with -)."),
              OptionSpec.value("--span-size", "BYTES", "Span size (default: {default}).")
                  .withDefault("4194304"),
              OptionSpec.value(
                      "--build-tool-identifier",
                      "S",
                      "Build tool identifier to record (default: {default}).")
                  .withDefault(Ztoc.DEFAULT_BUILD_TOOL_IDENTIFIER),
              OptionSpec.value(
                  "--compression",
                  "gzip|uncompressed",
                  "The layer's compression (default: detected from its first bytes)."),
              OptionSpec.flag("-f, --force", "Overwrite OUT if it exists."),
              OptionSpec.flag("-q, --quiet", "Print only the digest."),
              OptionSpec.value(
                  "--parallelism",
                  "N",
                  "Threads inflating a gzip layer file (default: the number of processors; 1: one thread)."));

  static final CommandSpec INFO =
      CommandSpec.command(
              "info",
              ZtocCommand::info,
              "Print a zTOC as JSON, exactly as upstream `soci ztoc info` does.")
          .parameters(ParameterSpec.required("ZTOC", "The zTOC file."));

  static final CommandSpec GET_FILE =
      CommandSpec.command(
              "get-file",
              ZtocCommand::getFile,
              "Extract one file from a layer through its zTOC, reading only the spans that hold it.")
          .parameters(
              ParameterSpec.required("LAYER", "The layer blob."),
              ParameterSpec.required("NAME", "The file's name as stored in the tar."))
          .options(
              OptionSpec.value("--ztoc", "ZTOC", "The layer's zTOC.").asRequired(),
              OptionSpec.value("-o, --output", "OUT", "Write to OUT instead of stdout."),
              OptionSpec.flag("-f, --force", "Overwrite OUT if it exists."));

  static final CommandSpec SPEC =
      CommandSpec.group(
          "ztoc",
          "Create and inspect zTOCs.",
          CREATE,
          INFO,
          GET_FILE,
          ZtocListCommand.SPEC,
          ZtocExtractCommand.SPEC);

  private ZtocCommand() {}

  /** {@code soci ztoc create LAYER [-o OUT]}. */
  static int create(Arguments a) throws IOException {
    String layer = a.parameter(0);
    Path output = a.path("--output");
    long spanSize = a.positiveLongValue("--span-size");
    boolean force = a.flag("--force");
    Integer parallelism = a.intValue("--parallelism");
    String compression = a.value("--compression");
    ZtocBuilder builder =
        ZtocBuilder.withDefaults()
            .spanSize(spanSize)
            .buildToolIdentifier(a.value("--build-tool-identifier"));
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
    AtomicFiles.write(
        out,
        force,
        os -> {
          DigestOutputStream digesting =
              new DigestOutputStream(new BufferedOutputStream(os, 1 << 16), sha);
          size[0] = ztoc.writeTo(digesting);
          // never leave a zTOC that `ztoc info` and `get-file` would refuse (the temporary file
          // is deleted)
          ZtocLimits.defaults().checkWritable(size[0]);
          digesting.flush();
        });
    String digest = "sha256:" + HexFormat.of().formatHex(sha.digest());
    PrintStream o = System.out;
    if (a.flag("--quiet")) {
      o.println(digest);
    } else {
      o.println("ztoc " + digest + " size " + size[0] + " -> " + out);
    }
    return 0;
  }

  /** {@code soci ztoc info ZTOC}. */
  static int info(Arguments a) throws IOException {
    Path ztoc = a.pathParameter(0);
    Ztoc z = Ztoc.read(ztoc); // checks the size before reading
    System.out.print(ZtocInfo.of(z, Files.size(ztoc)).toJson());
    System.out.flush();
    return 0;
  }

  /** {@code soci ztoc get-file --ztoc ZTOC LAYER NAME [-o OUT]}. */
  static int getFile(Arguments a) throws IOException {
    Path layer = a.pathParameter(0);
    String name = a.parameter(1);
    Path output = a.path("--output");
    Ztoc z = Ztoc.read(a.path("--ztoc"));
    try (SeekableLayer l = SeekableLayer.open(layer, z)) {
      FileMetadata f = l.entry(name);
      if (output == null) {
        try (InputStream in = l.openFile(f)) {
          in.transferTo(System.out);
        }
        System.out.flush();
      } else {
        boolean force = a.flag("--force");
        if (!force && Files.exists(output)) {
          throw new java.nio.file.FileAlreadyExistsException(
              output + " (use --force to overwrite)");
        }
        AtomicFiles.write(
            output,
            force,
            os -> {
              try (InputStream in = l.openFile(f)) {
                in.transferTo(os);
              }
            });
      }
    }
    return 0;
  }

  static CompressionAlgorithm parseCompression(String s) {
    switch (s.toLowerCase(Locale.ROOT)) {
      case "gzip":
        return CompressionAlgorithm.GZIP;
      case "uncompressed":
      case "tar":
        return CompressionAlgorithm.UNCOMPRESSED;
      default:
        throw new IllegalArgumentException(
            "unknown compression '" + s + "': expected gzip or uncompressed");
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
