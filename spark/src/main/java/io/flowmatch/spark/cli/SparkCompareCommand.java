package io.flowmatch.spark.cli;

import io.flowmatch.inference.cli.DeclaresOutputs;
import io.flowmatch.inference.cli.FlowmatchVersion;
import io.flowmatch.inference.compare.CompareReport;
import io.flowmatch.inference.compare.Provenance;
import io.flowmatch.inference.compare.ReferenceSolver;
import io.flowmatch.inference.compare.ReportFiles;
import io.flowmatch.inference.compare.ResultCsv;
import io.flowmatch.inference.compare.ResultJson;
import io.flowmatch.inference.compare.ResultTable;
import io.flowmatch.inference.compare.SettingResult;
import io.flowmatch.inference.compare.SolverSetting;
import io.flowmatch.inference.compare.SolverSpec;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.io.AtomicFile;
import io.flowmatch.inference.io.OutputGroup;
import io.flowmatch.inference.solver.SolverSettings;
import io.flowmatch.inference.tune.TunedGrids;
import io.flowmatch.spark.CompareJob;
import io.flowmatch.spark.SampleSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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

  @Option(
      names = "--solvers",
      paramLabel = "SPEC",
      description = {
        "Settings to compare, as for 'compare': name[@grid]:values separated by spaces. Default:",
        "  \"" + SolverSpec.DEFAULT + "\""
      },
      defaultValue = SolverSpec.DEFAULT)
  String solvers;

  @Option(
      names = "--max-evals",
      paramLabel = "E",
      description =
          "Evaluation bound of the adaptive settings (default: ${DEFAULT-VALUE}); a setting that"
              + " exceeds it is reported as failed.",
      defaultValue = "" + SolverSettings.DEFAULT_MAX_EVALUATIONS)
  long maxEvals;

  @Option(
      names = "--reference-tol",
      paramLabel = "T",
      description =
          "rtol = atol of the reference dop853, or auto (default): chosen as 'compare' chooses it"
              + " (the settings first; then a ladder of 10x tighter solves, each a stage over the"
              + " shards, until its error bound is a tenth of the smallest setting's error, the"
              + " model's float32 noise is reached or the budget is spent).",
      defaultValue = "auto")
  String referenceTolText;

  @Option(
      names = "--reference-max-evals",
      paramLabel = "E",
      description = "Evaluation bound of each reference solve (default: ${DEFAULT-VALUE}).",
      defaultValue = "" + ReferenceSolver.DEFAULT_MAX_EVALUATIONS)
  long referenceMaxEvals;

  @Option(names = "--no-reference", description = "Measure no errors (no reference solve).")
  boolean noReference;

  @Option(names = "--no-quality", description = "Score no quality metric.")
  boolean noQuality;

  @Option(
      names = "--classifier",
      paramLabel = "C.onnx",
      description =
          "Image classifier (outputs logits and features): adds the Fréchet distance of its"
              + " features and the class histogram.")
  Path classifier;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Folder of the image set's IDX files (default: ${DEFAULT-VALUE}).",
      defaultValue = "/usr/share/datasets/fashion-mnist")
  Path dataDir;

  @Option(
      names = "--data-n",
      paramLabel = "M",
      description = "Reference images (default: 10000 or N if larger, at most the training set).")
  Integer dataN;

  @Option(
      names = "--repeats",
      paramLabel = "R",
      description =
          "Timed solves per task (default: ${DEFAULT-VALUE}); a task's times are its median"
              + " solve's, a setting's the sum over its tasks.",
      defaultValue = "1")
  int repeats;

  @Option(
      names = "--grid",
      paramLabel = "FILE.json",
      description =
          "Tuned grids from flowmatch tune-grid, for entries written SOLVER@tuned:STEPS in --solvers.")
  Path gridFile;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Folder for the CSV, JSON, table, plots and report.html.")
  Path out;

  @Override
  public void declareOutputs(OutputGroup.Declaration outputs) {
    outputs.folder(out);
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    if (maxEvals < 1) {
      throw FlowmatchException.invalidArgument(
          "--max-evals must be a positive integer, got " + maxEvals);
    }
    if (referenceMaxEvals < 1) {
      throw FlowmatchException.invalidArgument(
          "--reference-max-evals must be a positive integer, got " + referenceMaxEvals);
    }
    boolean autoReference = referenceTolText.equals("auto") && !noReference;
    double referenceTol = Double.NaN;
    if (!referenceTolText.equals("auto")) {
      try {
        referenceTol = Double.parseDouble(referenceTolText);
      } catch (NumberFormatException e) {
        referenceTol = Double.NaN;
      }
      if (!(referenceTol > 0) || Double.isInfinite(referenceTol)) {
        throw FlowmatchException.invalidArgument(
            "--reference-tol must be a positive number or auto, got " + referenceTolText);
      }
    }
    if (repeats < 1) {
      throw FlowmatchException.invalidArgument(
          "--repeats must be a positive integer, got " + repeats);
    }
    if (dataN != null && dataN < 2) {
      throw FlowmatchException.invalidArgument("--data-n must be at least 2, got " + dataN);
    }
    if (classifier != null && !Files.isRegularFile(classifier)) {
      throw FlowmatchException.invalidArgument("--classifier " + classifier + ": no such file");
    }
    if (out != null && Files.exists(out) && !Files.isDirectory(out)) {
      throw FlowmatchException.invalidArgument("--out " + out + " is a file, expected a folder");
    }
    List<SolverSetting> settings = tunedGrids(SolverSpec.parse(solvers));
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
                  maxEvals,
                  noReference ? Double.NaN : referenceTol,
                  referenceMaxEvals,
                  !noQuality,
                  classifier == null ? null : classifier.toAbsolutePath().toString(),
                  dataDir.toAbsolutePath().toString(),
                  dataN == null ? 0 : dataN,
                  request.threads,
                  repeats,
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
          String.format(
              Locale.ROOT,
              "; on %s: %d shards × %d settings = %d tasks, wall %.2f s; times are summed over"
                  + " tasks",
              session.sparkContext().master(),
              r.shards(),
              settings.size(),
              r.tasks(),
              r.wallNanos() / 1e9);
      String table = ResultTable.header(report, note) + ResultTable.render(report);
      if (!spark.quiet) {
        for (SettingResult res : report.results()) {
          if (res.failed()) {
            stderr.println("warning: " + res.setting().label() + " failed: " + res.failure());
          }
        }
        stdout.print(table);
        stdout.flush();
      }
      if (out != null) {
        List<String> written = write(report, table, s.seed(), r);
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

  /** Settings written SOLVER@tuned:STEPS take their grid from --grid FILE.json. */
  private List<SolverSetting> tunedGrids(List<SolverSetting> settings) {
    boolean any = settings.stream().anyMatch(x -> x.grid().equals(SolverSpec.TUNED));
    if (!any) {
      if (gridFile != null) {
        throw FlowmatchException.invalidArgument(
            "--grid "
                + gridFile
                + " is used only by entries such as heun@tuned:4 in --solvers; there are none");
      }
      return settings;
    }
    if (gridFile == null) {
      throw FlowmatchException.invalidArgument(
          "--solvers names tuned grids (SOLVER@tuned:STEPS); give the file from tune-grid with"
              + " --grid FILE.json");
    }
    TunedGrids grids = TunedGrids.read("--grid", gridFile);
    List<SolverSetting> resolved = new ArrayList<>();
    for (SolverSetting x : settings) {
      resolved.add(
          x.grid().equals(SolverSpec.TUNED) ? x.withGrid(grids.grid(x.solver(), x.steps())) : x);
    }
    return resolved;
  }

  /** The report's files, each written atomically; returns their names. */
  private List<String> write(
      CompareReport report, String table, long seed, CompareJob.Result result) {
    List<String> written = new ArrayList<>();
    try {
      Files.createDirectories(out);
      put("results.csv", ResultCsv.render(report).getBytes(StandardCharsets.UTF_8), written);
      put(
          "results.json",
          ResultJson.render(report, Provenance.current(), seed).getBytes(StandardCharsets.UTF_8),
          written);
      put("table.txt", table.getBytes(StandardCharsets.UTF_8), written);
      // the plots (PNG and SVG) and report.html, as flowmatch compare writes them
      written.addAll(ReportFiles.write(out, report, result.pictures(), commandLine()));
    } catch (IOException e) {
      throw FlowmatchException.io("cannot write --out " + out + ": " + e.getMessage(), e);
    }
    return written;
  }

  private void put(String name, byte[] bytes, List<String> written) throws IOException {
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
