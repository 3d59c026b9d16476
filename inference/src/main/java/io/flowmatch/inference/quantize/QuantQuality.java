package io.flowmatch.inference.quantize;

import io.flowmatch.inference.field.VelocityField;
import io.flowmatch.inference.format.Numbers;
import io.flowmatch.inference.metrics.QualityMetric;
import io.flowmatch.inference.sampling.GaussianNoise;
import io.flowmatch.inference.sampling.Sampler;
import io.flowmatch.inference.solver.OdeSolver;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * The quality check of a quantised model: both models sample the same noise with the same solver,
 * and the first metric (Fréchet distance for image models, energy distance for 2-D ones) of the
 * quantised samples must stay within {@link #BOUND} of the source's.
 */
public final class QuantQuality {
  private QuantQuality() {}

  /** Accepted metric ratio, int8 over source: within 5 %. */
  public static final double BOUND = 1.05;

  /**
   * Scores of both models.
   *
   * @param names the metric's names (the first one decides)
   * @param source scores of the source model's samples
   * @param quantized scores of the quantised model's samples
   */
  public record Result(List<String> names, double[] source, double[] quantized, double bound) {
    /** quantized[0] / source[0]. */
    public double ratio() {
      return quantized[0] / source[0];
    }

    public boolean passed() {
      return ratio() <= bound;
    }

    /** One line per metric and the verdict. */
    public String describe() {
      StringBuilder sb = new StringBuilder();
      for (int k = 0; k < names.size(); k++) {
        sb.append(
            String.format(
                Locale.ROOT,
                "%-10s source %.4g  int8 %.4g  ratio %.3f%n",
                names.get(k),
                source[k],
                quantized[k],
                quantized[k] / source[k]));
      }
      sb.append("quality ")
          .append(passed() ? "passed" : "FAILED")
          .append(": ")
          .append(names.get(0))
          .append(" int8/source ")
          .append(Numbers.fixed(ratio(), 3))
          .append(" (limit ")
          .append(Numbers.fixed(bound, 2))
          .append(")");
      return sb.toString();
    }
  }

  /** What the check reports while it runs (minutes for an image model at the default N). */
  public interface Listener {
    /** Reports nothing. */
    Listener NONE =
        new Listener() {
          @Override
          public void sampling(double fraction) {}

          @Override
          public void scoring() {}
        };

    /** The fraction of both models' sampling done (the source's first half, the int8's second). */
    void sampling(double fraction);

    /** Sampling is over; the metric scores both sample sets next. */
    void scoring();
  }

  /**
   * Samples {@code n} points from each model from the same seeded noise and scores both, reporting
   * to {@code listener} ({@link Listener#NONE} for nothing).
   *
   * @param batch samples per solve
   */
  public static Result compare(
      VelocityField source,
      VelocityField quantized,
      OdeSolver solver,
      QualityMetric metric,
      int n,
      int batch,
      long seed,
      Listener listener)
      throws IOException {
    float[] a = sample(source, solver, n, batch, seed, f -> listener.sampling(f / 2));
    float[] b = sample(quantized, solver, n, batch, seed, f -> listener.sampling(0.5 + f / 2));
    listener.sampling(1);
    listener.scoring();
    return new Result(metric.names(), metric.score(a, n), metric.score(b, n), BOUND);
  }

  private static float[] sample(
      VelocityField field, OdeSolver solver, int n, int batch, long seed, Sampler.Progress progress)
      throws IOException {
    int size = field.sampleSize();
    float[] x = new float[Math.multiplyExact(n, size)];
    Sampler.run(
        field,
        solver,
        new GaussianNoise(seed),
        n,
        batch,
        0,
        1,
        (first, m, out) -> System.arraycopy(out, 0, x, (int) first * size, m * size),
        progress);
    return x;
  }
}
