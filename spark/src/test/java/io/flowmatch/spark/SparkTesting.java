package io.flowmatch.spark;

import io.flowmatch.inference.cli.InferenceMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Shared helpers of the Spark tests: models, a local context, the single-machine CLI as reference.
 */
final class SparkTesting {
  private SparkTesting() {}

  static Path root() {
    return Path.of(System.getProperty("flowmatch.root", "..")).toAbsolutePath().normalize();
  }

  static Path model(String name) {
    return root().resolve("models").resolve(name);
  }

  /** A local[2] context with the UI off and a few partitions for any shuffle. */
  static JavaSparkContext local(String app) {
    return local(app, "local[2]");
  }

  /** A context on {@code master} (e.g. {@code local[2,2]}: two cores, two attempts per task). */
  static JavaSparkContext local(String app, String master) {
    SparkConf conf =
        new SparkConf()
            .setMaster(master)
            .setAppName(app)
            .set("spark.ui.enabled", "false")
            .set("spark.sql.shuffle.partitions", "2")
            .set("spark.driver.host", "127.0.0.1")
            .set("spark.driver.bindAddress", "127.0.0.1");
    return new JavaSparkContext(conf);
  }

  /** Runs the single-machine CLI ({@code flowmatch sample} etc.); fails on a non-zero exit. */
  static String cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        InferenceMain.run(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            args);
    if (code != 0) {
      throw new AssertionError("exit " + code + ": " + err.toString(StandardCharsets.UTF_8));
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
