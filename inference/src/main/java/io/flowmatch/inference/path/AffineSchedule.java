package io.flowmatch.inference.path;

import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.field.ModelMetadata;
import java.util.LinkedHashMap;
import java.util.Locale;
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

  /** The conditional OT path with σ_min: α = t, σ = 1 − (1 − σ_min)·t. */
  static AffineSchedule condOt(double sigmaMin) {
    if (!(sigmaMin >= 0 && sigmaMin < 1)) {
      throw FlowmatchException.invalidArgument(
          "condot path: sigma_min must lie in [0, 1), got " + sigmaMin);
    }
    return new Simple("condot") {
      @Override
      public double alpha(double t) {
        return t;
      }

      @Override
      public double sigma(double t) {
        return 1 - (1 - sigmaMin) * t;
      }

      @Override
      public double dAlpha(double t) {
        return 1;
      }

      @Override
      public double dSigma(double t) {
        return -(1 - sigmaMin);
      }
    };
  }

  /** α = sin(πt/2), σ = cos(πt/2). */
  static AffineSchedule cosine() {
    return new Simple("cosine") {
      @Override
      public double alpha(double t) {
        return Math.sin(0.5 * Math.PI * t);
      }

      @Override
      public double sigma(double t) {
        return Math.cos(0.5 * Math.PI * t);
      }

      @Override
      public double dAlpha(double t) {
        return 0.5 * Math.PI * Math.cos(0.5 * Math.PI * t);
      }

      @Override
      public double dSigma(double t) {
        return -0.5 * Math.PI * Math.sin(0.5 * Math.PI * t);
      }
    };
  }

  /** α = tⁿ, σ = 1 − t. */
  static AffineSchedule polynomial(double n) {
    if (!(n > 0) || Double.isInfinite(n)) {
      throw FlowmatchException.invalidArgument("polynomial path: n must be > 0, got " + n);
    }
    return new Simple("polynomial") {
      @Override
      public double alpha(double t) {
        return Math.pow(t, n);
      }

      @Override
      public double sigma(double t) {
        return 1 - t;
      }

      @Override
      public double dAlpha(double t) {
        return n * Math.pow(t, n - 1);
      }

      @Override
      public double dSigma(double t) {
        return -1;
      }
    };
  }

  /**
   * The VP path of Lipman et al.: α = exp(−½·T(1 − t)), σ = sqrt(1 − α²), T(s) = s·β_min +
   * ½s²(β_max − β_min).
   */
  static AffineSchedule vp(double betaMin, double betaMax) {
    if (!(betaMin > 0 && betaMax > betaMin)) {
      throw FlowmatchException.invalidArgument(
          "vp path needs 0 < beta_min < beta_max, got " + betaMin + ", " + betaMax);
    }
    return new Simple("vp") {
      @Override
      public double alpha(double t) {
        double s = 1 - t;
        return Math.exp(-0.5 * (s * betaMin + 0.5 * s * s * (betaMax - betaMin)));
      }

      @Override
      public double sigma(double t) {
        double a = alpha(t);
        return Math.sqrt(Math.max(0, 1 - a * a));
      }

      @Override
      public double dAlpha(double t) {
        return 0.5 * (betaMin + (1 - t) * (betaMax - betaMin)) * alpha(t);
      }

      @Override
      public double dSigma(double t) {
        return -alpha(t) * dAlpha(t) / sigma(t);
      }
    };
  }

  /**
   * The schedule a model declares in {@code flowmatch.path} and {@code flowmatch.path_params}
   * ({@code sigma_min=0}, {@code beta_min=0.1,beta_max=20}, {@code n=2}); a model without {@code
   * flowmatch.path} is taken to be on the OT path with σ_min = 0 (what flowmatch trains by
   * default).
   *
   * @throws FlowmatchException (BAD_MODEL) for an unknown path or malformed parameters
   */
  static AffineSchedule fromMetadata(Map<String, String> metadata) {
    String name =
        metadata.getOrDefault(ModelMetadata.PATH, "condot").trim().toLowerCase(Locale.ROOT);
    Map<String, Double> p = new LinkedHashMap<>();
    String params = metadata.getOrDefault(ModelMetadata.PATH_PARAMS, "").trim();
    if (!params.isEmpty()) {
      for (String part : params.split(",")) {
        int eq = part.indexOf('=');
        try {
          p.put(part.substring(0, eq).trim(), Double.parseDouble(part.substring(eq + 1).trim()));
        } catch (RuntimeException e) {
          throw FlowmatchException.badModel(
              ModelMetadata.PATH_PARAMS
                  + " '"
                  + params
                  + "': expected name=number pairs"
                  + " separated by commas, e.g. sigma_min=0");
        }
      }
    }
    try {
      switch (name) {
        case "condot":
        case "ot":
          return condOt(p.getOrDefault("sigma_min", 0.0));
        case "cosine":
          return cosine();
        case "polynomial":
          return polynomial(p.getOrDefault("n", 2.0));
        case "vp":
          return vp(p.getOrDefault("beta_min", 0.1), p.getOrDefault("beta_max", 20.0));
        default:
          throw FlowmatchException.badModel(
              ModelMetadata.PATH
                  + " '"
                  + name
                  + "' is not a known affine path, expected one of:"
                  + " condot, vp, cosine, polynomial");
      }
    } catch (FlowmatchException e) {
      if (e.kind().isUsage()) {
        throw FlowmatchException.badModel("model metadata: " + e.getMessage());
      }
      throw e;
    }
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
