package dev.soci.oci.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ImageGraphWalkerTest {
  private final Map<Digest, List<Descriptor>> graph = new HashMap<>();
  private final List<String> reads = new ArrayList<>();

  private static Descriptor node(String name, String mediaType) {
    return Descriptor.ofContent(mediaType, name.getBytes(StandardCharsets.UTF_8));
  }

  private Descriptor index(String name, Descriptor... children) {
    Descriptor d = node(name, MediaTypes.OCI_INDEX);
    graph.put(d.digest(), List.of(children));
    return d;
  }

  private List<Descriptor> children(Descriptor d) {
    reads.add(d.digest().toString());
    return graph.getOrDefault(d.digest(), List.of());
  }

  @Test
  void visitsInDocumentOrderParentsFirstAndReadsEachIndexOnce() throws Exception {
    Descriptor a = node("a", MediaTypes.OCI_MANIFEST);
    Descriptor b = node("b", MediaTypes.OCI_MANIFEST);
    Descriptor shared = index("shared", b);
    Descriptor top = index("top", a, shared, shared);
    List<String> seen = new ArrayList<>();
    ImageGraphWalker.withDefaults()
        .walk(
            top,
            this::children,
            (d, depth) -> {
              seen.add(depth + ":" + (d == a ? "a" : d == b ? "b" : d == shared ? "s" : "t"));
              return MediaTypes.isIndex(d.mediaType());
            });
    // every occurrence is visited; the children of a digest are read once
    assertThat(seen).containsExactly("0:t", "1:a", "1:s", "2:b", "1:s");
    assertThat(reads).hasSize(2);
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aChainOf20000IndexesStopsAtTheDepthBoundWithoutRecursion() {
    Descriptor inner = node("leaf", MediaTypes.OCI_MANIFEST);
    for (int i = 0; i < 20_000; i++) {
      inner = index("level " + i, inner);
    }
    Descriptor top = inner;
    assertThatThrownBy(
            () -> ImageGraphWalker.withDefaults().walk(top, this::children, (d, depth) -> true))
        .isInstanceOf(ImageGraphWalker.LimitException.class)
        .hasMessageStartingWith("image indexes nested deeper than 32 levels under " + top.digest());
    assertThat(reads).hasSize(33);
  }

  @Test
  void exactlyTheDepthBoundIsAccepted() throws Exception {
    Descriptor inner = node("leaf", MediaTypes.OCI_MANIFEST);
    for (int i = 0; i < 4; i++) {
      inner = index("level " + i, inner);
    }
    int[] deepest = {0};
    ImageGraphWalker.withLimits(4, 100)
        .walk(
            inner,
            this::children,
            (d, depth) -> {
              deepest[0] = Math.max(deepest[0], depth);
              return true;
            });
    assertThat(deepest[0]).isEqualTo(4);
    Descriptor five = index("level 4", inner);
    assertThatThrownBy(
            () ->
                ImageGraphWalker.withLimits(4, 100).walk(five, this::children, (d, depth) -> true))
        .isInstanceOf(ImageGraphWalker.LimitException.class);
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aLatticeOfIndexesListingEachOtherIsWalkedInLinearTime() throws Exception {
    // 30 levels of two indexes, each listing both of the next level 1,000 times: 2^30 paths
    List<Descriptor> level = List.of(node("leaf", MediaTypes.OCI_MANIFEST));
    for (int i = 0; i < 30; i++) {
      List<Descriptor> many = new ArrayList<>();
      for (int k = 0; k < 1000; k++) {
        many.addAll(level);
      }
      Descriptor[] children = many.toArray(new Descriptor[0]);
      level = List.of(index(i + "x", children), index(i + "y", children));
    }
    long[] visits = {0};
    ImageGraphWalker.withDefaults()
        .walk(
            level,
            this::children,
            (d, depth) -> {
              visits[0]++;
              return true;
            });
    assertThat(reads).hasSize(60 + 1); // every index once, and the leaf
    assertThat(visits[0]).isEqualTo(2 + 60 * 1000 * 2 - 2 * 1000);
  }

  @Test
  void aWideGraphStopsAtTheNodeBound() {
    Descriptor[] many = new Descriptor[2000];
    for (int i = 0; i < many.length; i++) {
      many[i] = node("m" + i, MediaTypes.OCI_MANIFEST);
    }
    Descriptor top = index("wide", many);
    assertThatThrownBy(
            () ->
                ImageGraphWalker.withLimits(32, 1000)
                    .walk(top, this::children, (d, depth) -> depth == 0))
        .isInstanceOf(ImageGraphWalker.LimitException.class)
        .hasMessageStartingWith("the image graph under " + top.digest() + " has more than 1000");
  }

  @Test
  void aCycleEnds() throws Exception {
    Descriptor self = node("self", MediaTypes.OCI_INDEX);
    graph.put(self.digest(), List.of(self, self));
    int[] visits = {0};
    ImageGraphWalker.withDefaults()
        .walk(
            self,
            this::children,
            (d, depth) -> {
              visits[0]++;
              return true;
            });
    assertThat(visits[0]).isEqualTo(3);
    assertThat(reads).hasSize(1);
  }
}
