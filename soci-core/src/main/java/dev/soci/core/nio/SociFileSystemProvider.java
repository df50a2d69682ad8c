package dev.soci.core.nio;

import dev.soci.core.SeekableLayer;
import dev.soci.core.SpanCache;
import dev.soci.core.image.ContentSource;
import dev.soci.core.image.ImageEntry;
import dev.soci.core.image.OciLayoutSource;
import dev.soci.core.image.SociImage;
import dev.soci.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NotLinkException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileOwnerAttributeView;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.spi.FileSystemProvider;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code soci} file system provider: images read lazily as read-only {@link
 * java.nio.file.FileSystem}s, fetching only the spans of the files read. Installed through {@code
 * META-INF/services} and the module's {@code provides}, so {@link java.nio.file.FileSystems} finds
 * it:
 *
 * <pre>{@code
 * try (FileSystem fs = FileSystems.newFileSystem(Path.of("layout"), Map.of("image", "app:v1"))) {
 *   List<String> lines = Files.readAllLines(fs.getPath("/etc/os-release"));
 *   try (Stream<Path> s = Files.walk(fs.getPath("/usr/share"))) { s.forEach(System.out::println); }
 * }
 * }</pre>
 *
 * <h2>Opening</h2>
 *
 * <ul>
 *   <li>{@code FileSystems.newFileSystem(Path layoutDir, env)}: an image of an OCI image layout
 *       directory (one with an {@code oci-layout} file), named by the {@code env} key {@value
 *       FileSystemOptions#IMAGE}. Any other path is refused with {@link
 *       UnsupportedOperationException}, so that other providers are tried. The file system's URI is
 *       {@code soci:file:///layout/dir/?image=REF}.
 *   <li>{@code FileSystems.newFileSystem(URI.create("soci://host:port/repo:tag"), env)} (or {@code
 *       repo@sha256:...}; no tag means {@code latest}): an image in a registry, read lazily through
 *       the library's registry client ({@link dev.soci.core.registry.Registry}), or through a
 *       {@link RegistrySourceFactory} found by {@link ServiceLoader} or given to {@link
 *       #SociFileSystemProvider(RegistrySourceFactory)}. One file system per URI at a time ({@link
 *       FileSystemAlreadyExistsException}); {@link #getFileSystem(URI)} finds it.
 * </ul>
 *
 * The {@code env} keys are those of {@link FileSystemOptions}: {@code image}, {@code platform},
 * {@code plainHttp}, {@code username}, {@code password}, {@code cacheBytes} and {@code verify},
 * each a {@code String} or its natural type.
 *
 * <h2>Behaviour</h2>
 *
 * Paths are Unix paths and resolve through the merged view of the layers (whiteouts, opaque
 * directories, hard links; symbolic links confined to the image root, at most 40 per lookup), as
 * {@code soci cat} does. Supported: {@code newInputStream}, {@code newByteChannel} (a {@link
 * SeekableByteChannel} whose position moves without reading), {@code newDirectoryStream} (so {@code
 * Files.list}, {@code walk} and {@code find}), {@code readAttributes} for the {@code basic}, {@code
 * posix} and {@code unix} ({@code mode}, {@code uid}, {@code gid}) views, with a file key that is
 * the same for every name of a hard-linked file, {@code readSymbolicLink}, {@code isSameFile},
 * {@code checkAccess}. Every write or change throws {@link ReadOnlyFileSystemException} ({@code
 * checkAccess(WRITE)} throws {@link AccessDeniedException}, so {@code Files.isWritable} is false).
 * A path of a closed file system throws {@link java.nio.file.ClosedFileSystemException}.
 * Thread-safe.
 */
public final class SociFileSystemProvider extends FileSystemProvider {
  /** The URI scheme: {@value}. */
  public static final String SCHEME = "soci";

  private final RegistrySourceFactory registries; // null: look one up when needed
  private final Map<URI, SociFileSystem> fileSystems = new ConcurrentHashMap<>();

  /** The provider as {@link java.nio.file.FileSystems} installs it. */
  public SociFileSystemProvider() {
    this.registries = null;
  }

  /** A provider that opens registry repositories with {@code registries}. */
  public SociFileSystemProvider(RegistrySourceFactory registries) {
    this.registries = Objects.requireNonNull(registries, "registries");
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  // ---- opening

  /**
   * Opens the registry image {@code soci://host[:port]/repository[:tag|@digest]}.
   *
   * @throws FileSystemAlreadyExistsException if a file system of this URI is open
   * @throws IllegalArgumentException for a malformed URI or {@code env}
   */
  @Override
  public SociFileSystem newFileSystem(URI uri, Map<String, ?> env) throws IOException {
    FileSystemOptions options = FileSystemOptions.of(env);
    RegistryImage ref = RegistryImage.parse(uri);
    if (options.image() != null && !options.image().equals(ref.reference())) {
      throw new IllegalArgumentException(
          "env image \"" + options.image() + "\" differs from the URI's " + ref.reference());
    }
    URI key = ref.uri();
    if (fileSystems.containsKey(key)) {
      throw new FileSystemAlreadyExistsException(key.toString());
    }
    RegistrySourceFactory factory = registries != null ? registries : installedFactory();
    ContentSource source = factory.open(ref.registry(), ref.repository(), options);
    SociFileSystem fs = open(key, source, ref.reference(), options);
    if (fileSystems.putIfAbsent(key, fs) != null) {
      fs.close();
      throw new FileSystemAlreadyExistsException(key.toString());
    }
    return fs;
  }

  /** An installed {@link RegistrySourceFactory}, or else the registry client built in. */
  private static RegistrySourceFactory installedFactory() {
    ServiceLoader<RegistrySourceFactory> loader =
        ServiceLoader.load(
            RegistrySourceFactory.class, SociFileSystemProvider.class.getClassLoader());
    return loader.findFirst().orElseGet(RegistryClientSourceFactory::new);
  }

  /**
   * Opens the image {@code env.image} of the OCI image layout {@code path}.
   *
   * @throws UnsupportedOperationException if {@code path} is not an OCI image layout directory
   * @throws IllegalArgumentException if {@code env} has no {@code image} or is malformed
   */
  @Override
  public SociFileSystem newFileSystem(Path path, Map<String, ?> env) throws IOException {
    if (path.getFileSystem() != java.nio.file.FileSystems.getDefault()
        || !Files.isRegularFile(path.resolve("oci-layout"))) {
      throw new UnsupportedOperationException(path + " is not an OCI image layout directory");
    }
    FileSystemOptions options = FileSystemOptions.of(env);
    if (options.image() == null) {
      throw new IllegalArgumentException(
          "env key \"" + FileSystemOptions.IMAGE + "\" (a tag or digest) is required for " + path);
    }
    Path dir = path.toAbsolutePath().normalize();
    URI key;
    try {
      key = new URI(SCHEME, dir.toUri() + "?image=" + options.image(), null); // quotes the image
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("image \"" + options.image() + "\": " + e.getMessage(), e);
    }
    SociFileSystem fs = open(key, OciLayoutSource.open(dir), options.image(), options);
    fileSystems.putIfAbsent(key, fs); // the first one of a layout image is found by its URI
    return fs;
  }

  private SociFileSystem open(
      URI key, ContentSource source, String reference, FileSystemOptions options)
      throws IOException {
    try {
      SpanCache cache = SpanCache.ofMaxBytes(options.cacheBytes());
      SociImage image = SociImage.open(source, reference, imageOptions(options, cache));
      return new SociFileSystem(this, key, source, image, options, cache);
    } catch (IOException | RuntimeException e) {
      try {
        source.close();
      } catch (IOException s) {
        e.addSuppressed(s);
      }
      throw e;
    }
  }

  static SociImage.Options imageOptions(FileSystemOptions o, SpanCache cache) {
    SeekableLayer.Options layer =
        SeekableLayer.Options.defaults()
            .withVerifySpanDigests(o.verify())
            .withVerifyTarHeaders(o.verify())
            .withSpanCache(cache);
    return SociImage.Options.defaults().withPlatform(o.platform()).withLayerOptions(layer);
  }

  void removed(SociFileSystem fs) {
    fileSystems.remove(fs.uri(), fs);
  }

  /**
   * The open file system of {@code uri}.
   *
   * @throws FileSystemNotFoundException if none is open
   */
  @Override
  public SociFileSystem getFileSystem(URI uri) {
    SociFileSystem fs = fileSystems.get(keyOf(uri));
    if (fs == null) {
      throw new FileSystemNotFoundException(uri.toString());
    }
    return fs;
  }

  private static URI keyOf(URI uri) {
    if (!SCHEME.equalsIgnoreCase(uri.getScheme())) {
      throw new IllegalArgumentException("not a " + SCHEME + " URI: " + uri);
    }
    String s = uri.toString();
    int bang = s.indexOf("!/");
    if (bang >= 0) {
      return URI.create(s.substring(0, bang));
    }
    if (uri.isOpaque()) {
      return uri;
    }
    return RegistryImage.parse(uri).uri();
  }

  /** The path {@code <file system URI>!/path/in/image} of an open file system. */
  @Override
  public Path getPath(URI uri) {
    String s = uri.toString();
    int bang = s.indexOf("!/");
    if (bang < 0) {
      throw new IllegalArgumentException("no !/path in " + uri);
    }
    SociFileSystem fs = getFileSystem(uri);
    return fs.getPath(URI.create("file://" + s.substring(bang + 1)).getPath());
  }

  // ---- reading

  private static SociPath check(Path p) {
    if (!(Objects.requireNonNull(p, "path") instanceof SociPath)) {
      throw new ProviderMismatchException("not a path of a soci file system: " + p);
    }
    return (SociPath) p;
  }

  private static boolean follow(Object[] options) {
    return !Arrays.asList(options).contains(LinkOption.NOFOLLOW_LINKS);
  }

  /** The regular file {@code p} names, checking the open options. */
  private static ImageEntry fileFor(SociPath p, Set<? extends OpenOption> options)
      throws IOException {
    for (OpenOption o : options) {
      if (o == StandardOpenOption.WRITE
          || o == StandardOpenOption.APPEND
          || o == StandardOpenOption.CREATE_NEW
          || o == StandardOpenOption.DELETE_ON_CLOSE
          || o == StandardOpenOption.TRUNCATE_EXISTING) {
        throw new ReadOnlyFileSystemException();
      }
    }
    boolean follow = !options.contains(LinkOption.NOFOLLOW_LINKS);
    ImageEntry e = p.getFileSystem().entry(p, follow);
    if (e.isSymbolicLink()) {
      throw new FileSystemException(p.toString(), null, "Too many levels of symbolic links");
    }
    if (e.isDirectory()) {
      throw new FileSystemException(p.toString(), null, "Is a directory");
    }
    if (!e.isRegularFile()) {
      throw new FileSystemException(p.toString(), null, "not a regular file (" + e.type() + ")");
    }
    return e;
  }

  @Override
  public InputStream newInputStream(Path path, OpenOption... options) throws IOException {
    SociPath p = check(path);
    ImageEntry e = fileFor(p, Set.of(options));
    return p.getFileSystem().open(e);
  }

  @Override
  public SeekableByteChannel newByteChannel(
      Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
    SociPath p = check(path);
    if (attrs.length > 0) {
      throw new ReadOnlyFileSystemException();
    }
    ImageEntry e = fileFor(p, options);
    return p.getFileSystem().newChannel(e);
  }

  @Override
  public DirectoryStream<Path> newDirectoryStream(
      Path dir, DirectoryStream.Filter<? super Path> filter) throws IOException {
    SociPath d = check(dir);
    Objects.requireNonNull(filter, "filter");
    List<ImageEntry> entries = d.getFileSystem().list(d);
    return new DirectoryStream<>() {
      private boolean closed;
      private boolean iterated;

      @Override
      public Iterator<Path> iterator() {
        if (closed || iterated) {
          throw new IllegalStateException(closed ? "closed" : "iterator already obtained");
        }
        iterated = true;
        Iterator<ImageEntry> it = entries.iterator();
        return new Iterator<>() {
          private Path next;

          @Override
          public boolean hasNext() {
            while (next == null && !closed && it.hasNext()) {
              Path p = d.resolve(it.next().name());
              try {
                if (filter.accept(p)) {
                  next = p;
                }
              } catch (IOException e) {
                throw new java.nio.file.DirectoryIteratorException(e);
              }
            }
            return next != null;
          }

          @Override
          public Path next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            Path p = next;
            next = null;
            return p;
          }
        };
      }

      @Override
      public void close() {
        closed = true;
      }
    };
  }

  @Override
  public Path readSymbolicLink(Path link) throws IOException {
    SociPath p = check(link);
    ImageEntry e = p.getFileSystem().entry(p, false);
    if (!e.isSymbolicLink()) {
      throw new NotLinkException(p.toString());
    }
    return p.getFileSystem().getPath(e.linkTarget());
  }

  @Override
  public boolean isSameFile(Path path, Path path2) throws IOException {
    SociPath a = check(path);
    if (a.equals(path2)) {
      return true;
    }
    if (!(path2 instanceof SociPath b) || b.getFileSystem() != a.getFileSystem()) {
      return false;
    }
    return new SociFileAttributes(a.getFileSystem().entry(a, true))
        .fileKey()
        .equals(new SociFileAttributes(b.getFileSystem().entry(b, true)).fileKey());
  }

  @Override
  public boolean isHidden(Path path) {
    SociPath p = check(path);
    SociPath name = p.getFileName();
    return name != null && name.toString().startsWith(".");
  }

  @Override
  public FileStore getFileStore(Path path) throws IOException {
    SociPath p = check(path);
    p.getFileSystem().entry(p, true);
    return p.getFileSystem().store();
  }

  @Override
  public void checkAccess(Path path, AccessMode... modes) throws IOException {
    SociPath p = check(path);
    ImageEntry e = p.getFileSystem().entry(p, true);
    for (AccessMode m : modes) {
      if (m == AccessMode.WRITE) {
        throw new AccessDeniedException(p.toString(), null, "read-only file system");
      }
      if (m == AccessMode.EXECUTE && (e.mode() & 0111) == 0) {
        throw new AccessDeniedException(p.toString(), null, "not executable");
      }
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public <V extends FileAttributeView> V getFileAttributeView(
      Path path, Class<V> type, LinkOption... options) {
    SociPath p = check(path);
    boolean follow = follow(options);
    if (type == BasicFileAttributeView.class) {
      return (V) new SociAttributeView("basic", p, follow);
    }
    if (type == PosixFileAttributeView.class) {
      return (V) new SociAttributeView("posix", p, follow);
    }
    if (type == FileOwnerAttributeView.class) {
      return (V) new SociAttributeView("owner", p, follow);
    }
    return null;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <A extends BasicFileAttributes> A readAttributes(
      Path path, Class<A> type, LinkOption... options) throws IOException {
    SociPath p = check(path);
    if (type != BasicFileAttributes.class && type != PosixFileAttributes.class) {
      throw new UnsupportedOperationException(type.getName() + " is not supported");
    }
    return (A) new SociFileAttributes(p.getFileSystem().entry(p, follow(options)));
  }

  @Override
  public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
      throws IOException {
    SociPath p = check(path);
    int colon = attributes.indexOf(':');
    String view = colon < 0 ? "basic" : attributes.substring(0, colon);
    String names = colon < 0 ? attributes : attributes.substring(colon + 1);
    if (!Set.of("basic", "posix", "unix", "owner").contains(view)) {
      throw new UnsupportedOperationException("view '" + view + "' is not supported");
    }
    SociFileAttributes a = new SociFileAttributes(p.getFileSystem().entry(p, follow(options)));
    if (view.equals("owner")) {
      if (!names.equals("*") && !names.equals("owner")) {
        throw new IllegalArgumentException("'" + names + "' not recognized for the owner view");
      }
      return Map.of("owner", a.owner());
    }
    return a.asMap(view, Set.of(names.split(",")));
  }

  // ---- every change is refused

  @Override
  public void setAttribute(Path path, String attribute, Object value, LinkOption... options) {
    check(path).getFileSystem().ensureOpen();
    throw new ReadOnlyFileSystemException();
  }

  @Override
  public void createDirectory(Path dir, FileAttribute<?>... attrs) {
    check(dir).getFileSystem().ensureOpen();
    throw new ReadOnlyFileSystemException();
  }

  @Override
  public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) {
    check(link).getFileSystem().ensureOpen();
    throw new ReadOnlyFileSystemException();
  }

  @Override
  public void createLink(Path link, Path existing) {
    check(link).getFileSystem().ensureOpen();
    throw new ReadOnlyFileSystemException();
  }

  @Override
  public void delete(Path path) {
    check(path).getFileSystem().ensureOpen();
    throw new ReadOnlyFileSystemException();
  }

  @Override
  public void copy(Path source, Path target, CopyOption... options) {
    check(target).getFileSystem().ensureOpen();
    throw new ReadOnlyFileSystemException();
  }

  @Override
  public void move(Path source, Path target, CopyOption... options) {
    check(source).getFileSystem().ensureOpen();
    throw new ReadOnlyFileSystemException();
  }

  /**
   * A registry image URI, {@code soci://host[:port]/repository[:tag|@digest]}, taken apart.
   *
   * @param registry {@code host[:port]}
   * @param repository the repository
   * @param reference the tag or digest
   */
  record RegistryImage(String registry, String repository, String reference) {
    static RegistryImage parse(URI uri) {
      if (!SCHEME.equalsIgnoreCase(uri.getScheme())) {
        throw new IllegalArgumentException("not a " + SCHEME + " URI: " + uri);
      }
      String s = uri.toString();
      int bang = s.indexOf("!/");
      if (bang >= 0) {
        uri = URI.create(s.substring(0, bang));
      }
      if (uri.isOpaque() || uri.getRawAuthority() == null || uri.getRawPath() == null) {
        throw new IllegalArgumentException(
            "expected soci://host[:port]/repository[:tag|@digest], got " + uri);
      }
      if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getUserInfo() != null) {
        throw new IllegalArgumentException(
            "a soci:// URI has no user, query or fragment (credentials go in env): "
                + uri.getScheme()
                + "://"
                + uri.getHost()
                + uri.getRawPath());
      }
      String path = uri.getPath().startsWith("/") ? uri.getPath().substring(1) : uri.getPath();
      String repository;
      String reference;
      int at = path.indexOf('@');
      if (at >= 0) {
        repository = path.substring(0, at);
        reference = path.substring(at + 1);
        if (!Digest.isValid(reference)) {
          throw new IllegalArgumentException("not a digest: \"" + reference + "\" in " + uri);
        }
      } else {
        int colon = path.lastIndexOf(':');
        if (colon > path.lastIndexOf('/')) {
          repository = path.substring(0, colon);
          reference = path.substring(colon + 1);
        } else {
          repository = path;
          reference = "latest";
        }
      }
      if (repository.isEmpty() || !repository.matches("[a-z0-9]+([._/-]+[a-z0-9]+)*")) {
        throw new IllegalArgumentException(
            "not a repository name: \"" + repository + "\" in " + uri);
      }
      if (at < 0 && !reference.matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")) {
        throw new IllegalArgumentException("not a tag: \"" + reference + "\" in " + uri);
      }
      return new RegistryImage(uri.getRawAuthority(), repository, reference);
    }

    URI uri() {
      return URI.create(
          SCHEME
              + "://"
              + registry
              + "/"
              + repository
              + (Digest.isValid(reference) ? "@" : ":")
              + reference);
    }
  }
}
