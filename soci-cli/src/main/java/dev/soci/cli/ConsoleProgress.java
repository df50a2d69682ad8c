package dev.soci.cli;

import dev.soci.core.index.BuildListener;
import dev.soci.core.index.LayerResult;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Prints upstream's per-layer lines on stdout and, on a terminal only, a progress bar on stderr for
 * builds that take more than a second.
 */
final class ConsoleProgress implements BuildListener {
  private static final long DELAY_NANOS = 1_000_000_000L;
  private static final long REDRAW_NANOS = 100_000_000L;

  private final PrintStream out;
  private final PrintStream err;
  private final boolean quiet;
  private final boolean bar;
  private final long start = System.nanoTime();
  private long lastDraw;
  private boolean drawn;

  ConsoleProgress(boolean quiet) {
    this.out = System.out;
    this.err = System.err;
    this.quiet = quiet;
    this.bar = !quiet && System.console() != null;
  }

  @Override
  public synchronized void onLayer(LayerResult r) {
    clear();
    if (!quiet) {
      out.println(r.message());
      out.flush();
    }
  }

  @Override
  public synchronized void onProgress(long done, long total) {
    long now = System.nanoTime();
    if (!bar
        || total <= 0
        || now - start < DELAY_NANOS
        || (now - lastDraw < REDRAW_NANOS && done < total)) {
      return;
    }
    lastDraw = now;
    int cells = 30;
    int full = (int) Math.min(cells, done * cells / total);
    String line =
        String.format(
            Locale.ROOT,
            "\r[%s%s] %3d%% %.1f/%.1f MiB",
            "=".repeat(full),
            " ".repeat(cells - full),
            done * 100 / total,
            done / 1048576.0,
            total / 1048576.0);
    err.print(line);
    err.flush();
    drawn = true;
  }

  /** Warnings go to stderr, even with {@code --quiet}. */
  @Override
  public synchronized void onWarning(String message) {
    clear();
    err.println("warning: " + message);
    err.flush();
  }

  /** Removes the bar, if one is shown. */
  synchronized void clear() {
    if (drawn) {
      err.print("\r" + " ".repeat(60) + "\r");
      err.flush();
      drawn = false;
    }
  }
}
