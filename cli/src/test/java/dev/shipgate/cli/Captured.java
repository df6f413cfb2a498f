package dev.shipgate.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.IntSupplier;

/** stdout and stderr of an in-process CLI call, and its exit code (also echoed to the test log). */
public record Captured(int exit, String stdout, String stderr) {

  public static synchronized Captured of(IntSupplier call) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
    int exit;
    try {
      exit = call.getAsInt();
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    Captured c = new Captured(exit, o.toString(StandardCharsets.UTF_8),
        e.toString(StandardCharsets.UTF_8));
    out.print(c.stdout());
    err.print(c.stderr());
    return c;
  }
}
