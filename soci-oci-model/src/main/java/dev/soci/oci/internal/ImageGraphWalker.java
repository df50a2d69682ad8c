package dev.soci.oci.internal;

import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.OciException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The one walk of the image graph (image indexes, manifests, and whatever a caller follows from
 * them, such as a manifest's subject): depth first, in document order, iterative, with a bound on
 * the depth and on the number of descriptors visited. Every place that walks the graph of a layout
 * or a store goes through it, so a hostile graph (a chain of 20,000 nested indexes, a lattice of
 * indexes listing each other's children) costs at most the bounds and fails with one clear error,
 * never a {@link StackOverflowError} or an exponential walk.
 *
 * <p>Each descriptor reached is passed to {@link Visitor#visit} (once per occurrence, so a visitor
 * sees every way a manifest is listed); the children of a digest are asked for at most once per
 * walk, which also ends cycles. Internal: exported only to the library's own modules.
 */
public final class ImageGraphWalker {
  /** Deepest nesting followed: a root is at depth 0, its children at 1. */
  public static final int DEFAULT_MAX_DEPTH = 32;

  /** Most descriptors visited by one walk (every occurrence counts). */
  public static final int DEFAULT_MAX_NODES = 1_000_000;

  /** What a walk does at each descriptor. */
  @FunctionalInterface
  public interface Visitor {
    /**
     * Visits {@code d}, reached at {@code depth}.
     *
     * @return whether to follow {@code d} (its children are then asked for, once per digest)
     */
    boolean visit(Descriptor d, int depth) throws IOException;
  }

  /** Where a descriptor points to. */
  @FunctionalInterface
  public interface Children {
    /** The descriptors {@code d} lists, in order (reads its document). */
    List<Descriptor> of(Descriptor d) throws IOException;
  }

  /** A walk that went past a bound; names the bound, where it was met, and the root. */
  public static final class LimitException extends OciException {
    private static final long serialVersionUID = 1L;

    LimitException(String message) {
      super(message);
    }
  }

  private final int maxDepth;
  private final int maxNodes;

  private ImageGraphWalker(int maxDepth, int maxNodes) {
    this.maxDepth = maxDepth;
    this.maxNodes = maxNodes;
  }

  /** A walker with the default bounds. */
  public static ImageGraphWalker withDefaults() {
    return new ImageGraphWalker(DEFAULT_MAX_DEPTH, DEFAULT_MAX_NODES);
  }

  /** A walker with the given bounds (each at least 1). */
  public static ImageGraphWalker withLimits(int maxDepth, int maxNodes) {
    if (maxDepth < 1 || maxNodes < 1) {
      throw new IllegalArgumentException("bounds must be >= 1");
    }
    return new ImageGraphWalker(maxDepth, maxNodes);
  }

  /** The depth bound. */
  public int maxDepth() {
    return maxDepth;
  }

  /** The node bound. */
  public int maxNodes() {
    return maxNodes;
  }

  /** Walks from one root; see {@link #walk(Collection, Children, Visitor)}. */
  public void walk(Descriptor root, Children children, Visitor visitor) throws IOException {
    walk(List.of(root), children, visitor);
  }

  /**
   * Walks from each root in turn, depth first: {@code visitor} sees every descriptor in document
   * order (a parent before its children); a descriptor it follows has its children listed by {@code
   * children}, once per digest over the whole walk.
   *
   * @throws LimitException if a descriptor lies deeper than {@link #maxDepth} or more than {@link
   *     #maxNodes} descriptors are reached
   */
  public void walk(Collection<Descriptor> roots, Children children, Visitor visitor)
      throws IOException {
    Set<Digest> expanded = new HashSet<>();
    Deque<Iterator<Descriptor>> stack = new ArrayDeque<>();
    long nodes = 0;
    for (Descriptor root : roots) {
      stack.push(List.of(root).iterator());
      while (!stack.isEmpty()) {
        Iterator<Descriptor> top = stack.peek();
        if (!top.hasNext()) {
          stack.pop();
          continue;
        }
        Descriptor d = top.next();
        int depth = stack.size() - 1;
        if (++nodes > maxNodes) {
          throw new LimitException(
              "the image graph under "
                  + root.digest()
                  + " has more than "
                  + maxNodes
                  + " descriptors (the walk stopped at "
                  + d.digest()
                  + ")");
        }
        if (!visitor.visit(d, depth) || !expanded.add(d.digest())) {
          continue;
        }
        List<Descriptor> next = children.of(d);
        if (next.isEmpty()) {
          continue;
        }
        if (depth + 1 > maxDepth) {
          throw new LimitException(
              "image indexes nested deeper than "
                  + maxDepth
                  + " levels under "
                  + root.digest()
                  + " (at "
                  + d.digest()
                  + ", "
                  + d.mediaType()
                  + ")");
        }
        stack.push(next.iterator());
      }
    }
  }
}
