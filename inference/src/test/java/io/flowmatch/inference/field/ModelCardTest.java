package io.flowmatch.inference.field;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ModelCard reads every shipped model, writes back the same keys, and keeps values as numbers. */
class ModelCardTest {
  static Map<String, String> shipped(String name) {
    try (OnnxVelocityField f =
        OnnxVelocityField.open(Path.of("..", "models", name), FieldOptions.defaults())) {
      return f.metadata();
    }
  }

  @Test
  void shippedModelsReadWithoutProblemsAndWriteBackTheSameProps() {
    for (String name :
        List.of(
            "gmm8.onnx",
            "gmm8-fp16.onnx",
            "checkerboard-mlp.onnx",
            "fashion-mnist-dit.onnx",
            "fashion-mnist-dit-fp16.onnx")) {
      Map<String, String> props = shipped(name);
      assertEquals("t=0 noise, t=1 data", props.get(ModelMetadata.TIME_CONVENTION), name);
      ModelCard card = ModelCard.fromProps(props);
      assertEquals(List.of(), card.problems(), name);
      Map<String, String> written = card.toProps();
      // every shipped key comes back with its value (the legacy mixture adds its numeric keys)
      props.forEach((k, v) -> assertEquals(v, written.get(k), name + " " + k));
      assertEquals(card, ModelCard.fromProps(written), name);
    }
  }

  @Test
  void ditCardHasTypedValues() {
    ModelCard card = ModelCard.fromProps(shipped("fashion-mnist-dit.onnx"));
    assertArrayEquals(new int[] {1, 28, 28}, card.dataShape());
    assertEquals(new io.flowmatch.inference.plot.ValueRange(-1, 1), card.dataRange());
    assertEquals("fashion-mnist", card.dataset());
    assertEquals("dit", card.architecture());
    assertEquals("condot", card.path());
    assertTrue(card.steps() != null && card.steps() > 0);
  }

  @Test
  void theShippedMixtureIsReadAsNumbers() {
    ModelCard card = ModelCard.fromProps(shipped("gmm8.onnx"));
    assertTrue(card.isAnalyticMixture());
    GaussianMixture m = card.mixture();
    assertEquals(8, m.components());
    for (int k = 0; k < 8; k++) {
      assertEquals(0.125, m.weight(k), 1e-6);
      assertEquals(0.5, m.std(k), 1e-6);
      double[] mu = m.mean(k);
      assertEquals(4.0, Math.hypot(mu[0], mu[1]), 1e-5);
    }
    assertEquals(0.0, card.sigmaMin());
    assertEquals(Map.of("sigma_min", 0.0), card.pathParams());
  }

  @Test
  void builtCardsRoundTripThroughProps() {
    GaussianMixture mixture =
        new GaussianMixture(
            new double[][] {{1, 2}, {-3, 0.25}}, new double[] {0.5, 0.1}, new double[] {0.3, 0.7});
    Map<String, Double> params = new LinkedHashMap<>();
    params.put("beta_min", 0.1);
    params.put("beta_max", 20.0);
    ModelCard card =
        ModelCard.builder()
            .dataShape(2)
            .dataRange(-4.5, 4.5)
            .path("vp", params)
            .dataset("two-moons")
            .steps(1200L)
            .precision("fp16")
            .trainingPrecision("fp32")
            .ema(true, 0.999)
            .mixture(mixture)
            .architecture("mlp")
            .revision("abc123")
            .date("2026-11-30T15:00:00Z")
            .put("flowmatch.note", "x")
            .build();
    Map<String, String> props = card.toProps();
    assertEquals("-4.5,4.5", props.get(ModelMetadata.DATA_RANGE));
    assertEquals("beta_min=0.1,beta_max=20", props.get(ModelMetadata.PATH_PARAMS));
    assertEquals("1,2;-3,0.25", props.get(ModelCard.MIXTURE_MEANS));
    assertEquals("0.999", props.get(ModelCard.EMA_DECAY));
    ModelCard back = ModelCard.fromProps(props);
    assertEquals(card, back);
    assertEquals(0.7, back.mixture().weight(1));
    assertEquals(-3.0, back.mixture().mean(1)[0]);
    assertEquals("x", back.other().get("flowmatch.note"));
  }

  @Test
  void badValuesAreNamedNotFatal() {
    ModelCard card =
        ModelCard.fromProps(
            Map.of(ModelMetadata.DATA_RANGE, "1,-1", ModelMetadata.TRAINING_STEPS, "many"));
    assertNull(card.dataRange());
    assertNull(card.steps());
    assertEquals(2, card.problems().size());
    assertTrue(
        card.problems().stream().anyMatch(p -> p.contains("'1,-1'")), card.problems().toString());
    assertEquals("1,-1", card.toProps().get(ModelMetadata.DATA_RANGE)); // kept verbatim
  }
}
