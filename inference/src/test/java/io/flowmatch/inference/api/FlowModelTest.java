package io.flowmatch.inference.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.cli.InferenceMain;
import io.flowmatch.inference.error.ErrorKind;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.io.Npy;
import io.flowmatch.inference.io.NpyArray;
import io.flowmatch.inference.sampling.ArrayNoise;
import io.flowmatch.inference.sampling.SampleReport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java API gives exactly what the command line gives for the same settings, and its
 * encode/decode/interpolate return what they promise.
 */
class FlowModelTest {
  static final Path GMM8 = Path.of("..", "models", "gmm8.onnx");
  static final Path DIT = Path.of("..", "models", "fashion-mnist-dit.onnx");

  @TempDir Path dir;

  static float[] cliSamples(Path npy, String... args) throws IOException {
    List<String> all = new ArrayList<>(List.of("sample", "--quiet", "--save-npy", npy.toString()));
    all.addAll(List.of(args));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o =
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = InferenceMain.run(o, e, all.toArray(new String[0]));
    }
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    NpyArray a = Npy.read(npy);
    return a.data();
  }

  @Test
  void streamedEncodingAndDecodingEqualTheInMemoryOnes() throws IOException {
    try (FlowModel model = FlowModel.open(GMM8)) {
      float[] data = model.sampler().seed(3).sample(10).samples();
      float[] codes = model.sampler().encode(data).samples();
      float[] streamed = new float[codes.length];
      SampleReport r =
          model
              .sampler()
              .batch(4)
              .encode(
                  new ArrayNoise(data),
                  10,
                  (first, m, x) -> System.arraycopy(x, 0, streamed, (int) first * 2, m * 2));
      assertArrayEquals(codes, streamed);
      assertEquals(10, r.samples());
      float[] decoded = new float[codes.length];
      model
          .sampler()
          .batch(3)
          .decode(
              new ArrayNoise(codes),
              10,
              (first, m, x) -> System.arraycopy(x, 0, decoded, (int) first * 2, m * 2));
      assertArrayEquals(model.sampler().decode(codes).samples(), decoded);
    }
  }

  @Test
  void theIntegratorHookSeesEveryRunAndUnknownDeviceNamesAreRefused() {
    try (FlowModel model = FlowModel.open(GMM8)) {
      int[] runs = {0};
      float[] wrapped =
          model
              .sampler()
              .seed(1)
              .integrator(
                  plain -> {
                    runs[0]++;
                    return plain;
                  })
              .sample(5)
              .samples();
      assertEquals(1, runs[0]);
      assertArrayEquals(model.sampler().seed(1).sample(5).samples(), wrapped);
    }
    FlowmatchException e =
        assertThrows(FlowmatchException.class, () -> Device.Provider.parse("rocm"));
    assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
    assertEquals("unknown provider 'rocm', expected one of: cpu, cuda, tensorrt", e.getMessage());
    assertEquals(Device.Optimization.BASIC, Device.Optimization.parse("basic"));
  }

  @Test
  void samplesAreBitIdenticalToTheCommandLine() throws IOException {
    float[] cli =
        cliSamples(
            dir.resolve("heun.npy"),
            "--model",
            GMM8.toString(),
            "--n",
            "300",
            "--seed",
            "3",
            "--solver",
            "heun",
            "--steps",
            "8",
            "--batch",
            "128",
            "--threads",
            "1");
    try (FlowModel model = FlowModel.open(GMM8, Device.cpu().threads(1))) {
      SampleResult r = model.sampler().solver(Solver.heun(8)).seed(3).batch(128).sample(300);
      assertArrayEquals(cli, r.samples());
      assertEquals(300, r.count());
      assertEquals(16.0, r.report().meanNfe());
      // a fixed-step solve does not depend on the batch size: the noise is per sample
      assertArrayEquals(
          cli, model.sampler().solver(Solver.heun(8)).seed(3).batch(7).sample(300).samples());
    }
  }

  @Test
  void adaptiveAndGridSolversMatchTheCommandLine() throws IOException {
    float[] dopri =
        cliSamples(
            dir.resolve("dopri.npy"),
            "--model",
            GMM8.toString(),
            "--n",
            "200",
            "--seed",
            "5",
            "--solver",
            "dopri5",
            "--rtol",
            "1e-4",
            "--atol",
            "1e-4",
            "--batch",
            "64");
    float[] edm =
        cliSamples(
            dir.resolve("edm.npy"),
            "--model",
            GMM8.toString(),
            "--n",
            "50",
            "--seed",
            "9",
            "--solver",
            "rk4",
            "--steps",
            "5",
            "--grid",
            "edm");
    try (FlowModel model = FlowModel.open(GMM8)) {
      assertArrayEquals(
          dopri,
          model
              .sampler()
              .solver(Solver.dopri5(1e-4, 1e-4))
              .seed(5)
              .batch(64)
              .sample(200)
              .samples());
      assertArrayEquals(
          edm,
          model.sampler().solver(Solver.rk4(5).grid(Solver.Grid.EDM)).seed(9).sample(50).samples());
    }
  }

  @Test
  void imageModelSamplesMatchTheCommandLine() throws IOException {
    float[] cli =
        cliSamples(
            dir.resolve("dit.npy"),
            "--model",
            DIT.toString(),
            "--n",
            "6",
            "--seed",
            "1",
            "--solver",
            "euler",
            "--steps",
            "3",
            "--threads",
            "2");
    try (FlowModel model = FlowModel.open(DIT, Device.cpu().threads(2))) {
      assertArrayEquals(new int[] {1, 28, 28}, model.sampleShape());
      assertArrayEquals(cli, model.sampler().solver(Solver.euler(3)).seed(1).sample(6).samples());
    }
  }

  @Test
  void streamGivesTheSameSamplesBatchByBatch() throws IOException {
    try (FlowModel model = FlowModel.open(GMM8)) {
      float[] whole = model.sampler().seed(11).sample(100).samples();
      float[] streamed = new float[whole.length];
      List<Long> firsts = new ArrayList<>();
      SampleReport report =
          model.sampler().seed(11).batch(32).stream(
              100,
              (first, n, x) -> {
                firsts.add(first);
                System.arraycopy(x, 0, streamed, (int) first * 2, n * 2);
              });
      assertArrayEquals(whole, streamed);
      assertEquals(List.of(0L, 32L, 64L, 96L), firsts);
      assertEquals(100, report.samples());
    }
  }

  @Test
  void encodeThenDecodeReturnsTheDataAndInterpolationEndsAtBothPoints() {
    try (FlowModel model = FlowModel.open(GMM8)) {
      float[] data = model.sampler().solver(Solver.rk4(20)).seed(4).sample(20).samples();
      FlowSampler s = model.sampler().solver(Solver.rk4(40));
      float[] codes = s.encode(data).samples();
      float[] back = s.decode(codes).samples();
      double worst = 0;
      for (int i = 0; i < data.length; i++) {
        worst = Math.max(worst, Math.abs(back[i] - data[i]));
      }
      assertTrue(worst < 1e-2, "round trip error " + worst);
      float[] a = {4f, 0f};
      float[] b = {0f, 4f};
      SampleResult frames = s.interpolate(a, b, 5, FlowSampler.Path.SLERP);
      assertEquals(5, frames.count());
      assertArrayEquals(a, frames.sample(0), 1e-2f);
      assertArrayEquals(b, frames.sample(4), 1e-2f);
    }
  }

  @Test
  void settingsAreCheckedWhereTheyAreBuilt() {
    FlowmatchException steps = assertThrows(FlowmatchException.class, () -> Solver.heun(0));
    assertEquals(ErrorKind.INVALID_ARGUMENT, steps.kind());
    assertEquals("--steps must be a positive integer, got 0", steps.getMessage());
    assertThrows(FlowmatchException.class, () -> Solver.dopri5(-1, 1e-5));
    assertThrows(FlowmatchException.class, () -> Solver.dopri5(1e-5, 1e-5).grid(Solver.Grid.EDM));
    assertThrows(FlowmatchException.class, () -> Device.cpu().threads(-1));
    assertEquals("heun (20 steps)", Solver.heun(20).describe());
    assertEquals(
        "euler (4 steps, quadratic grid)", Solver.euler(4).grid(Solver.Grid.QUADRATIC).describe());
    assertEquals("dopri5 (rtol 1e-05, atol 1e-05)", Solver.dopri5(1e-5, 1e-5).describe());
    try (FlowModel model = FlowModel.open(GMM8)) {
      FlowmatchException batch =
          assertThrows(FlowmatchException.class, () -> model.sampler().batch(0));
      assertEquals("batch must be a positive integer, got 0", batch.getMessage());
      assertThrows(FlowmatchException.class, () -> model.sampler().encode(new float[3]));
    }
    FlowmatchException missing =
        assertThrows(FlowmatchException.class, () -> FlowModel.open(Path.of("no-such.onnx")));
    assertEquals(ErrorKind.INVALID_ARGUMENT, missing.kind());
  }
}
