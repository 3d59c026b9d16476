package io.flowmatch.inference.likelihood;

import io.flowmatch.inference.error.FlowmatchException;

/**
 * How divergences are computed. Build with {@link #builder()}.
 *
 * @param method exact (D JVPs per evaluation) or Hutchinson
 * @param probes Hutchinson probes per sample (K ≥ 1); ignored by the exact method
 * @param distribution Hutchinson probe distribution
 * @param seed seed of the probes (each batch derives its own stream from it and its first index)
 * @param maxRowsPerCall most JVP rows (sample × probe pairs) held at once
 */
public record LikelihoodSettings(
    DivergenceMethod method,
    int probes,
    ProbeDistribution distribution,
    long seed,
    int maxRowsPerCall) {

  /** Default {@link #maxRowsPerCall}: 4096 rows. */
  public static final int DEFAULT_MAX_ROWS = 4096;

  public LikelihoodSettings {
    if (method == null || distribution == null) {
      throw FlowmatchException.invalidArgument(
          "likelihood: method and probe distribution are required");
    }
    if (probes < 1) {
      throw FlowmatchException.invalidArgument(
          "--probes must be a positive integer, got " + probes);
    }
    if (maxRowsPerCall < 1) {
      throw FlowmatchException.invalidArgument(
          "likelihood: rows per call must be positive, got " + maxRowsPerCall);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builder: every setting optional; defaults exact divergence, 1 Rademacher probe, seed 0. */
  public static final class Builder {
    private DivergenceMethod method = DivergenceMethod.EXACT;
    private int probes = 1;
    private ProbeDistribution distribution = ProbeDistribution.RADEMACHER;
    private long seed;
    private int maxRows = DEFAULT_MAX_ROWS;

    public Builder method(DivergenceMethod value) {
      method = value;
      return this;
    }

    public Builder probes(int value) {
      probes = value;
      return this;
    }

    public Builder distribution(ProbeDistribution value) {
      distribution = value;
      return this;
    }

    public Builder seed(long value) {
      seed = value;
      return this;
    }

    public Builder maxRowsPerCall(int value) {
      maxRows = value;
      return this;
    }

    public LikelihoodSettings build() {
      return new LikelihoodSettings(method, probes, distribution, seed, maxRows);
    }
  }
}
