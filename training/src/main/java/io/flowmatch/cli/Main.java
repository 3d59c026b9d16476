package io.flowmatch.cli;

import io.flowmatch.inference.cli.Cli;
import io.flowmatch.inference.cli.FlowmatchVersion;
import java.io.PrintStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code flowmatch} command: every subcommand of the toolkit. */
@Command(
    name = "flowmatch",
    mixinStandardHelpOptions = true,
    versionProvider = FlowmatchVersion.class,
    description = "Flow-matching generative models in Java: train, export to ONNX, sample.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  flowmatch sample --out samples.png",
      "  flowmatch train --data checkerboard --steps 600 --threads 1 --out runs/cb",
      "  flowmatch sample --help          # every command's options, with defaults and examples",
      "  flowmatch train @runs/cb.args    # arguments from a file (picocli @file)"
    },
    subcommands = {CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        new CommandLine(this), "missing subcommand; see 'flowmatch --help'");
  }

  public static void main(String[] args) {
    Cli.useUtf8Stdio();
    System.exit(run(System.out, System.err, args));
  }

  /** Runs the CLI and returns the exit code; tests call this directly. */
  public static int run(PrintStream out, PrintStream err, String... args) {
    CommandLine cl = new CommandLine(new Main());
    // Subcommands are registered in Commands so each module's helpers can add theirs in one place.
    Commands.register(cl);
    return Cli.execute(cl, out, err, args);
  }
}
