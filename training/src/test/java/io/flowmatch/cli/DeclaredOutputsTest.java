package io.flowmatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowmatch.inference.cli.DeclaresOutputs;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every output option of the full CLI is declared, so its file joins the run's commit. */
class DeclaredOutputsTest {
  @Test
  void everyOutputOptionButTheRunFolderIsDeclared() {
    CommandLine cl = new CommandLine(new Main());
    Commands.register(cl);
    // train --out is a run folder: its checkpoints and logs are kept as they are written (resume),
    // and a new run that fails is removed by train itself
    assertEquals(List.of("train --out"), DeclaresOutputs.undeclaredOutputOptions(cl));
  }
}
