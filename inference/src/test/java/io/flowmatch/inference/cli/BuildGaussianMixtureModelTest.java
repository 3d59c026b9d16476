package io.flowmatch.inference.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.analytic.GaussianMixtureGraph;
import io.flowmatch.inference.field.FieldOptions;
import io.flowmatch.inference.field.GaussianMixture;
import io.flowmatch.inference.field.ModelMetadata;
import io.flowmatch.inference.field.OnnxVelocityField;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default-model builder through its real entry point, and the shipped models it made. */
class BuildGaussianMixtureModelTest {
  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return BuildGaussianMixtureModel.run(
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        args);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void writesTheFp32AndFp16Models() throws Exception {
    Path fp32 = dir.resolve("gmm8.onnx");
    Path fp16 = dir.resolve("gmm8-fp16.onnx");
    assertEquals(0, run(fp32.toString()));
    assertEquals(0, run(fp16.toString(), "--fp16"));
    assertEquals("", err());
    assertTrue(
        out.toString(StandardCharsets.UTF_8)
            .startsWith(
                "wrote " + fp32 + ": 8 Gaussians of std 0.5 on a circle of radius 4, float32, "));
    for (Path p : new Path[] {fp32, fp16}) {
      boolean half = p == fp16;
      try (OnnxVelocityField f = OnnxVelocityField.open(p, FieldOptions.defaults())) {
        assertEquals(half ? "float16" : "float32", f.inputType());
        assertArrayEquals(new int[] {2}, f.sampleShape());
        Map<String, String> m = f.metadata();
        assertEquals("2", m.get(ModelMetadata.DATA_SHAPE));
        assertEquals("-5.5,5.5", m.get(ModelMetadata.DATA_RANGE));
        assertEquals("condot", m.get(ModelMetadata.PATH));
        assertEquals("sigma_min=0", m.get(ModelMetadata.PATH_PARAMS));
        assertEquals("0", m.get(ModelMetadata.SIGMA_MIN));
        assertEquals("analytic-gmm", m.get(ModelMetadata.ARCHITECTURE));
        assertEquals("gmm8", m.get(ModelMetadata.DATASET));
        assertEquals(half ? "fp16" : "fp32", m.get(ModelMetadata.PRECISION));
        assertEquals("t=0 noise, t=1 data", m.get(ModelMetadata.TIME_CONVENTION));
        // at t = 1 on the mean of component 2, (0, 4), the velocity is the point itself
        float[] v = new float[2];
        f.evaluate(new float[] {0f, 4f}, new float[] {1f}, 1, v);
        assertEquals(0f, v[0], 2e-3f);
        assertEquals(4f, v[1], 2e-3f);
      }
    }
    try (var files = Files.list(dir)) {
      assertEquals(2, files.count(), "no temporary files left");
    }
  }

  @Test
  void otherMixturesByOption() {
    Path p = dir.resolve("gmm3.onnx");
    assertEquals(0, run(p.toString(), "--components", "3", "--radius", "2", "--std", "0.25"));
    try (OnnxVelocityField f = OnnxVelocityField.open(p, FieldOptions.defaults())) {
      assertEquals("gmm3", f.metadata().get(ModelMetadata.DATASET));
      assertEquals("-2.75,2.75", f.metadata().get(ModelMetadata.DATA_RANGE));
    }
  }

  @Test
  void badArgumentsGiveOneLineAndExitTwo() {
    String[][] cases = {
      {"--components", "0", "x.onnx"},
      {"--std", "0", "x.onnx"},
      {"--radius", "-1", "x.onnx"},
      {},
      {"--components", "many", "x.onnx"},
    };
    String[] expected = {
      "build-gmm-model: --components must be a positive integer, got 0",
      "build-gmm-model: --std must be a finite number > 0, got 0.0",
      "build-gmm-model: --radius must be a finite number >= 0, got -1.0",
      "build-gmm-model: missing required parameter: 'OUTPUT' (try 'build-gmm-model --help')",
      "build-gmm-model: invalid value for option '--components': 'many' is not an int (try 'build-gmm-model --help')",
    };
    for (int i = 0; i < cases.length; i++) {
      err.reset();
      String[] args = cases[i].clone();
      for (int j = 0; j < args.length; j++) {
        if (args[j].equals("x.onnx")) {
          args[j] = dir.resolve("x.onnx").toString();
        }
      }
      assertEquals(2, run(args), String.join(" ", args));
      assertEquals(expected[i], err().lines().findFirst().orElse(""), String.join(" ", args));
      assertFalse(err().contains("at io.flowmatch"), "no stack trace");
    }
    assertFalse(Files.exists(dir.resolve("x.onnx")));
  }

  @Test
  void directoryAsOutputIsAUsageError() {
    assertEquals(2, run(dir.toString()));
    assertEquals(
        "build-gmm-model: output " + dir + " is a directory, expected an .onnx file path",
        err().strip());
  }

  @Test
  void unwritableOutputIsAFailure() throws Exception {
    Path file = Files.writeString(dir.resolve("plain.txt"), "x");
    Path target = file.resolve("gmm8.onnx");
    assertEquals(1, run(target.toString()));
    assertTrue(err().startsWith("build-gmm-model: cannot write " + target + ": "), err());
    assertEquals(1, err().lines().count(), err());
  }

  /** models/gmm8*.onnx are exactly what the builder makes today (rebuild them if this fails). */
  @Test
  void shippedModelsAreUpToDate() throws Exception {
    Path models = Path.of("..", "models");
    GaussianMixture gmm = GaussianMixture.circle(8, 4, 0.5);
    assertArrayEquals(
        GaussianMixtureGraph.toBytes(gmm, false, "gmm8"),
        Files.readAllBytes(models.resolve("gmm8.onnx")),
        "models/gmm8.onnx differs from the builder's output");
    assertArrayEquals(
        GaussianMixtureGraph.toBytes(gmm, true, "gmm8"),
        Files.readAllBytes(models.resolve("gmm8-fp16.onnx")),
        "models/gmm8-fp16.onnx differs from the builder's output");
  }

  /**
   * The shipped files declare opset 17 / IR 8 with no com.microsoft import, and give exactly the
   * velocities of the opset-21 graph they were written from (ONNX Runtime, 64 Gaussian points at t
   * = 0, 0.25, ..., 1).
   */
  @Test
  void shippedModelsArePortableAndEqualTheOpset21Graph() throws Exception {
    GaussianMixture gmm = GaussianMixture.circle(8, 4, 0.5);
    for (boolean half : new boolean[] {false, true}) {
      Path shipped = Path.of("..", "models", half ? "gmm8-fp16.onnx" : "gmm8.onnx");
      ai.onnx.proto.OnnxMl.ModelProto m =
          ai.onnx.proto.OnnxMl.ModelProto.parseFrom(Files.readAllBytes(shipped));
      assertEquals(8, m.getIrVersion(), shipped.toString());
      assertEquals(1, m.getOpsetImportCount(), shipped + ": only the default domain");
      assertEquals(17, m.getOpsetImport(0).getVersion(), shipped.toString());
      Path opset21 = dir.resolve(half ? "gmm8-21-fp16.onnx" : "gmm8-21.onnx");
      Files.write(opset21, GaussianMixtureGraph.build(gmm, half, "gmm8").toBytes());
      assertEquals(0.0, OpsetCommand.maxVelocityDifference(opset21, shipped), shipped.toString());
    }
  }
}
