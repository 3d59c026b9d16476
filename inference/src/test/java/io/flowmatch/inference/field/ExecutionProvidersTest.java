package io.flowmatch.inference.field;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import io.flowmatch.inference.error.FlowmatchException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GPU providers on a machine without a usable GPU: one warning and CPU, or a failure with strict.
 * These run where CUDA cannot load (CI and the CPU-only ONNX Runtime jar); on a CUDA machine they
 * are skipped.
 */
class ExecutionProvidersTest {
  @TempDir Path dir;
  Path model;
  final List<String> warnings = new ArrayList<>();

  @BeforeEach
  void build() {
    model = TestModels.gmm(GaussianMixture.circle(8, 4, 0.5), false, dir, "gmm8.onnx");
  }

  static boolean cudaUsable() {
    // The CPU jar does not list CUDA; the GPU jar lists it even where it cannot load, so also
    // require a device node.
    return OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)
        && Files.exists(Path.of("/dev/nvidia0"));
  }

  private float[] velocityAt(OnnxVelocityField f) {
    float[] v = new float[4];
    f.evaluate(new float[] {1, 2, -3, 0.5f}, new float[] {0.25f, 0.75f}, 2, v);
    return v;
  }

  @Test
  void cpuNeedsNoFallback() {
    try (OnnxVelocityField f =
        OnnxVelocityField.open(model, FieldOptions.defaults().withWarnings(warnings::add))) {
      assertEquals("cpu", f.providerUsed());
    }
    assertEquals(List.of(), warnings);
  }

  @Test
  void cudaFallsBackToCpuWithOneWarning() {
    assumeFalse(cudaUsable());
    float[] expected;
    try (OnnxVelocityField cpu = OnnxVelocityField.open(model, FieldOptions.defaults())) {
      expected = velocityAt(cpu);
    }
    try (OnnxVelocityField f =
        OnnxVelocityField.open(
            model, FieldOptions.defaults().withProvider("cuda").withWarnings(warnings::add))) {
      assertEquals("cpu", f.providerUsed());
      assertTrue(java.util.Arrays.equals(expected, velocityAt(f)));
    }
    assertEquals(1, warnings.size(), warnings.toString());
    String w = warnings.get(0);
    // the CLI adds "warning: "; the library's line must not say it twice
    assertTrue(w.startsWith("provider cuda is not available ("), w);
    assertTrue(w.endsWith("); running on cpu" + ExecutionProviders.GPU_BUILD_HINT), w);
    assertTrue(w.contains("FLOWMATCH_GPU=1 ./flowmatch"), w);
    assertEquals(1, w.lines().count());
  }

  @Test
  void tensorrtFallsBackToCpuWithOneWarning() {
    assumeFalse(cudaUsable());
    try (OnnxVelocityField f =
        OnnxVelocityField.open(
            model, FieldOptions.defaults().withProvider("tensorrt").withWarnings(warnings::add))) {
      assertEquals("cpu", f.providerUsed());
    }
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).startsWith("provider tensorrt is not available ("));
    assertTrue(warnings.get(0).endsWith("); running on cpu" + ExecutionProviders.GPU_BUILD_HINT));
  }

  @Test
  void strictCudaFails() {
    assumeFalse(cudaUsable());
    FlowmatchException e =
        assertThrows(
            FlowmatchException.class,
            () ->
                OnnxVelocityField.open(
                    model,
                    FieldOptions.defaults()
                        .withProvider("cuda")
                        .withStrict(true)
                        .withWarnings(warnings::add)));
    assertFalse(e.kind().isUsage(), e.kind().toString());
    assertTrue(e.getMessage().startsWith("provider cuda is not available: "), e.getMessage());
    assertTrue(e.getMessage().endsWith(" (without --strict it falls back to cpu)"), e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
    assertEquals(List.of(), warnings);
  }

  @Test
  void strictTensorrtFails() {
    assumeFalse(cudaUsable());
    FlowmatchException e =
        assertThrows(
            FlowmatchException.class,
            () ->
                OnnxVelocityField.open(
                    model, FieldOptions.defaults().withProvider("tensorrt").withStrict(true)));
    assertFalse(e.kind().isUsage(), e.kind().toString());
    assertTrue(e.getMessage().startsWith("provider tensorrt is not available: "), e.getMessage());
  }

  @Test
  void fallbackStillReportsABadFileAsABadFile() throws Exception {
    assumeFalse(cudaUsable());
    Path corrupt = dir.resolve("corrupt.onnx");
    Files.writeString(corrupt, "garbage");
    FlowmatchException e =
        assertThrows(
            FlowmatchException.class,
            () ->
                OnnxVelocityField.open(
                    corrupt,
                    FieldOptions.defaults().withProvider("cuda").withWarnings(warnings::add)));
    assertFalse(e.kind().isUsage(), e.kind().toString());
    assertEquals(
        "model " + corrupt + " is not a valid ONNX model: protobuf parsing failed", e.getMessage());
  }

  @Test
  void ortSourceLocationsAndSignaturesAreDropped() {
    assertEquals(
        "ModelProto does not have a graph",
        ExecutionProviders.withoutSourceLocation(
            "/onnxruntime_src/onnxruntime/core/graph/model.cc:177 onnxruntime::Model::Model("
                + "onnx::ModelProto&&, const onnxruntime::PathString&, const"
                + " onnxruntime::logging::Logger&) ModelProto does not have a graph"));
    assertEquals(
        "exception during initialization: [ONNXRuntimeError] : 1 : FAIL : bad",
        ExecutionProviders.withoutSourceLocation(
            "exception during initialization: /onnxruntime_src/a/b.cc:74 ns::F::F(const"
                + " std::vector<const ns::Node*>&, std::function<bool(int)>&) [ONNXRuntimeError] :"
                + " 1 : FAIL : bad"));
    assertEquals(
        "protobuf parsing failed",
        ExecutionProviders.withoutSourceLocation("protobuf parsing failed"));
  }
}
