package io.flowmatch.spark;

import io.flowmatch.inference.field.FieldOptions;
import io.flowmatch.inference.field.OnnxVelocityField;
import io.flowmatch.inference.metrics.OnnxClassifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;

/**
 * The models an executor JVM has open: each model is opened once, on first use by a task, and
 * shared by every later task in that JVM (an ONNX Runtime session costs a graph optimisation and
 * its weights; a task must not pay that per shard). Concurrent tasks of one executor share the
 * session, whose calls are serialised, so the session gets the executor's cores as intra-op
 * threads. Sessions close when the JVM exits.
 */
public final class ExecutorResources {
  private static final Map<String, OnnxVelocityField> FIELDS = new ConcurrentHashMap<>();
  private static final Map<String, OnnxClassifier> CLASSIFIERS = new ConcurrentHashMap<>();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  FIELDS.values().forEach(OnnxVelocityField::close);
                  CLASSIFIERS.values().forEach(OnnxClassifier::close);
                },
                "flowmatch-close-models"));
  }

  private ExecutorResources() {}

  /** The velocity field of {@code spec}, opened on first use in this JVM. */
  public static OnnxVelocityField field(SampleSpec spec) {
    int threads = spec.threads() > 0 ? spec.threads() : executorCores();
    FieldOptions options = spec.fieldOptions(threads);
    String key =
        spec.model() + "|" + threads + "|" + spec.callBatch() + "|" + Arrays.toString(spec.shape());
    return FIELDS.computeIfAbsent(key, k -> OnnxVelocityField.open(local(spec.model()), options));
  }

  /**
   * The classifier at {@code path} for samples of {@code shape}, opened on first use in this JVM.
   */
  public static OnnxClassifier classifier(String path, int[] shape, int threads) {
    int used = threads > 0 ? threads : executorCores();
    String key = path + "|" + used + "|" + Arrays.toString(shape);
    return CLASSIFIERS.computeIfAbsent(key, k -> OnnxClassifier.open(local(path), shape, used));
  }

  /**
   * Where this JVM reads a file the driver named: the path itself when it exists here (a shared or
   * local file system), else the copy Spark shipped with the job ({@code SparkContext.addFile}).
   */
  static Path local(String path) {
    Path p = Path.of(path);
    if (Files.exists(p) || SparkEnv.get() == null) {
      return p;
    }
    Path shipped = Path.of(SparkFiles.get(p.getFileName().toString()));
    return Files.exists(shipped) ? shipped : p;
  }

  /**
   * Cores of this executor: {@code spark.executor.cores} when set, {@code N} of a {@code local[N]}
   * master, else every core of the machine (a standalone executor takes all of its worker's cores
   * by default).
   */
  static int executorCores() {
    SparkEnv env = SparkEnv.get();
    int machine = Runtime.getRuntime().availableProcessors();
    if (env == null) {
      return machine;
    }
    SparkConf conf = env.conf();
    if (conf.contains("spark.executor.cores")) {
      return Math.max(1, conf.getInt("spark.executor.cores", 1));
    }
    String master = conf.get("spark.master", "");
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("local\\[(\\d+|\\*)(,\\d+)?]").matcher(master);
    if (m.matches()) {
      return m.group(1).equals("*") ? machine : Math.max(1, Integer.parseInt(m.group(1)));
    }
    return master.equals("local") ? 1 : machine;
  }
}
