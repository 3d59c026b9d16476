package io.flowmatch.spark.cli;

import io.flowmatch.inference.cli.DeclaresOutputs;
import io.flowmatch.inference.cli.FlowmatchVersion;
import io.flowmatch.inference.cli.SolverOptions;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.format.Numbers;
import io.flowmatch.inference.io.OutputGroup;
import io.flowmatch.inference.solver.SolverSettings;
import io.flowmatch.spark.SampleJob;
import io.flowmatch.spark.SampleSpec;
import io.flowmatch.spark.ShardFiles;
import io.flowmatch.spark.ShardResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code flowmatch spark sample}: distributed sampling into .npy shards and a manifest. */
@Command(
    name = "sample",
    mixinStandardHelpOptions = true,
    versionProvider = FlowmatchVersion.class,
    sortOptions = false,
    description = {
      "Sample on Spark: shards of whole batches as tasks; .npy shards and manifest.json in --out.",
      "The samples equal 'flowmatch sample --save-npy' with the same --n, --seed, --batch, solver and"
          + " model byte for byte (--merge writes that one file); --out must be on a file system every"
          + " executor and the driver reach."
    })
public final class SparkSampleCommand implements Callable<Integer>, DeclaresOutputs {
  @Spec CommandSpec spec;

  @Mixin SparkOptions spark;

  @Mixin SampleRequestOptions request;

  @Mixin SolverOptions solver;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      required = true,
      description = "New or empty output folder.")
  Path out;

  @Option(
      names = "--merge",
      paramLabel = "FILE.npy",
      description =
          "Also write all samples as one .npy, streamed through the driver (numpy.load reads it).")
  Path merge;

  /**
   * Declares --merge; --out is not a run output in this sense: executors write its shards, and its
   * manifest, written last, is what marks the folder complete.
   */
  @Override
  public void declareOutputs(OutputGroup.Declaration outputs) {
    outputs.file(merge);
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    if (merge != null && !merge.getFileName().toString().endsWith(".npy")) {
      throw FlowmatchException.invalidArgument("--merge must name a .npy file, got " + merge);
    }
    request.model();
    // solver options fail before Spark starts
    SolverSettings settings = solver.settings();
    SparkSession session = spark.start("flowmatch spark sample");
    try {
      SampleSpec s =
          request.spec(session.sparkContext().defaultParallelism(), solver.name(), settings);
      SampleJob.Result r = SampleJob.run(SparkOptions.context(session), s, out);
      if (merge != null) {
        try {
          ShardFiles.merge(out, merge);
        } catch (IOException e) {
          throw FlowmatchException.io("cannot write --merge " + merge + ": " + e.getMessage(), e);
        }
      }
      if (spark.verbose) {
        for (ShardResult sr : r.shards()) {
          stderr.println(
              "shard "
                  + sr.index()
                  + ": samples "
                  + sr.first()
                  + "-"
                  + (sr.first() + sr.count() - 1)
                  + " on executor "
                  + sr.executor()
                  + " (attempt "
                  + sr.attempt()
                  + ", "
                  + sr.threads()
                  + " threads), "
                  + Numbers.fixed(sr.wallNanos() / 1e9, 3)
                  + " s"
                  + (sr.openNanos() > 0
                      ? " (model opened in " + Numbers.fixed(sr.openNanos() / 1e9, 3) + " s)"
                      : ""));
        }
      }
      if (!spark.quiet) {
        stdout.printf(
            Locale.ROOT,
            "sampled %d × %s with %s on %s: %d shards, NFE/sample %s, wall %s s, %s samples/s%s%n",
            r.samples(),
            Arrays.toString(r.manifest().shape()),
            s.describeSolver(),
            session.sparkContext().master(),
            r.shards().size(),
            Numbers.fixed(r.meanNfe(), 1),
            Numbers.fixed(r.wallSeconds(), 3),
            Numbers.fixed(r.samplesPerSecond(), 1),
            r.retried() > 0 ? " (" + r.retried() + " shards retried)" : "");
        stdout.println(
            "wrote "
                + out.toAbsolutePath()
                + ": "
                + r.shards().size()
                + " .npy shards and manifest.json");
        if (merge != null) {
          stdout.println(
              "wrote "
                  + merge
                  + ": float32 "
                  + Arrays.toString(withFirst(r.samples(), r.manifest().shape())));
        }
      }
      return 0;
    } finally {
      session.stop();
    }
  }

  static long[] withFirst(long n, int[] shape) {
    long[] s = new long[shape.length + 1];
    s[0] = n;
    for (int i = 0; i < shape.length; i++) {
      s[i + 1] = shape[i];
    }
    return s;
  }
}
