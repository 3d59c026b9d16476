package io.flowmatch.training.path;

import io.flowmatch.inference.path.AffineSchedule;
import java.util.Map;

/** The cosine path {@code α_t = sin(πt/2)}, {@code σ_t = cos(πt/2)}: variance-preserving. */
public final class CosinePath extends ScheduledPath {
  public CosinePath() {
    super(AffineSchedule.cosine());
  }

  @Override
  public Map<String, Double> params() {
    return Map.of();
  }
}
