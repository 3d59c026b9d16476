package io.flowmatch.inference.path;

import io.flowmatch.inference.error.FlowmatchException;
import java.util.Map;

/**
 * The schedule of an affine path x_t = α_t·x1 + σ_t·x0 (t = 0 noise, t = 1 data) and its
 * derivatives, the same four functions as the training module's paths.
 *
 * <p>Given the velocity v = α̇·x1 + σ̇·x0 at x_t, the two predictions follow by solving the 2×2
 * system {x_t = α·x1 + σ·x0, v = α̇·x1 + σ̇·x0}:
 *
 * <pre>
 *   x̂1 = (σ̇·x_t − σ·v) / (σ̇·α − σ·α̇)      x̂0 = (α̇·x_t − α·v) / (α̇·σ − α·σ̇)
 * </pre>
 *
 * For the OT path (α = t, σ = 1 − t) these are x̂1 = x_t + (1 − t)·v and x̂0 = x_t − t·v.
 */
public interface AffineSchedule {

  /** Name as in the model metadata ({@code flowmatch.path}). */
  String name();

  double alpha(double t);

  double sigma(double t);

  double dAlpha(double t);

  double dSigma(double t);

  /**
   * Coefficients {a, b} with x̂1 = a·x_t + b·v at time t.
   *
   * @throws FlowmatchException (NUMERIC) where the prediction is undefined (σ̇α − σα̇ = 0)
   */
  default double[] dataPrediction(double t) {
    double det = dSigma(t) * alpha(t) - sigma(t) * dAlpha(t);
    if (det == 0 || !Double.isFinite(det)) {
      throw new FlowmatchException(
          io.flowmatch.inference.error.ErrorKind.NUMERIC,
          name() + " path: no data prediction at t=" + t + " (σ̇α − σα̇ = " + det + ")");
    }
    return new double[] {dSigma(t) / det, -sigma(t) / det};
  }

  /** Coefficients {a, b} with x̂0 = a·x_t + b·v at time t. */
  default double[] noisePrediction(double t) {
    double det = dAlpha(t) * sigma(t) - alpha(t) * dSigma(t);
    if (det == 0 || !Double.isFinite(det)) {
      throw new FlowmatchException(
          io.flowmatch.inference.error.ErrorKind.NUMERIC,
          name() + " path: no noise prediction at t=" + t + " (α̇σ − ασ̇ = " + det + ")");
    }
    return new double[] {dAlpha(t) / det, -alpha(t) / det};
  }

  /**
   * Largest time at which α, σ and their derivatives are finite, the last a trainer may sample: 1,
   * except for paths whose derivatives diverge at t = 1 (VP).
   */
  default double maxTime() {
    return 1.0;
  }

  /** The conditional OT path with σ_min: α = t, σ = 1 − (1 − σ_min)·t. */
  static AffineSchedule condOt(double sigmaMin) {
    return new CondOtSchedule(sigmaMin);
  }

  /** α = sin(πt/2), σ = cos(πt/2). */
  static AffineSchedule cosine() {
    return new CosineSchedule();
  }

  /** The schedule a model declares in its metadata: see {@link AffinePaths#fromMetadata}. */
  static AffineSchedule fromMetadata(Map<String, String> metadata) {
    return AffinePaths.fromMetadata(metadata);
  }

  /** Base of the built-in schedules: a name and a readable toString. */
  abstract class Simple implements AffineSchedule {
    private final String name;

    Simple(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
