package dev.soci.oci.layout;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The exclusive write lock of one layout, held from {@link OciLayout#begin} to the end of the
 * transaction. Two levels, because the JDK maps file locks to {@code fcntl} record locks, which
 * belong to the process: a semaphore per real layout directory serializes the threads of this JVM
 * (two {@code OciLayout} objects of one directory share it; without it the second {@code tryLock}
 * would throw {@code OverlappingFileLockException}), and an exclusive lock on the lock file {@value
 * #FILE} in the layout serializes processes. The lock file is created on first use and left in
 * place: deleting it would let a waiter lock an unlinked file while a newcomer locks a new one.
 */
final class LayoutLock implements AutoCloseable {
  /** The lock file, at the top of the layout. */
  static final String FILE = OciLayout.LOCK_FILE;

  private static final ConcurrentHashMap<Path, Semaphore> IN_JVM = new ConcurrentHashMap<>();
  private static final System.Logger LOG = System.getLogger(LayoutLock.class.getName());

  private final Semaphore semaphore;
  private final FileChannel channel;
  private final FileLock lock;
  private boolean released;

  private LayoutLock(Semaphore semaphore, FileChannel channel, FileLock lock) {
    this.semaphore = semaphore;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock of the layout whose real directory is {@code realRoot}, waiting at most {@code
   * maxWait}.
   *
   * @throws OciLayoutException naming the lock file when another writer holds it for longer, the
   *     wait is interrupted, or the lock file cannot be used
   */
  static LayoutLock acquire(Path realRoot, Duration maxWait) throws OciLayoutException {
    Path f = realRoot.resolve(FILE);
    long deadline = System.nanoTime() + maxWait.toNanos();
    Semaphore semaphore = IN_JVM.computeIfAbsent(realRoot, k -> new Semaphore(1, true));
    try {
      boolean free = semaphore.tryAcquire();
      if (!free) {
        waiting(f, "a thread of this process");
      }
      if (!free && !semaphore.tryAcquire(maxWait.toNanos(), TimeUnit.NANOSECONDS)) {
        throw busy(realRoot, f, maxWait, "a thread of this process");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OciLayoutException(f, f + ": interrupted while waiting for the layout lock", e);
    }
    FileChannel channel = null;
    try {
      channel = open(f);
      long pause = 1;
      for (boolean first = true; ; first = false) {
        FileLock lock = channel.tryLock();
        if (lock != null) {
          return new LayoutLock(semaphore, channel, lock);
        }
        if (first) {
          waiting(f, "another process");
        }
        if (System.nanoTime() - deadline >= 0) {
          throw busy(realRoot, f, maxWait, "another process");
        }
        Thread.sleep(pause);
        pause = Math.min(pause * 2, 50);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeQuietly(channel);
      semaphore.release();
      throw new OciLayoutException(f, f + ": interrupted while waiting for the layout lock", e);
    } catch (OciLayoutException e) {
      closeQuietly(channel);
      semaphore.release();
      throw e;
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      semaphore.release();
      throw new OciLayoutException(f, f + ": cannot lock the layout for writing: " + e, e);
    }
  }

  /**
   * Opens (creating) the lock file without following a link, and only if it is a regular file.
   * Read-write, so a FIFO put there in a race would not block the open ({@code O_RDWR} never waits
   * for a peer), and is then refused.
   */
  private static FileChannel open(Path f) throws IOException {
    checkRegularOrAbsent(f);
    FileChannel ch =
        FileChannel.open(
            f,
            StandardOpenOption.CREATE,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS);
    try {
      checkRegularOrAbsent(f);
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    return ch;
  }

  private static void checkRegularOrAbsent(Path f) throws IOException {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return;
    }
    if (!a.isRegularFile()) {
      throw new OciLayoutException(
          f, f + ": the layout's lock file is " + FileKind.describe(f) + ", not a regular file");
    }
  }

  private static void waiting(Path f, String holder) {
    LOG.log(System.Logger.Level.DEBUG, "waiting for the layout lock {0}, held by {1}", f, holder);
  }

  private static OciLayoutException busy(Path root, Path f, Duration waited, String holder) {
    return new OciLayoutException(
        f,
        root
            + ": another writer ("
            + holder
            + ") holds the layout lock "
            + f
            + "; gave up after waiting "
            + waited.toMillis()
            + " ms");
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException e) {
        // nothing was written through it
      }
    }
  }

  /** Releases the lock; later calls do nothing. */
  @Override
  public synchronized void close() {
    if (released) {
      return;
    }
    released = true;
    try {
      lock.release();
    } catch (IOException e) {
      // closing the channel below releases it too
    }
    closeQuietly(channel);
    semaphore.release();
  }
}
