package io.flowmatch.inference.api;

import io.flowmatch.inference.compare.AutoReference;
import io.flowmatch.inference.compare.ClassShares;
import io.flowmatch.inference.compare.CompareEngine;
import io.flowmatch.inference.compare.CompareReport;
import io.flowmatch.inference.compare.ConvergenceOrder;
import io.flowmatch.inference.compare.Provenance;
import io.flowmatch.inference.compare.ReferenceCache;
import io.flowmatch.inference.compare.ReferenceMethod;
import io.flowmatch.inference.compare.ReferenceSolver;
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
import io.flowmatch.inference.metrics.QualityMetric;
import io.flowmatch.inference.plot.Chart;
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
import java.util.function.Consumer;

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
  private float[] noise;
  private String noiseDescription;
  private int batch = FlowSampler.DEFAULT_BATCH;
  private Integer referenceBatch;
  private long referenceMaxEvaluations = ReferenceSolver.DEFAULT_MAX_EVALUATIONS;
  private double referenceTolerance = Double.parseDouble(ReferenceSolver.DEFAULT_TOLERANCE);
  private boolean referenceCheck;
  // how the reference is made: a solve at referenceTolerance, AUTO, GIVEN or NONE
  private ReferenceMode referenceMode = ReferenceMode.TOLERANCE;
  private boolean referenceCache;
  private double[] givenReference;
  private String givenReferenceDescription;
  private QualityMetric quality;
  private double[] qualityFloor;
  private long maxEvaluations = SolverSettings.DEFAULT_MAX_EVALUATIONS;
  private int repeats = 1;
  private CompareEngine.Listener listener = CompareEngine.Listener.NONE;
  private ReferenceSolver.Progress referenceProgress = ReferenceSolver.Progress.NONE;
  private Consumer<String> log = line -> {};

  private enum ReferenceMode {
    TOLERANCE,
    AUTO,
    GIVEN,
    NONE
  }

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

  /** Adds settings already parsed (e.g. by {@link SolverSpec#parse}, with tuned grids resolved). */
  public Comparison solvers(List<SolverSetting> parsed) {
    settings.addAll(parsed);
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
    this.noise = null;
    return this;
  }

  /** Seed of the Gaussian initial states (default 0); replaces {@link #noise}. */
  public Comparison seed(long value) {
    this.seed = value;
    this.noise = null;
    return this;
  }

  /**
   * Initial states instead of seeded noise: whole samples, row-major; their count replaces {@link
   * #samples}.
   *
   * @param description how reports name them, e.g. {@code file z.npy}
   */
  public Comparison noise(float[] states, String description) {
    int size = model.sampleSize();
    if (states.length == 0 || states.length % size != 0) {
      throw FlowmatchException.invalidArgument(
          "noise must hold whole samples of " + size + " floats, got " + states.length);
    }
    this.noise = states.clone();
    this.n = states.length / size;
    this.noiseDescription = Objects.requireNonNull(description, "description");
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
    this.referenceMode = ReferenceMode.TOLERANCE;
    return this;
  }

  /**
   * With a {@link #referenceTolerance}: solve again at a tenth of it and report how far the two
   * references are apart (RMS and max over samples) in the table's header.
   */
  public Comparison referenceCheck(boolean value) {
    this.referenceCheck = value;
    return this;
  }

  /**
   * The reference's tolerance is chosen automatically (what {@code flowmatch compare} does by
   * default): the settings run first and keep their samples (n·sample size floats each); then the
   * reference ({@code dop853}, or {@code dopri5-batch} for samples of more than {@value
   * io.flowmatch.inference.compare.ReferenceMethod#LARGE_STATE} values) starts loose (see {@code
   * autoStart}) and tightens 10× at a time until its error bound (its difference from the previous
   * solve) is a tenth of the smallest setting's error, the model's float32 noise is reached, or a
   * tighter solve would not fit the budget ({@link #REFERENCE_BUDGET_FACTOR}× the settings' model
   * evaluations, at least {@link #REFERENCE_BUDGET_FLOOR} per sample). The report's header gives
   * the bound and that ratio.
   *
   * @param cache keep solves in the user's cache folder, keyed by the model file's SHA-256, the
   *     noise and the batch (only for models opened from a file)
   */
  public Comparison autoReference(boolean cache) {
    this.referenceMode = ReferenceMode.AUTO;
    this.referenceCache = cache;
    return this;
  }

  /**
   * A reference given as numbers ({@link #samples} × sample size, row-major), e.g. read from a
   * file, instead of a solve.
   *
   * @param description how reports name it, e.g. {@code file ref.npy}
   */
  public Comparison reference(double[] x, String description) {
    this.givenReference = Objects.requireNonNull(x, "x");
    this.givenReferenceDescription = Objects.requireNonNull(description, "description");
    this.referenceMode = ReferenceMode.GIVEN;
    return this;
  }

  /** Samples per reference solve (default: {@link #batch}). */
  public Comparison referenceBatch(int samples) {
    this.referenceBatch = positive("reference batch", samples);
    return this;
  }

  /** Evaluation bound of each reference solve. */
  public Comparison referenceMaxEvaluations(long bound) {
    if (bound < 1) {
      throw FlowmatchException.invalidArgument(
          "reference max evaluations must be a positive integer, got " + bound);
    }
    this.referenceMaxEvaluations = bound;
    return this;
  }

  /** No reference solve: no error columns, no convergence orders. */
  public Comparison noReference() {
    this.referenceMode = ReferenceMode.NONE;
    return this;
  }

  /** Scores every setting's samples (the caller keeps and closes the metrics). */
  public Comparison quality(QualityMetrics metrics) {
    return metrics == null
        ? quality(null, null)
        : quality(
            metrics.metric(),
            metrics.floor().values().stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** Scores every setting's samples with {@code metric}; {@code floor} per metric, or null. */
  public Comparison quality(QualityMetric metric, double[] floor) {
    this.quality = metric;
    this.qualityFloor = floor == null ? null : floor.clone();
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

  /** Told when each setting starts and ends (with its samples, e.g. to draw them). */
  public Comparison listener(CompareEngine.Listener value) {
    this.listener = Objects.requireNonNull(value, "listener");
    return this;
  }

  /**
   * Where the reference solve reports: {@code progress} during each solve, {@code log} one line per
   * solve (e.g. {@code reference: dop853 (rtol 1e-08, …)}).
   */
  public Comparison referenceProgress(ReferenceSolver.Progress progress, Consumer<String> log) {
    this.referenceProgress = Objects.requireNonNull(progress, "progress");
    this.log = Objects.requireNonNull(log, "log");
    return this;
  }

  /**
   * Runs every setting; a setting that fails gives a failed row and the rest go on.
   *
   * @throws FlowmatchException INVALID_ARGUMENT when no setting was given or a given reference is
   *     too short; NUMERIC when the reference solve fails
   */
  public Report run() {
    if (settings.isEmpty()) {
      throw FlowmatchException.invalidArgument(
          "no solver settings to compare: call solvers(...) or solver(...)");
    }
    int size = model.sampleSize();
    float[] initial = noise;
    if (initial == null) {
      initial = new float[Math.multiplyExact(n, size)];
      new GaussianNoise(seed).fill(0, n, size, initial);
    }
    Reference ref;
    List<SettingResult> results;
    if (referenceMode == ReferenceMode.AUTO) {
      // the settings first: the reference is then tightened only as far as their errors need
      float[][] kept = new float[settings.size()][];
      List<SolverSetting> order = List.copyOf(settings);
      int[] current = {0};
      CompareEngine.Listener keeping =
          new CompareEngine.Listener() {
            @Override
            public void started(SolverSetting setting, int index, int total) {
              current[0] = index;
              listener.started(setting, index, total);
            }

            @Override
            public void finished(SettingResult result, float[] samples) {
              if (!result.failed()) {
                kept[current[0]] = samples.clone();
              }
              listener.finished(result, samples);
            }
          };
      results = engine(initial, null).run(order, keeping);
      ref = autoReference(initial, kept, size, results);
      results = withErrors(results, kept, ref.x(), size);
    } else {
      ref = reference(initial, size);
      results = engine(initial, ref.x()).run(List.copyOf(settings), listener);
    }
    return new Report(
        new CompareReport(
            model.name(),
            model.sampleShape(),
            model.provider(),
            n,
            batch,
            noise != null ? noiseDescription : "Gaussian, seed " + seed,
            ref.description(),
            ref.meanNfe(),
            ref.seconds(),
            quality == null ? null : quality.description(),
            quality == null ? List.of() : quality.names(),
            qualityFloor,
            maxEvaluations,
            repeats,
            results,
            ConvergenceOrder.of(results),
            classShares()),
        ref.checkNote(),
        noise == null ? seed : null);
  }

  /**
   * With a classifier in the quality metric, its class names and the data's histogram: each
   * setting's class counts are kept with its result (not its samples), for the class-histogram
   * plot.
   */
  private ClassShares classShares() {
    return quality == null || quality.dataClasses() == null
        ? null
        : new ClassShares(quality.classNames(), quality.dataClasses());
  }

  /** The reference the errors are measured against (all null/NaN without one). */
  private record Reference(
      double[] x, String description, double meanNfe, double seconds, String checkNote) {}

  private Reference reference(float[] initial, int size) {
    int rb = referenceBatch != null ? referenceBatch : batch;
    String batches = ", batches of " + Math.min(rb, n);
    switch (referenceMode) {
      case NONE:
        return new Reference(null, null, Double.NaN, Double.NaN, "");
      case GIVEN:
        if (givenReference.length < (long) n * size) {
          throw FlowmatchException.invalidArgument(
              "the reference holds "
                  + givenReference.length / size
                  + " samples, fewer than the "
                  + n
                  + " being compared");
        }
        return new Reference(
            java.util.Arrays.copyOf(givenReference, n * size),
            givenReferenceDescription,
            Double.NaN,
            Double.NaN,
            "");
      default:
        {
          ReferenceSolver solver =
              new ReferenceSolver(referenceTolerance, referenceTolerance, referenceMaxEvaluations);
          log.accept(
              "reference: "
                  + solver.describe()
                  + ", "
                  + n
                  + " samples in batches of "
                  + Math.min(rb, n));
          ReferenceSolver.Result solved =
              solver.solve(model.field(), initial, n, rb, 0, 1, referenceProgress);
          String note = "";
          if (referenceCheck) {
            double tighterTol = referenceTolerance / 10;
            ReferenceSolver tighter =
                new ReferenceSolver(tighterTol, tighterTol, referenceMaxEvaluations);
            log.accept("reference check: " + tighter.describe());
            double[] check =
                differences(
                    solved.x(),
                    tighter.solve(model.field(), initial, n, rb, 0, 1, referenceProgress).x(),
                    size,
                    n);
            note =
                "; vs tolerance "
                    + SolverSetting.adaptive("dop853", tighterTol).parameter()
                    + ": RMS "
                    + Numbers.sci(check[0], 3)
                    + ", max "
                    + Numbers.sci(check[1], 3);
          }
          return new Reference(
              solved.x(),
              solver.describe() + batches,
              solved.meanNfe(),
              solved.wallNanos() / 1e9,
              note);
        }
    }
  }

  private CompareEngine engine(float[] initial, double[] referenceX) {
    return new CompareEngine(
        model.field(),
        initial,
        n,
        batch,
        0,
        1,
        referenceX,
        quality,
        maxEvaluations,
        repeats,
        model.path());
  }

  /**
   * The automatic reference ({@link AutoReference}), judged by the settings' samples: it starts at
   * {@link #autoStart} and tightens until its error bound is a tenth of the smallest setting's
   * error, the model's float32 noise is reached, or the budget ({@link #referenceBudget}) is spent.
   */
  private Reference autoReference(
      float[] initial, float[][] kept, int size, List<SettingResult> results) {
    int rb = referenceBatch != null ? referenceBatch : batch;
    ReferenceCache cache =
        referenceCache && model.file() != null ? ReferenceCache.userDefault() : null;
    String hash = cache == null ? "" : ReferenceCache.sha256(model.file());
    boolean anyKept = java.util.Arrays.stream(kept).anyMatch(Objects::nonNull);
    AutoReference auto =
        new AutoReference(
            cache,
            hash,
            referenceMaxEvaluations,
            referenceProgress,
            line -> log.accept("reference: " + line));
    double start = autoStart(settings, auto.method(model.field()));
    AutoReference.Outcome o =
        auto.solve(
            model.field(),
            initial,
            n,
            rb,
            start,
            AutoReference.LOWEST,
            anyKept ? x -> smallestError(kept, x, size) : null,
            referenceBudget(results));
    return new Reference(
        o.x(), o.description() + ", batches of " + Math.min(rb, n), o.meanNfe(), o.seconds(), "");
  }

  /**
   * The automatic reference's first tolerance. Small samples (dop853, cheap): a decade above the
   * tightest adaptive setting's, so that the first pair's tighter solve is at that tolerance (the
   * looser one only bounds its error), at most {@link AutoReference#SMALL_START}. Large samples
   * (dopri5-batch): {@link AutoReference#LARGE_START}, whatever the settings, because on image
   * models tight tolerances cost many times the settings themselves; the ladder then tightens as
   * far as the judged errors need and the budget allows.
   */
  public static double autoStart(List<SolverSetting> settings, ReferenceMethod method) {
    if (method == ReferenceMethod.DOPRI5_BATCH) {
      return AutoReference.LARGE_START;
    }
    double tightest = Double.POSITIVE_INFINITY;
    for (SolverSetting s : settings) {
      if (s.adaptive()) {
        tightest = Math.min(tightest, Math.min(s.rtol(), s.atol()));
      }
    }
    double start =
        Double.isInfinite(tightest)
            ? AutoReference.SMALL_START
            : Double.parseDouble(Numbers.sig(tightest * 10, 6));
    return Math.max(AutoReference.LOWEST * 10, Math.min(AutoReference.SMALL_START, start));
  }

  /** The reference may cost this many times the settings' model evaluations together. */
  public static final int REFERENCE_BUDGET_FACTOR = AutoReference.BUDGET_FACTOR;

  /** ... and at least this many model evaluations per sample. */
  public static final long REFERENCE_BUDGET_FLOOR = AutoReference.BUDGET_FLOOR;

  /**
   * The automatic reference's budget, in model evaluations per sample for all its solves: {@value
   * #REFERENCE_BUDGET_FACTOR}× the settings' own (the sum of their mean NFE), at least {@value
   * #REFERENCE_BUDGET_FLOOR}. Past its first pair of solves it tightens only within it, so the
   * reference costs at most about as much as the comparison it serves.
   */
  static long referenceBudget(List<SettingResult> results) {
    double sum = 0;
    for (SettingResult r : results) {
      if (!r.failed()) {
        sum += r.meanNfe();
      }
    }
    return AutoReference.budget(sum);
  }

  /** The smallest RMS error over the kept settings' samples against a candidate reference. */
  private double smallestError(float[][] kept, double[] x, int size) {
    double smallest = Double.POSITIVE_INFINITY;
    for (float[] samples : kept) {
      if (samples != null) {
        double rms = CompareEngine.errorSummary(CompareEngine.sampleErrors(samples, x, n, size))[0];
        smallest = Math.min(smallest, rms);
      }
    }
    return smallest;
  }

  /** The results with their errors against the reference filled in. */
  private List<SettingResult> withErrors(
      List<SettingResult> results, float[][] kept, double[] x, int size) {
    List<SettingResult> out = new ArrayList<>();
    for (int k = 0; k < results.size(); k++) {
      SettingResult m = results.get(k);
      if (m.failed() || kept[k] == null) {
        out.add(m);
        continue;
      }
      double[] e = CompareEngine.errorSummary(CompareEngine.sampleErrors(kept[k], x, n, size));
      out.add(m.withErrors(e[0], e[1]));
    }
    return out;
  }

  /** RMS and max over samples of each sample's RMS difference. */
  static double[] differences(double[] a, double[] b, int size, int count) {
    double sum = 0;
    double max = 0;
    for (int i = 0; i < count; i++) {
      double sq = 0;
      for (int k = i * size; k < (i + 1) * size; k++) {
        sq += (a[k] - b[k]) * (a[k] - b[k]);
      }
      double rms = Math.sqrt(sq / size);
      sum += rms * rms;
      max = Math.max(max, rms);
    }
    return new double[] {Math.sqrt(sum / count), max};
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
    private final String headerNote;
    private final Long seed;

    Report(CompareReport report, String headerNote, Long seed) {
      this.report = report;
      this.headerNote = headerNote;
      this.seed = seed;
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
      return ResultTable.header(report, headerNote) + ResultTable.render(report);
    }

    public String csv() {
      return ResultCsv.render(report);
    }

    /** The results as JSON, with this build's version and revision and the seed of the noise. */
    public String json() {
      return ResultJson.render(report, Provenance.current(), seed);
    }

    /**
     * Writes {@code results.csv}, {@code results.json}, {@code table.txt}, the plots (with a
     * classifier in the quality metric, {@code class-histogram.png}/{@code .svg} too) and {@code
     * report.html} into {@code dir} (created if missing), each file atomically.
     *
     * @return the names of the files written
     * @throws FlowmatchException IO when a file cannot be written
     */
    public List<String> writeTo(Path dir) {
      return writeTo(dir, Map.of(), null);
    }

    /**
     * As {@link #writeTo(Path)}, with pictures of the samples ({@code samples/NN-label.png}, shown
     * in the report) and the command line that made the comparison (each may be empty or null).
     *
     * @param pictures charts of the samples by setting label, in the order shown
     * @return the names of the files written, relative to {@code dir}
     */
    public List<String> writeTo(Path dir, Map<String, Chart> pictures, String commandLine) {
      List<String> written = new ArrayList<>();
      try {
        Files.createDirectories(dir);
        write(dir, "results.csv", csv().getBytes(StandardCharsets.UTF_8), written);
        write(dir, "results.json", json().getBytes(StandardCharsets.UTF_8), written);
        write(dir, "table.txt", table().getBytes(StandardCharsets.UTF_8), written);
        written.addAll(ReportFiles.write(dir, report, pictures, commandLine));
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
