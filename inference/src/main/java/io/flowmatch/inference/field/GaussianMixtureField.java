package io.flowmatch.inference.field;

/** The exact OT-path velocity of a {@link GaussianMixture}, computed in double precision. */
public final class GaussianMixtureField extends AnalyticVelocityField {
  private final GaussianMixture mixture;
  private final double[] scratch;

  public GaussianMixtureField(GaussianMixture mixture) {
    super(mixture.dimension());
    this.mixture = mixture;
    this.scratch = new double[mixture.components()];
  }

  public GaussianMixture mixture() {
    return mixture;
  }

  @Override
  public void velocity(double[] x, double t, double[] v) {
    mixture.velocity(x, t, v, scratch);
  }
}
