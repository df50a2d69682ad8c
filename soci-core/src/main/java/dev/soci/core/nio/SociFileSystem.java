package dev.soci.core.nio;

import dev.soci.core.SpanCache;
import dev.soci.core.image.ContentSource;
import dev.soci.core.image.ImageEntry;
import dev.soci.core.image.ImageStatistics;
import dev.soci.core.image.SociImage;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Pattern;

/**
 * A read-only file system over one platform of an image, read lazily: the merged view of its layers
 * (see {@link dev.soci.core.image}), where only what is looked at is fetched. Made by {@link
 * SociFileSystemProvider}; see there for how to open one.
 *
 * <p>Thread-safe. {@link #close()} waits for the operations in progress, then closes the image, the
 * content source, and every channel and stream opened on it, and empties its span cache;
 * afterwards, operations on its paths throw {@link ClosedFileSystemException}.
 */
public final class SociFileSystem extends FileSystem {
  private final SociFileSystemProvider provider;
  private final URI uri;
  private final ContentSource source;
  private final SociImage image;
  private final FileSystemOptions options;
  private final SpanCache cache; // null only for a file system without image (tests of paths)
  private final SociPath root;
  private final SociFileStore store;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final Set<Closeable> closeables = ConcurrentHashMap.newKeySet();
  private volatile boolean open = true;

  SociFileSystem(
      SociFileSystemProvider provider,
      URI uri,
      ContentSource source,
      SociImage image,
      FileSystemOptions options,
      SpanCache cache) {
    this.provider = provider;
    this.cache = cache;
    this.uri = uri;
    this.source = source;
    this.image = image;
    this.options = options;
    this.root = new SociPath(this, "/");
    this.store = new SociFileStore(this);
  }

  /** The URI this file system is known by ({@code soci://...} or {@code soci:file:...}). */
  public URI uri() {
    return uri;
  }

  /** The image read. */
  public SociImage image() {
    return image;
  }

  /** The options it was opened with. */
  public FileSystemOptions options() {
    return options;
  }

  /** What has been fetched so far: bytes, requests, spans, and their share of the image. */
  public ImageStatistics statistics() {
    return image.statistics();
  }

  @Override
  public SociFileSystemProvider provider() {
    return provider;
  }

  @Override
  public void close() throws IOException {
    lock.writeLock().lock();
    try {
      if (!open) {
        return;
      }
      open = false;
    } finally {
      lock.writeLock().unlock();
    }
    // Outside the lock: a channel's read may be waiting for it while holding the channel.
    provider.removed(this);
    IOException first = null;
    List<Closeable> all = new ArrayList<>(closeables);
    closeables.clear();
    all.add(image);
    all.add(source);
    for (Closeable c : all) {
      try {
        c.close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (cache != null) {
      cache.clear(); // the layers dropped their spans as they closed; nothing may stay
    }
    if (first != null) {
      throw first;
    }
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public boolean isReadOnly() {
    return true;
  }

  @Override
  public String getSeparator() {
    return "/";
  }

  @Override
  public Iterable<Path> getRootDirectories() {
    return List.of(root);
  }

  @Override
  public Iterable<FileStore> getFileStores() {
    return List.of(store);
  }

  SociFileStore store() {
    return store;
  }

  @Override
  public Set<String> supportedFileAttributeViews() {
    return Set.of("basic", "posix", "unix", "owner");
  }

  @Override
  public Path getPath(String first, String... more) {
    StringBuilder b = new StringBuilder(first);
    for (String m : more) {
      if (!m.isEmpty()) {
        if (b.length() > 0) {
          b.append('/');
        }
        b.append(m);
      }
    }
    return new SociPath(this, b.toString());
  }

  @Override
  public PathMatcher getPathMatcher(String syntaxAndPattern) {
    int colon = syntaxAndPattern.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("expected syntax:pattern, got " + syntaxAndPattern);
    }
    String syntax = syntaxAndPattern.substring(0, colon);
    String pattern = syntaxAndPattern.substring(colon + 1);
    Pattern regex;
    if (syntax.equalsIgnoreCase("glob")) {
      regex = Pattern.compile(Globs.toRegex(pattern));
    } else if (syntax.equalsIgnoreCase("regex")) {
      regex = Pattern.compile(pattern);
    } else {
      throw new UnsupportedOperationException("syntax '" + syntax + "' not recognized");
    }
    return p -> regex.matcher(p.toString()).matches();
  }

  @Override
  public UserPrincipalLookupService getUserPrincipalLookupService() {
    throw new UnsupportedOperationException("owners of a soci file system are numeric ids");
  }

  @Override
  public WatchService newWatchService() {
    throw new UnsupportedOperationException("a soci file system is read-only: nothing to watch");
  }

  @Override
  public String toString() {
    return uri.toString();
  }

  // ---- what the provider and paths ask; each checks that the file system is open

  /** An operation that may fail with an {@link IOException}. */
  interface Call<T> {
    T run() throws IOException;
  }

  <T> T guarded(Call<T> call) throws IOException {
    lock.readLock().lock();
    try {
      if (!open) {
        throw new ClosedFileSystemException();
      }
      return call.run();
    } finally {
      lock.readLock().unlock();
    }
  }

  void ensureOpen() {
    if (!open) {
      throw new ClosedFileSystemException();
    }
  }

  ImageEntry entry(SociPath p, boolean follow) throws IOException {
    String s = p.imagePath();
    return guarded(() -> follow ? image.resolve(s) : image.lookup(s));
  }

  List<ImageEntry> list(SociPath dir) throws IOException {
    return guarded(() -> image.list(dir.imagePath()));
  }

  InputStream open(ImageEntry file) throws IOException {
    return guarded(() -> track(new TrackedStream(this, image.open(file))));
  }

  InputStream openRange(ImageEntry file, long position, long length) throws IOException {
    return guarded(() -> image.openRange(file, position, length));
  }

  EntryChannel newChannel(ImageEntry file) throws IOException {
    return guarded(() -> track(new EntryChannel(this, file)));
  }

  private <T extends Closeable> T track(T c) {
    closeables.add(c);
    return c;
  }

  void forget(Closeable c) {
    closeables.remove(c);
  }

  URI uriOf(String absolutePath) {
    try {
      String encoded = new URI(null, null, absolutePath, null).getRawPath();
      return new URI(uri + "!" + encoded);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An input stream that the file system closes when it is closed. */
  private static final class TrackedStream extends java.io.FilterInputStream {
    private final SociFileSystem fs;

    TrackedStream(SociFileSystem fs, InputStream in) {
      super(in);
      this.fs = fs;
    }

    @Override
    public void close() throws IOException {
      fs.forget(this);
      super.close();
    }
  }
}
