package io.flowmatch.inference.compare;

import io.flowmatch.inference.field.VelocityField;
import io.flowmatch.inference.format.Numbers;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/**
 * A reference solve whose tolerance is chosen automatically: tight enough that its own error is
 * well below the errors it judges, and no tighter than the model's float32 arithmetic can resolve.
 *
 * <p>The method follows the size of a sample ({@link ReferenceMethod#forSampleSize}): dop853 with a
 * double state for small samples, {@code dopri5-batch} (per-sample steps, float32 state) for large
 * ones such as images, where dop853 over a whole batch was unaffordable.
 *
 * <p>The model's noise η is measured first: the RMS change of its velocity when the input moves by
 * one float32 rounding (x·(1 ± 2⁻²³), random signs), at t = 0, 0.5 and 0.95, largest of the three.
 * Then the method solves at a first tolerance and at 10× tighter ones in turn. Each new solve's RMS
 * difference d from the previous one is taken as a bound on the new solve's own error (it is one as
 * long as tightening 10× at least halves the error: err(new) ≤ d + err(new)/2 would otherwise fail;
 * for a method that meets its tolerance the error is nearer d/10). Tightening stops at the first
 * solve that
 *
 * <ul>
 *   <li>with the errors it judges known ({@link #solve(VelocityField, float[], int, int, double,
 *       double, ToDoubleFunction)}: the comparison's settings have already run): has a bound at
 *       most 1/{@value #MARGIN} of the smallest of those errors, so no judged error moves by more
 *       than a tenth when the reference gets better;
 *   <li>or has reached the model's noise: d within 4·η, or d fell less than 1.5× from the previous
 *       pair's (a 10× tighter tolerance no longer changes the answer: what is left is float noise),
 *       or the next solve failed (step or evaluation bound);
 *   <li>or is at the tightest tolerance allowed;
 *   <li>or, with a budget of model evaluations per sample, is the last one that fits it.
 * </ul>
 *
 * The outcome says which, and whether the bound is below the judged errors by the margin. Each
 * solve is cached on disk ({@link ReferenceCache}) when a cache is given, so a second run costs
 * nothing.
 */
public final class AutoReference {
  /** The first tolerance tried when nothing tells where to start (small samples, dop853). */
  public static final double START = 1e-6;

  /** The tightest tolerance tried. */
  public static final double LOWEST = 1e-9;

  /**
   * The first tolerance for large samples ({@link ReferenceMethod#DOPRI5_BATCH}). Loose on purpose:
   * on the Fashion-MNIST DiT the velocity wiggles in t on a scale of ~1e-3 (its time embedding has
   * frequencies up to 1000; dv/dt changed from 3.1 to 5.4 between differences over 1e-4 and 1e-3 at
   * t = 0), so an adaptive solve at 1e-4 must resolve the wiggles (dopri5-batch: ~250 NFE per
   * sample) while few-step errors are 1e-2 and larger; tighter solves follow only as far as the
   * judged errors need and the budget allows.
   */
  public static final double LARGE_START = 1e-3;

  /** The first tolerance for small samples when only fixed-step errors are judged. */
  public static final double SMALL_START = 1e-4;

  /** The chosen reference's error bound is at most 1/MARGIN of the smallest error it judges. */
  public static final double MARGIN = 10;

  /** No budget: tighten as far as the other rules allow. */
  public static final long NO_BUDGET = Long.MAX_VALUE;

  /**
   * The automatic reference may cost this many times the model evaluations of what it judges
   * (compare: its settings; tune-grid: the hand-made grids at the largest NFE).
   */
  public static final int BUDGET_FACTOR = 2;

  /** ... and at least this many model evaluations per sample. */
  public static final long BUDGET_FLOOR = 500;

  /**
   * The budget of an automatic reference, in model evaluations per sample for all its solves:
   * {@value #BUDGET_FACTOR}× {@code judgedNfe} (the model evaluations per sample of everything it
   * judges, together), at least {@value #BUDGET_FLOOR}. Past its first pair of solves the ladder
   * tightens only within it, so the reference costs about as much as the work it serves.
   */
  public static long budget(double judgedNfe) {
    return Math.max(BUDGET_FLOOR, (long) Math.ceil(BUDGET_FACTOR * judgedNfe));
  }

  /** Why the ladder of tolerances stopped where it did. */
  public enum Stop {
    /** Its error bound is at most 1/{@link #MARGIN} of the smallest error judged. */
    WELL_BELOW,
    /** Two solves agree to the model's float32 noise, or stopped converging. */
    NOISE,
    /** The next tighter solve failed (step size or evaluation bound). */
    FAILED,
    /** The next tighter solve would cost more than the budget left (see {@link #solve}). */
    BUDGET,
    /** The tightest tolerance allowed was reached. */
    LOWEST,
    /** One fixed pair, as the caller asked. */
    FIXED
  }

  /**
   * The chosen reference.
   *
   * @param x the solution (n·sampleSize doubles)
   * @param tolerance rtol = atol of the chosen solve
   * @param agreement RMS difference between the chosen solve and the previous, looser one: the
   *     bound on the chosen solve's error (see the class comment)
   * @param modelNoise η, the model's float32 noise (see the class comment)
   * @param agreed whether the stop was {@link Stop#WELL_BELOW}, or without judged errors {@link
   *     Stop#NOISE} (the old meaning: the last pair agreed to the model's noise)
   * @param meanNfe mean model evaluations per sample of the chosen solve
   * @param nfeSpent model evaluations per sample of every solve made now (0 when all were cached)
   * @param seconds wall time of everything
   * @param method how the solves integrated
   * @param smallestJudged the smallest error judged against the chosen solve, NaN when unknown
   * @param stop why tightening stopped
   */
  public record Outcome(
      double[] x,
      double tolerance,
      double agreement,
      double modelNoise,
      boolean agreed,
      double meanNfe,
      double nfeSpent,
      double seconds,
      String description,
      ReferenceMethod method,
      double smallestJudged,
      Stop stop) {
    /** This outcome with the solution {@code solution}. */
    public Outcome withX(double[] solution) {
      return new Outcome(
          solution,
          tolerance,
          agreement,
          modelNoise,
          agreed,
          meanNfe,
          nfeSpent,
          seconds,
          description,
          method,
          smallestJudged,
          stop);
    }
  }

  private final ReferenceCache cache;
  private final String modelHash;
  private final long maxEvaluations;
  private final ReferenceSolver.Progress progress;
  private final Consumer<String> log;
  private final ReferenceMethod forcedMethod;

  /**
   * @param cache where solves are kept, or null for none
   * @param modelHash SHA-256 of the model file (the cache key), unused without a cache
   * @param log receives one line per solve
   */
  public AutoReference(
      ReferenceCache cache,
      String modelHash,
      long maxEvaluations,
      ReferenceSolver.Progress progress,
      Consumer<String> log) {
    this(cache, modelHash, maxEvaluations, progress, log, null);
  }

  /**
   * As above with the method given ({@code null}: chosen by {@link ReferenceMethod#forSampleSize}).
   */
  public AutoReference(
      ReferenceCache cache,
      String modelHash,
      long maxEvaluations,
      ReferenceSolver.Progress progress,
      Consumer<String> log,
      ReferenceMethod method) {
    this.cache = cache;
    this.modelHash = modelHash;
    this.maxEvaluations = maxEvaluations;
    this.progress = progress;
    this.log = log;
    this.forcedMethod = method;
  }

  /** The method a solve of {@code field} uses. */
  public ReferenceMethod method(VelocityField field) {
    return forcedMethod != null ? forcedMethod : ReferenceMethod.forSampleSize(field.sampleSize());
  }

  /**
   * The first tolerance when nothing else says: {@link #START}, {@link #LARGE_START} for images.
   */
  public double defaultStart(VelocityField field) {
    return method(field) == ReferenceMethod.DOPRI5_BATCH ? LARGE_START : START;
  }

  /** Solves n samples of {@code noise} from t = 0 to 1 in batches of {@code batch}. */
  public Outcome solve(VelocityField field, float[] noise, int n, int batch) {
    return solve(field, noise, n, batch, defaultStart(field), LOWEST);
  }

  /**
   * Like {@link #solve(VelocityField, float[], int, int)} between other bounds: the first solve at
   * {@code start}, tightened 10× at a time down to {@code lowest}. {@code lowest = start / 10} is a
   * fixed, affordable reference: the solve at {@code start / 10}, whose RMS difference from the
   * solve at {@code start} ({@link Outcome#agreement}) bounds its error from above (its own error
   * is smaller than the looser solve's, about 10× for a method that meets its tolerance).
   */
  public Outcome solve(
      VelocityField field, float[] noise, int n, int batch, double start, double lowest) {
    return solve(field, noise, n, batch, start, lowest, null);
  }

  /**
   * As above, tightening until the chosen solve's error bound is at most 1/{@link #MARGIN} of
   * {@code smallestError(candidate)}: the smallest error of what the reference judges, measured
   * against a candidate solution (n·sampleSize doubles); null for none (then the model's noise
   * decides alone).
   */
  public Outcome solve(
      VelocityField field,
      float[] noise,
      int n,
      int batch,
      double start,
      double lowest,
      ToDoubleFunction<double[]> smallestError) {
    return solve(field, noise, n, batch, start, lowest, smallestError, NO_BUDGET);
  }

  /**
   * As above, affordable: the first pair of solves always runs; a tighter solve then runs only
   * while the evaluations per sample of all solves made now stay within {@code budget} (a solve is
   * never cheaper than the looser one before it, so none starts when less than that is left; one
   * that runs out is abandoned) and the outcome says so ({@link Stop#BUDGET}).
   */
  public Outcome solve(
      VelocityField field,
      float[] noise,
      int n,
      int batch,
      double start,
      double lowest,
      ToDoubleFunction<double[]> smallestError,
      long budget) {
    ReferenceMethod method = method(field);
    int size = field.sampleSize();
    double eta = modelNoise(field, noise, n);
    Ladder<double[]> here =
        new Ladder<>() {
          @Override
          public Rung<double[]> solve(double tol, long evaluationBound) {
            Solve s =
                AutoReference.this.solve(method, field, noise, n, batch, tol, evaluationBound);
            return new Rung<>(s.x, tol, s.meanNfe, s.nfeSpent);
          }

          @Override
          public double difference(double[] a, double[] b) {
            return CompareEngine.errorSummary(CompareMath.sampleDifferences(a, b, n, size))[0];
          }

          @Override
          public double judged(double[] x) {
            return smallestError == null ? Double.NaN : smallestError.applyAsDouble(x);
          }
        };
    Climb<double[]> climb = climb(here, method, eta, start, lowest, budget);
    return climb.outcome().withX(climb.chosen().solution());
  }

  /**
   * One solve of every sample at one tolerance, as a {@link Ladder} keeps it.
   *
   * @param solution the solution, wherever the ladder keeps it (an array on one machine)
   * @param meanNfe mean model evaluations per sample of the solve
   * @param nfeSpent what the solve spent now, per sample (0 when it came from a cache)
   */
  public record Rung<S>(S solution, double tolerance, double meanNfe, double nfeSpent) {}

  /**
   * How the ladder's solves are made and measured. {@link #solve(VelocityField, float[], int, int,
   * double, double, ToDoubleFunction, long)} keeps each solution in one array; a distributed caller
   * (spark compare) keeps each shard's part where it was solved and gathers only per-sample
   * figures, in sample order, so its choices and figures equal the single machine's bit for bit.
   */
  public interface Ladder<S> {
    /**
     * Solves every sample from t = 0 to 1 at rtol = atol = {@code tol}.
     *
     * @param evaluationBound as {@link ReferenceMethod#solve}'s {@code maxEvaluations}
     * @throws io.flowmatch.inference.solver.ToleranceException when a solve fails or runs out
     */
    Rung<S> solve(double tol, long evaluationBound);

    /**
     * The RMS over samples of each sample's RMS difference between two solutions ({@link
     * CompareMath#sampleDifferences}, summed in sample order by {@link
     * CompareEngine#errorSummary}).
     */
    double difference(S a, S b);

    /** The smallest error judged against {@code s}, or NaN when nothing is judged. */
    double judged(S s);

    /** A rung that will not be chosen: whatever holds it may go. */
    default void discard(Rung<S> rung) {}
  }

  /** The chosen rung and what the report says of it ({@link Outcome#x} is null here). */
  public record Climb<S>(Rung<S> chosen, Outcome outcome) {}

  /**
   * The ladder of {@link #solve(VelocityField, float[], int, int, double, double, ToDoubleFunction,
   * long)} over solves that {@code ladder} makes: from {@code start}, 10× tighter each time down to
   * {@code lowest}, judged by {@link Ladder#judged}, within {@code budget}.
   *
   * @param eta the model's float32 noise ({@link #modelNoise})
   */
  public <S> Climb<S> climb(
      Ladder<S> ladder,
      ReferenceMethod method,
      double eta,
      double start,
      double lowest,
      long budget) {
    if (!(lowest > 0) || lowest > start / 10 * 1.001) {
      throw io.flowmatch.inference.error.FlowmatchException.invalidArgument(
          "reference tolerances: the tightest ("
              + lowest
              + ") must be positive and at most a tenth of the first ("
              + start
              + ")");
    }
    long begin = System.nanoTime();
    boolean fixed = lowest >= start / 10 * 0.999; // one pair: the caller fixed the tolerance
    log.accept(
        "model float32 noise η = "
            + Numbers.sci(eta, 3)
            + " (velocity RMS); method "
            + method.label()
            + " ("
            + method.state()
            + ")");
    Rung<S> previous = ladder.solve(start, maxEvaluations);
    double spent = previous.nfeSpent();
    double agreement = Double.NaN;
    double judged = Double.NaN;
    for (double tol = tenth(start); tol >= lowest * 0.999; tol = tenth(tol)) {
      Rung<S> next;
      long left = maxEvaluations;
      if (!Double.isNaN(agreement) && budget != NO_BUDGET) {
        left = Math.min(maxEvaluations, (long) Math.floor(budget - spent));
        if (left < previous.meanNfe()) {
          log.accept(
              "tolerance "
                  + SolverSetting.number(tol)
                  + ": not tried, it would cost more than the "
                  + Math.max(0, left)
                  + " NFE/sample left of the budget of "
                  + budget
                  + " (the solve at "
                  + SolverSetting.number(previous.tolerance())
                  + " cost "
                  + Numbers.fixed(previous.meanNfe(), 0)
                  + ")");
          return climbed(method, previous, agreement, eta, judged, Stop.BUDGET, spent, begin);
        }
      }
      try {
        next = ladder.solve(tol, left);
      } catch (io.flowmatch.inference.solver.ToleranceException e) {
        if (Double.isNaN(agreement)) {
          ladder.discard(previous);
          throw e;
        }
        boolean overBudget = left < maxEvaluations && e.getMessage().contains("exceeded");
        // what the abandoned solve spent, at most what was left
        spent += overBudget ? left : 0;
        log.accept(
            "tolerance "
                + SolverSetting.number(tol)
                + (overBudget ? " ran out of the budget: " : " failed: ")
                + e.getMessage());
        return climbed(
            method,
            previous,
            agreement,
            eta,
            judged,
            overBudget ? Stop.BUDGET : Stop.FAILED,
            spent,
            begin);
      }
      spent += next.nfeSpent();
      double before = agreement;
      agreement = ladder.difference(previous.solution(), next.solution());
      judged = ladder.judged(next.solution());
      // stalled: a 10x tighter solve changed the answer by nearly as much as the last one did;
      // 1.5x, not more: dopri5-batch's differences fell only ~2x per decade on a Gaussian field
      boolean floor = agreement <= 4 * eta || agreement > before / 1.5;
      boolean wellBelow = agreement <= judged / MARGIN;
      Stop stop;
      if (fixed) {
        stop = Stop.FIXED;
      } else if (wellBelow) {
        stop = Stop.WELL_BELOW;
      } else if (floor) {
        stop = Stop.NOISE;
      } else {
        stop = tol <= lowest * 1.001 ? Stop.LOWEST : null;
      }
      log.accept(
          "tolerance "
              + SolverSetting.number(tol)
              + " vs "
              + SolverSetting.number(tenfold(tol))
              + ": RMS difference "
              + Numbers.sci(agreement, 3)
              + " (η "
              + Numbers.sci(eta, 3)
              + (Double.isNaN(judged) ? "" : ", smallest error judged " + Numbers.sci(judged, 3))
              + ")"
              + (stop == null
                  ? ": tighten"
                  : ": stop (" + stop.name().toLowerCase(java.util.Locale.ROOT) + ")"));
      ladder.discard(previous);
      if (stop != null) {
        return climbed(method, next, agreement, eta, judged, stop, spent, begin);
      }
      previous = next;
    }
    // not reached: the loop stops at lowest
    return climbed(method, previous, agreement, eta, judged, Stop.LOWEST, spent, begin);
  }

  private <S> Climb<S> climbed(
      ReferenceMethod method,
      Rung<S> chosen,
      double agreement,
      double eta,
      double judged,
      Stop stop,
      double spent,
      long begin) {
    return new Climb<>(
        chosen,
        outcome(
            method,
            new Solve(null, chosen.tolerance(), chosen.meanNfe(), chosen.nfeSpent()),
            agreement,
            eta,
            judged,
            stop,
            spent,
            begin));
  }

  private Outcome outcome(
      ReferenceMethod method,
      Solve s,
      double agreement,
      double eta,
      double judged,
      Stop stop,
      double spent,
      long begin) {
    boolean agreed = Double.isNaN(judged) ? stop == Stop.NOISE : stop == Stop.WELL_BELOW;
    String head =
        method.label()
            + " (rtol = atol = "
            + SolverSetting.number(s.tolerance)
            + ", "
            + method.state()
            + "; ";
    String bound =
        "its error bound "
            + Numbers.sci(agreement, 2)
            + " RMS is its difference from the solve at "
            + SolverSetting.number(tenfold(s.tolerance));
    String text;
    if (stop == Stop.FIXED) {
      text =
          head
              + "tolerance fixed: "
              + bound
              + judgedNote(agreement, judged)
              + "; model float32 noise "
              + Numbers.sci(eta, 2)
              + ")";
    } else if (!Double.isNaN(judged)) {
      text =
          head
              + "chosen automatically: "
              + bound
              + judgedNote(agreement, judged)
              + (stop == Stop.WELL_BELOW
                  ? ""
                  : stop == Stop.NOISE
                      ? "; NOT well below them: tighter solves stopped converging (model noise)"
                      : stop == Stop.FAILED
                          ? "; NOT well below them: the next tighter solve failed"
                          : stop == Stop.BUDGET
                              ? "; NOT well below them: a tighter solve did not fit the budget"
                                  + " (give --reference-tol to choose the tolerance yourself)"
                              : "; NOT well below them: the tightest tolerance allowed was reached")
              + "; model float32 noise "
              + Numbers.sci(eta, 2)
              + ")";
    } else {
      text =
          head
              + "chosen automatically: "
              + (agreed ? "agrees with" : "did NOT agree with")
              + " the solve at "
              + SolverSetting.number(tenfold(s.tolerance))
              + " by "
              + Numbers.sci(agreement, 2)
              + " RMS, model float32 noise "
              + Numbers.sci(eta, 2)
              + ")";
    }
    return new Outcome(
        s.x,
        s.tolerance,
        agreement,
        eta,
        agreed,
        s.meanNfe,
        spent,
        (System.nanoTime() - begin) / 1e9,
        text,
        method,
        judged,
        stop);
  }

  /**
   * ", 1/37 of the smallest error it judges (3.1e-04)" (or "1.7×" for a bound above it), or nothing
   * without judged errors.
   */
  static String judgedNote(double bound, double judged) {
    if (Double.isNaN(judged)) {
      return "";
    }
    String relation;
    if (!(bound > 0)) {
      relation = "far below";
    } else if (judged / bound >= 10) {
      relation = "1/" + Numbers.fixed(judged / bound, 0) + " of";
    } else if (judged >= bound) {
      relation = "1/" + Numbers.fixed(judged / bound, 1) + " of";
    } else {
      relation = Numbers.fixed(bound / judged, 1) + "×";
    }
    return ", " + relation + " the smallest error it judges (" + Numbers.sci(judged, 2) + ")";
  }

  private record Solve(double[] x, double tolerance, double meanNfe, double nfeSpent) {}

  private Solve solve(
      ReferenceMethod method,
      VelocityField field,
      float[] noise,
      int n,
      int batch,
      double tol,
      long evaluationBound) {
    int size = field.sampleSize();
    String key = null;
    if (cache != null) {
      key =
          ReferenceCache.key(
              modelHash,
              noise,
              n,
              size,
              // dop853's key is the one earlier versions wrote, so their files stay valid
              method.label()
                  + " rtol="
                  + tol
                  + " atol="
                  + tol
                  + " batch="
                  + batch
                  + " t0=0 t1=1 max="
                  + maxEvaluations);
      double[] cached = cache.load(key, n * size + 1);
      if (cached != null) {
        log.accept(
            "reference at tolerance "
                + SolverSetting.number(tol)
                + ": from the cache "
                + cache.dir());
        double[] x = java.util.Arrays.copyOf(cached, n * size);
        return new Solve(x, tol, cached[n * size], 0);
      }
    }
    log.accept(
        "reference at tolerance "
            + SolverSetting.number(tol)
            + ": solving with "
            + method.label()
            + ", "
            + n
            + " samples in batches of "
            + Math.min(batch, n));
    ReferenceSolver.Result r = method.solve(field, noise, n, batch, tol, evaluationBound, progress);
    log.accept(
        "reference at tolerance "
            + SolverSetting.number(tol)
            + ": NFE/sample "
            + Numbers.fixed(r.meanNfe(), 1)
            + ", "
            + Numbers.fixed(r.wallNanos() / 1e9, 1)
            + " s");
    if (cache != null) {
      double[] stored = java.util.Arrays.copyOf(r.x(), n * size + 1);
      stored[n * size] = r.meanNfe();
      cache.store(key, stored);
    }
    return new Solve(r.x(), tol, r.meanNfe(), r.meanNfe());
  }

  /**
   * A tenth of {@code tol}, rounded to 6 digits (so 1e-5 gives 1e-6, not 1.0000000000000002e-6).
   */
  public static double tenth(double tol) {
    return Double.parseDouble(Numbers.sig(tol / 10, 6));
  }

  /** Ten times {@code tol}, rounded to 6 digits (1e-6 gives 1e-5, not 9.999999999999999e-6). */
  static double tenfold(double tol) {
    return Double.parseDouble(Numbers.sig(tol * 10, 6));
  }

  /**
   * η (see the class comment), measured on the first min(n, 64) samples of {@code noise} (n·sample
   * size floats).
   */
  public static double modelNoise(VelocityField field, float[] noise, int n) {
    int size = field.sampleSize();
    int m = Math.min(n, 64);
    float[] x = java.util.Arrays.copyOf(noise, m * size);
    float[] y = new float[m * size];
    Random random = new Random(12345);
    for (int k = 0; k < y.length; k++) {
      // one rounding step of float32 (relative 2^-24), either way
      y[k] = (float) (x[k] * (1 + (random.nextBoolean() ? 1 : -1) * 0x1p-23));
      if (y[k] == x[k]) {
        y[k] = random.nextBoolean() ? Math.nextUp(x[k]) : Math.nextDown(x[k]);
      }
    }
    float[] t = new float[m];
    float[] vx = new float[m * size];
    float[] vy = new float[m * size];
    double worst = 0;
    for (double time : new double[] {0, 0.5, 0.95}) {
      java.util.Arrays.fill(t, (float) time);
      field.evaluate(x, t, m, vx);
      field.evaluate(y, t, m, vy);
      double sum = 0;
      for (int k = 0; k < vx.length; k++) {
        double d = (double) vx[k] - vy[k];
        sum += d * d;
      }
      worst = Math.max(worst, Math.sqrt(sum / vx.length));
    }
    return worst;
  }
}
