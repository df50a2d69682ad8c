package dev.soci.cli;

import dev.soci.core.image.RegistrySource;
import dev.soci.core.nio.FileSystemOptions;
import dev.soci.core.nio.RegistrySourceFactory;
import dev.soci.core.nio.SociFileSystem;
import dev.soci.core.nio.SociFileSystemProvider;
import dev.soci.core.registry.ImageReference;
import dev.soci.core.registry.Registry;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code soci ls SRC [PATH...] [-l] [-R] [--stats] [--plain-http] [--user U:P] [-p PLATFORM]}, or
 * {@code soci ls --layout DIR --image REF [PATH...] ...}.
 */
final class LsCommand {
  static final CommandSpec SPEC =
      CommandSpec.command(
              "ls",
              LsCommand::run,
              "List directories of an image, read lazily through its SOCI index.",
              "Paths resolve through the merged view of the image's layers, as in soci cat; the"
                  + " default is the root. Like ls, a directory shows its entries and a file"
                  + " itself; -l adds the mode, owner and group ids, size, modification time (UTC)"
                  + " and the target of symbolic links; -R descends into subdirectories (not"
                  + " through symbolic links). Only the zTOCs are read for a listing: no layer"
                  + " bytes, unless a layer has no zTOC. SRC is an image in a registry,"
                  + " host[:port]/repository[:tag|@digest]; or give --layout and --image instead"
                  + " of SRC to list an image of an OCI image layout.")
          .parameters(
              ParameterSpec.variadic(
                  "SRC/PATH",
                  "The image in a registry (not with --layout), then paths in the image"
                      + " (default: /)."))
          .options(
              OptionSpec.value("--layout", "DIR", "The OCI image layout directory."),
              OptionSpec.value(
                  "--image", "REF", "The image: a tag of the layout's index.json, or a digest."),
              OptionSpec.flag(
                  "--plain-http",
                  "Use plain HTTP (default: HTTPS, except for loopback registries)."),
              OptionSpec.value(
                  "--user",
                  "U:P",
                  "Credentials (default: docker's config.json, its credential helpers, or"
                      + " anonymous)."),
              RegistryOptions.CA_FILE,
              OptionSpec.value(
                  "-p, --platform",
                  "PLATFORM",
                  "The platform to read from a multi-platform image, e.g. linux/arm64"
                      + " (default: the host's)."),
              OptionSpec.flag("-l, --long", "Long listing: mode, owner, size, time, link target."),
              OptionSpec.flag("-R, --recursive", "List subdirectories recursively."),
              OptionSpec.flag(
                  "--stats",
                  "Print on stderr what was fetched: bytes, requests, spans, the share of the"
                      + " image's layer bytes, and the time."));

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

  private LsCommand() {}

  static int run(Arguments a) throws IOException {
    Map<String, Object> env = new HashMap<>();
    boolean fromLayout = a.value("--layout") != null || a.value("--image") != null;
    List<String> params = a.parametersFrom(0);
    if (fromLayout) {
      if (a.value("--layout") == null || a.value("--image") == null) {
        throw new UsageException("--layout and --image go together");
      }
      if (a.flag("--plain-http") || a.value("--user") != null || a.value("--ca-file") != null) {
        throw new UsageException("--plain-http, --user and --ca-file are for a registry SRC");
      }
      env.put(FileSystemOptions.IMAGE, a.value("--image"));
    } else if (params.isEmpty()) {
      throw new UsageException("give SRC (an image in a registry), or --layout and --image");
    }
    if (a.value("--platform") != null) {
      env.put(FileSystemOptions.PLATFORM, a.value("--platform"));
    }
    boolean longFormat = a.flag("--long");
    boolean recursive = a.flag("--recursive");
    List<String> paths = fromLayout ? params : params.subList(1, params.size());
    if (paths.isEmpty()) {
      paths = List.of("/");
    }
    PrintStream out = System.out;
    try (SociFileSystem fs = open(a, fromLayout ? null : params.get(0), env)) {
      List<Path> files = new ArrayList<>();
      List<Path> dirs = new ArrayList<>();
      for (String p : paths) {
        Path path = fs.getPath(p.startsWith("/") ? p : "/" + p);
        // as ls -l, a link given is shown itself, not the directory it names
        if (Files.isDirectory(path) && !(longFormat && Files.isSymbolicLink(path))) {
          dirs.add(path);
        } else {
          Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          files.add(path); // exists: as ls, a file is listed under the name given
        }
      }
      for (Path f : files) {
        out.println(line(f, p(f, paths), longFormat));
      }
      boolean headers = recursive || paths.size() > 1;
      boolean first = files.isEmpty();
      for (Path d : dirs) {
        first = list(out, d, p(d, paths), longFormat, recursive, headers, first);
      }
      out.flush();
      if (a.flag("--stats")) {
        CatCommand.printStatistics(System.err, fs.statistics());
      }
    }
    System.err.flush();
    return 0;
  }

  /** The file system of the layout image, or of the registry image {@code src}. */
  private static SociFileSystem open(Arguments a, String src, Map<String, Object> env)
      throws IOException {
    if (src == null) {
      return new SociFileSystemProvider().newFileSystem(a.path("--layout"), env);
    }
    ImageReference ref;
    try {
      ref = ImageReference.parse(src);
    } catch (IllegalArgumentException e) {
      throw new UsageException("SRC: " + e.getMessage());
    }
    // The CLI's own registry client, so that --user, --plain-http and --debug apply.
    Registry registry = RegistryOptions.registry(a);
    RegistrySourceFactory registries =
        (host, repository, options) -> RegistrySource.of(registry, ref);
    String image =
        ref.digest() != null
            ? "@" + ref.digest()
            : ":" + (ref.tag() == null ? "latest" : ref.tag());
    URI uri = URI.create("soci://" + ref.registry() + "/" + ref.repository() + image);
    return new SociFileSystemProvider(registries).newFileSystem(uri, env);
  }

  /** The name a path given on the command line is shown by: as given. */
  private static String p(Path path, List<String> given) {
    for (String g : given) {
      if (path.toString().equals(g.startsWith("/") ? g : "/" + g)) {
        return g;
      }
    }
    return path.toString();
  }

  private static boolean list(
      PrintStream out,
      Path dir,
      String shown,
      boolean longFormat,
      boolean recursive,
      boolean headers,
      boolean first)
      throws IOException {
    if (!first) {
      out.println();
    }
    if (headers) {
      out.println(shown + ":");
    }
    List<Path> subdirs = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path child : s) {
        out.println(line(child, child.getFileName().toString(), longFormat));
        if (recursive && Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
          subdirs.add(child);
        }
      }
    }
    for (Path d : subdirs) {
      String name = shown.endsWith("/") ? shown + d.getFileName() : shown + "/" + d.getFileName();
      list(out, d, name, longFormat, true, true, false);
    }
    return false;
  }

  private static String line(Path p, String name, boolean longFormat) throws IOException {
    if (!longFormat) {
      return name;
    }
    PosixFileAttributes a =
        Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    String s =
        String.format(
            "%s %5s %5s %10d %s %s",
            modeString(mode),
            a.owner().getName(),
            a.group().getName(),
            a.size(),
            TIME.format(a.lastModifiedTime().toInstant()),
            name);
    return a.isSymbolicLink() ? s + " -> " + Files.readSymbolicLink(p) : s;
  }

  /** {@code drwxr-xr-x} as {@code ls -l} shows {@code st_mode}, with s/S/t/T for special bits. */
  static String modeString(int mode) {
    char type =
        switch (mode & 0170000) {
          case 0040000 -> 'd';
          case 0120000 -> 'l';
          case 0020000 -> 'c';
          case 0060000 -> 'b';
          case 0010000 -> 'p';
          default -> '-';
        };
    StringBuilder b = new StringBuilder().append(type);
    String rwx = "rwxrwxrwx";
    for (int i = 0; i < 9; i++) {
      b.append((mode & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-');
    }
    special(b, 3, (mode & 04000) != 0, 's');
    special(b, 6, (mode & 02000) != 0, 's');
    special(b, 9, (mode & 01000) != 0, 't');
    return b.toString();
  }

  private static void special(StringBuilder b, int at, boolean set, char c) {
    if (set) {
      b.setCharAt(at, b.charAt(at) == 'x' ? c : Character.toUpperCase(c));
    }
  }
}
