package io.flowmatch.inference.compare;

import io.flowmatch.inference.field.VelocityField;
import java.util.Random;
import java.util.function.Consumer;

/**
 * A reference solve whose tolerance is chosen from what the model's float32 arithmetic can resolve,
 * instead of a fixed tight tolerance that float noise makes unreachable.
 *
 * <p>The model's noise η is measured first: the RMS change of its velocity when the input moves by
 * one float32 rounding (x·(1 ± 2⁻²³), random signs), at t = 0, 0.5 and 0.95, largest of the three.
 * Over the unit time span, the flow of a float32 model cannot be known better than a few η (each of
 * the reference's hundreds of calls adds its own rounding). Then dop853 solves at {@link #START}
 * and at 10× tighter tolerances in turn, and stops at the first pair that agrees to the model's
 * noise: an RMS difference (over all values) within 4·η, or one that fell less than 3× from the
 * previous pair's (a 10× tighter tolerance no longer changes the answer: what is left is float
 * noise). The tighter solve of that pair is the reference; tightening further would only chase
 * float noise (on gmm8 a 1e-9 tolerance cost 4958 NFE against 206 at 1e-7, for the same answer to
 * 1e-6; on image models a 1e-8 tolerance did not finish in 12 minutes). It stops at {@link #LOWEST}
 * in any case and then says the solves did not agree. Each solve is cached on disk ({@link
 * ReferenceCache}) when a cache is given, so a second run costs nothing.
 */
public final class AutoReference {
  /** The first tolerance tried. */
  public static final double START = 1e-6;

  /** The tightest tolerance tried. */
  public static final double LOWEST = 1e-9;

  /**
   * The chosen reference.
   *
   * @param x the solution (n·sampleSize doubles)
   * @param tolerance rtol = atol of the chosen solve
   * @param agreement RMS difference between the chosen solve and the previous, looser one
   * @param modelNoise η, the model's float32 noise (see the class comment)
   * @param agreed whether the last pair agreed to the model's noise (see the class comment)
   * @param meanNfe mean model evaluations per sample of the chosen solve
   * @param nfeSpent model evaluations per sample of every solve made now (0 when all were cached)
   * @param seconds wall time of everything
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
      String description) {}

  private final ReferenceCache cache;
  private final String modelHash;
  private final long maxEvaluations;
  private final ReferenceSolver.Progress progress;
  private final Consumer<String> log;

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
    this.cache = cache;
    this.modelHash = modelHash;
    this.maxEvaluations = maxEvaluations;
    this.progress = progress;
    this.log = log;
  }

  /** Solves n samples of {@code noise} from t = 0 to 1 in batches of {@code batch}. */
  public Outcome solve(VelocityField field, float[] noise, int n, int batch) {
    return solve(field, noise, n, batch, START, LOWEST);
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
    double eta = modelNoise(field, noise, n);
    log.accept(
        String.format(java.util.Locale.ROOT, "model float32 noise η = %.2e (velocity RMS)", eta));
    Solve previous = solve(field, noise, n, batch, start);
    double spent = previous.nfeSpent;
    double agreement = Double.NaN;
    for (double tol = start / 10; tol >= lowest * 0.999; tol /= 10) {
      Solve next = solve(field, noise, n, batch, tol);
      spent += next.nfeSpent;
      double before = agreement;
      agreement = CompareMath.rmsDifference(previous.x, next.x);
      boolean agree = agreement <= 4 * eta || agreement > before / 3;
      log.accept(
          String.format(
              java.util.Locale.ROOT,
              "tolerance %s vs %s: RMS difference %.2e (η %.2e)%s",
              SolverSetting.number(tol),
              SolverSetting.number(tol * 10),
              agreement,
              eta,
              agree ? ": agree" : ": tighten"));
      if (agree) {
        return outcome(next, agreement, eta, true, spent, begin, fixed);
      }
      previous = next;
    }
    return outcome(previous, agreement, eta, false, spent, begin, fixed);
  }

  private Outcome outcome(
      Solve s,
      double agreement,
      double eta,
      boolean agreed,
      double spent,
      long begin,
      boolean fixed) {
    String text =
        fixed
            ? String.format(
                java.util.Locale.ROOT,
                "dop853 (rtol = atol = %s, double state; tolerance fixed: it differs from the"
                    + " solve at %s by %.1e RMS, a bound on its own error; model float32 noise"
                    + " %.1e)",
                SolverSetting.number(s.tolerance),
                SolverSetting.number(s.tolerance * 10),
                agreement,
                eta)
            : String.format(
                java.util.Locale.ROOT,
                "dop853 (rtol = atol = %s, double state; chosen automatically: %s the solve at %s by"
                    + " %.1e RMS, model float32 noise %.1e)",
                SolverSetting.number(s.tolerance),
                agreed ? "agrees with" : "did NOT agree with",
                SolverSetting.number(s.tolerance * 10),
                agreement,
                eta);
    return new Outcome(
        s.x,
        s.tolerance,
        agreement,
        eta,
        agreed,
        s.meanNfe,
        spent,
        (System.nanoTime() - begin) / 1e9,
        text);
  }

  private record Solve(double[] x, double tolerance, double meanNfe, double nfeSpent) {}

  private Solve solve(VelocityField field, float[] noise, int n, int batch, double tol) {
    ReferenceSolver solver = new ReferenceSolver(tol, tol, maxEvaluations);
    int size = field.sampleSize();
    String key = null;
    if (cache != null) {
      key =
          ReferenceCache.key(
              modelHash,
              noise,
              n,
              size,
              "dop853 rtol="
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
            + ": solving "
            + n
            + " samples in batches of "
            + Math.min(batch, n));
    ReferenceSolver.Result r = solver.solve(field, noise, n, batch, 0, 1, progress);
    log.accept(
        String.format(
            java.util.Locale.ROOT,
            "reference at tolerance %s: NFE/sample %.1f, %.1f s",
            SolverSetting.number(tol),
            r.meanNfe(),
            r.wallNanos() / 1e9));
    if (cache != null) {
      double[] stored = java.util.Arrays.copyOf(r.x(), n * size + 1);
      stored[n * size] = r.meanNfe();
      cache.store(key, stored);
    }
    return new Solve(r.x(), tol, r.meanNfe(), r.meanNfe());
  }

  /** η: see the class comment. */
  static double modelNoise(VelocityField field, float[] noise, int n) {
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
