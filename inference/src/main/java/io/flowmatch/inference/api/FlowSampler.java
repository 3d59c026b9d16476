package io.flowmatch.inference.api;

import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.sampling.ArrayNoise;
import io.flowmatch.inference.sampling.GaussianNoise;
import io.flowmatch.inference.sampling.Interpolation;
import io.flowmatch.inference.sampling.NoiseSource;
import io.flowmatch.inference.sampling.SampleReport;
import io.flowmatch.inference.sampling.Sampler;
import io.flowmatch.inference.solver.OdeSolver;
import java.io.IOException;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Integrates a {@link FlowModel}'s velocity field: sampling (noise at t = 0 to data at t = 1),
 * encoding (data to noise), decoding (noise to data) and interpolation between two data points. A
 * builder: each setter checks its value and returns this sampler; the run methods may be called any
 * number of times.
 *
 * <pre>{@code
 * SampleResult r = model.sampler().solver(Solver.heun(20)).seed(0).batch(256).sample(1000);
 * SampleReport big = model.sampler().seed(1).stream(1_000_000, (first, n, x) -> write(x, n));
 * SampleResult codes = model.sampler().encode(data);
 * }</pre>
 *
 * <p>Defaults are the command line's: {@code Solver.heun(20)}, seed 0, batches of 256. The same
 * settings give bit-identical samples to {@code flowmatch sample}, whatever the batch size: sample
 * {@code i}'s noise depends only on the seed and {@code i}.
 */
public final class FlowSampler {
  /** Most samples per solve when {@link #batch} is not given (as on the command line). */
  public static final int DEFAULT_BATCH = 256;

  private final FlowModel model;
  private Solver solver = Solver.heun(20);
  private long seed;
  private NoiseSource noise;
  private int batch = DEFAULT_BATCH;
  private Sampler.Progress progress = Sampler.Progress.NONE;
  private UnaryOperator<OdeSolver> integrator = UnaryOperator.identity();

  FlowSampler(FlowModel model) {
    this.model = model;
  }

  /** The ODE solver (default {@code Solver.heun(20)}). */
  public FlowSampler solver(Solver value) {
    this.solver = Objects.requireNonNull(value, "solver");
    return this;
  }

  /** Seed of the Gaussian noise (default 0); replaces {@link #noise}. */
  public FlowSampler seed(long value) {
    this.seed = value;
    this.noise = null;
    return this;
  }

  /**
   * Initial states instead of seeded noise: {@code n × sampleSize} floats, row-major. Runs then
   * take at most {@code n} samples.
   */
  public FlowSampler noise(float[] states) {
    checkRows("noise", states);
    this.noise = new ArrayNoise(states.clone());
    return this;
  }

  /** Initial states from any source (e.g. a .npy file read in blocks). */
  public FlowSampler noise(NoiseSource source) {
    this.noise = Objects.requireNonNull(source, "source");
    return this;
  }

  /**
   * Most samples per solve (default 256): memory holds one batch. Adaptive whole-batch solvers
   * share one step size per batch, so their results depend on it; fixed-step ones do not.
   */
  public FlowSampler batch(int samples) {
    if (samples < 1) {
      throw FlowmatchException.invalidArgument("batch must be a positive integer, got " + samples);
    }
    this.batch = samples;
    return this;
  }

  /** Receives the fraction done, 0..1, after every model call. */
  public FlowSampler progress(Sampler.Progress listener) {
    this.progress = Objects.requireNonNull(listener, "progress");
    return this;
  }

  /**
   * Wraps the integrator each run creates from the {@link #solver}: for lower-level callers that
   * record the states on the way (a trajectory) or integrate an augmented state (a log-density in
   * the same solve). The default leaves it as it is.
   */
  public FlowSampler integrator(UnaryOperator<OdeSolver> decorator) {
    this.integrator = Objects.requireNonNull(decorator, "decorator");
    return this;
  }

  /**
   * Draws {@code n} samples into memory.
   *
   * @throws FlowmatchException INVALID_ARGUMENT for {@code n < 1}, NUMERIC when the integration
   *     meets non-finite values or an adaptive solver misses its bound
   */
  public SampleResult sample(int n) {
    checkCount(n);
    float[] out = new float[Math.multiplyExact(n, model.sampleSize())];
    SampleReport report = run(source(), n, 0, 1, collect(out));
    return new SampleResult(out, n, model.sampleShape(), report);
  }

  /**
   * Draws {@code n} samples batch by batch into {@code sink}, for more samples than memory holds;
   * the sink's array is reused between batches.
   */
  public SampleReport stream(long n, Sampler.Sink sink) throws IOException {
    checkCount(n);
    return Sampler.run(model.field(), integrator(), source(), n, batch, 0, 1, sink, progress);
  }

  /**
   * Encodes {@code n} data points read from {@code data} batch by batch into {@code sink}, for more
   * than memory holds (see {@link #encode(float[])}).
   *
   * @throws IOException when {@code data} cannot be read
   */
  public SampleReport encode(NoiseSource data, long n, Sampler.Sink sink) throws IOException {
    checkCount(n);
    return Sampler.run(model.field(), integrator(), data, n, batch, 1, 0, sink, progress);
  }

  /**
   * Decodes {@code n} codes read from {@code codes} batch by batch into {@code sink} (see {@link
   * #decode(float[])}).
   *
   * @throws IOException when {@code codes} cannot be read
   */
  public SampleReport decode(NoiseSource codes, long n, Sampler.Sink sink) throws IOException {
    checkCount(n);
    return Sampler.run(model.field(), integrator(), codes, n, batch, 0, 1, sink, progress);
  }

  /**
   * Encodes data to noise: integrates {@code data} ({@code n × sampleSize} floats) from t = 1 back
   * to t = 0. Decoding the codes with the same solver returns the data up to the solver's error.
   */
  public SampleResult encode(float[] data) {
    return integrate("data", data, 1, 0);
  }

  /** Decodes noise codes ({@code n × sampleSize} floats) to data: t = 0 to t = 1. */
  public SampleResult decode(float[] codes) {
    return integrate("codes", codes, 0, 1);
  }

  /** How {@link #interpolate} moves between the two codes. */
  public enum Path {
    /** Straight line between the codes. */
    LINEAR,
    /** Great circle: keeps the norm of Gaussian codes typical. */
    SLERP
  }

  /**
   * Interpolates between data points {@code a} and {@code b} (one sample each): encodes both,
   * interpolates their codes in {@code frames} equal steps (both ends included) and decodes every
   * frame, as {@code flowmatch interpolate} does.
   *
   * @return the decoded frames
   */
  public SampleResult interpolate(float[] a, float[] b, int frames, Path path) {
    int size = model.sampleSize();
    if (a.length != size || b.length != size) {
      throw FlowmatchException.invalidArgument(
          "interpolate: a and b must hold one sample of "
              + size
              + " floats, got "
              + a.length
              + " and "
              + b.length);
    }
    if (frames < 2) {
      throw FlowmatchException.invalidArgument(
          "interpolate: frames must be at least 2 (a and b), got " + frames);
    }
    float[] ends = new float[2 * size];
    System.arraycopy(a, 0, ends, 0, size);
    System.arraycopy(b, 0, ends, size, size);
    float[] codes = encode(ends).samples();
    float[] frameCodes = new float[Math.multiplyExact(frames, size)];
    Interpolation.frames(codes, size, frames, path == Path.LINEAR, frameCodes);
    return decode(frameCodes);
  }

  private SampleResult integrate(String what, float[] start, double t0, double t1) {
    int n = checkRows(what, start);
    float[] out = new float[start.length];
    SampleReport report = run(new ArrayNoise(start), n, t0, t1, collect(out));
    return new SampleResult(out, n, model.sampleShape(), report);
  }

  private SampleReport run(NoiseSource source, long n, double t0, double t1, Sampler.Sink sink) {
    try {
      return Sampler.run(model.field(), integrator(), source, n, batch, t0, t1, sink, progress);
    } catch (IOException e) {
      throw FlowmatchException.io("cannot read the initial states: " + e.getMessage(), e);
    }
  }

  /** A new integrator for one run: the solver on the model's path, wrapped as asked. */
  private OdeSolver integrator() {
    return integrator.apply(solver.create(model.path()));
  }

  private Sampler.Sink collect(float[] out) {
    int size = model.sampleSize();
    return (first, m, x) -> System.arraycopy(x, 0, out, Math.toIntExact(first * size), m * size);
  }

  private NoiseSource source() {
    return noise != null ? noise : new GaussianNoise(seed);
  }

  private int checkRows(String what, float[] values) {
    Objects.requireNonNull(values, what);
    int size = model.sampleSize();
    if (values.length == 0 || values.length % size != 0) {
      throw FlowmatchException.invalidArgument(
          what + " must hold whole samples of " + size + " floats, got " + values.length);
    }
    return values.length / size;
  }

  private static void checkCount(long n) {
    if (n < 1) {
      throw FlowmatchException.invalidArgument("n must be a positive integer, got " + n);
    }
  }
}
