package io.flowmatch.inference.cli;

import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.io.OutputGroup;
import io.flowmatch.inference.progress.Terminal;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * Shared picocli wiring: one-line errors, exit code 2 for usage errors and 1 for failures, stack
 * traces only with {@code --verbose}.
 */
public final class Cli {
  private Cli() {}

  public static final int OK = 0;
  public static final int FAILURE = 1;
  public static final int USAGE = 2;

  /**
   * Runs a configured root command on {@code args} with output to {@code out}/{@code err} and
   * returns the exit code (what the entry points' {@code run} methods, and the tests, call).
   */
  public static int execute(CommandLine cl, PrintStream out, PrintStream err, String... args) {
    // UTF-8 whatever the locale: under LANG=C, Java 17 would print "×", "σ", "≤" as "?"
    PrintWriter o = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
    // only the process's own stderr can be a terminal; a test's capture is a pipe
    PrintWriter e =
        new Terminal.Stderr(
            new OutputStreamWriter(err, StandardCharsets.UTF_8),
            err == System.err && Terminal.processStderrIsTerminal());
    int code;
    try {
      code = configure(cl, o, e, args).execute(args);
    } catch (OutOfMemoryError oom) {
      // a size no check foresaw: still one line, and no output committed (the group has closed)
      e.println(
          cl.getCommandName()
              + ": out of memory (the JVM's maximum heap is "
              + io.flowmatch.inference.runtime.MemoryBudget.mib(Runtime.getRuntime().maxMemory())
              + "): choose smaller sizes (--batch, --n) or give the JVM more (-Xmx)");
      if (java.util.Arrays.asList(args).contains("--verbose")) {
        oom.printStackTrace(e);
      }
      code = FAILURE;
    }
    o.flush();
    e.flush();
    return code;
  }

  /**
   * Replaces {@code System.out} and {@code System.err} by UTF-8 streams on the process's file
   * descriptors. Java 17 encodes them in the locale's charset, which under {@code LANG=C} is ASCII
   * and turns "×", "Fréchet", "σ", "≤", "→" into "?"; the entry points call this first, so every
   * line (the library's warnings included) is UTF-8.
   */
  public static void useUtf8Stdio() {
    System.setOut(utf8(FileDescriptor.out));
    System.setErr(utf8(FileDescriptor.err));
  }

  private static PrintStream utf8(FileDescriptor fd) {
    return new PrintStream(
        new BufferedOutputStream(new FileOutputStream(fd), 8192), true, StandardCharsets.UTF_8);
  }

  /** Configures a command line so that errors print one line naming the command. */
  public static CommandLine configure(
      CommandLine cl, PrintWriter out, PrintWriter err, String[] args) {
    boolean verbose = false;
    for (String a : args) {
      if (a.equals("--verbose")) {
        verbose = true;
      }
    }
    final boolean showTrace = verbose;
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionStrategy(Cli::runWithOutputs);
    HelpLayout.install(cl);
    cl.setParameterExceptionHandler(
        (ex, a) -> {
          // one line: the problem, then where to look
          // picocli's map-option message says "option option '--x'"
          String problem =
              lowerFirst(ex.getMessage()).replace("option option '", "option '") + didYouMean(ex);
          err.println(
              commandPath(ex.getCommandLine())
                  + ": "
                  + problem
                  + (problem.contains("--help")
                      ? ""
                      : " (try '" + commandPath(ex.getCommandLine()) + " --help')"));
          if (showTrace) {
            ex.printStackTrace(err);
          }
          err.flush();
          return USAGE;
        });
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          String where = commandPath(commandLine);
          Throwable root = ex;
          int code = exitCode(ex);
          String msg = ex.getMessage();
          if (msg == null || msg.isBlank()) {
            msg = ex.getClass().getSimpleName();
          }
          if (showTrace) {
            err.println(where + ": " + msg);
            root.printStackTrace(err);
          } else if (ex instanceof FlowmatchException) {
            err.println(where + ": " + msg);
          } else {
            // an unexpected exception: still one line, saying how to see more
            err.println(where + ": " + msg + " (run with --verbose for the stack trace)");
          }
          err.flush();
          return code;
        });
    return cl;
  }

  /**
   * Runs the command the arguments chose inside an {@link OutputGroup} of the outputs it declares
   * ({@link DeclaresOutputs}), and commits them only when it succeeds: a failed run commits none of
   * its outputs.
   */
  private static int runWithOutputs(CommandLine.ParseResult parsed) {
    CommandLine.ParseResult leaf = parsed;
    boolean help = false;
    for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
      leaf = p;
      help |= p.isUsageHelpRequested() || p.isVersionHelpRequested();
    }
    CommandLine command = leaf.commandSpec().commandLine();
    OutputGroup.Declaration declared = OutputGroup.declare();
    if (!help && command.getCommand() instanceof DeclaresOutputs d) {
      d.declareOutputs(declared);
    }
    OutputGroup outputs;
    try {
      outputs = declared.open();
    } catch (IOException | RuntimeException ex) {
      throw new CommandLine.ExecutionException(command, ex.getMessage(), ex);
    }
    try (outputs) {
      int code = new CommandLine.RunLast().execute(parsed);
      if (code != OK) {
        return code;
      }
      try {
        outputs.commit();
      } catch (IOException ex) {
        command
            .getErr()
            .println(
                commandPath(command) + ": cannot put the outputs in place: " + IoMessages.of(ex));
        return FAILURE;
      } catch (FlowmatchException ex) {
        command
            .getErr()
            .println(
                commandPath(command) + ": cannot put the outputs in place: " + ex.getMessage());
        return FAILURE;
      }
      return OK;
    }
  }

  /** The one place that maps error kinds to exit codes: usage errors 2, every other failure 1. */
  public static int exitCode(Throwable ex) {
    if (ex instanceof FlowmatchException fe) {
      return fe.kind().isUsage() ? USAGE : FAILURE;
    }
    return FAILURE;
  }

  /**
   * "; did you mean sample?" after a mistyped command or option: picocli's nearest names, on the
   * same line (its own suggestion list takes several lines).
   */
  static String didYouMean(CommandLine.ParameterException ex) {
    if (!(ex instanceof CommandLine.UnmatchedArgumentException u)) {
      return "";
    }
    String typed = u.getUnmatched().isEmpty() ? "" : u.getUnmatched().get(0);
    int eq = typed.indexOf('=');
    String word = eq > 0 ? typed.substring(0, eq) : typed;
    // picocli's order is not by closeness: keep the nearest (edit distance), ties in its order
    List<String> names = new ArrayList<>();
    int best = Integer.MAX_VALUE;
    for (String s : u.getSuggestions()) {
      int d = editDistance(word, s);
      if (d < best) {
        names.clear();
        best = d;
      }
      if (d == best && !names.contains(s)) {
        names.add(s);
      }
    }
    return names.isEmpty() ? "" : "; did you mean " + String.join(" or ", names) + "?";
  }

  /** Edits (insert, delete, substitute, swap two neighbours) that turn {@code a} into {@code b}. */
  static int editDistance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }

  private static String commandPath(CommandLine cl) {
    StringBuilder sb = new StringBuilder();
    for (CommandLine c = cl; c != null; c = c.getParent()) {
      sb.insert(0, sb.length() == 0 ? c.getCommandName() : c.getCommandName() + " ");
    }
    return sb.toString();
  }

  private static String lowerFirst(String s) {
    if (s == null || s.isEmpty()) {
      return "invalid arguments";
    }
    return Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }
}
