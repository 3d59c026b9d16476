package io.flowmatch.cli;

import io.flowmatch.inference.cli.DeclaresOutputs;
import io.flowmatch.inference.cli.FailureException;
import io.flowmatch.inference.cli.FlowmatchVersion;
import io.flowmatch.inference.cli.UsageException;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.io.OutputGroup;
import io.flowmatch.inference.progress.Progress;
import io.flowmatch.training.export.OnnxExporter;
import io.flowmatch.training.export.RunExport;
import io.flowmatch.training.export.onnx.ExportPrecision;
import io.flowmatch.training.export.onnx.ExportResult;
import io.flowmatch.training.runtime.PyTorchRuntime;
import io.flowmatch.training.train.RunFolder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code flowmatch export}: writes a run's velocity network as an ONNX model, from Java. */
@Command(
    name = "export",
    footerHeading = "%nExamples:%n",
    footer = {
      "  flowmatch export --run runs/cb --out cb.onnx                 # opset 17",
      "  flowmatch export --run runs/cb --precision fp16 --opset 21 --out cb16.onnx"
    },
    mixinStandardHelpOptions = true,
    versionProvider = FlowmatchVersion.class,
    sortOptions = false,
    description = {
      "Exports a training run's weights to ONNX from Java, checked against the DJL forward.",
      "Inputs x and t, output v, dynamic batch, flowmatch.* metadata, at opset 17 (or the lowest"
          + " the graph needs above it; --opset to choose) with no unused opset imports. ONNX"
          + " Runtime is checked against the DJL forward first; an export outside the bound (fp32:"
          + " 1e-4, fp16: 1e-2, int8: 5e-2 of max|v|) is refused and nothing is written. int8 is"
          + " the fp32 graph through 'flowmatch quantize' with its defaults (use quantize"
          + " --check-quality for the sample check)."
    })
public final class ExportCommand implements Callable<Integer>, DeclaresOutputs {

  @Spec CommandSpec spec;

  @Option(
      names = "--run",
      paramLabel = "DIR",
      required = true,
      description = "run folder written by 'flowmatch train'")
  Path run;

  @Option(
      names = "--precision",
      paramLabel = "P",
      defaultValue = "fp32",
      description =
          "fp32, fp16 (float16 weights, float32 x/v), fp16-io (float16 x/v too) or int8 (int8 weights,"
              + " activations quantised per call, float32 x/v); default fp32")
  String precision;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "model file (default RUN/model-P.onnx)")
  Path out;

  @Option(
      names = "--weights",
      paramLabel = "W",
      defaultValue = "ema",
      description = "ema (default) or model (the raw, non-averaged weights)")
  String weights;

  @Option(
      names = "--opset",
      paramLabel = "N",
      description =
          "ONNX opset to declare, from the lowest the graph needs to 21 (default: 17, or the"
              + " lowest the graph needs where that is higher, e.g. 21 for the U-Net's"
              + " GroupNormalization)")
  Integer opset;

  @Mixin TrainingOutputOptions output;

  @Override
  public void declareOutputs(OutputGroup.Declaration outputs) {
    if (out != null) {
      outputs.file(out);
      return;
    }
    try {
      outputs.file(target(ExportPrecision.parse(precision)));
    } catch (RuntimeException e) {
      // no precision to name the default file by: call() reports it
    }
  }

  /** --out, or the run folder's default file for the precision. */
  private Path target(ExportPrecision p) {
    return out != null ? out : run.resolve(OnnxExporter.defaultFileName(p));
  }

  @Override
  public Integer call() {
    ExportPrecision p;
    try {
      p = ExportPrecision.parse(precision);
    } catch (FlowmatchException e) {
      throw new UsageException("--precision: " + e.getMessage());
    }
    if (!weights.equals("ema") && !weights.equals("model")) {
      throw new UsageException("--weights must be ema or model, got '" + weights + "'");
    }
    if (opset != null && opset < 1) {
      throw new UsageException("--opset must be a positive integer, got " + opset);
    }
    if (!Files.isDirectory(run)) {
      throw new UsageException("--run " + run + " is not a folder");
    }
    Path target = target(p);
    if (Files.isDirectory(target)) {
      throw new UsageException("--out " + target + " is a folder, expected a file name");
    }
    try {
      RunFolder folder = RunFolder.open(run);
      ExportResult r;
      // two phases: the engine's first start unpacks its natives; the export checks parity
      try (Progress bar = output.progress(spec.commandLine().getErr(), "export", 2, "phases")) {
        bar.update(0, "loading the PyTorch engine");
        loadEngine();
        bar.update(1, "exporting and checking against DJL");
        r = RunExport.export(folder, p, target, weights.equals("ema"), opset);
        bar.update(2, "");
      }
      if (!output.quiet) { // the exported file is the result; this line describes it
        PrintWriter o = spec.commandLine().getOut();
        o.println("export: " + r.describe());
        o.flush();
      }
      return 0;
    } catch (IOException e) {
      throw new FailureException("cannot read " + run + ": " + e.getMessage(), e);
    }
  }

  private static void loadEngine() {
    try {
      PyTorchRuntime.engine();
    } catch (RuntimeException | LinkageError e) {
      throw new FailureException("could not load DJL's PyTorch engine: " + e.getMessage(), e);
    }
  }
}
