package io.flowmatch.inference.likelihood;

import io.flowmatch.inference.error.FlowmatchException;
import java.util.Locale;
import java.util.SplittableRandom;

/** Distribution of Hutchinson probe vectors; both have E[uuᵀ] = I. */
public enum ProbeDistribution {
  /** Entries ±1 with probability ½: the lowest-variance choice for a fixed Jacobian. */
  RADEMACHER,
  /** Entries N(0, 1). */
  GAUSSIAN;

  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Fills {@code out[from, from + length)} with one probe. */
  void fill(SplittableRandom random, float[] out, int from, int length) {
    for (int i = from; i < from + length; i++) {
      out[i] = this == RADEMACHER ? (random.nextBoolean() ? 1f : -1f) : (float) gaussian(random);
    }
  }

  private static double gaussian(SplittableRandom random) {
    // Marsaglia's polar method: SplittableRandom has no nextGaussian on Java 17
    double a;
    double b;
    double s;
    do {
      a = 2 * random.nextDouble() - 1;
      b = 2 * random.nextDouble() - 1;
      s = a * a + b * b;
    } while (s >= 1 || s == 0);
    return a * Math.sqrt(-2 * Math.log(s) / s);
  }

  public static ProbeDistribution parse(String option, String text) {
    for (ProbeDistribution p : values()) {
      if (p.cliName().equals(text)) {
        return p;
      }
    }
    throw FlowmatchException.invalidArgument(
        option + " must be rademacher or gaussian, got '" + text + "'");
  }
}
