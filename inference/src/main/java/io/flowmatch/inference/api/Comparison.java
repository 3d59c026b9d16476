package io.flowmatch.inference.api;

import io.flowmatch.inference.compare.CompareEngine;
import io.flowmatch.inference.compare.CompareReport;
import io.flowmatch.inference.compare.ConvergenceOrder;
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
import io.flowmatch.inference.sampling.GaussianNoise;
import io.flowmatch.inference.solver.SolverSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Compares ODE solvers on one model, as {@code flowmatch compare} does: every setting integrates
 * the same seeded noise; each gets its NFE, wall time, error against a tight reference solve
 * (dop853) and, with {@link QualityMetrics}, quality scores; convergence orders are fitted per
 * method.
 *
 * <pre>{@code
 * Comparison.Report r = Comparison.on(model).solvers("euler:10,20 heun:5,10").samples(500).run();
 * System.out.print(r.table());
 * r.writeTo(Path.of("compare-out"));   // results.csv, results.json, table.txt, plots, report.html
 * }</pre>
 */
public final class Comparison {
  private final FlowModel model;
  private final List<SolverSetting> settings = new ArrayList<>();
  private int n = 2000;
  private long seed;
  private int batch = FlowSampler.DEFAULT_BATCH;
  private double referenceTolerance = Double.parseDouble(ReferenceSolver.DEFAULT_TOLERANCE);
  private boolean reference = true;
  private QualityMetrics quality;
  private long maxEvaluations = SolverSettings.DEFAULT_MAX_EVALUATIONS;
  private int repeats = 1;

  private Comparison(FlowModel model) {
    this.model = model;
  }

  /**
   * A comparison on {@code model}: 2000 samples, seed 0, batches of 256, dop853 reference at 1e-8.
   */
  public static Comparison on(FlowModel model) {
    return new Comparison(Objects.requireNonNull(model, "model"));
  }

  /**
   * Adds settings in the command line's grammar, e.g. {@code "euler:10,20 heun@edm:5
   * dopri5:1e-3,1e-5"}.
   *
   * @throws FlowmatchException INVALID_ARGUMENT for a spec that does not parse
   */
  public Comparison solvers(String spec) {
    settings.addAll(SolverSpec.parse(spec));
    return this;
  }

  /** Adds one solver (an adaptive one needs rtol = atol to be drawn on one line). */
  public Comparison solver(Solver solver) {
    SolverSettings s = solver.settings();
    settings.add(
        new SolverSetting(
            solver.name(),
            s.grid(),
            solver.adaptive() ? 0 : s.steps(),
            solver.adaptive() ? s.rtol() : 0,
            solver.adaptive() ? s.atol() : 0));
    return this;
  }

  /** Number of samples every setting integrates (default 2000). */
  public Comparison samples(int count) {
    this.n = positive("samples", count);
    return this;
  }

  public Comparison seed(long value) {
    this.seed = value;
    return this;
  }

  /**
   * Samples per solve (default 256); whole-batch adaptive solvers share one step size per batch.
   */
  public Comparison batch(int samples) {
    this.batch = positive("batch", samples);
    return this;
  }

  /** rtol = atol of the reference dop853 solve (default 1e-8). */
  public Comparison referenceTolerance(double tolerance) {
    if (!(tolerance > 0) || Double.isInfinite(tolerance)) {
      throw FlowmatchException.invalidArgument(
          "reference tolerance must be a positive number, got " + tolerance);
    }
    this.referenceTolerance = tolerance;
    return this;
  }

  /** No reference solve: no error columns, no convergence orders. */
  public Comparison noReference() {
    this.reference = false;
    return this;
  }

  /** Scores every setting's samples (the caller keeps and closes the metrics). */
  public Comparison quality(QualityMetrics metrics) {
    this.quality = metrics;
    return this;
  }

  /** Evaluation bound of the adaptive settings (default 10000). */
  public Comparison maxEvaluations(long bound) {
    if (bound < 1) {
      throw FlowmatchException.invalidArgument(
          "max evaluations must be a positive integer, got " + bound);
    }
    this.maxEvaluations = bound;
    return this;
  }

  /** Timed solves per setting, round-robin; the wall time is the median round's (default 1). */
  public Comparison repeats(int rounds) {
    this.repeats = positive("repeats", rounds);
    return this;
  }

  /**
   * Runs every setting; a setting that fails gives a failed row and the rest go on.
   *
   * @throws FlowmatchException INVALID_ARGUMENT when no setting was given; NUMERIC when the
   *     reference solve fails
   */
  public Report run() {
    if (settings.isEmpty()) {
      throw FlowmatchException.invalidArgument(
          "no solver settings to compare: call solvers(...) or solver(...)");
    }
    int size = model.sampleSize();
    float[] initial = new float[Math.multiplyExact(n, size)];
    new GaussianNoise(seed).fill(0, n, size, initial);
    double[] ref = null;
    String refText = null;
    double refNfe = Double.NaN;
    double refSeconds = Double.NaN;
    if (reference) {
      ReferenceSolver solver =
          new ReferenceSolver(
              referenceTolerance, referenceTolerance, ReferenceSolver.DEFAULT_MAX_EVALUATIONS);
      ReferenceSolver.Result solved = solver.solve(model.field(), initial, n, batch, 0, 1);
      ref = solved.x();
      refText = solver.describe() + ", batches of " + Math.min(batch, n);
      refNfe = solved.meanNfe();
      refSeconds = solved.wallNanos() / 1e9;
    }
    CompareEngine engine =
        new CompareEngine(
            model.field(),
            initial,
            n,
            batch,
            0,
            1,
            ref,
            quality == null ? null : quality.metric(),
            maxEvaluations,
            repeats);
    List<SettingResult> results = engine.run(List.copyOf(settings), CompareEngine.Listener.NONE);
    double[] floor = null;
    if (quality != null) {
      Map<String, Double> f = quality.floor();
      floor = f.values().stream().mapToDouble(Double::doubleValue).toArray();
    }
    return new Report(
        new CompareReport(
            model.name(),
            model.sampleShape(),
            model.provider(),
            n,
            batch,
            "Gaussian, seed " + seed,
            refText,
            refNfe,
            refSeconds,
            quality == null ? null : quality.description(),
            quality == null ? List.of() : quality.names(),
            floor,
            maxEvaluations,
            repeats,
            results,
            ConvergenceOrder.of(results)));
  }

  private static int positive(String what, int value) {
    if (value < 1) {
      throw FlowmatchException.invalidArgument(what + " must be a positive integer, got " + value);
    }
    return value;
  }

  /** The results of a comparison, and the files that show them. */
  public static final class Report {
    private final CompareReport report;

    Report(CompareReport report) {
      this.report = report;
    }

    /** One result per setting, in the order run. */
    public List<SettingResult> results() {
      return report.results();
    }

    /** Observed convergence orders per method (needs a reference). */
    public List<ConvergenceOrder> orders() {
      return report.orders();
    }

    /** Everything, as the writers see it. */
    public CompareReport data() {
      return report;
    }

    /** The text table {@code flowmatch compare} prints, with a header line on the run. */
    public String table() {
      return ResultTable.header(report, "") + ResultTable.render(report);
    }

    public String csv() {
      return ResultCsv.render(report);
    }

    public String json() {
      return ResultJson.render(report);
    }

    /**
     * Writes {@code results.csv}, {@code results.json}, {@code table.txt}, the plots (each as PNG
     * and SVG) and {@code report.html} into {@code dir} (created if missing), each file atomically.
     *
     * @return the names of the files written
     * @throws FlowmatchException IO when a file cannot be written
     */
    public List<String> writeTo(Path dir) {
      List<String> written = new ArrayList<>();
      try {
        Files.createDirectories(dir);
        write(dir, "results.csv", csv().getBytes(StandardCharsets.UTF_8), written);
        write(dir, "results.json", json().getBytes(StandardCharsets.UTF_8), written);
        write(dir, "table.txt", table().getBytes(StandardCharsets.UTF_8), written);
        written.addAll(ReportFiles.write(dir, report, Map.of(), null, null));
      } catch (IOException e) {
        throw FlowmatchException.io(
            "cannot write the comparison to " + dir + ": " + e.getMessage(), e);
      }
      return written;
    }

    private static void write(Path dir, String name, byte[] bytes, List<String> written)
        throws IOException {
      AtomicFile.write(dir.resolve(name), bytes);
      written.add(name);
    }

    @Override
    public String toString() {
      return table();
    }
  }
}
