package io.flowmatch.inference.tune;

import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.field.VelocityField;
import io.flowmatch.inference.format.Numbers;
import io.flowmatch.inference.path.AffineSchedule;
import io.flowmatch.inference.solver.OdeSolver;
import io.flowmatch.inference.solver.SolverSettings;
import io.flowmatch.inference.solver.Solvers;
import io.flowmatch.inference.solver.TimeGrid;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.exception.TooManyEvaluationsException;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.MaxIter;
import org.apache.commons.math3.optim.SimpleBounds;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.BOBYQAOptimizer;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.CMAESOptimizer;
import org.apache.commons.math3.random.MersenneTwister;

/**
 * Chooses the K + 1 times of a grid solver's grid that minimise the RMS error of its samples
 * against a reference solution on a fixed set of calibration noise.
 *
 * <p>The objective is log RMS error over the calibration samples (each solve is deterministic, so
 * the objective is a smooth, noise-free function of the times), on θ of {@link SoftmaxGrid}. The
 * optimiser starts from the best hand-made grid, and the best grid seen is kept, so the tuned grid
 * is never worse than its start on the calibration set. Optimisers (Commons Math, derivative free):
 * BOBYQA (a trust region over quadratic models from 2K + 1 interpolation points: few evaluations on
 * smooth low-dimensional problems such as this one) and CMA-ES (a population search, more robust to
 * local structure and more evaluations).
 */
public final class GridTuner {
  /** Derivative-free optimisers of Commons Math. */
  public enum Optimizer {
    BOBYQA,
    CMAES;

    public static Optimizer parse(String text) {
      for (Optimizer o : values()) {
        if (o.name().equalsIgnoreCase(text.replace("-", ""))) {
          return o;
        }
      }
      throw FlowmatchException.invalidArgument(
          "--optimizer: unknown optimiser '" + text + "', expected bobyqa or cmaes");
    }
  }

  /** The hand-made grids a tuned grid starts from and is compared with. */
  public static final List<String> HAND_MADE =
      List.of(
          TimeGrid.UNIFORM, TimeGrid.QUADRATIC, TimeGrid.EDM, "shift=0.5", "shift=2", "shift=3");

  /** Receives each objective evaluation (for progress lines). */
  public interface Listener {
    Listener NONE = (evaluation, rms, best) -> {};

    void evaluated(int evaluation, double rms, double bestRms);
  }

  /**
   * What tuning one solver and NFE gave.
   *
   * @param times the tuned unit times (steps + 1)
   * @param calibrationRms its RMS error on the calibration set
   * @param startGrid the hand-made grid whose optimisation found it (the best on the calibration
   *     set, or with restarts the start of the restart that found it)
   * @param handMadeRms RMS error of each grid of {@link #HAND_MADE} on the calibration set, in
   *     order
   * @param objectiveEvaluations solves of the calibration set the optimiser asked for (all restarts
   *     together)
   * @param modelEvaluations model evaluations per calibration sample spent, all solves together
   * @param seconds wall time
   */
  public record Result(
      String solver,
      int nfe,
      int steps,
      double[] times,
      double calibrationRms,
      String startGrid,
      double[] handMadeRms,
      int objectiveEvaluations,
      long modelEvaluations,
      double seconds) {}

  private final VelocityField field;
  private final AffineSchedule path;
  private final float[] noise;
  private final double[] reference;
  private final int n;
  private final int batch;
  private long modelEvaluations;

  /**
   * @param noise n·sampleSize floats: the calibration noise at t = 0
   * @param reference n·sampleSize doubles: the reference solution at t = 1 of that noise
   * @param batch samples per solve
   */
  public GridTuner(
      VelocityField field,
      AffineSchedule path,
      float[] noise,
      double[] reference,
      int n,
      int batch) {
    this.field = field;
    this.path = path;
    this.noise = noise;
    this.reference = reference;
    this.n = n;
    this.batch = batch;
  }

  /** RMS over samples of each sample's RMS error of {@code solver} on {@code grid}. */
  public double rms(String solver, int steps, String grid) {
    OdeSolver s = Solvers.create(solver, SolverSettings.fixed(steps).withGrid(grid), path);
    int size = field.sampleSize();
    float[] x = new float[Math.min(batch, n) * size];
    double sum = 0;
    for (int from = 0; from < n; from += batch) {
      int count = Math.min(batch, n - from);
      System.arraycopy(noise, from * size, x, 0, count * size);
      int[] nfe = s.solve(field, x, count, 0, 1).nfePerSample();
      modelEvaluations += (long) nfe[0] * count;
      for (int k = 0; k < count * size; k++) {
        double d = x[k] - reference[from * size + k];
        sum += d * d;
      }
    }
    return Math.sqrt(sum / ((double) n * size));
  }

  /**
   * Tunes the grid of {@code solver} at {@code nfe} model evaluations per sample.
   *
   * @param maxEvaluations bound on the optimiser's solves of the calibration set
   * @throws FlowmatchException (INVALID_ARGUMENT) when no step count of the solver costs nfe
   */
  public Result tune(
      String solver,
      int nfe,
      Optimizer optimizer,
      int maxEvaluations,
      long seed,
      Listener listener) {
    return tune(solver, nfe, optimizer, maxEvaluations, 0, seed, listener);
  }

  /**
   * As {@link #tune(String, int, Optimizer, int, long, Listener)}, then {@code restarts} more
   * optimisations, each from the next-best hand-made grid (by calibration error) and with its own
   * {@code maxEvaluations}: a local optimiser (BOBYQA) that converged may have found a local
   * minimum of its start's basin. The best grid seen over all of them is kept.
   */
  public Result tune(
      String solver,
      int nfe,
      Optimizer optimizer,
      int maxEvaluations,
      int restarts,
      long seed,
      Listener listener) {
    if (restarts < 0) {
      throw FlowmatchException.invalidArgument("--restarts must be 0 or more, got " + restarts);
    }
    int steps = Solvers.stepsForEvaluations(solver, nfe);
    if (steps < 1) {
      throw FlowmatchException.invalidArgument(
          "--nfe "
              + nfe
              + ": no step count of "
              + solver
              + " costs exactly "
              + nfe
              + " model evaluations per sample");
    }
    long begin = System.nanoTime();
    long spentBefore = modelEvaluations;
    double[] handMade = new double[HAND_MADE.size()];
    int bestStart = 0;
    for (int g = 0; g < HAND_MADE.size(); g++) {
      handMade[g] = rms(solver, steps, HAND_MADE.get(g));
      if (handMade[g] < handMade[bestStart]) {
        bestStart = g;
      }
    }
    String start = HAND_MADE.get(bestStart);
    double[] startTimes = TimeGrid.nodes(start, steps, 0, 1);
    double[] bestTimes = startTimes;
    double bestRms = handMade[bestStart];
    int evaluations = 0;
    if (steps >= 2) {
      // the starts: hand-made grids from the best on the calibration set down
      Integer[] order = new Integer[HAND_MADE.size()];
      for (int g = 0; g < order.length; g++) {
        order[g] = g;
      }
      java.util.Arrays.sort(order, java.util.Comparator.comparingDouble(g -> handMade[g]));
      Objective objective = new Objective(solver, steps, listener, bestRms, startTimes);
      for (int r = 0; r <= Math.min(restarts, order.length - 1); r++) {
        double[] from = TimeGrid.nodes(HAND_MADE.get(order[r]), steps, 0, 1);
        double before = objective.bestRms;
        try {
          optimise(optimizer, objective, SoftmaxGrid.theta(from), maxEvaluations, seed);
        } catch (TooManyEvaluationsException e) {
          // the budget is spent: keep the best grid seen
        }
        if (objective.bestRms < before && r > 0) {
          start = HAND_MADE.get(order[r]);
        }
      }
      evaluations = objective.evaluations;
      bestRms = objective.bestRms;
      bestTimes = objective.bestTimes;
    }
    return new Result(
        solver,
        nfe,
        steps,
        bestTimes,
        bestRms,
        start,
        handMade,
        evaluations,
        (modelEvaluations - spentBefore) / n,
        (System.nanoTime() - begin) / 1e9);
  }

  private static void optimise(
      Optimizer optimizer, Objective objective, double[] theta0, int maxEvaluations, long seed) {
    int k = theta0.length;
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double v : theta0) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    // step lengths may shrink or grow about 20x beyond the start's extremes
    double[] lower = new double[k];
    double[] upper = new double[k];
    java.util.Arrays.fill(lower, lo - 3);
    java.util.Arrays.fill(upper, hi + 3);
    ObjectiveFunction f = new ObjectiveFunction(objective::value);
    if (optimizer == Optimizer.BOBYQA) {
      new BOBYQAOptimizer(2 * k + 1, 0.5, 1e-4)
          .optimize(
              new MaxEval(maxEvaluations),
              f,
              GoalType.MINIMIZE,
              new InitialGuess(theta0),
              new SimpleBounds(lower, upper));
    } else {
      double[] sigma = new double[k];
      java.util.Arrays.fill(sigma, 0.3);
      int population = 4 + (int) (3 * Math.log(k));
      new CMAESOptimizer(maxEvaluations, 0, true, 0, 0, new MersenneTwister(seed), false, null)
          .optimize(
              new MaxEval(maxEvaluations),
              new MaxIter(maxEvaluations),
              f,
              GoalType.MINIMIZE,
              new InitialGuess(theta0),
              new SimpleBounds(lower, upper),
              new CMAESOptimizer.Sigma(sigma),
              new CMAESOptimizer.PopulationSize(population));
    }
  }

  /** log RMS error of a grid given by θ; remembers the best grid seen. */
  private final class Objective {
    private final String solver;
    private final int steps;
    private final Listener listener;
    double bestRms;
    double[] bestTimes;
    int evaluations;

    Objective(String solver, int steps, Listener listener, double startRms, double[] startTimes) {
      this.solver = solver;
      this.steps = steps;
      this.listener = listener;
      this.bestRms = startRms;
      this.bestTimes = startTimes;
    }

    double value(double[] theta) {
      double[] times = SoftmaxGrid.times(theta);
      double rms;
      try {
        rms = rms(solver, steps, TimeGrid.explicitGrid(TimeGrid.TIMES, times));
      } catch (FlowmatchException e) {
        // a grid whose times collide in float, or a solve that blows up: a bad point, not an end
        rms = Double.POSITIVE_INFINITY;
      }
      evaluations++;
      if (rms < bestRms) {
        bestRms = rms;
        bestTimes = times;
      }
      listener.evaluated(evaluations, rms, bestRms);
      return Double.isFinite(rms) ? Math.log(rms) : 1e3;
    }
  }

  /** {@code 1.23e-03}: a short rendering for progress lines. */
  static String sci(double v) {
    return Numbers.sci(v, 4);
  }

  /**
   * The hand-made grid with the smallest error in {@code rms} (same order as {@link #HAND_MADE}).
   */
  public static int best(double[] rms) {
    int best = 0;
    for (int i = 1; i < rms.length; i++) {
      if (rms[i] < rms[best]) {
        best = i;
      }
    }
    return best;
  }

  /** Unused-list guard for callers that want the names with their errors. */
  public static List<String> describe(double[] rms) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < rms.length; i++) {
      out.add(HAND_MADE.get(i) + " " + sci(rms[i]));
    }
    return out;
  }
}
