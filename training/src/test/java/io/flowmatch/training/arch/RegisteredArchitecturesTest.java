package io.flowmatch.training.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.flowmatch.training.export.OnnxExporter;
import io.flowmatch.training.export.onnx.ExportPrecision;
import io.flowmatch.training.export.onnx.ExportResult;
import io.flowmatch.training.model.Blocks;
import io.flowmatch.training.model.FlowModels;
import io.flowmatch.training.model.ModelSpec;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every registered architecture must do, checked for each name in {@link Architectures} (so a
 * new architecture is tested by its registration line): its spec survives {@code config.json}, its
 * block has the parameters its architecture counts, and its ONNX graph passes the exporter's parity
 * check against the DJL forward with random weights.
 */
class RegisteredArchitecturesTest {
  /** Small enough for every registered architecture: 8×8 images, width 16, one block. */
  private static final int[] SHAPE = {1, 8, 8};

  @BeforeAll
  static void engine() {
    Engine.getInstance();
  }

  static Iterable<String> names() {
    return Architectures.names();
  }

  private static ModelSpec small(String name) {
    return Architectures.defaults(name).withSize(16, 1, 16);
  }

  @ParameterizedTest
  @MethodSource("names")
  void specSurvivesConfigJson(String name) {
    Gson gson =
        new GsonBuilder()
            .registerTypeHierarchyAdapter(ModelSpec.class, new ModelSpecJson())
            .create();
    ModelSpec spec = small(name);
    String json = gson.toJson(spec, ModelSpec.class);
    assertTrue(json.startsWith("{\"type\":\"" + name + "\""), json);
    assertEquals(spec, gson.fromJson(json, ModelSpec.class));
  }

  @ParameterizedTest
  @MethodSource("names")
  void exportsWithinParityOfTheDjlForward(String name, @TempDir Path dir) {
    ModelSpec spec = small(name);
    Block block = Architectures.newBlock(spec, SHAPE);
    try (NDManager m = NDManager.newBaseManager()) {
      block.initialize(m, DataType.FLOAT32, FlowModels.inputShapes(2, SHAPE));
      assertEquals(Architectures.parameterCount(spec, SHAPE), FlowModels.parameterCount(block));
      // random weights everywhere: a zero-initialised output layer would make parity trivial
      Blocks.randomize(block, 7, 1.0);
      ExportResult r =
          OnnxExporter.export(
              block, spec, SHAPE, Map.of(), ExportPrecision.FP32, dir.resolve(name + ".onnx"));
      assertTrue(r.parity().passed(), r.describe());
      assertTrue(r.parity().maxAbsReference() > 0, "the forward is not all zeros: " + r.describe());
    }
  }
}
