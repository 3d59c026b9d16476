package io.flowmatch.inference.progress;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether text written to stderr reaches a terminal, tested as tqdm does ({@code isatty} on the
 * stream itself), not by {@code System.console()}, which is null as soon as stdout is redirected.
 *
 * <p>Java has no {@code isatty}: the launcher passes bash's {@code [ -t 2 ]} as the system property
 * {@value #PROPERTY}; without it, Linux's {@code /proc/self/fd/2} link names the device.
 */
public final class Terminal {
  /** Set by the launcher to {@code true} or {@code false}. */
  public static final String PROPERTY = "flowmatch.stderr-tty";

  private Terminal() {}

  /** Whether file descriptor 2 of this process is a terminal. */
  public static boolean processStderrIsTerminal() {
    String given = System.getProperty(PROPERTY);
    if (given != null && !given.isBlank()) {
      return Boolean.parseBoolean(given.trim());
    }
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/")
          || target.startsWith("/dev/tty")
          || target.equals("/dev/console");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return false; // not Linux, or no /proc: plain lines are the safe choice
    }
  }

  /**
   * A writer for stderr that knows whether it reaches a terminal. The CLI wraps the process's own
   * stderr in one; any other writer (a test's capture, a file) is treated as a pipe.
   */
  public static final class Stderr extends PrintWriter {
    private final boolean terminal;

    public Stderr(Writer out, boolean terminal) {
      super(out, true);
      this.terminal = terminal;
    }

    public boolean isTerminal() {
      return terminal;
    }
  }

  /** Whether {@code err} reaches a terminal (only a {@link Stderr} made for one does). */
  public static boolean isTerminal(PrintWriter err) {
    return err instanceof Stderr s && s.isTerminal();
  }

  /** Columns of the terminal: {@code $COLUMNS} when exported, else 80. */
  static int columns() {
    try {
      int c = Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "80").trim());
      return c >= 20 ? c : 80;
    } catch (NumberFormatException e) {
      return 80;
    }
  }

  /** Whether the terminal understands ANSI erase-in-line ({@code TERM=dumb} does not). */
  static boolean ansi() {
    String term = System.getenv("TERM");
    return term == null || !term.equals("dumb");
  }
}
