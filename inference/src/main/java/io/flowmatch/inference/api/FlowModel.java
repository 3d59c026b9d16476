package io.flowmatch.inference.api;

import io.flowmatch.inference.field.ModelCard;
import io.flowmatch.inference.field.OnnxVelocityField;
import io.flowmatch.inference.field.VelocityField;
import io.flowmatch.inference.jvp.JvpModel;
import io.flowmatch.inference.likelihood.Likelihood;
import io.flowmatch.inference.likelihood.LikelihoodSettings;
import io.flowmatch.inference.path.AffineSchedule;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * A flow-matching model ready to run: an ONNX model in an ONNX Runtime session (or any {@link
 * VelocityField}), with its {@link ModelCard}. Closing it releases the session.
 *
 * <pre>{@code
 * try (FlowModel model = FlowModel.open(Path.of("models/gmm8.onnx"), Device.cpu().threads(2))) {
 *   SampleResult r = model.sampler().solver(Solver.heun(20)).seed(0).sample(1000);
 *   float[] x = r.samples();   // 1000 × 2 floats, row-major
 * }
 * }</pre>
 *
 * <p>One model may serve several samplers, one run at a time (model calls are serialised).
 */
public final class FlowModel implements AutoCloseable {
  private final VelocityField field;
  private final String name;
  private final String provider;
  private final ModelCard card;
  // the file and device it was opened from: the likelihood derives a second graph from the file
  private final Path file;
  private final Device device;
  private final int[] givenShape;
  // read from the metadata on first use: only dpm2m and the likelihood need it
  private AffineSchedule path;

  private FlowModel(
      VelocityField field, String name, String provider, Path file, Device device, int[] shape) {
    this.field = field;
    this.name = name;
    this.provider = provider;
    this.card = ModelCard.fromProps(field.metadata());
    this.file = file;
    this.device = device;
    this.givenShape = shape == null ? null : shape.clone();
  }

  /** Opens {@code model} on the CPU with default settings. */
  public static FlowModel open(Path model) {
    return open(model, Device.cpu());
  }

  /**
   * Opens {@code model} on {@code device} and checks it against the model contract (inputs {@code x
   * [N, ...]}, {@code t [N]}, output {@code v}).
   *
   * @throws io.flowmatch.inference.error.FlowmatchException INVALID_ARGUMENT for a missing file,
   *     BAD_MODEL for a file that breaks the contract or has no known sample shape
   */
  public static FlowModel open(Path model, Device device) {
    return open(model, device, null);
  }

  /**
   * As {@link #open(Path, Device)}, for a model without {@code flowmatch.data_shape} metadata:
   * {@code sampleShape} is the shape of one sample, e.g. {@code {2}} or {@code {1, 28, 28}}.
   */
  public static FlowModel open(Path model, Device device, int[] sampleShape) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(device, "device");
    OnnxVelocityField field = OnnxVelocityField.open(model, device.fieldOptions(sampleShape));
    return new FlowModel(field, model.toString(), field.providerUsed(), model, device, sampleShape);
  }

  /**
   * Wraps a velocity field of your own (e.g. an analytic one); closing the model closes it.
   *
   * @param name how the model is named in reports
   */
  public static FlowModel of(VelocityField field, String name) {
    return new FlowModel(Objects.requireNonNull(field, "field"), name, "java", null, null, null);
  }

  /**
   * A log-density estimator for this model (a continuous normalizing flow): it integrates the ODE
   * with the divergence of the velocity from data (t = 1) to noise (t = 0), through the
   * forward-mode JVP graph derived from the model file (on the CPU provider, with this model's
   * threads). Close it when done.
   *
   * <pre>{@code
   * try (ModelLikelihood l = model.likelihood(Solver.dopri5(1e-5, 1e-5),
   *     LikelihoodSettings.builder().method(DivergenceMethod.EXACT).build())) {
   *   LikelihoodResult r = l.logDensity(x, n);   // r.logProb()[i], r.nll(i)
   * }
   * }</pre>
   *
   * @throws io.flowmatch.inference.error.FlowmatchException INVALID_ARGUMENT for a model wrapped
   *     with {@link #of} (no file to derive the graph from); UNSUPPORTED naming the op when the
   *     model has an op without a tangent rule
   */
  public ModelLikelihood likelihood(Solver solver, LikelihoodSettings settings) {
    Objects.requireNonNull(solver, "solver");
    Objects.requireNonNull(settings, "settings");
    if (file == null) {
      throw io.flowmatch.inference.error.FlowmatchException.invalidArgument(
          "likelihood needs a model opened from an ONNX file, got the field " + name);
    }
    JvpModel jvp = JvpModel.open(file, device.fieldOptions(givenShape));
    return new ModelLikelihood(jvp, new Likelihood(jvp, solver.create(path()), settings));
  }

  /** A new sampler with the command line's defaults: Heun, 20 steps, seed 0, batches of 256. */
  public FlowSampler sampler() {
    return new FlowSampler(this);
  }

  /** What the model's metadata says about it. */
  public ModelCard card() {
    return card;
  }

  /** Shape of one sample, without the batch dimension. */
  public int[] sampleShape() {
    return field.sampleShape();
  }

  /** Floats in one sample. */
  public int sampleSize() {
    return field.sampleSize();
  }

  /** The execution provider that runs the model ({@code cpu} after a fallback). */
  public String provider() {
    return provider;
  }

  /** The model file as given, or the name given to {@link #of}. */
  public String name() {
    return name;
  }

  /** The model's {@code flowmatch.*} metadata as stored (empty for a field without any). */
  public Map<String, String> metadata() {
    return field.metadata();
  }

  /**
   * The affine probability path the model was trained on, from its metadata (the OT path when it
   * names none); what {@code dpm2m} predicts with.
   *
   * @throws io.flowmatch.inference.error.FlowmatchException BAD_MODEL for malformed path metadata
   */
  public synchronized AffineSchedule path() {
    if (path == null) {
      path = AffineSchedule.fromMetadata(field.metadata());
    }
    return path;
  }

  /** The element type of the model's input {@code x}: {@code float32} or {@code float16}. */
  public String inputType() {
    return field instanceof OnnxVelocityField onnx ? onnx.inputType() : "float32";
  }

  /** Most samples per model call (0 for a field of your own, which takes any number). */
  public int callBatch() {
    return field instanceof OnnxVelocityField onnx ? onnx.maxBatch() : 0;
  }

  /** The file the model was opened from, or null for a field of your own. */
  Path file() {
    return file;
  }

  /** The velocity field behind the model, for the lower-level packages. */
  public VelocityField field() {
    return field;
  }

  @Override
  public void close() {
    field.close();
  }

  @Override
  public String toString() {
    return name + " " + java.util.Arrays.toString(sampleShape()) + " on " + provider;
  }
}
