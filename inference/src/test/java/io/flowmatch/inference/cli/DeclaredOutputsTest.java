package io.flowmatch.inference.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every output option of every inference command is declared, so its file joins the commit. */
class DeclaredOutputsTest {
  @Test
  void everyOutputOptionIsDeclared() {
    assertEquals(
        List.of(), DeclaresOutputs.undeclaredOutputOptions(new CommandLine(new InferenceMain())));
  }

  @Test
  void aForgottenDeclarationIsFound() {
    @CommandLine.Command(name = "forgetful")
    class Forgetful implements DeclaresOutputs {
      @CommandLine.Option(names = "--out")
      java.nio.file.Path out;

      @CommandLine.Option(names = "--save-npy")
      java.nio.file.Path saveNpy;

      @Override
      public void declareOutputs(io.flowmatch.inference.io.OutputGroup.Declaration outputs) {
        outputs.file(out);
      }
    }
    assertEquals(
        List.of("forgetful --save-npy"),
        DeclaresOutputs.undeclaredOutputOptions(new CommandLine(new Forgetful())));
  }
}
