package io.flowmatch.training.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import io.flowmatch.inference.error.ErrorKind;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.training.arch.dit.DitSpec;
import io.flowmatch.training.arch.dit.DitVelocityNet;
import io.flowmatch.training.arch.mlp.MlpSpec;
import io.flowmatch.training.arch.mlp.MlpVelocityNet;
import io.flowmatch.training.arch.unet.UNetSpec;
import io.flowmatch.training.arch.unet.UNetVelocityNet;
import io.flowmatch.training.model.ModelSpec;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ArchitecturesTest {
  @BeforeAll
  static void engine() {
    Engine.getInstance();
  }

  @Test
  void registeredNamesDefaultsAndBlocks() {
    // the shipped three first, in help order; a new architecture registers after them
    assertEquals(List.of("mlp", "unet", "dit"), Architectures.names().subList(0, 3));
    assertSame(MlpSpec.DEFAULTS, Architectures.defaults("mlp"));
    assertSame(UNetSpec.DEFAULTS, Architectures.defaults("unet"));
    assertSame(DitSpec.DEFAULTS, Architectures.defaults("dit"));
    for (String name : Architectures.names()) {
      ModelSpec d = Architectures.defaults(name);
      assertEquals(name, d.type());
      assertEquals(name, Architectures.of(name).name());
    }
    int[] image = {1, 28, 28};
    assertTrue(Architectures.newBlock(MlpSpec.DEFAULTS, image) instanceof MlpVelocityNet);
    assertTrue(Architectures.newBlock(UNetSpec.DEFAULTS, image) instanceof UNetVelocityNet);
    assertTrue(Architectures.newBlock(DitSpec.DEFAULTS, image) instanceof DitVelocityNet);
  }

  @Test
  void unknownNameIsAUsageErrorListingTheValidOnes() {
    FlowmatchException e = assertThrows(FlowmatchException.class, () -> Architectures.of("resnet"));
    assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
    assertEquals(
        "unknown model 'resnet', expected one of " + String.join(", ", Architectures.names()),
        e.getMessage());
    assertTrue(e.getMessage().contains("expected one of mlp, unet, dit"), e.getMessage());
  }

  @Test
  void parameterCountOfAnMlpIsItsLayerSizes() {
    // time embedding 16 + 2 inputs -> 8 -> 8 -> 2
    MlpSpec spec = new MlpSpec(8, 2, 16);
    long expected = (18 * 8 + 8) + (8 * 8 + 8) + (8 * 2 + 2);
    assertEquals(expected, Architectures.parameterCount(spec, new int[] {2}));
  }

  @Test
  void withSizeKeepsTheArchitectureSpecificFields() {
    DitSpec d = DitSpec.DEFAULTS.withSize(64, 2, 32);
    assertEquals(new DitSpec(64, 2, 32, DitSpec.DEFAULTS.patchSize(), DitSpec.DEFAULTS.heads()), d);
    UNetSpec u = UNetSpec.DEFAULTS.withSize(16, 2, 64);
    assertEquals(new UNetSpec(16, 2, 64, 4, new int[] {1, 2, 2}, true, 8), u);
  }

  @Test
  void aSpecOfAnotherArchitectureIsRefusedByName() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> DitSpec.ARCHITECTURE.cast(MlpSpec.DEFAULTS));
    assertEquals("dit: expected a DitSpec, got MlpSpec", e.getMessage());
  }
}
