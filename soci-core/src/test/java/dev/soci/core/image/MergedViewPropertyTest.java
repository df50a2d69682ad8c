package dev.soci.core.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.ztoc.EntryType;
import dev.soci.ztoc.FileMetadata;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The merged view against a reference model: random layers over a small name space are applied one
 * after the other to a plain map of paths, as an extractor applies OCI changesets (whiteouts and
 * opaque markers first, against the layers below, then the entries in order), and every path (lstat
 * and stat) and every directory listing of the view must agree with the map.
 */
class MergedViewPropertyTest {
  private static final String[] NAMES = {"a", "b", "c"};
  private static final int CASES = 400;

  /** A path of the model: its type, the layer it came from, and its link target. */
  record MNode(EntryType type, int layer, String link, boolean implicit) {}

  /** A failure category, for comparing errors. */
  enum Outcome {
    NOENT,
    NOTDIR,
    LOOP
  }

  static final class ModelError extends Exception {
    private static final long serialVersionUID = 1L;
    final Outcome outcome;

    ModelError(Outcome outcome) {
      super(outcome.name(), null, false, false);
      this.outcome = outcome;
    }
  }

  @Test
  void randomLayersAgreeWithSequentialApplication() throws Exception {
    for (int seed = 0; seed < CASES; seed++) {
      check(seed);
    }
  }

  private static void check(long seed) throws Exception {
    Random r = new Random(seed);
    List<String> universe = universe();
    int layerCount = 1 + r.nextInt(4);
    List<List<FileMetadata>> layers = new ArrayList<>();
    for (int i = 0; i < layerCount; i++) {
      layers.add(randomLayer(r, universe));
    }
    TreeMap<String, MNode> model = new TreeMap<>();
    for (int i = 0; i < layerCount; i++) {
      apply(model, layers.get(i), i);
    }
    List<LayerTree> trees = layers.stream().map(LayerTree::of).toList();
    MergedView view =
        new MergedView(
            new MergedView.Layers() {
              @Override
              public int count() {
                return trees.size();
              }

              @Override
              public LayerTree tree(int layer) {
                return trees.get(layer);
              }
            });
    List<String> queries = new ArrayList<>(universe);
    queries.add("");
    for (int k = 0; k < 30; k++) {
      queries.add(randomPath(r, universe));
    }
    for (String q : queries) {
      for (boolean follow : new boolean[] {false, true}) {
        String what =
            "seed " + seed + ", " + (follow ? "stat " : "lstat ") + q + ", layers " + layers;
        Object expected = modelLookup(model, q, follow);
        Object actual = viewLookup(view, q, follow);
        assertThat(actual).as(what).isEqualTo(expected);
      }
    }
    Set<String> dirs = new TreeSet<>();
    dirs.add("");
    model.forEach(
        (p, n) -> {
          if (n.type() == EntryType.DIR) {
            dirs.add(p);
          }
        });
    for (String d : dirs) {
      List<String> expected = new ArrayList<>();
      model.forEach(
          (p, n) -> {
            if (!p.isEmpty() && LayerTree.parent(p).equals(d)) {
              expected.add(p);
            }
          });
      List<String> actual = view.list(d).stream().map(MergedView.Node::path).toList();
      assertThat(actual).as("seed %d, list %s, layers %s", seed, d, layers).isEqualTo(expected);
    }
  }

  private static List<String> universe() {
    List<String> out = new ArrayList<>();
    for (String x : NAMES) {
      out.add(x);
      for (String y : NAMES) {
        out.add(x + "/" + y);
        for (String z : NAMES) {
          out.add(x + "/" + y + "/" + z);
        }
      }
    }
    return out;
  }

  private static String randomPath(Random r, List<String> universe) {
    String p = universe.get(r.nextInt(universe.size()));
    return switch (r.nextInt(6)) {
      case 0 -> "/" + p;
      case 1 -> "../" + p;
      case 2 -> p + "/..";
      case 3 -> p + "/../" + NAMES[r.nextInt(3)];
      case 4 -> "./" + p + "/";
      default -> p;
    };
  }

  /** A consistent layer: no entry below a non-directory of the same layer, no repeated path. */
  private static List<FileMetadata> randomLayer(Random r, List<String> universe) {
    List<FileMetadata> out = new ArrayList<>();
    Set<String> entries = new HashSet<>();
    Set<String> nonDirs = new HashSet<>();
    Set<String> impliedDirs = new HashSet<>();
    int ops = r.nextInt(9);
    for (int k = 0; k < ops; k++) {
      String p = universe.get(r.nextInt(universe.size()));
      int kind = r.nextInt(20);
      boolean marker = kind >= 16;
      String dirOfMarker = kind >= 19 ? p : LayerTree.parent(p);
      String ownPath = marker ? null : p;
      // the directories this op needs: the parents of its path (or the marker's directory)
      Set<String> needs = new HashSet<>();
      for (String a = marker ? dirOfMarker : LayerTree.parent(p);
          !a.isEmpty();
          a = LayerTree.parent(a)) {
        needs.add(a);
      }
      if (needs.stream().anyMatch(nonDirs::contains)
          || (ownPath != null && entries.contains(ownPath))) {
        continue;
      }
      boolean dir = kind < 6;
      if (ownPath != null && !dir && impliedDirs.contains(ownPath)) {
        continue;
      }
      FileMetadata f;
      String prefix = r.nextBoolean() ? "./" : "";
      if (kind < 6) {
        f = MergedViewTest.dir(prefix + p + "/");
      } else if (kind < 12) {
        f = MergedViewTest.file(prefix + p, r.nextInt(100));
      } else if (kind < 16) {
        f = MergedViewTest.symlink(prefix + p, randomTarget(r, universe, p));
      } else if (kind < 19) {
        f = MergedViewTest.file(prefix + LayerTree.join(LayerTree.parent(p), ".wh." + last(p)), 0);
      } else {
        f = MergedViewTest.file(prefix + LayerTree.join(p, LayerTree.OPAQUE_MARKER), 0);
      }
      out.add(f);
      impliedDirs.addAll(needs);
      if (ownPath != null) {
        entries.add(ownPath);
        if (!dir) {
          nonDirs.add(ownPath);
        }
      }
    }
    return out;
  }

  private static String randomTarget(Random r, List<String> universe, String self) {
    String u = universe.get(r.nextInt(universe.size()));
    return switch (r.nextInt(7)) {
      case 0 -> "/" + u;
      case 1 -> "../" + u;
      case 2 -> "../../../" + u;
      case 3 -> last(self);
      case 4 -> "/";
      case 5 -> NAMES[r.nextInt(3)];
      default -> u;
    };
  }

  private static String last(String p) {
    return p.substring(p.lastIndexOf('/') + 1);
  }

  /** Applies one layer to the model as an extractor would. */
  private static void apply(TreeMap<String, MNode> state, List<FileMetadata> layer, int index) {
    for (FileMetadata f : layer) {
      String p = LayerTree.clean(f.name());
      String base = last(p);
      if (base.equals(LayerTree.OPAQUE_MARKER)) {
        removeBelow(state, LayerTree.parent(p));
      } else if (base.startsWith(LayerTree.WHITEOUT_PREFIX)) {
        String target = LayerTree.join(LayerTree.parent(p), base.substring(4));
        state.remove(target);
        removeBelow(state, target);
      }
    }
    for (FileMetadata f : layer) {
      String p = LayerTree.clean(f.name());
      String base = last(p);
      if (base.startsWith(LayerTree.WHITEOUT_PREFIX)) {
        ensureDirs(state, LayerTree.parent(p), index);
        continue;
      }
      ensureDirs(state, LayerTree.parent(p), index);
      MNode old = state.get(p);
      if (f.type() != EntryType.DIR || (old != null && old.type() != EntryType.DIR)) {
        removeBelow(state, p);
      }
      state.put(p, new MNode(f.type(), index, f.linkName(), false));
    }
  }

  private static void ensureDirs(TreeMap<String, MNode> state, String dir, int index) {
    List<String> chain = new ArrayList<>();
    for (String a = dir; !a.isEmpty(); a = LayerTree.parent(a)) {
      chain.add(0, a);
    }
    for (String a : chain) {
      MNode n = state.get(a);
      if (n == null || n.type() != EntryType.DIR) {
        state.put(a, new MNode(EntryType.DIR, index, "", true));
      }
    }
  }

  private static void removeBelow(TreeMap<String, MNode> state, String dir) {
    String prefix = dir.isEmpty() ? "" : dir + "/";
    state.keySet().removeIf(k -> !k.isEmpty() && k.startsWith(prefix) && !k.equals(dir));
  }

  // ---- the reference resolver: recursive, over the flat model ----

  private static Object modelLookup(Map<String, MNode> state, String path, boolean follow) {
    try {
      int[] hops = {0};
      List<String> resolved = walk(state, new ArrayList<>(), path, follow, hops);
      String p = String.join("/", resolved);
      MNode n = p.isEmpty() ? new MNode(EntryType.DIR, -1, "", true) : state.get(p);
      return p + " " + n.type() + " " + n.layer();
    } catch (ModelError e) {
      return e.outcome;
    }
  }

  private static List<String> walk(
      Map<String, MNode> state, List<String> base, String path, boolean follow, int[] hops)
      throws ModelError {
    List<String> cur = new ArrayList<>(base);
    String[] parts = path.split("/");
    for (int i = 0; i < parts.length; i++) {
      String c = parts[i];
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        if (!cur.isEmpty()) {
          cur.remove(cur.size() - 1);
        }
        continue;
      }
      boolean last = true;
      for (int j = i + 1; j < parts.length; j++) {
        last &= parts[j].isEmpty() || parts[j].equals(".");
      }
      List<String> next = new ArrayList<>(cur);
      next.add(c);
      MNode n = state.get(String.join("/", next));
      if (n == null) {
        throw new ModelError(Outcome.NOENT);
      }
      if (n.type() == EntryType.SYMLINK && (!last || follow)) {
        if (++hops[0] > MergedView.MAX_SYMLINK_HOPS) {
          throw new ModelError(Outcome.LOOP);
        }
        if (n.link().isEmpty()) {
          throw new ModelError(Outcome.NOENT);
        }
        cur = walk(state, n.link().startsWith("/") ? List.of() : cur, n.link(), true, hops);
        String p = String.join("/", cur);
        MNode t = p.isEmpty() ? null : state.get(p);
        if (!last && t != null && t.type() != EntryType.DIR) {
          throw new ModelError(Outcome.NOTDIR);
        }
        continue;
      }
      if (!last && n.type() != EntryType.DIR) {
        throw new ModelError(Outcome.NOTDIR);
      }
      cur = next;
    }
    return cur;
  }

  private static Object viewLookup(MergedView view, String path, boolean follow)
      throws IOException {
    try {
      MergedView.Node n = view.lookup(path, follow);
      return n.path() + " " + n.type() + " " + n.layer();
    } catch (NoSuchFileException e) {
      return Outcome.NOENT;
    } catch (NotDirectoryException e) {
      return Outcome.NOTDIR;
    } catch (FileSystemException e) {
      return Outcome.LOOP;
    }
  }
}
