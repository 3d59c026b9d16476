package io.flowmatch.spark.cli;

import io.flowmatch.inference.cli.Cli;
import io.flowmatch.inference.cli.FlowmatchVersion;
import java.io.PrintStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code flowmatch spark}: the Spark jobs. Run by the launcher ({@code ./flowmatch spark sample
 * --master local[2] …}) or by {@code spark-submit --class io.flowmatch.spark.cli.SparkMain
 * flowmatch-spark-job.jar sample …}.
 */
@Command(
    name = "flowmatch spark",
    mixinStandardHelpOptions = true,
    versionProvider = FlowmatchVersion.class,
    description = {
      "Scale out on Apache Spark: sample, evaluate and compare solvers across a cluster.",
      "The samples are byte-identical to 'flowmatch sample' with the same request, whatever the"
          + " number of shards or executors."
    },
    subcommands = {SparkSampleCommand.class, SparkEvalCommand.class, SparkCompareCommand.class})
public final class SparkMain implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    io.flowmatch.inference.cli.Cli.useUtf8Stdio();
    System.exit(run(System.out, System.err, args));
  }

  /** Runs the command line and returns the exit code (0, 1 failure, 2 usage). */
  public static int run(PrintStream out, PrintStream err, String... args) {
    return Cli.execute(new CommandLine(new SparkMain()), out, err, args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "give a command: sample, eval or compare");
  }
}
