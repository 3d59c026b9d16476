package io.flowmatch.inference.field;

import io.flowmatch.inference.plot.ValueRange;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a model's {@code flowmatch.*} metadata says, as typed values: the one reader and writer of
 * {@link ModelMetadata} keys. {@link #fromProps} reads what the project has ever written (shipped
 * models included); {@link #toProps} writes the same keys back, so {@code fromProps(toProps(card))}
 * equals {@code card}.
 *
 * <p>Every field may be null (absent). Reading never fails: a value that does not parse is left
 * null, kept verbatim in {@link #other}, and named in {@link #problems}, so a model with odd
 * metadata still runs and callers decide whether to warn.
 *
 * @param dataShape shape of one sample without the batch dimension
 * @param dataRange range of the data, e.g. [-1, 1] for images
 * @param path probability path: {@code condot}, {@code vp}, {@code cosine}, {@code polynomial}
 * @param pathParams the path's parameters by name, in written order, e.g. {@code sigma_min=0}
 * @param sigmaMin σ_min of the path
 * @param dataset training data set, e.g. {@code fashion-mnist}, {@code checkerboard}
 * @param steps training steps
 * @param precision weight precision of the file: {@code fp32} or {@code fp16}
 * @param trainingPrecision precision of training: {@code fp32} or {@code fp16} (mixed)
 * @param ema whether the weights are the exponential moving average
 * @param emaDecay the EMA decay
 * @param mixture the target mixture of an analytic Gaussian-mixture model
 * @param architecture {@code mlp}, {@code unet}, {@code dit}, {@code analytic-gmm}, ...
 * @param revision source revision the model was exported from
 * @param date export time, ISO-8601
 * @param classes class names of a classifier
 * @param description free text
 * @param other every other {@code metadata_props} entry, verbatim
 * @param problems one line per value that did not parse
 */
public record ModelCard(
    int[] dataShape,
    ValueRange dataRange,
    String path,
    Map<String, Double> pathParams,
    Double sigmaMin,
    String dataset,
    Long steps,
    String precision,
    String trainingPrecision,
    Boolean ema,
    Double emaDecay,
    GaussianMixture mixture,
    String architecture,
    String revision,
    String date,
    List<String> classes,
    String description,
    Map<String, String> other,
    List<String> problems) {

  /** EMA decay key (written by the exporter with {@link ModelMetadata#EMA}). */
  public static final String EMA_DECAY = ModelMetadata.PREFIX + "ema_decay";

  /** Free-text description. */
  public static final String DESCRIPTION = ModelMetadata.PREFIX + "description";

  /** Mixture weights, comma-separated. */
  public static final String MIXTURE_WEIGHTS = ModelMetadata.PREFIX + "mixture_weights";

  /** Mixture means: components separated by {@code ;}, coordinates by {@code ,}. */
  public static final String MIXTURE_MEANS = ModelMetadata.PREFIX + "mixture_means";

  /** Mixture standard deviations (isotropic), comma-separated. */
  public static final String MIXTURE_STDS = ModelMetadata.PREFIX + "mixture_stds";

  /** The architecture name of analytic Gaussian-mixture models. */
  public static final String ANALYTIC_GMM = "analytic-gmm";

  public ModelCard {
    dataShape = dataShape == null ? null : dataShape.clone();
    pathParams =
        pathParams == null
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(pathParams));
    classes = classes == null ? null : List.copyOf(classes);
    other = other == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(other));
    problems = problems == null ? List.of() : List.copyOf(problems);
  }

  @Override
  public int[] dataShape() {
    return dataShape == null ? null : dataShape.clone();
  }

  /** A card with nothing known. */
  public static ModelCard empty() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this card's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.dataShape = dataShape;
    b.dataRange = dataRange;
    b.path = path;
    b.pathParams = new LinkedHashMap<>(pathParams);
    b.sigmaMin = sigmaMin;
    b.dataset = dataset;
    b.steps = steps;
    b.precision = precision;
    b.trainingPrecision = trainingPrecision;
    b.ema = ema;
    b.emaDecay = emaDecay;
    b.mixture = mixture;
    b.architecture = architecture;
    b.revision = revision;
    b.date = date;
    b.classes = classes;
    b.description = description;
    b.other = new LinkedHashMap<>(other);
    return b;
  }

  /** The data range, or [-1, 1] when the metadata gives none (or one that does not parse). */
  public ValueRange dataRangeOr(ValueRange fallback) {
    return dataRange != null ? dataRange : fallback;
  }

  /** Whether this is an analytic Gaussian-mixture model. */
  public boolean isAnalyticMixture() {
    return ANALYTIC_GMM.equals(architecture);
  }

  /** The {@code metadata_props} entries of this card, in a fixed order. */
  public Map<String, String> toProps() {
    Map<String, String> m = new LinkedHashMap<>();
    if (dataShape != null) {
      m.put(ModelMetadata.DATA_SHAPE, joinInts(dataShape));
    }
    if (dataRange != null) {
      m.put(ModelMetadata.DATA_RANGE, number(dataRange.lo()) + "," + number(dataRange.hi()));
    }
    put(m, ModelMetadata.PATH, path);
    if (path != null || !pathParams.isEmpty()) {
      List<String> parts = new ArrayList<>();
      pathParams.forEach((k, v) -> parts.add(k + "=" + number(v)));
      m.put(ModelMetadata.PATH_PARAMS, String.join(",", parts));
    }
    if (sigmaMin != null) {
      m.put(ModelMetadata.SIGMA_MIN, number(sigmaMin));
    }
    put(m, ModelMetadata.DATASET, dataset);
    if (steps != null) {
      m.put(ModelMetadata.TRAINING_STEPS, Long.toString(steps));
    }
    put(m, ModelMetadata.PRECISION, precision);
    put(m, ModelMetadata.TRAINING_PRECISION, trainingPrecision);
    if (ema != null) {
      m.put(ModelMetadata.EMA, Boolean.toString(ema));
    }
    if (emaDecay != null) {
      m.put(EMA_DECAY, number(emaDecay));
    }
    if (mixture != null) {
      List<String> w = new ArrayList<>();
      List<String> means = new ArrayList<>();
      List<String> stds = new ArrayList<>();
      for (int k = 0; k < mixture.components(); k++) {
        w.add(number(mixture.weight(k)));
        List<String> c = new ArrayList<>();
        for (double v : mixture.mean(k)) {
          c.add(number(v));
        }
        means.add(String.join(",", c));
        stds.add(number(mixture.std(k)));
      }
      m.put(MIXTURE_WEIGHTS, String.join(",", w));
      m.put(MIXTURE_MEANS, String.join(";", means));
      m.put(MIXTURE_STDS, String.join(",", stds));
    }
    put(m, ModelMetadata.ARCHITECTURE, architecture);
    put(m, ModelMetadata.REVISION, revision);
    put(m, ModelMetadata.DATE, date);
    if (classes != null) {
      m.put(ModelMetadata.CLASSES, String.join(",", classes));
    }
    put(m, DESCRIPTION, description);
    other.forEach(m::putIfAbsent);
    return m;
  }

  /**
   * Reads a model's {@code metadata_props}; never throws for bad values (see {@link #problems}).
   */
  public static ModelCard fromProps(Map<String, String> props) {
    Builder b = new Builder();
    List<String> problems = new ArrayList<>();
    Map<String, String> rest = new LinkedHashMap<>(props);
    b.dataShape = parse(rest, ModelMetadata.DATA_SHAPE, ModelCard::parseShape, problems);
    b.dataRange = parse(rest, ModelMetadata.DATA_RANGE, ValueRange::parse, problems);
    b.path = rest.remove(ModelMetadata.PATH);
    Map<String, Double> params =
        parse(rest, ModelMetadata.PATH_PARAMS, ModelCard::parseParams, problems);
    b.pathParams = params == null ? new LinkedHashMap<>() : params;
    b.sigmaMin = parse(rest, ModelMetadata.SIGMA_MIN, ModelCard::parseNumber, problems);
    b.dataset = rest.remove(ModelMetadata.DATASET);
    b.steps = parse(rest, ModelMetadata.TRAINING_STEPS, s -> Long.parseLong(s.trim()), problems);
    b.precision = rest.remove(ModelMetadata.PRECISION);
    b.trainingPrecision = rest.remove(ModelMetadata.TRAINING_PRECISION);
    b.ema = parse(rest, ModelMetadata.EMA, ModelCard::parseBoolean, problems);
    b.emaDecay = parse(rest, EMA_DECAY, ModelCard::parseNumber, problems);
    b.architecture = rest.remove(ModelMetadata.ARCHITECTURE);
    b.revision = rest.remove(ModelMetadata.REVISION);
    b.date = rest.remove(ModelMetadata.DATE);
    String classes = rest.remove(ModelMetadata.CLASSES);
    b.classes = classes == null ? null : List.of(classes.split(",", -1));
    b.description = rest.remove(DESCRIPTION);
    if (rest.containsKey(MIXTURE_WEIGHTS) || rest.containsKey(MIXTURE_MEANS)) {
      String w = rest.get(MIXTURE_WEIGHTS);
      String means = rest.get(MIXTURE_MEANS);
      String stds = rest.get(MIXTURE_STDS);
      try {
        b.mixture = parseMixture(w, means, stds);
        rest.remove(MIXTURE_WEIGHTS);
        rest.remove(MIXTURE_MEANS);
        rest.remove(MIXTURE_STDS);
      } catch (IllegalArgumentException | NullPointerException e) {
        problems.add(
            "mixture metadata "
                + MIXTURE_WEIGHTS
                + "/"
                + MIXTURE_MEANS
                + "/"
                + MIXTURE_STDS
                + " does not describe a mixture: "
                + e.getMessage());
      }
    } else if (ANALYTIC_GMM.equals(b.architecture) && b.description != null) {
      // models written before the mixture had keys of its own (the shipped gmm8) list it in prose
      b.mixture = legacyMixture(b.description);
    }
    b.other = rest;
    return b.build(problems);
  }

  /** Builds a {@link ModelCard}; every value is optional. */
  public static final class Builder {
    private int[] dataShape;
    private ValueRange dataRange;
    private String path;
    private Map<String, Double> pathParams = new LinkedHashMap<>();
    private Double sigmaMin;
    private String dataset;
    private Long steps;
    private String precision;
    private String trainingPrecision;
    private Boolean ema;
    private Double emaDecay;
    private GaussianMixture mixture;
    private String architecture;
    private String revision;
    private String date;
    private List<String> classes;
    private String description;
    private Map<String, String> other = new LinkedHashMap<>();

    private Builder() {}

    public Builder dataShape(int... value) {
      this.dataShape = value == null ? null : value.clone();
      return this;
    }

    public Builder dataRange(double lo, double hi) {
      this.dataRange = new ValueRange(lo, hi);
      return this;
    }

    /** The path and its parameters (in the order given); σ_min is read from {@code sigma_min}. */
    public Builder path(String name, Map<String, Double> params) {
      this.path = name;
      this.pathParams = new LinkedHashMap<>(params);
      return this;
    }

    public Builder sigmaMin(Double value) {
      this.sigmaMin = value;
      return this;
    }

    public Builder dataset(String value) {
      this.dataset = value;
      return this;
    }

    public Builder steps(Long value) {
      this.steps = value;
      return this;
    }

    public Builder precision(String value) {
      this.precision = value;
      return this;
    }

    public Builder trainingPrecision(String value) {
      this.trainingPrecision = value;
      return this;
    }

    /** Whether the weights are the EMA, and its decay (null when not the EMA). */
    public Builder ema(Boolean value, Double decay) {
      this.ema = value;
      this.emaDecay = decay;
      return this;
    }

    public Builder mixture(GaussianMixture value) {
      this.mixture = value;
      return this;
    }

    public Builder architecture(String value) {
      this.architecture = value;
      return this;
    }

    public Builder revision(String value) {
      this.revision = value;
      return this;
    }

    public Builder date(String value) {
      this.date = value;
      return this;
    }

    public Builder classes(List<String> value) {
      this.classes = value;
      return this;
    }

    public Builder description(String value) {
      this.description = value;
      return this;
    }

    /** Any other {@code flowmatch.*} entry (or a foreign key), kept verbatim. */
    public Builder put(String key, String value) {
      this.other.put(key, value);
      return this;
    }

    public ModelCard build() {
      return build(List.of());
    }

    private ModelCard build(List<String> problems) {
      return new ModelCard(
          dataShape,
          dataRange,
          path,
          pathParams,
          sigmaMin,
          dataset,
          steps,
          precision,
          trainingPrecision,
          ema,
          emaDecay,
          mixture,
          architecture,
          revision,
          date,
          classes,
          description,
          other,
          problems);
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ModelCard c)) {
      return false;
    }
    return toProps().equals(c.toProps());
  }

  @Override
  public int hashCode() {
    return toProps().hashCode();
  }

  @Override
  public String toString() {
    return "ModelCard" + toProps();
  }

  /** Shortest plain decimal: 1.0 → "1", 0.999 → "0.999", 1e-4 → "0.0001". */
  public static String number(double v) {
    if (!Double.isFinite(v)) {
      return Double.toString(v);
    }
    return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
  }

  private interface Parser<T> {
    T parse(String text);
  }

  private static <T> T parse(
      Map<String, String> rest, String key, Parser<T> parser, List<String> problems) {
    String text = rest.get(key);
    if (text == null) {
      return null;
    }
    try {
      T value = parser.parse(text);
      rest.remove(key);
      return value;
    } catch (IllegalArgumentException e) {
      problems.add("model metadata " + key + ": " + e.getMessage());
      return null;
    }
  }

  /**
   * Parses a data shape such as {@code 1,28,28}.
   *
   * @throws IllegalArgumentException naming the text, unless every part is a positive integer
   */
  public static int[] parseShape(String text) {
    String[] parts = text.split(",", -1);
    int[] s = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        s[i] = Integer.parseInt(parts[i].trim());
      } catch (NumberFormatException e) {
        s[i] = -1;
      }
      if (s[i] < 1) {
        throw new IllegalArgumentException(
            "expected positive integers such as 1,28,28, got '" + text + "'");
      }
    }
    return s;
  }

  private static Map<String, Double> parseParams(String text) {
    Map<String, Double> m = new LinkedHashMap<>();
    if (text.isBlank()) {
      return m;
    }
    for (String part : text.split(",")) {
      int eq = part.indexOf('=');
      if (eq < 1) {
        throw new IllegalArgumentException(
            "expected name=value pairs such as sigma_min=0, got '" + text + "'");
      }
      m.put(part.substring(0, eq).trim(), parseNumber(part.substring(eq + 1)));
    }
    return m;
  }

  private static Double parseNumber(String text) {
    try {
      return Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected a number, got '" + text + "'");
    }
  }

  private static Boolean parseBoolean(String text) {
    String t = text.trim();
    if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(t);
    }
    throw new IllegalArgumentException("expected true or false, got '" + text + "'");
  }

  private static double[] numbers(String text) {
    String[] parts = text.split(",");
    double[] v = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      v[i] = parseNumber(parts[i]);
    }
    return v;
  }

  private static GaussianMixture parseMixture(String weights, String means, String stds) {
    String[] comps = means.split(";");
    double[][] mu = new double[comps.length][];
    for (int k = 0; k < comps.length; k++) {
      mu[k] = numbers(comps[k]);
    }
    return new GaussianMixture(mu, numbers(stds), numbers(weights));
  }

  private static final Pattern LEGACY_COMPONENT =
      Pattern.compile("w=([^\\s;]+)\\s+mean=\\(([^)]*)\\)\\s+std=([^\\s;]+)");

  /** The mixture listed as {@code w=0.125 mean=(4,0) std=0.5; ...}, or null. */
  private static GaussianMixture legacyMixture(String text) {
    List<double[]> means = new ArrayList<>();
    List<Double> stds = new ArrayList<>();
    List<Double> weights = new ArrayList<>();
    Matcher m = LEGACY_COMPONENT.matcher(text);
    try {
      while (m.find()) {
        weights.add(Double.parseDouble(m.group(1)));
        means.add(numbers(m.group(2)));
        stds.add(Double.parseDouble(m.group(3)));
      }
      if (means.isEmpty()) {
        return null;
      }
      return new GaussianMixture(
          means.toArray(new double[0][]),
          stds.stream().mapToDouble(Double::doubleValue).toArray(),
          weights.stream().mapToDouble(Double::doubleValue).toArray());
    } catch (IllegalArgumentException e) {
      return null; // a malformed number or inconsistent components: not a mixture we can sample
    }
  }

  private static void put(Map<String, String> m, String key, String value) {
    if (value != null) {
      m.put(key, value);
    }
  }

  private static String joinInts(int[] values) {
    StringBuilder sb = new StringBuilder();
    for (int v : values) {
      sb.append(sb.length() == 0 ? "" : ",").append(v);
    }
    return sb.toString();
  }

  /** For {@link Arrays} users: the data shape as text, or {@code ?}. */
  public String shapeText() {
    return dataShape == null ? "?" : Arrays.toString(dataShape);
  }
}
