package io.flowmatch.cli;

import static io.flowmatch.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import io.flowmatch.inference.field.ModelMetadata;
import io.flowmatch.inference.io.Npy;
import io.flowmatch.inference.io.NpyArray;
import io.flowmatch.inference.runtime.OrtSessions;
import io.flowmatch.training.model.Blocks;
import io.flowmatch.training.train.RunFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flowmatch export} through the real CLI entry point, on a run trained here. */
class ExportCommandTest {
  @TempDir static Path runs;
  static Path run;

  @BeforeAll
  static void train() {
    run = runs.resolve("moons");
    CliRun o =
        run(
            "train",
            "--data",
            "moons",
            "--model",
            "mlp",
            "--width",
            "32",
            "--depth",
            "2",
            "--steps",
            "20",
            "--batch",
            "64",
            "--sample-every",
            "0",
            "--quiet",
            "--out",
            run.toString());
    assertEquals(0, o.code(), o.err());
  }

  @Test
  void exportsTheEmaWeightsWithTheRunsMetadata() throws Exception {
    Path out = runs.resolve("exported/moons.onnx");
    CliRun o =
        run("export", "--run", run.toString(), "--precision", "fp16", "--out", out.toString());
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().startsWith("export: wrote " + out + " (fp16, "), o.out());
    assertTrue(o.out().contains("parity fp16 vs DJL fp32 (ORT level ALL"), o.out());
    try (OrtSessions.Session s = OrtSessions.open(out, OrtSessions.settings())) {
      Map<String, String> m = s.session().getMetadata().getCustomMetadata();
      assertEquals("2", m.get(ModelMetadata.DATA_SHAPE));
      assertEquals("mlp", m.get(ModelMetadata.ARCHITECTURE));
      assertEquals("moons", m.get(ModelMetadata.DATASET));
      assertEquals("20", m.get(ModelMetadata.TRAINING_STEPS));
      assertEquals("fp16", m.get(ModelMetadata.PRECISION));
      assertEquals("fp32", m.get(ModelMetadata.TRAINING_PRECISION));
      assertEquals("true", m.get(ModelMetadata.EMA));
      assertEquals("condot", m.get(ModelMetadata.PATH));
      assertEquals("0", m.get(ModelMetadata.SIGMA_MIN));
    }
  }

  @Test
  void ditTrainedOnFashionMnistExportsAtEveryPrecision() throws Exception {
    Path dit = runs.resolve("dit");
    CliRun o =
        run(
            "train",
            "--data",
            "fashion-mnist",
            "--model",
            "dit",
            "--width",
            "32",
            "--depth",
            "1",
            "--steps",
            "4",
            "--batch",
            "8",
            "--lr",
            "1e-2",
            "--sample-every",
            "0",
            "--quiet",
            "--out",
            dit.toString());
    assertEquals(0, o.code(), o.err());
    for (String p : new String[] {"fp32", "fp16", "fp16-io"}) {
      o = run("export", "--run", dit.toString(), "--precision", p, "--weights", "model");
      assertEquals(0, o.code(), o.err());
      assertTrue(o.out().contains("parity " + p + " vs DJL fp32"), o.out());
      System.out.print(o.out());
    }
    try (OrtSessions.Session s =
        OrtSessions.open(dit.resolve("model-fp16-io.onnx"), OrtSessions.settings())) {
      Map<String, String> m = s.session().getMetadata().getCustomMetadata();
      assertEquals("1,28,28", m.get(ModelMetadata.DATA_SHAPE));
      assertEquals("-1,1", m.get(ModelMetadata.DATA_RANGE));
      assertEquals("dit", m.get(ModelMetadata.ARCHITECTURE));
      assertEquals("false", m.get(ModelMetadata.EMA));
    }
  }

  @Test
  void trainExportSampleEqualsHeunOnTheDjlModel() throws Exception {
    Path model = runs.resolve("e2e/moons.onnx");
    assertEquals(0, run("export", "--run", run.toString(), "--out", model.toString()).code());
    int n = 64;
    int steps = 10;
    float[] noise = new float[n * 2];
    java.util.Random random = new java.util.Random(5);
    for (int i = 0; i < noise.length; i++) {
      noise[i] = (float) random.nextGaussian();
    }
    Path noiseFile = runs.resolve("e2e/noise.npy");
    Npy.write(noiseFile, new int[] {n, 2}, noise);
    Path samples = runs.resolve("e2e/samples.npy");
    CliRun o =
        run(
            "sample",
            "--model",
            model.toString(),
            "--noise",
            noiseFile.toString(),
            "--solver",
            "heun",
            "--steps",
            Integer.toString(steps),
            "--save-npy",
            samples.toString());
    assertEquals(0, o.code(), o.err());
    NpyArray got = Npy.read(samples);
    assertArrayEquals(new int[] {n, 2}, got.shape());

    // the same integration with the DJL forward of the run's EMA weights
    float[] x = noise.clone();
    try (NDManager m = NDManager.newBaseManager()) {
      Block block = RunFolder.open(run).loadEmaBlock(m);
      double h = 1.0 / steps;
      for (int k = 0; k < steps; k++) {
        float[] t0 = new float[n];
        float[] t1 = new float[n];
        java.util.Arrays.fill(t0, (float) (k * h));
        java.util.Arrays.fill(t1, (float) ((k + 1) * h));
        float[] k1 = Blocks.forward(block, x, new long[] {n, 2}, t0);
        float[] predicted = new float[x.length];
        for (int i = 0; i < x.length; i++) {
          predicted[i] = (float) (x[i] + h * k1[i]);
        }
        float[] k2 = Blocks.forward(block, predicted, new long[] {n, 2}, t1);
        for (int i = 0; i < x.length; i++) {
          x[i] = (float) (x[i] + 0.5 * h * ((double) k1[i] + k2[i]));
        }
      }
    }
    double maxErr = 0;
    double maxAbs = 0;
    for (int i = 0; i < x.length; i++) {
      maxErr = Math.max(maxErr, Math.abs(got.data()[i] - x[i]));
      maxAbs = Math.max(maxAbs, Math.abs(x[i]));
    }
    System.out.printf(
        "train → export → sample vs DJL Heun: max abs difference %.3g of max|x| %.3g%n",
        maxErr, maxAbs);
    assertTrue(maxErr <= 1e-5 * maxAbs, maxErr + " of " + maxAbs);
  }

  @Test
  void defaultOutputIsInTheRunFolder() {
    CliRun o = run("export", "--run", run.toString());
    assertEquals(0, o.code(), o.err());
    assertTrue(Files.isRegularFile(run.resolve("model-fp32.onnx")));
  }

  @Test
  void unknownPrecisionIsAUsageError() {
    CliRun o = run("export", "--run", run.toString(), "--precision", "bf16");
    assertEquals(2, o.code());
    assertEquals(
        "flowmatch export: --precision: unknown precision 'bf16', expected one of fp32, fp16, fp16-io, int8",
        o.err().lines().findFirst().orElse(""));
  }

  @Test
  void runFolderWithoutWeightsIsAUsageError() throws Exception {
    Path empty = runs.resolve("no-weights");
    Files.createDirectories(empty);
    Files.copy(run.resolve("config.json"), empty.resolve("config.json"));
    CliRun o = run("export", "--run", empty.toString());
    assertEquals(2, o.code());
    String line = o.err().lines().findFirst().orElse("");
    assertTrue(line.startsWith("flowmatch export: " + empty + " has no checkpoint yet"), line);
    assertEquals(List.of("config.json"), list(empty));
  }

  @Test
  void missingRunFolderIsAUsageError() {
    CliRun o = run("export", "--run", runs.resolve("nowhere").toString());
    assertEquals(2, o.code());
    assertEquals(
        "flowmatch export: --run " + runs.resolve("nowhere") + " is not a folder",
        o.err().lines().findFirst().orElse(""));
  }

  @Test
  void unwritableOutputFailsAndLeavesNothing() throws Exception {
    Path blocker = Files.writeString(runs.resolve("a-file"), "x");
    Path out = blocker.resolve("m.onnx");
    CliRun o = run("export", "--run", run.toString(), "--out", out.toString());
    assertEquals(1, o.code());
    String line = o.err().lines().findFirst().orElse("");
    assertEquals(
        "flowmatch export: cannot write " + out + ": " + blocker + " exists and is not a folder",
        line);
    assertEquals(1, o.err().lines().count(), o.err());
    assertFalse(Files.exists(out));
  }

  private static List<String> list(Path folder) throws Exception {
    try (Stream<Path> s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /**
   * Opset 17 by default with one opset import; --opset picks another; one the graph cannot hold is
   * refused.
   */
  @Test
  void exportsAtTheChosenOpset() throws Exception {
    Path p17 = runs.resolve("opset/default.onnx");
    CliRun o = run("export", "--run", run.toString(), "--out", p17.toString());
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().contains("opset 17"), o.out());
    ai.onnx.proto.OnnxMl.ModelProto m =
        ai.onnx.proto.OnnxMl.ModelProto.parseFrom(Files.readAllBytes(p17));
    assertEquals(1, m.getOpsetImportCount(), "no unused com.microsoft import");
    assertEquals(17, m.getOpsetImport(0).getVersion());
    assertEquals(8, m.getIrVersion());

    Path p21 = runs.resolve("opset/21.onnx");
    o = run("export", "--run", run.toString(), "--opset", "21", "--out", p21.toString());
    assertEquals(0, o.code(), o.err());
    m = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(Files.readAllBytes(p21));
    assertEquals(21, m.getOpsetImport(0).getVersion());
    assertEquals(10, m.getIrVersion());

    // int8 quantises the rewritten graph: the same opset
    Path q = runs.resolve("opset/int8.onnx");
    o = run("export", "--run", run.toString(), "--precision", "int8", "--out", q.toString());
    assertEquals(0, o.code(), o.err());
    m = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(Files.readAllBytes(q));
    assertEquals(17, m.getOpsetImport(0).getVersion());

    for (String bad : new String[] {"5", "22"}) {
      Path refused = runs.resolve("opset/" + bad + ".onnx");
      o = run("export", "--run", run.toString(), "--opset", bad, "--out", refused.toString());
      assertEquals(2, o.code(), o.err());
      assertEquals(1, o.err().lines().count(), o.err());
      assertTrue(
          o.err()
              .startsWith(
                  "flowmatch export: --opset " + bad + " cannot hold this graph: it needs opset "),
          o.err());
      assertFalse(Files.exists(refused), "nothing written");
    }
  }
}
