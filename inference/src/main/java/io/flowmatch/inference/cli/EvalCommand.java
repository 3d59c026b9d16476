package io.flowmatch.inference.cli;

import io.flowmatch.inference.api.FlowModel;
import io.flowmatch.inference.api.SampleResult;
import io.flowmatch.inference.api.Solver;
import io.flowmatch.inference.field.ModelMetadata;
import io.flowmatch.inference.format.Numbers;
import io.flowmatch.inference.io.NpyFile;
import io.flowmatch.inference.io.OutputGroup;
import io.flowmatch.inference.metrics.ClassHistogram;
import io.flowmatch.inference.metrics.ClassifierMetrics;
import io.flowmatch.inference.progress.Progress;
import io.flowmatch.inference.sampling.SampleReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flowmatch eval}: scores samples of a model against data, from a .npy file or drawn here
 * with a solver, and prints each metric next to its floor (the same metric for as many independent
 * data samples). With a classifier, also the class histogram of the samples against the data's.
 */
@Command(
    name = "eval",
    footerHeading = "%nExamples:%n",
    footer = {
      "  flowmatch eval --model models/checkerboard-mlp.onnx --out e/",
      "  flowmatch eval --n 1000 --solver heun --steps 20 --classifier models/fashion-mnist-classifier.onnx"
    },
    mixinStandardHelpOptions = true,
    versionProvider = FlowmatchVersion.class,
    sortOptions = false,
    description = {
      "Score samples of a model against data: metrics and their floor.",
      "Samples come from --samples FILE.npy or are drawn here (--n, --solver, --steps, --seed...).",
      "2-D and other low-dimensional samples: energy distance D² and sliced Wasserstein-2. Images:"
          + " Fréchet distance of --classifier features, class histogram and its total variation"
          + " distance to the data's.",
      "The floor is the same metric for N independent data samples: what a perfect sampler scores"
          + " at this N."
    })
public final class EvalCommand implements Callable<Integer>, DeclaresOutputs {
  static final int DEFAULT_N = 2000;
  static final int DEFAULT_N_IMAGES = 1000;

  @Spec CommandSpec spec;

  @Mixin ModelOptions modelOptions;

  @Option(
      names = "--samples",
      paramLabel = "FILE.npy",
      description =
          "Samples to score, shape [N, ...data shape] (e.g. from 'flowmatch sample --save-npy').")
  Path samples;

  @Option(
      names = "--n",
      paramLabel = "N",
      description =
          "Samples to draw (default: "
              + DEFAULT_N
              + ", "
              + DEFAULT_N_IMAGES
              + " for image models), or the first N rows of --samples.")
  Integer n;

  @Mixin SolverOptions solverOptions;

  @Option(
      names = "--seed",
      paramLabel = "S",
      description = "Seed of the noise and of drawn data (default: ${DEFAULT-VALUE}).",
      defaultValue = "0")
  long seed;

  @Mixin QualityOptions qualityOptions;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description =
          "Also write eval.json and eval.csv (and class-histogram.png with a classifier) into DIR.")
  Path out;

  @Mixin RunOutputOptions output;

  @Override
  public void declareOutputs(OutputGroup.Declaration outputs) {
    outputs.folder(out);
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    OptionChecks.positive("--n", n);
    OptionChecks.extension("--samples", samples, ".npy", "");
    if (samples != null) {
      for (String option :
          List.of("--solver", "--steps", "--rtol", "--atol", "--max-evals", "--grid")) {
        if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
          throw new UsageException(
              option + " is for drawing samples; --samples gives them already");
        }
      }
    }
    if (out != null && Files.exists(out) && !Files.isDirectory(out)) {
      throw new UsageException("--out " + out + " is a file, expected a folder");
    }
    modelOptions.check();
    qualityOptions.check();
    Solver solver = samples == null ? solverOptions.solver() : null;
    modelOptions.resolve();

    try (NpyFile file = NoiseFiles.open("--samples", samples);
        FlowModel model = modelOptions.openModel(stderr, output.verbose)) {
      // the grid may come from the model's metadata
      solver = solver == null ? null : solverOptions.solver(model.metadata());
      int[] shape = model.sampleShape();
      int size = model.sampleSize();
      int count =
          file != null
              ? NoiseFiles.count("--samples", samples, file, shape, n)
              : OptionChecks.sampleCount(n, shape, DEFAULT_N, DEFAULT_N_IMAGES);
      try (QualityOptions.Setup quality =
          qualityOptions.build(
              model.metadata(), shape, count, seed, modelOptions.threads, output, stderr, "eval")) {
        if (quality.metric() == null) {
          throw new UsageException(quality.missing());
        }
        float[] x;
        String source;
        if (file != null) {
          x = new float[Math.multiplyExact(count, size)];
          try {
            file.readRows(0, count, x, 0);
          } catch (IOException e) {
            throw new FailureException(
                "cannot read --samples " + samples + ": " + IoMessages.of(e), e);
          }
          for (int i = 0; i < x.length; i++) {
            if (!Float.isFinite(x[i])) {
              throw new UsageException(
                  "--samples " + samples + ": sample " + i / size + " is not finite");
            }
          }
          source = count + " samples of " + samples;
        } else {
          SampleReport report;
          try (Progress bar = output.progress(stderr, "eval", count, "samples")) {
            SampleResult drawn =
                model
                    .sampler()
                    .solver(solver)
                    .seed(seed)
                    .batch(modelOptions.batch)
                    .progress(bar::fraction)
                    .sample(count);
            x = drawn.samples();
            report = drawn.report();
          }
          source =
              count
                  + " samples of "
                  + modelOptions.resolve()
                  + " with "
                  + solverOptions.describe()
                  + ", seed "
                  + seed
                  + " (NFE/sample "
                  + report.nfeText()
                  + ", "
                  + Numbers.fixed(report.wallSeconds(), 2)
                  + " s)";
        }
        Scores scores;
        try (Progress bar =
            quality.classifier() == null
                ? Progress.none()
                : output.progress(stderr, "eval scoring", count, "images")) {
          quality.reportTo(bar, "samples");
          scores = score(quality, x, count);
          quality.reportTo(null, null);
        }
        print(stdout, source, quality, scores);
        if (out != null) {
          EvalFiles.write(
              out,
              modelOptions.resolve().toString(),
              source,
              samples == null ? seed : null,
              count,
              quality,
              scores.values(),
              scores.classified(),
              classNames(quality));
          if (!output.quiet) {
            stdout.println(
                "wrote "
                    + out
                    + "/: eval.json, eval.csv"
                    + (scores.classified() != null
                        ? ", class-histogram.png, class-histogram.svg"
                        : ""));
          }
        }
        return Cli.OK;
      }
    }
  }

  /** The metric's values and, with a classifier, the class histogram of the samples. */
  record Scores(double[] values, ClassifierMetrics.Scored classified) {}

  private static Scores score(QualityOptions.Setup quality, float[] x, int count) {
    List<String> names = quality.metric().names();
    double[] scores;
    ClassifierMetrics.Scored classified = null;
    if (quality.classifierMetrics() != null && names.size() == 2) {
      classified = quality.classifierMetrics().scoreWithHistogram(x, count);
      scores = new double[] {classified.fd(), classified.classTv()};
    } else {
      scores = quality.metric().score(x, count);
      if (quality.classifierMetrics() != null) {
        classified = quality.classifierMetrics().scoreWithHistogram(x, count);
      }
    }
    return new Scores(scores, classified);
  }

  private void print(PrintWriter out, String source, QualityOptions.Setup quality, Scores scored) {
    out.println("scored " + source);
    out.println(
        "against "
            + quality.data().referenceDescription()
            + "; floor: "
            + quality.data().floorDescription());
    List<String> names = quality.metric().names();
    double[] scores = scored.values();
    ClassifierMetrics.Scored classified = scored.classified();
    out.printf(Locale.ROOT, "%-10s %12s %12s %8s%n", "metric", "samples", "floor", "ratio");
    for (int k = 0; k < names.size(); k++) {
      double floor = quality.floor()[k];
      out.printf(
          Locale.ROOT,
          "%-10s %12s %12s %8s%n",
          names.get(k),
          sci(scores[k]),
          sci(floor),
          floor > 0 ? Numbers.fixed(scores[k] / floor, 2) : "-");
    }
    if (classified != null) {
      printHistogram(
          out,
          classified.classes(),
          quality.classifierMetrics().dataClasses(),
          classNames(quality));
    }
  }

  static List<String> classNames(QualityOptions.Setup quality) {
    if (quality.classifier() == null) {
      return List.of();
    }
    String text = quality.classifier().metadata().get(ModelMetadata.CLASSES);
    return text == null ? List.of() : Arrays.asList(text.split(","));
  }

  static void printHistogram(
      PrintWriter out, ClassHistogram samples, ClassHistogram data, List<String> names) {
    out.println(
        "class histogram (classifier's argmax): "
            + samples.classesHit()
            + " of "
            + samples.classes()
            + " classes hit, total variation to the data's "
            + Numbers.fixed(samples.totalVariation(data), 3));
    List<String> labels = new ArrayList<>();
    int width = 5;
    for (int k = 0; k < samples.classes(); k++) {
      String label = k < names.size() ? k + " " + names.get(k).trim() : Integer.toString(k);
      labels.add(label);
      width = Math.max(width, label.length());
    }
    out.printf(Locale.ROOT, "%-" + width + "s %8s %8s %8s%n", "class", "samples", "share", "data");
    for (int k = 0; k < samples.classes(); k++) {
      out.printf(
          Locale.ROOT,
          "%-" + width + "s %8d %7.1f%% %7.1f%%%n",
          labels.get(k),
          samples.counts()[k],
          100 * samples.fraction(k),
          100 * data.fraction(k));
    }
  }

  private static String sci(double v) {
    return Numbers.orDash(v, Numbers.sci(v, 4));
  }
}
