package dev.soci.core.nio;

import java.io.IOException;
import java.net.URI;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A path of a {@link SociFileSystem}: a Unix path, with the default file system's rules on Unix for
 * every syntactic operation (names, {@code resolve}, {@code relativize}, {@code normalize}). The
 * string form has no repeated and no trailing slashes; {@code ""} is the empty path. Immutable.
 */
final class SociPath implements Path {
  private final SociFileSystem fs;
  private final String path;
  private volatile int[] offsets; // start of each name; computed on first use

  SociPath(SociFileSystem fs, String path) {
    this.fs = fs;
    this.path = clean(path);
  }

  /** Collapses repeated slashes and drops a trailing one (but not the root's). */
  static String clean(String p) {
    if (p.indexOf('\u0000') >= 0) {
      throw new java.nio.file.InvalidPathException(p, "Nul character not allowed");
    }
    StringBuilder b = new StringBuilder(p.length());
    char prev = 0;
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (c == '/' && prev == '/') {
        continue;
      }
      b.append(c);
      prev = c;
    }
    if (b.length() > 1 && b.charAt(b.length() - 1) == '/') {
      b.setLength(b.length() - 1);
    }
    return b.toString();
  }

  String string() {
    return path;
  }

  /** The path in the image: this path made absolute, for {@link dev.soci.core.image.SociImage}. */
  String imagePath() {
    return isAbsolute() ? path : "/" + path;
  }

  private int[] offsets() {
    int[] o = offsets;
    if (o == null) {
      List<Integer> starts = new ArrayList<>();
      if (path.isEmpty()) {
        starts.add(0); // the empty path has one name, the empty name
      } else {
        for (int i = 0; i < path.length(); i++) {
          if (path.charAt(i) != '/' && (i == 0 || path.charAt(i - 1) == '/')) {
            starts.add(i);
          }
        }
      }
      o = starts.stream().mapToInt(Integer::intValue).toArray();
      offsets = o;
    }
    return o;
  }

  private String name(int i) {
    int[] o = offsets();
    int end = i + 1 < o.length ? o[i + 1] - 1 : path.length();
    return path.substring(o[i], end);
  }

  private boolean isEmpty() {
    return path.isEmpty();
  }

  private boolean hasDotOrDotDot() {
    for (int i = 0; i < getNameCount(); i++) {
      String n = name(i);
      if (n.equals(".") || n.equals("..")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public SociFileSystem getFileSystem() {
    return fs;
  }

  @Override
  public boolean isAbsolute() {
    return path.startsWith("/");
  }

  @Override
  public SociPath getRoot() {
    return isAbsolute() ? new SociPath(fs, "/") : null;
  }

  @Override
  public SociPath getFileName() {
    int n = getNameCount();
    if (n == 0) {
      return null;
    }
    if (n == 1 && !isAbsolute()) {
      return this;
    }
    return new SociPath(fs, name(n - 1));
  }

  @Override
  public SociPath getParent() {
    int n = getNameCount();
    if (n == 0 || (n == 1 && !isAbsolute())) {
      return null;
    }
    if (n == 1) {
      return getRoot();
    }
    return new SociPath(fs, path.substring(0, offsets()[n - 1] - 1));
  }

  @Override
  public int getNameCount() {
    return path.equals("/") ? 0 : offsets().length;
  }

  @Override
  public SociPath getName(int index) {
    if (index < 0 || index >= getNameCount()) {
      throw new IllegalArgumentException("no name " + index + " in " + path);
    }
    return new SociPath(fs, name(index));
  }

  @Override
  public SociPath subpath(int beginIndex, int endIndex) {
    int n = getNameCount();
    if (beginIndex < 0 || beginIndex >= n || endIndex > n || beginIndex >= endIndex) {
      throw new IllegalArgumentException(
          "no names [" + beginIndex + ", " + endIndex + ") in " + path);
    }
    return new SociPath(fs, String.join("/", names(beginIndex, endIndex)));
  }

  private List<String> names(int from, int to) {
    List<String> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add(name(i));
    }
    return out;
  }

  private static SociPath check(Path other) {
    Objects.requireNonNull(other, "other");
    if (!(other instanceof SociPath)) {
      throw new ProviderMismatchException(
          "not a path of a soci file system: " + other.getClass().getName());
    }
    return (SociPath) other;
  }

  @Override
  public boolean startsWith(Path other) {
    if (!(Objects.requireNonNull(other) instanceof SociPath)) {
      return false;
    }
    SociPath o = (SociPath) other;
    if (o.isAbsolute() != isAbsolute() || o.fs != fs) {
      return false;
    }
    if (o.isEmpty()) {
      return isEmpty();
    }
    int n = o.getNameCount();
    if (n > getNameCount()) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (!o.name(i).equals(name(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean endsWith(Path other) {
    if (!(Objects.requireNonNull(other) instanceof SociPath)) {
      return false;
    }
    SociPath o = (SociPath) other;
    if (o.fs != fs) {
      return false;
    }
    if (o.isAbsolute()) {
      return o.path.equals(path);
    }
    if (o.isEmpty()) {
      return isEmpty();
    }
    int n = o.getNameCount();
    int m = getNameCount();
    if (n > m || (isEmpty())) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (!o.name(n - 1 - i).equals(name(m - 1 - i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public SociPath normalize() {
    List<String> out = new ArrayList<>();
    boolean changed = false;
    for (int i = 0; i < getNameCount(); i++) {
      String n = name(i);
      if (n.equals(".")) {
        changed = true;
      } else if (n.equals("..")) {
        if (!out.isEmpty() && !out.get(out.size() - 1).equals("..")) {
          out.remove(out.size() - 1);
          changed = true;
        } else if (isAbsolute()) {
          changed = true; // ".." at the root stays at the root
        } else {
          out.add(n);
        }
      } else {
        out.add(n);
      }
    }
    if (!changed) {
      return this;
    }
    return new SociPath(fs, (isAbsolute() ? "/" : "") + String.join("/", out));
  }

  @Override
  public SociPath resolve(Path other) {
    SociPath o = check(other);
    if (o.isAbsolute()) {
      return o;
    }
    if (o.isEmpty()) {
      return this;
    }
    if (isEmpty()) {
      return o;
    }
    return new SociPath(fs, path.equals("/") ? "/" + o.path : path + "/" + o.path);
  }

  @Override
  public SociPath resolve(String other) {
    return resolve(new SociPath(fs, other));
  }

  @Override
  public SociPath relativize(Path other) {
    SociPath child = check(other);
    if (child.equals(this)) {
      return new SociPath(fs, "");
    }
    if (isAbsolute() != child.isAbsolute()) {
      throw new IllegalArgumentException("'other' is different type of Path");
    }
    if (isEmpty()) {
      return child;
    }
    SociPath base = this;
    if (base.hasDotOrDotDot() || child.hasDotOrDotDot()) {
      base = base.normalize();
      child = child.normalize();
      if (base.isEmpty()) {
        return child;
      }
    }
    int baseCount = base.getNameCount();
    int childCount = child.getNameCount();
    int n = Math.min(baseCount, childCount);
    int i = 0;
    while (i < n && base.name(i).equals(child.name(i))) {
      i++;
    }
    List<String> rest = i < childCount ? child.names(i, childCount) : List.of();
    if (i == baseCount) {
      return new SociPath(fs, String.join("/", rest));
    }
    SociPath baseRest = base.subpath(i, baseCount);
    if (baseRest.hasDotOrDotDot()) {
      throw new IllegalArgumentException(
          "Unable to compute relative path from " + this + " to " + other);
    }
    List<String> out = new ArrayList<>();
    int dotdots = baseCount - i;
    for (int k = 0; k < dotdots; k++) {
      out.add("..");
    }
    for (String r : rest) {
      if (!r.isEmpty()) {
        out.add(r);
      }
    }
    return new SociPath(fs, String.join("/", out));
  }

  @Override
  public URI toUri() {
    return fs.uriOf(toAbsolutePath().path);
  }

  @Override
  public SociPath toAbsolutePath() {
    return isAbsolute() ? this : new SociPath(fs, "/" + path);
  }

  @Override
  public SociPath toRealPath(LinkOption... options) throws IOException {
    boolean follow = !Arrays.asList(options).contains(LinkOption.NOFOLLOW_LINKS);
    return new SociPath(fs, "/" + fs.entry(this, follow).path());
  }

  @Override
  public WatchKey register(
      WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
    throw new UnsupportedOperationException("a soci file system is read-only: nothing to watch");
  }

  @Override
  public int compareTo(Path other) {
    return path.compareTo(((SociPath) other).path);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SociPath p && p.fs == fs && p.path.equals(path);
  }

  @Override
  public int hashCode() {
    return path.hashCode();
  }

  @Override
  public String toString() {
    return path;
  }
}
