package dev.soci.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Tables as upstream prints them through Go's {@code text/tabwriter} (min width 8, tab width 8,
 * padding 4, space padding, no flags) with every line ending in a tab: each column is {@code max(8,
 * longest cell + 4)} characters wide, every cell (the last included) is padded to it, so lines end
 * with spaces.
 */
final class Tables {
  private Tables() {}

  static String format(List<String> header, List<List<String>> rows) {
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    int[] width = new int[header.size()];
    for (List<String> r : all) {
      for (int i = 0; i < r.size(); i++) {
        width[i] =
            Math.max(width[i], Math.max(8, r.get(i).codePointCount(0, r.get(i).length()) + 4));
      }
    }
    StringBuilder sb = new StringBuilder();
    for (List<String> r : all) {
      for (int i = 0; i < r.size(); i++) {
        String cell = r.get(i);
        sb.append(cell).append(" ".repeat(width[i] - cell.codePointCount(0, cell.length())));
      }
      sb.append('\n');
    }
    return sb.toString();
  }
}
