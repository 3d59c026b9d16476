package io.flowmatch.inference.cli;

import java.io.PrintStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code flowmatch} command of the inference jar alone (no training module, no DJL): sample,
 * encode, decode, interpolate, compare and eval. The full toolkit's entry point is {@code
 * io.flowmatch.cli.Main}.
 */
@Command(
    name = "flowmatch",
    mixinStandardHelpOptions = true,
    versionProvider = FlowmatchVersion.class,
    description = "Sample from flow-matching models exported to ONNX.",
    subcommands = {
      SampleCommand.class,
      EncodeCommand.class,
      DecodeCommand.class,
      InterpolateCommand.class,
      CompareCommand.class,
      TuneGridCommand.class,
      EvalCommand.class,
      QuantizeCommand.class,
      OpsetCommand.class,
      LikelihoodCommand.class,
      CommandLine.HelpCommand.class
    })
public final class InferenceMain implements Runnable {

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
    return Cli.execute(new CommandLine(new InferenceMain()), out, err, args);
  }
}
