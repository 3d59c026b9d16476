package io.flowmatch.inference.api;

import io.flowmatch.inference.field.ModelCard;
import io.flowmatch.inference.field.OnnxVelocityField;
import io.flowmatch.inference.field.VelocityField;
import java.nio.file.Path;
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

  private FlowModel(VelocityField field, String name, String provider) {
    this.field = field;
    this.name = name;
    this.provider = provider;
    this.card = ModelCard.fromProps(field.metadata());
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
    return new FlowModel(field, model.toString(), field.providerUsed());
  }

  /**
   * Wraps a velocity field of your own (e.g. an analytic one); closing the model closes it.
   *
   * @param name how the model is named in reports
   */
  public static FlowModel of(VelocityField field, String name) {
    return new FlowModel(Objects.requireNonNull(field, "field"), name, "java");
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
