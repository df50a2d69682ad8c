package dev.soci.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * One writer of {@link LayoutWritersTest}, run as its own JVM (fcntl locks are per process, so
 * separate processes are the case the in-JVM tests cannot cover): runs one {@code soci} command in
 * a loop until a deadline, each time a fresh command line, and prints one line per run, {@code ok}
 * or {@code fail <message>}.
 *
 * <p>Usage: {@code LayoutWriter ROLE LAYOUT MILLIS} with ROLE {@code create}, {@code convert} or
 * {@code rm}.
 */
public final class LayoutWriter {
  private LayoutWriter() {}

  /** Runs the loop; exits 0 (the test judges the lines). */
  public static void main(String[] args) {
    String role = args[0];
    String layout = args[1];
    long deadline = System.nanoTime() + Long.parseLong(args[2]) * 1_000_000L;
    long pid = ProcessHandle.current().pid();
    int n = 0;
    while (System.nanoTime() < deadline) {
      List<String> cmd = command(role, layout, "p" + pid + "-" + n++);
      java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
      java.io.PrintStream savedErr = System.err;
      java.io.PrintStream savedOut = System.out;
      int code;
      try {
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        code = SociCommand.run(cmd.toArray(String[]::new));
      } finally {
        System.setErr(savedErr);
        System.setOut(savedOut);
      }
      String msg = err.toString(java.nio.charset.StandardCharsets.UTF_8).strip().replace('\n', ' ');
      System.out.println(code == 0 ? "ok " + role : "fail " + role + " " + msg);
    }
    System.out.flush();
  }

  /** The command line of one run of {@code role}; {@code unique} names a fresh tag. */
  static List<String> command(String role, String layout, String unique) {
    List<String> cmd = new ArrayList<>();
    switch (role) {
      case "create" -> cmd.addAll(List.of("create", "--layout", layout, "--image", "app"));
      case "convert" ->
          cmd.addAll(
              List.of("convert", "--layout", layout, "--image", "app2", "--to", "conv-" + unique));
      case "rm" -> cmd.addAll(List.of("index", "rm", "--layout", layout, "--ref", "app"));
      default -> throw new IllegalArgumentException(role);
    }
    if (!role.equals("rm")) {
      cmd.addAll(List.of("--quiet", "--min-layer-size", "100000", "--span-size", "65536"));
    }
    return cmd;
  }
}
