package dev.soci.cli;

import dev.soci.core.registry.SociPuller;
import dev.soci.core.registry.SociPusher;
import dev.soci.oci.Descriptor;

/**
 * A one-line progress display of blob transfers on a terminal, shown only once a transfer has taken
 * longer than a second; warnings go to stderr at once.
 */
final class TransferProgress implements SociPusher.Listener, SociPuller.Listener {
  private final boolean show;
  private final String verb;
  private final long start = System.nanoTime();
  private int blobs;
  private long bytes;
  private boolean drawn;

  TransferProgress(boolean quiet, String verb) {
    this.show = !quiet && System.console() != null;
    this.verb = verb;
  }

  @Override
  public synchronized void blob(Descriptor blob, boolean transferred) {
    blobs++;
    if (transferred) {
      bytes += blob.size();
    }
    if (show && System.nanoTime() - start > 1_000_000_000L) {
      System.err.print("\r" + verb + " " + blobs + " blobs, " + (bytes >> 20) + " MiB   ");
      System.err.flush();
      drawn = true;
    }
  }

  @Override
  public synchronized void warning(String message) {
    clear();
    System.err.println("warning: " + message);
    System.err.flush();
  }

  synchronized void clear() {
    if (drawn) {
      System.err.print("\r" + " ".repeat(60) + "\r");
      System.err.flush();
      drawn = false;
    }
  }
}
