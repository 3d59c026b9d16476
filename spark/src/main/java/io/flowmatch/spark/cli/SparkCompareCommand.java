package io.flowmatch.spark.cli;

import io.flowmatch.inference.cli.CompareOptions;
import io.flowmatch.inference.cli.DeclaresOutputs;
import io.flowmatch.inference.cli.FlowmatchVersion;
import io.flowmatch.inference.compare.CompareReport;
import io.flowmatch.inference.compare.Provenance;
import io.flowmatch.inference.compare.ReportFiles;
import io.flowmatch.inference.compare.ResultCsv;
import io.flowmatch.inference.compare.ResultJson;
import io.flowmatch.inference.compare.ResultTable;
import io.flowmatch.inference.compare.SettingResult;
import io.flowmatch.inference.compare.SolverSetting;
import io.flowmatch.inference.compare.SolverSpec;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.format.Numbers;
import io.flowmatch.inference.io.AtomicFile;
import io.flowmatch.inference.io.OutputGroup;
import io.flowmatch.inference.solver.SolverSettings;
import io.flowmatch.spark.CompareJob;
import io.flowmatch.spark.SampleSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code flowmatch spark compare}: a solver sweep with (setting, shard) pairs as Spark tasks. */
@Command(
    name = "compare",
    mixinStandardHelpOptions = true,
    versionProvider = FlowmatchVersion.class,
    sortOptions = false,
    description = {
      "Compare ODE solvers on Spark: every (setting, shard) pair is a task; the reference is solved"
          + " per shard and stays on the executors.",
      "NFE, errors and quality equal 'flowmatch compare' with the same model, --solvers, --n,"
          + " --batch, --seed and --reference-tol (auto or T); a setting's time is the sum of its"
          + " tasks' solve times (one executor core's), so samples/s is per core.",
      "Quality: energy distance and sliced W2 for low-dimensional models whose data can be drawn"
          + " (2-D toy sets, Gaussian mixtures); for image models with --classifier, the Fréchet"
          + " distance of its features and the class histogram, against the model's image set"
          + " (features summed as count, Σf, Σffᵀ per setting with treeAggregate, as 'spark eval').",
      "--out DIR writes results.csv, results.json, table.txt, plots (*.png, *.svg), pictures of"
          + " each setting's first samples (samples/), class histograms (with --classifier) and"
          + " report.html."
    })
public final class SparkCompareCommand implements Callable<Integer>, DeclaresOutputs {
  static {
    System.setProperty("java.awt.headless", "true");
  }

  @Spec CommandSpec spec;

  @Mixin SparkOptions spark;

  @Mixin SampleRequestOptions request;

  @Mixin CompareOptions compare;

  @Option(names = "--no-quality", description = "Score no quality metric.")
  boolean noQuality;

  @Option(
      names = "--classifier",
      paramLabel = "C.onnx",
      description =
          "Image classifier (outputs logits and features): adds the Fréchet distance of its"
              + " features and the class histogram.")
  Path classifier;

  @Mixin ImageSetOptions imageSet;

  @Override
  public void declareOutputs(OutputGroup.Declaration outputs) {
    outputs.folder(compare.out());
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    compare.check();
    Path out = compare.out();
    imageSet.check();
    boolean autoReference = compare.referenceTolerance() == null && !compare.noReference();
    double referenceTol =
        compare.referenceTolerance() == null ? Double.NaN : compare.referenceTolerance();
    if (classifier != null && !Files.isRegularFile(classifier)) {
      throw FlowmatchException.invalidArgument("--classifier " + classifier + ": no such file");
    }
    List<SolverSetting> settings = compare.settings(null, null);
    if (settings.stream().anyMatch(x -> x.grid().equals(SolverSpec.TUNED))) {
      // the model's metadata is read on the executors, too late for the grids
      throw FlowmatchException.invalidArgument(
          "--solvers names tuned grids (SOLVER@tuned:STEPS); give the file from tune-grid with"
              + " --grid FILE.json");
    }
    request.model();
    SparkSession session = spark.start("flowmatch spark compare");
    try {
      // the sweep's own solvers come from --solvers; the request's solver is unused
      SampleSpec s =
          request.spec(
              session.sparkContext().defaultParallelism(), "heun", SolverSettings.fixed(20));
      List<CompareJob.Setting> wire = new ArrayList<>();
      settings.forEach(x -> wire.add(CompareJob.Setting.of(x)));
      CompareJob.Result r =
          CompareJob.run(
              SparkOptions.context(session),
              new CompareJob.Request(
                  s,
                  wire,
                  compare.maxEvaluations(),
                  compare.noReference() ? Double.NaN : referenceTol,
                  compare.referenceMaxEvaluations(),
                  !noQuality,
                  classifier == null ? null : classifier.toAbsolutePath().toString(),
                  imageSet.dataDir(),
                  imageSet.dataN(),
                  request.threads,
                  compare.repeats(),
                  out != null,
                  autoReference),
              line -> {
                if (!spark.quiet) {
                  stderr.println("spark compare: " + line);
                  stderr.flush();
                }
              });
      if (r.qualityNote() != null && !spark.quiet) {
        stderr.println("note: " + r.qualityNote());
      }
      CompareReport report = r.report();
      String note =
          "; on "
              + session.sparkContext().master()
              + ": "
              + r.shards()
              + " shards × "
              + settings.size()
              + " settings = "
              + r.tasks()
              + " tasks, wall "
              + Numbers.fixed(r.wallNanos() / 1e9, 2)
              + " s; times are summed over tasks";
      String table = ResultTable.header(report, note) + ResultTable.render(report);
      // the table is this command's result: it prints with --quiet too, and so do the warnings
      for (SettingResult res : report.results()) {
        if (res.failed()) {
          stderr.println("warning: " + res.setting().label() + " failed: " + res.failure());
        }
      }
      stdout.print(table);
      stdout.flush();
      if (out != null) {
        List<String> written = write(out, report, table, s.seed(), r);
        if (!spark.quiet) {
          stdout.println("wrote " + out + "/: " + String.join(", ", written));
        }
      }
      boolean allFailed = report.results().stream().allMatch(SettingResult::failed);
      return allFailed ? 1 : 0;
    } finally {
      session.stop();
    }
  }

  /** The report's files, each written atomically; returns their names. */
  private List<String> write(
      Path out, CompareReport report, String table, long seed, CompareJob.Result result) {
    List<String> written = new ArrayList<>();
    try {
      Files.createDirectories(out);
      put(out, "results.csv", ResultCsv.render(report).getBytes(StandardCharsets.UTF_8), written);
      put(
          out,
          "results.json",
          ResultJson.render(report, Provenance.current(), seed).getBytes(StandardCharsets.UTF_8),
          written);
      put(out, "table.txt", table.getBytes(StandardCharsets.UTF_8), written);
      // the plots (PNG and SVG) and report.html, as flowmatch compare writes them
      written.addAll(ReportFiles.write(out, report, result.pictures(), commandLine()));
    } catch (IOException e) {
      throw FlowmatchException.io("cannot write --out " + out + ": " + e.getMessage(), e);
    }
    return written;
  }

  private static void put(Path out, String name, byte[] bytes, List<String> written)
      throws IOException {
    AtomicFile.write(out.resolve(name), bytes);
    written.add(name);
  }

  private String commandLine() {
    List<String> args = spec.commandLine().getParseResult().originalArgs();
    int first = spec.commandLine().getParent() != null ? args.indexOf(spec.name()) : -1;
    StringBuilder sb = new StringBuilder("flowmatch spark compare");
    for (String a : args.subList(first >= 0 ? first + 1 : 0, args.size())) {
      sb.append(' ')
          .append(
              a.matches("[A-Za-z0-9_./=:,@+\\[\\]-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
    }
    return sb.toString();
  }
}
