package io.flowmatch.training.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.flowmatch.training.TestEngine;
import io.flowmatch.training.arch.Architectures;
import io.flowmatch.training.arch.mlp.MlpSpec;
import io.flowmatch.training.data.StepRandom;
import io.flowmatch.training.data.ToyDatasets;
import io.flowmatch.training.data.TrainingData;
import io.flowmatch.training.model.FlowModels;
import io.flowmatch.training.path.AffinePath;
import io.flowmatch.training.path.Paths;
import io.flowmatch.training.precision.MixedPrecisionModel;
import io.flowmatch.training.precision.Precision;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Float16 training with loss scaling against float32 (kept tiny: fp16 matmul is slow on this CPU).
 */
class MixedPrecisionTrainingTest {
  private static final MlpSpec SPEC = new MlpSpec(64, 2, 32);
  private static final int[] SHAPE = {2};

  @TempDir Path tmp;

  @BeforeAll
  static void engine() {
    TestEngine.oneThread();
  }

  @Test
  void oneStepsFp16GradientsAgreeWithFp32ToHalfPrecision() {
    int n = 256;
    Shape[] shapes = FlowModels.inputShapes(n, SHAPE);
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(3);
      Block b32 = Architectures.newBlock(SPEC, SHAPE);
      b32.initialize(m, DataType.FLOAT32, shapes);
      Block b16master = Architectures.newBlock(SPEC, SHAPE);
      b16master.initialize(m, DataType.FLOAT32, shapes);
      for (int i = 0; i < b32.getParameters().size(); i++) {
        b16master
            .getParameters()
            .valueAt(i)
            .getArray()
            .set(b32.getParameters().valueAt(i).getArray().toByteBuffer());
      }
      MixedPrecisionModel fp32 = new MixedPrecisionModel(Precision.FP32, b32, null, m, shapes);
      MixedPrecisionModel fp16 =
          new MixedPrecisionModel(
              Precision.FP16, b16master, () -> Architectures.newBlock(SPEC, SHAPE), m, shapes);

      TrainingData data = ToyDatasets.generate("moons", n, 1);
      NDArray x1 = m.create(data.gather(ToyRuns.range(n)), shapes[0]);
      NDArray x0 = m.create(StepRandom.gaussians(StepRandom.of(1, 1, 1), 2 * n), shapes[0]);
      float[] t = new float[n];
      for (int i = 0; i < n; i++) {
        t[i] = (i + 0.5f) / n;
      }
      AffinePath.PathSample ps = Paths.create("condot", null).sample(x0, x1, t);
      NDArray times = m.create(t);
      ParameterStore store = new ParameterStore(m, false);

      float loss32 = FlowMatchingLoss.backward(fp32, store, ps.xt(), times, ps.target(), 1);
      MixedPrecisionModel.Gradients g32 = fp32.unscaledGradients(m, 1);
      float loss16 = FlowMatchingLoss.backward(fp16, store, ps.xt(), times, ps.target(), 4096);
      MixedPrecisionModel.Gradients g16 = fp16.unscaledGradients(m, 4096);

      assertTrue(g16.finite());
      assertEquals(loss32, loss16, 2e-3 * loss32, "loss");
      double worst = 0;
      for (int i = 0; i < g32.arrays().size(); i++) {
        NDArray a = g32.arrays().get(i);
        NDArray b = g16.arrays().get(i);
        double rel = a.sub(b).norm().getFloat() / a.norm().getFloat();
        worst = Math.max(worst, rel);
      }
      // float16 keeps 11 significant bits (unit roundoff 4.9e-4); measured worst 8.5e-4 here
      System.out.println(
          "fp16 vs fp32 gradients: worst relative error "
              + worst
              + ", losses "
              + loss32
              + " "
              + loss16);
      assertTrue(worst < 4e-3, "worst relative gradient error " + worst);
      assertEquals(g32.norm(), g16.norm(), 5e-3 * g32.norm());
    }
  }

  @Test
  void anOverflowingStepIsSkippedAndLowersTheScale() throws Exception {
    TrainConfig cfg =
        withScale(ToyRuns.config("moons", "fp16-always", 16, 1, 1, 64, 1e-2), 1e30, 1000);
    RunFolder run = RunFolder.create(tmp.resolve("overflow"), cfg, false);
    try (NDManager m = NDManager.newBaseManager();
        FlowTrainer trainer =
            new FlowTrainer(run, ToyDatasets.generate("moons", 1000, 1), m, quiet())) {
      trainer.quiet();
      List<float[]> before = copy(trainer.model().masterArrays());
      FlowTrainer.Result r = trainer.train();
      assertEquals(1, r.steps());
      assertEquals(1, r.skippedSteps());
      assertEquals(5e29, trainer.scaler().scale(), 1e16);
      List<float[]> after = copy(trainer.model().masterArrays());
      for (int i = 0; i < before.size(); i++) {
        assertArrayEquals(
            before.get(i), after.get(i), 0f, "weights must not move on a skipped step");
      }
      TrainState s = run.state();
      assertEquals(0, s.updates());
      assertEquals(1, s.skippedSteps());
      List<String> log = java.nio.file.Files.readAllLines(run.log());
      String[] row = log.get(1).split(",");
      assertEquals("1", row[0]);
      assertEquals(1e30, Double.parseDouble(row[3]), 1e17); // the scale the skipped step used
      assertEquals("1", row[5]); // skipped
    }
  }

  @Test
  void aTooLargeScaleIsHalvedUntilStepsGoThrough() throws Exception {
    TrainConfig cfg =
        withScale(
            ToyRuns.config("moons", "fp16-always", 16, 1, 24, 64, 1e-2), Math.pow(2, 28), 1000);
    RunFolder run = RunFolder.create(tmp.resolve("recover"), cfg, false);
    try (NDManager m = NDManager.newBaseManager();
        FlowTrainer trainer =
            new FlowTrainer(run, ToyDatasets.generate("moons", 1000, 1), m, quiet())) {
      trainer.quiet();
      FlowTrainer.Result r = trainer.train();
      TrainState s = run.state();
      System.out.println(
          "scale 2^28: skipped " + r.skippedSteps() + " of 24, final scale " + s.lossScale());
      assertTrue(r.skippedSteps() >= 1, "2^28 must overflow float16 gradients");
      assertTrue(s.updates() >= 1, "the halved scale must let steps through");
      assertEquals(24, s.updates() + s.skippedSteps());
      assertEquals(Math.pow(2, 28 - r.skippedSteps()), s.lossScale(), 0);
      assertTrue(Double.isFinite(r.lastLoss()));
    }
  }

  static TrainConfig withScale(TrainConfig c, double scale, int window) {
    return c.toBuilder().optLossScale(scale).optLossScaleWindow(window).build();
  }

  static PrintWriter quiet() {
    return new PrintWriter(new StringWriter());
  }

  static List<float[]> copy(List<NDArray> arrays) {
    List<float[]> out = new ArrayList<>();
    for (NDArray a : arrays) {
      out.add(a.toFloatArray());
    }
    return out;
  }
}
