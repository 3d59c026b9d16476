package io.flowmatch.inference.cli;

import io.flowmatch.inference.analytic.GaussianMixtureGraph;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.field.GaussianMixture;
import io.flowmatch.inference.io.OutputGroup;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Writes the analytic Gaussian-mixture velocity model (the project's default model) as ONNX: {@code
 * BuildGaussianMixtureModel models/gmm8.onnx [--fp16]}.
 */
@Command(
    name = "build-gmm-model",
    versionProvider = FlowmatchVersion.class,
    mixinStandardHelpOptions = true,
    description = {
      "Writes the exact OT-path velocity of a 2-D Gaussian mixture (components evenly on a circle)"
          + " as an ONNX model with inputs x [N,2], t [N] and output v [N,2]."
    })
public final class BuildGaussianMixtureModel implements Callable<Integer>, DeclaresOutputs {

  @Parameters(index = "0", paramLabel = "OUTPUT", description = "The .onnx file to write.")
  Path output;

  @Option(names = "--fp16", description = "float16 x and v (arithmetic stays float32).")
  boolean fp16;

  @Option(
      names = "--components",
      defaultValue = "8",
      description = "Number of Gaussians (default: ${DEFAULT-VALUE}).")
  int components;

  @Option(
      names = "--radius",
      defaultValue = "4",
      description = "Radius of the circle of means (default: ${DEFAULT-VALUE}).")
  double radius;

  @Option(
      names = "--std",
      defaultValue = "0.5",
      description = "Std of each Gaussian (default: ${DEFAULT-VALUE}).")
  double std;

  @Option(names = "--verbose", description = "Print stack traces of errors.")
  boolean verbose;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    Cli.useUtf8Stdio();
    System.exit(run(System.out, System.err, args));
  }

  /** Runs the command and returns its exit code (0 ok, 1 failure, 2 usage). */
  public static int run(PrintStream out, PrintStream err, String... args) {
    PrintWriter o = new PrintWriter(out, true);
    PrintWriter e = new PrintWriter(err, true);
    CommandLine cl = new CommandLine(new BuildGaussianMixtureModel());
    int code = Cli.configure(cl, o, e, args).execute(args);
    o.flush();
    e.flush();
    return code;
  }

  @Override
  public void declareOutputs(OutputGroup.Declaration outputs) {
    outputs.file(output);
  }

  @Override
  public Integer call() {
    if (components <= 0) {
      throw FlowmatchException.invalidArgument(
          "--components must be a positive integer, got " + components);
    }
    if (!(radius >= 0) || Double.isInfinite(radius)) {
      throw FlowmatchException.invalidArgument(
          "--radius must be a finite number >= 0, got " + radius);
    }
    if (!(std > 0) || Double.isInfinite(std)) {
      throw FlowmatchException.invalidArgument("--std must be a finite number > 0, got " + std);
    }
    if (Files.isDirectory(output)) {
      throw FlowmatchException.invalidArgument(
          "output " + output + " is a directory, expected an .onnx file path");
    }
    GaussianMixture gmm = GaussianMixture.circle(components, radius, std);
    byte[] bytes = GaussianMixtureGraph.toBytes(gmm, fp16, "gmm" + components);
    try {
      io.flowmatch.inference.onnx.OnnxGraphBuilder.writeAtomically(output, bytes);
    } catch (IOException ex) {
      throw FlowmatchException.io("cannot write " + output + ": " + ex.getMessage(), ex);
    }
    spec.commandLine()
        .getOut()
        .printf(
            "wrote %s: %d Gaussians of std %s on a circle of radius %s, %s, %d bytes%n",
            output,
            components,
            GaussianMixtureGraph.number(std),
            GaussianMixtureGraph.number(radius),
            fp16 ? "float16 x/v" : "float32",
            bytes.length);
    return Cli.OK;
  }
}
