package io.flowmatch.training.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.error.ErrorKind;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.training.arch.dit.DitSpec;
import io.flowmatch.training.arch.mlp.MlpSpec;
import io.flowmatch.training.arch.unet.UNetSpec;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainConfigTest {
  /** A config.json saved before architectures had their own spec records (every field of all). */
  private static String savedDitConfig() throws Exception {
    try (InputStream in = TrainConfigTest.class.getResourceAsStream("config-v1-dit.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void aConfigSavedInTheFlatFormatStillLoads() throws Exception {
    TrainConfig c = TrainConfig.fromJson(savedDitConfig());
    assertEquals(new DitSpec(128, 6, 128, 4, 4), c.model());
    assertEquals("fashion-mnist", c.dataset());
    assertArrayEquals(new int[] {1, 28, 28}, c.sampleShape());
    assertEquals(40000, c.steps());
    assertEquals(64, c.batch());
    assertEquals(4e-4, c.lr());
    assertEquals("logit-normal", c.timeSampling());
    assertEquals(Map.of("sigma_min", 0.0), c.pathParams());
    // written again, it reads back the same and carries only the DiT's own fields
    String json = c.toJson();
    assertEquals(c.model(), TrainConfig.fromJson(json).model());
    assertTrue(json.contains("\"type\": \"dit\""), json);
    assertTrue(json.contains("\"patchSize\": 4"), json);
    assertFalse(json.contains("channelMults"), json);
  }

  @Test
  void everyArchitectureRoundTripsThroughJson() {
    for (var spec :
        new io.flowmatch.training.model.ModelSpec[] {
          MlpSpec.DEFAULTS, UNetSpec.DEFAULTS, DitSpec.DEFAULTS
        }) {
      TrainConfig c =
          TrainConfig.builder().setDataset("fashion-mnist").setModel(spec).setSteps(10).build();
      assertEquals(spec, TrainConfig.fromJson(c.toJson()).model());
    }
  }

  @Test
  void builderFillsTheDocumentedDefaults() {
    TrainConfig c =
        TrainConfig.builder().setDataset("moons").setModel(MlpSpec.DEFAULTS).setSteps(1000).build();
    assertArrayEquals(new int[] {2}, c.sampleShape());
    assertEquals("condot", c.path());
    assertEquals(Map.of("sigma_min", 0.0), c.pathParams());
    assertEquals("fp32", c.precision());
    assertEquals(256, c.batch());
    assertEquals(1e-3, c.lr());
    assertEquals(100, c.warmup()); // min(200, steps / 10)
    assertEquals("constant", c.schedule());
    assertEquals(0.999, c.emaDecay());
    assertEquals(1.0, c.clipNorm());
    assertEquals("uniform", c.timeSampling());
    assertEquals(500, c.checkpointEvery());
    assertEquals(65536, c.lossScale());
    assertEquals(c.toJson(), c.toBuilder().build().withIntervals(500, 500).toJson());
    assertEquals(2000, c.withSteps(2000).steps());
  }

  @Test
  void buildValidatesOnceWithOneLineUsageErrors() {
    assertUsage(
        "--steps is required for a new run",
        TrainConfig.builder().setDataset("moons").setModel(MlpSpec.DEFAULTS));
    assertUsage(
        "unknown data set 'cifar' (--data), expected one of ",
        TrainConfig.builder().setDataset("cifar").setModel(MlpSpec.DEFAULTS).setSteps(1));
    assertUsage(
        "--lr must be a positive number, got -1.0",
        TrainConfig.builder().setDataset("moons").setModel(MlpSpec.DEFAULTS).setSteps(1).optLr(-1));
    assertUsage(
        "--width must be a positive integer, got 0",
        TrainConfig.builder().setDataset("moons").setModel(new MlpSpec(0, 1, 8)).setSteps(1));
    assertUsage(
        "--time-embed must be an even integer ≥ 2, got 7",
        TrainConfig.builder().setDataset("moons").setModel(new MlpSpec(8, 1, 7)).setSteps(1));
    assertUsage(
        "unknown precision 'bf16'",
        TrainConfig.builder()
            .setDataset("moons")
            .setModel(MlpSpec.DEFAULTS)
            .setSteps(1)
            .optPrecision("bf16"));
  }

  private static void assertUsage(String prefix, TrainConfig.Builder b) {
    FlowmatchException e = assertThrows(FlowmatchException.class, b::build);
    assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
    assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
  }
}
