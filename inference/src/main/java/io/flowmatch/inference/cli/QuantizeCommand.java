package io.flowmatch.inference.cli;

import io.flowmatch.inference.field.OnnxVelocityField;
import io.flowmatch.inference.format.Numbers;
import io.flowmatch.inference.io.AtomicFile;
import io.flowmatch.inference.io.OutputGroup;
import io.flowmatch.inference.progress.Progress;
import io.flowmatch.inference.quantize.Int8Quantizer;
import io.flowmatch.inference.quantize.Int8Recipe;
import io.flowmatch.inference.quantize.QuantForm;
import io.flowmatch.inference.quantize.QuantParity;
import io.flowmatch.inference.quantize.QuantQuality;
import io.flowmatch.inference.solver.HeunSolver;
import io.flowmatch.inference.solver.TimeGrid;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flowmatch quantize}: an int8 copy of any contract model, checked against its source before
 * it is written (parity always, sample quality with {@code --check-quality}).
 */
@Command(
    name = "quantize",
    footerHeading = "%nExamples:%n",
    footer = {
      "  flowmatch quantize --model models/fashion-mnist-dit.onnx --out dit-int8.onnx",
      "  flowmatch quantize --model models/checkerboard-mlp.onnx --out cb-int8.onnx --check-quality"
    },
    mixinStandardHelpOptions = true,
    versionProvider = FlowmatchVersion.class,
    sortOptions = false,
    description = {
      "Writes an int8 copy of an ONNX velocity model, for CPUs with VNNI or AMX.",
      "Weights int8 per output channel, activations quantised per call (no calibration data)."
          + " Time-conditioning, first and last layers stay float32 by default (--keep-fp32). The"
          + " copy is compared with its source on random inputs (refused above "
          + QuantParity.BOUND
          + " of max|v|) and, with --check-quality, both sample the same noise with Heun 20 and"
          + " the int8 Fréchet distance (images, --classifier) or energy distance (2-D) must stay"
          + " within 5 %% of the source's. A refused copy is not written."
    })
public final class QuantizeCommand implements Callable<Integer>, DeclaresOutputs {
  @Spec CommandSpec spec;

  @Mixin ModelOptions modelOptions;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      required = true,
      description = "The int8 model to write.")
  Path out;

  @Option(
      names = "--form",
      paramLabel = "F",
      defaultValue = "matmul-integer",
      description =
          "Graph form of the int8 layers: matmul-integer (standard ONNX ops, fused by ONNX Runtime), dq-matmul"
              + " (com.microsoft:DynamicQuantizeMatMul) or qdq (default: ${DEFAULT-VALUE}).")
  String form;

  @Option(
      names = "--keep-fp32",
      paramLabel = "R,...",
      defaultValue = "first,last,time",
      description =
          "Layer roles left float32: first, last, time, or none (default: ${DEFAULT-VALUE}).")
  String keepFp32;

  @Option(
      names = "--check-quality",
      description =
          "Also sample both models (same noise, Heun 20) and refuse the copy if its quality"
              + " metric is more than 5 %% worse.")
  boolean checkQuality;

  @Option(
      names = "--n",
      paramLabel = "N",
      defaultValue = "1000",
      description = "Samples per model for --check-quality (default: ${DEFAULT-VALUE}).")
  int n;

  @Option(
      names = "--seed",
      paramLabel = "S",
      defaultValue = "0",
      description = "Seed of the quality check's noise and drawn data (default: ${DEFAULT-VALUE}).")
  long seed;

  @Mixin QualityOptions qualityOptions;

  @Mixin RunOutputOptions output;

  @Override
  public void declareOutputs(OutputGroup.Declaration outputs) {
    outputs.file(out);
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    modelOptions.check();
    qualityOptions.check();
    OptionChecks.positive("--n", n);
    Int8Recipe recipe = new Int8Recipe(QuantForm.parse(form), Int8Recipe.parseRoles(keepFp32));
    Path source = modelOptions.resolve();
    if (Files.isDirectory(out)) {
      throw new UsageException("--out " + out + " is a folder, expected a file name");
    }
    if (Files.exists(out) && !Files.isRegularFile(out)) {
      throw new UsageException("--out " + out + " exists and is not a regular file");
    }
    if (out.toAbsolutePath().normalize().equals(source.toAbsolutePath().normalize())) {
      throw new UsageException(
          "--out " + out + " is the --model itself; write the int8 copy elsewhere");
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(source);
    } catch (IOException e) {
      throw new FailureException("cannot read --model " + source + ": " + IoMessages.of(e), e);
    }
    Int8Quantizer.Result q = Int8Quantizer.quantize(bytes, recipe);
    // with --quiet nothing is printed: the int8 file is the result, these lines describe it
    PrintWriter summary = output.quiet ? new PrintWriter(Writer.nullWriter()) : stdout;
    summary.println("quantize: " + source + ": " + q.describe() + "; form " + recipe.form());
    summary.flush();
    if (output.verbose) {
      stderr.println("int8 layers: " + String.join(", ", q.quantized()));
      q.kept()
          .forEach(
              (role, names) -> {
                if (!names.isEmpty()) {
                  stderr.println("fp32 (" + role.label() + "): " + String.join(", ", names));
                }
              });
    }
    try (AtomicFile file = AtomicFile.create(out)) {
      Files.write(file.temp(), q.model());
      try (OnnxVelocityField src = modelOptions.open(stderr);
          OnnxVelocityField int8 =
              OnnxVelocityField.open(file.temp(), modelOptions.options(stderr))) {
        QuantParity.Result parity =
            QuantParity.compare(
                src, int8, QuantParity.DEFAULT_BATCH, QuantParity.DEFAULT_SEED, QuantParity.BOUND);
        summary.println(parity.describe());
        summary.flush();
        if (!parity.passed()) {
          throw new FailureException(
              "refusing to write " + out + ": " + parity.describe() + " exceeds the limit");
        }
        if (checkQuality) {
          quality(summary, stderr, src, int8);
        }
      }
      file.commit();
    }
    summary.println(
        "wrote "
            + out
            + " ("
            + Numbers.fixed(q.model().length / 1e6, 2)
            + " MB, from "
            + Numbers.fixed(bytes.length / 1e6, 2)
            + " MB)");
    return Cli.OK;
  }

  private void quality(
      PrintWriter stdout, PrintWriter stderr, OnnxVelocityField src, OnnxVelocityField int8)
      throws IOException {
    try (QualityOptions.Setup quality =
        qualityOptions.build(
            src.metadata(),
            src.sampleShape(),
            n,
            seed,
            modelOptions.threads,
            output,
            stderr,
            "quantize")) {
      if (quality.metric() == null) {
        throw new UsageException("--check-quality: " + quality.missing());
      }
      long start = System.nanoTime();
      QuantQuality.Result r;
      // both models' sampling on one bar, then the classifier's pass over both sample sets
      Progress[] scoring = {null};
      try (Progress sampling = output.progress(stderr, "quantize", 2L * n, "samples")) {
        r =
            QuantQuality.compare(
                src,
                int8,
                new HeunSolver(20, TimeGrid.UNIFORM),
                quality.metric(),
                n,
                modelOptions.batch,
                seed,
                new QuantQuality.Listener() {
                  @Override
                  public void sampling(double fraction) {
                    sampling.update(
                        Math.round(fraction * 2 * n), fraction < 0.5 ? "source" : "int8");
                  }

                  @Override
                  public void scoring() {
                    sampling.close();
                    if (quality.classifier() != null) {
                      scoring[0] = output.progress(stderr, "quantize scoring", 2L * n, "images");
                      quality.reportTo(scoring[0], "source and int8 samples");
                    }
                  }
                });
      } finally {
        quality.reportTo(null, null);
        if (scoring[0] != null) {
          scoring[0].close();
        }
      }
      stdout.println(
          "quality: "
              + n
              + " samples per model, Heun 20, seed "
              + seed
              + ", against "
              + quality.data().referenceDescription()
              + " ("
              + Numbers.fixed((System.nanoTime() - start) / 1e9, 1)
              + " s)");
      stdout.println(r.describe());
      stdout.flush();
      if (!r.passed()) {
        throw new FailureException(
            "refusing to write "
                + out
                + ": "
                + r.names().get(0)
                + " of the int8 samples is "
                + Numbers.fixed(r.ratio(), 3)
                + "× the source's, limit "
                + Numbers.fixed(r.bound(), 2));
      }
    }
  }
}
