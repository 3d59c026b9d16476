package io.flowmatch.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.field.FieldOptions;
import io.flowmatch.inference.solver.SolverSettings;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalJobTest {
  private static final String FASHION_MNIST = "/usr/share/datasets/fashion-mnist";
  private static JavaSparkContext sc;
  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    sc = SparkTesting.local("EvalJobTest");
  }

  @AfterAll
  static void stop() {
    sc.stop();
  }

  /** The value of one metric row of eval's table: name, samples, floor, ratio. */
  private static double[] row(String report, String metric) {
    Matcher m = Pattern.compile("(?m)^" + metric + "\\s+(\\S+)\\s+(\\S+)").matcher(report);
    assertTrue(m.find(), report);
    return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))};
  }

  @Test
  void scoresEqualSingleMachineEvalUpToSummationOrder() throws Exception {
    int n = 160;
    String model = SparkTesting.model("fashion-mnist-dit.onnx").toString();
    String classifier = SparkTesting.model("fashion-mnist-classifier.onnx").toString();
    String report =
        SparkTesting.cli(
            "eval",
            "--model",
            model,
            "--n",
            "" + n,
            "--seed",
            "3",
            "--solver",
            "euler",
            "--steps",
            "3",
            "--batch",
            "32",
            "--threads",
            "1",
            "--classifier",
            classifier,
            "--data-n",
            "1200");
    SampleSpec spec =
        SampleSpec.of(
            model, null, "euler", SolverSettings.fixed(3), n, 3, 32, FieldOptions.AUTO_BATCH, 1, 2);
    EvalJob.Result r =
        EvalJob.run(sc, new EvalJob.Request(spec, null, classifier, FASHION_MNIST, 1200, 1));
    double[] fd = row(report, "fd");
    double[] tv = row(report, "class_tv");
    // eval prints 4 significant digits; the distributed sums differ from its two-pass fit in the
    // last bits only
    assertEquals(fd[0], r.fd(), 1e-3 * fd[0] + 1e-12, report);
    assertEquals(fd[1], r.floorFd(), 1e-3 * fd[1], report);
    assertEquals(tv[0], r.classTv(), 1e-3 * tv[0] + 1e-12, report);
    assertEquals(tv[1], r.floorClassTv(), 1e-3 * tv[1], report);
    assertEquals(n, r.samples().total());
    assertEquals(1200, r.referenceCount());
    // 3 shards of 2 batches of 32 samples, 1 reference range, 1 floor range
    assertEquals(3 + 1 + 1, r.tasks());
    Matcher classes =
        Pattern.compile("(?m)^(\\d+) .*?\\s+(\\d+)\\s+\\S+%\\s+\\S+%$").matcher(report);
    int rows = 0;
    while (classes.find()) {
      assertEquals(
          Integer.parseInt(classes.group(2)),
          r.samples().counts()[Integer.parseInt(classes.group(1))],
          report);
      rows++;
    }
    assertEquals(10, rows, report);
  }

  @Test
  void scoringASampleFolderEqualsDrawingOnTheExecutors() throws Exception {
    // more samples than the classifier's 128 features: with fewer, the covariance is singular and
    // its matrix square root turns summation-order differences into 4e-9 of the distance (seen at
    // 96)
    int n = 160;
    String model = SparkTesting.model("fashion-mnist-dit.onnx").toString();
    String classifier = SparkTesting.model("fashion-mnist-classifier.onnx").toString();
    SampleSpec spec =
        SampleSpec.of(
            model, null, "euler", SolverSettings.fixed(2), n, 5, 32, FieldOptions.AUTO_BATCH, 1, 1);
    Path out = tmp.resolve("samples");
    SampleJob.run(sc, spec, out);
    EvalJob.Result drawn =
        EvalJob.run(sc, new EvalJob.Request(spec, null, classifier, FASHION_MNIST, 500, 1));
    EvalJob.Result read =
        EvalJob.run(
            sc, new EvalJob.Request(spec, out.toString(), classifier, FASHION_MNIST, 500, 1));
    assertEquals(drawn.samples(), read.samples());
    assertEquals(drawn.fd(), read.fd(), 1e-9 * drawn.fd());
  }
}
