package dev.soci.examples;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs an example's {@code main} with its output captured, and third-party tools as oracles. */
final class Programs {
  private Programs() {}

  /** What a program wrote. */
  record Output(byte[] stdout, String stderr) {
    String text() {
      return new String(stdout, StandardCharsets.UTF_8);
    }
  }

  /** An example's entry point. */
  interface Main {
    void main(String[] args) throws Exception;
  }

  /**
   * Runs {@code main} in this JVM with {@code System.out} and {@code System.err} captured. Tests of
   * this module run one at a time (surefire's default), so swapping the streams is safe.
   */
  static synchronized Output run(Main main, String... args) throws Exception {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    try (PrintStream o = new PrintStream(stdout, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(stderr, true, StandardCharsets.UTF_8)) {
      System.setOut(o);
      System.setErr(e);
      main.main(args);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    return new Output(stdout.toByteArray(), stderr.toString(StandardCharsets.UTF_8));
  }

  /**
   * Runs a command (tar, skopeo, python3: installed by {@code scripts/setup.sh}), failing with its
   * output unless it exits 0; returns its stdout.
   */
  static byte[] tool(Path cwd, String... cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
    pb.environment().put("TZ", "UTC");
    Path errors = Files.createTempFile("tool", ".err");
    pb.redirectError(errors.toFile());
    try {
      return run(pb, cmd, errors);
    } finally {
      Files.delete(errors);
    }
  }

  private static byte[] run(ProcessBuilder pb, String[] cmd, Path errors)
      throws IOException, InterruptedException {
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new AssertionError(cmd[0] + " is not installed (scripts/setup.sh installs it)", e);
    }
    byte[] out;
    try (InputStream in = p.getInputStream()) {
      out = in.readAllBytes();
    }
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", cmd) + ": timed out");
    }
    if (p.exitValue() != 0) {
      throw new AssertionError(
          String.join(" ", cmd)
              + " exited "
              + p.exitValue()
              + ":\n"
              + Files.readString(errors, StandardCharsets.UTF_8));
    }
    return out;
  }

  /** The shared vectors: layers from real producers and what upstream soci made of them. */
  static Path upstream() {
    return Path.of(System.getProperty("soci.testdata"), "upstream");
  }
}
