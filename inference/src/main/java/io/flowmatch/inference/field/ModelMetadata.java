package io.flowmatch.inference.field;

/**
 * Keys of the ONNX {@code metadata_props} that flowmatch reads and writes (the public model
 * contract). Values are plain strings; lists are comma-separated.
 */
public final class ModelMetadata {
  private ModelMetadata() {}

  /** The model's input: a batch of samples, {@code [N, ...sample shape]}. */
  public static final String INPUT_X = "x";

  /** The model's input: one time per sample, float32 {@code [N]}. */
  public static final String INPUT_T = "t";

  /** The model's output: the velocity, the shape and type of {@link #INPUT_X}. */
  public static final String OUTPUT_V = "v";

  public static final String PREFIX = "flowmatch.";

  /** Shape of one sample without the batch dimension, e.g. {@code 2} or {@code 1,28,28}. */
  public static final String DATA_SHAPE = PREFIX + "data_shape";

  /** Range of the data, e.g. {@code -1,1} for images scaled to [-1, 1]. */
  public static final String DATA_RANGE = PREFIX + "data_range";

  /** Probability path name: {@code condot}, {@code vp}, {@code cosine}, {@code polynomial}. */
  public static final String PATH = PREFIX + "path";

  /** Path parameters, e.g. {@code sigma_min=0} or {@code beta_min=0.1,beta_max=20}. */
  public static final String PATH_PARAMS = PREFIX + "path_params";

  public static final String SIGMA_MIN = PREFIX + "sigma_min";
  public static final String DATASET = PREFIX + "dataset";

  /** Architecture: {@code mlp}, {@code unet}, {@code dit}, {@code analytic-gmm}. */
  public static final String ARCHITECTURE = PREFIX + "architecture";

  public static final String TRAINING_STEPS = PREFIX + "steps";

  /** Weight precision of the file: {@code fp32} or {@code fp16}. */
  public static final String PRECISION = PREFIX + "precision";

  /** Training precision: {@code fp32} or {@code fp16} (mixed). */
  public static final String TRAINING_PRECISION = PREFIX + "training_precision";

  /** Whether the weights are the EMA ({@code true}/{@code false}) and its decay. */
  public static final String EMA = PREFIX + "ema";

  public static final String DATE = PREFIX + "date";
  public static final String REVISION = PREFIX + "revision";

  /** The time convention of input t, for readers of the file: {@value #TIME_CONVENTION_VALUE}. */
  public static final String TIME_CONVENTION = PREFIX + "time";

  public static final String TIME_CONVENTION_VALUE = "t=0 noise, t=1 data";

  /** Class names for labelled data sets, comma-separated (classifiers). */
  public static final String CLASSES = PREFIX + "classes";
}
