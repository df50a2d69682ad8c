package dev.soci.fuzz;

import dev.soci.ztoc.ZtocException;
import java.util.Arrays;

/**
 * What the fuzz targets treat as a finding: any exception outside the documented hierarchy ({@link
 * ZtocException} and its subclasses), a wrong byte, or an invariant broken. Clean failures of the
 * expected type are not findings.
 */
final class Findings {
  /** Output bound per input: decoding stops after this many bytes (no hang on bombs). */
  static final int MAX_OUTPUT = 4 << 20;

  private Findings() {}

  /** A checked exception that is not part of the documented hierarchy. */
  static AssertionError undocumented(Exception e) {
    return new AssertionError("undocumented exception type escaped: " + e, e);
  }

  /** Checks a documented failure: it must say what went wrong. */
  static void checkMessage(ZtocException e) {
    if (e.getMessage() == null || e.getMessage().isBlank()) {
      throw new AssertionError("exception without a message", e);
    }
  }

  /** Fails unless {@code cond}. */
  static void check(boolean cond, String what) {
    if (!cond) {
      throw new AssertionError(what);
    }
  }

  /** Fails unless the shorter of the two outputs is a prefix of the longer. */
  static void checkCommonPrefix(Sink a, Sink b, String what) {
    int n = Math.min(a.size(), b.size());
    int diff = Arrays.mismatch(a.buf, 0, n, b.buf, 0, n);
    if (diff >= 0) {
      throw new AssertionError(
          what
              + ": outputs differ at byte "
              + diff
              + " (of "
              + a.size()
              + " and "
              + b.size()
              + ")");
    }
  }

  /** A growable byte buffer that stops growing at {@link #MAX_OUTPUT}. */
  static final class Sink {
    byte[] buf = new byte[4096];
    int len;

    void write(byte[] b, int off, int n) {
      int take = Math.min(n, MAX_OUTPUT - len);
      if (take <= 0) {
        return;
      }
      if (len + take > buf.length) {
        buf = Arrays.copyOf(buf, Math.min(MAX_OUTPUT, Math.max(buf.length * 2, len + take)));
      }
      System.arraycopy(b, off, buf, len, take);
      len += take;
    }

    boolean full() {
      return len >= MAX_OUTPUT;
    }

    int size() {
      return len;
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buf, len);
    }
  }
}
