package io.flowmatch.spark.cli;

import io.flowmatch.inference.cli.RunOutputOptions;
import io.flowmatch.inference.error.FlowmatchException;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/** Where the job runs (a picocli mixin of every Spark command). */
public final class SparkOptions {
  @Option(
      names = "--master",
      paramLabel = "URL",
      description =
          "Spark master: local[N], spark://host:port, ... (default: what spark-submit set, else local[*]).")
  String master;

  @Option(
      names = "--conf",
      paramLabel = "KEY=VALUE",
      description = "A Spark setting, e.g. spark.executor.memory=2g (repeatable).")
  List<String> conf = new ArrayList<>();

  @Option(
      names = "--verbose",
      description = "Spark's INFO log, per-shard details; stack traces on errors.")
  boolean verbose;

  @Option(names = "--quiet", description = RunOutputOptions.QUIET_HELP)
  boolean quiet;

  /** Starts (or joins, under spark-submit) the Spark session; the caller stops it. */
  SparkSession start(String app) {
    SparkConf sc = new SparkConf();
    for (String kv : conf) {
      int eq = kv.indexOf('=');
      if (eq < 1) {
        throw FlowmatchException.invalidArgument("--conf must be KEY=VALUE, got '" + kv + "'");
      }
      sc.set(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
    }
    if (master != null) {
      sc.setMaster(master);
    } else if (!sc.contains("spark.master")) {
      sc.setMaster("local[*]");
    }
    if (!sc.contains("spark.app.name")) {
      sc.setAppName(app);
    }
    SparkSession session = SparkSession.builder().config(sc).getOrCreate();
    if (!verbose) {
      session.sparkContext().setLogLevel("WARN");
    }
    return session;
  }

  static JavaSparkContext context(SparkSession session) {
    return JavaSparkContext.fromSparkContext(session.sparkContext());
  }
}
