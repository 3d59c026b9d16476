package io.flowmatch.spark.cli;

import io.flowmatch.inference.cli.FlowmatchVersion;
import io.flowmatch.inference.cli.SolverOptions;
import io.flowmatch.inference.format.Numbers;
import io.flowmatch.inference.metrics.ClassHistogram;
import io.flowmatch.inference.solver.SolverSettings;
import io.flowmatch.spark.EvalJob;
import io.flowmatch.spark.SampleSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code flowmatch spark eval}: Fréchet distance and class histogram, aggregated on Spark. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    versionProvider = FlowmatchVersion.class,
    sortOptions = false,
    description = {
      "Score samples of an image model on Spark: Fréchet distance of --classifier features and the class"
          + " histogram, against the model's image set (training images; test images for the floor).",
      "Samples are drawn on the executors (as 'spark sample' draws them) or read from --samples; only"
          + " count, Σf and Σffᵀ (float64) and class counts reach the driver (treeAggregate)."
    })
public final class SparkEvalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin SparkOptions spark;

  @Mixin SampleRequestOptions request;

  @Mixin SolverOptions solver;

  @Option(
      names = "--samples",
      paramLabel = "DIR|FILE.npy",
      description =
          "Score samples instead of drawing: the output folder of 'spark sample', or a .npy file"
              + " [N, ...data shape] (e.g. from 'sample --save-npy'; all N rows are scored).")
  Path samples;

  @Option(
      names = "--classifier",
      paramLabel = "C.onnx",
      required = true,
      description = "Image classifier (outputs logits and features).")
  Path classifier;

  @Mixin ImageSetOptions imageSet;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    imageSet.check();
    request.model();
    // solver options fail before Spark starts
    SolverSettings settings = solver.settings();
    SparkSession session = spark.start("flowmatch spark eval");
    try {
      SampleSpec s =
          request.spec(session.sparkContext().defaultParallelism(), solver.name(), settings);
      EvalJob.Result r =
          EvalJob.run(
              SparkOptions.context(session),
              new EvalJob.Request(
                  s,
                  samples == null ? null : samples.toAbsolutePath().toString(),
                  classifier.toAbsolutePath().toString(),
                  imageSet.dataDir(),
                  imageSet.dataN(),
                  request.threads));
      // the scores are this command's result: they print with --quiet too
      out.println(
          "scored "
              + r.n()
              + (samples != null
                  ? " samples of " + samples
                  : " samples with " + s.describeSolver() + ", seed " + s.seed())
              + " on "
              + session.sparkContext().master()
              + " ("
              + r.tasks()
              + " tasks, "
              + Numbers.fixed(r.wallNanos() / 1e9, 2)
              + " s"
              + ")");
      out.println(
          "against "
              + r.referenceCount()
              + " "
              + r.dataset()
              + " training images; floor: "
              + (r.floorCount() > 0
                  ? r.floorCount() + " " + r.dataset() + " test images"
                  : "none (fewer test images than samples)"));
      out.printf(Locale.ROOT, "%-10s %12s %12s %8s%n", "metric", "samples", "floor", "ratio");
      row(out, "fd", r.fd(), r.floorFd());
      row(out, "class_tv", r.classTv(), r.floorClassTv());
      ClassHistogram h = r.samples();
      out.println(
          "class histogram (classifier's argmax): "
              + h.classesHit()
              + " of "
              + h.classes()
              + " classes hit, total variation to the data's "
              + Numbers.fixed(r.classTv(), 3));
      out.printf(Locale.ROOT, "%-5s %8s %8s %8s%n", "class", "samples", "share", "data");
      for (int k = 0; k < h.classes(); k++) {
        out.printf(
            Locale.ROOT,
            "%-5d %8d %7.1f%% %7.1f%%%n",
            k,
            h.counts()[k],
            100 * h.fraction(k),
            100 * r.data().fraction(k));
      }
      return 0;
    } finally {
      session.stop();
    }
  }

  private static void row(PrintWriter out, String name, double value, double floor) {
    out.printf(
        Locale.ROOT,
        "%-10s %12s %12s %8s%n",
        name,
        sci(value),
        sci(floor),
        floor > 0 ? Numbers.fixed(value / floor, 2) : "-");
  }

  private static String sci(double v) {
    return Numbers.orDash(v, Numbers.sci(v, 4));
  }
}
