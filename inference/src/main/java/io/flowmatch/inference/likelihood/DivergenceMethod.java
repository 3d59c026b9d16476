package io.flowmatch.inference.likelihood;

import io.flowmatch.inference.error.FlowmatchException;
import java.util.Locale;

/** How the divergence of the velocity field is computed at each model evaluation. */
public enum DivergenceMethod {
  /** Σ_j (J e_j)_j: one JVP per data dimension (D rows per sample, batched). Exact. */
  EXACT,
  /**
   * Hutchinson's estimator (1/K) Σ_k u_kᵀ J u_k with K probes per sample, drawn once and kept for
   * the whole trajectory: unbiased for any fixed probe distribution with E[uuᵀ] = I.
   */
  HUTCHINSON;

  /** The name as on the command line: {@code exact} or {@code hutchinson}. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a command-line name; {@code option} names the option in the error. */
  public static DivergenceMethod parse(String option, String text) {
    for (DivergenceMethod m : values()) {
      if (m.cliName().equals(text)) {
        return m;
      }
    }
    throw FlowmatchException.invalidArgument(
        option + " must be exact or hutchinson, got '" + text + "'");
  }
}
