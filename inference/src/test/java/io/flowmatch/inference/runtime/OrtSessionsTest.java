package io.flowmatch.inference.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.flowmatch.inference.error.ErrorKind;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.onnx.OnnxGraphBuilder;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one session factory: its settings, its sessions from files and bytes, its failures. */
class OrtSessionsTest {
  @TempDir Path dir;

  /** y = x + x. */
  private static byte[] doubler() {
    OnnxGraphBuilder g = new OnnxGraphBuilder("doubler");
    g.input("x", OnnxGraphBuilder.FLOAT, -1, 2);
    g.output("y", OnnxGraphBuilder.FLOAT, -1, 2);
    g.nodeMulti("Add", "", new String[] {"x", "x"}, new String[] {"y"});
    return g.toBytes();
  }

  private static float[] run(OrtSession s) throws OrtException {
    try (OnnxTensor x =
            OnnxTensor.createTensor(
                OrtRuntime.environment(),
                FloatBuffer.wrap(new float[] {1, -2}),
                new long[] {1, 2});
        OrtSession.Result r = s.run(Map.of("x", x))) {
      return ((float[][]) r.get(0).getValue())[0];
    }
  }

  @Test
  void settingsStartAtOrtDefaultsAndChangeOneAtATime() {
    OrtSessions.Settings d = OrtSessions.settings();
    assertEquals(
        "threads 0, inter-op threads 0, ALL_OPT, provider cpu, memory pattern on", d.toString());
    OrtSessions.Settings s =
        d.threads(3)
            .interOpThreads(1)
            .optimization("basic")
            .memoryPattern(false)
            .profile(Path.of("p"));
    assertEquals(
        "threads 3, inter-op threads 1, BASIC_OPT, provider cpu, memory pattern off, profile to p*",
        s.toString());
    assertEquals(
        "threads 0, inter-op threads 0, ALL_OPT, provider cpu, memory pattern on",
        d.toString(),
        "a change makes a copy");
    assertEquals(OptLevel.NO_OPT, OrtSessions.optLevel("none"));
    assertEquals(OptLevel.EXTENDED_OPT, OrtSessions.optLevel("extended"));
    FlowmatchException e = assertThrows(FlowmatchException.class, () -> d.optimization("fast"));
    assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
    assertEquals(
        "optimization must be one of all, extended, basic, none, got fast", e.getMessage());
    assertThrows(FlowmatchException.class, () -> d.threads(-1));
    assertThrows(FlowmatchException.class, () -> d.provider("tpu"));
  }

  @Test
  void opensTheSameModelFromBytesAndFromItsFile() throws Exception {
    byte[] model = doubler();
    Path file = Files.write(dir.resolve("doubler.onnx"), model);
    try (OrtSessions.Session a = OrtSessions.open(model, OrtSessions.settings().threads(1));
        OrtSessions.Session b = OrtSessions.open(file, OrtSessions.settings().threads(1))) {
      assertArrayEquals(new float[] {2, -4}, run(a.session()));
      assertArrayEquals(new float[] {2, -4}, run(b.session()));
    }
  }

  @Test
  void savesTheOptimisedGraphWhereAsked() throws Exception {
    Path optimized = dir.resolve("optimized.onnx");
    try (OrtSessions.Session s =
        OrtSessions.open(doubler(), OrtSessions.settings().optimizedModelPath(optimized))) {
      assertArrayEquals(new float[] {2, -4}, run(s.session()));
    }
    assertTrue(Files.size(optimized) > 0);
  }

  @Test
  void aFileThatIsNoModelFailsAsAnOrtException() throws IOException {
    Path bad = Files.writeString(dir.resolve("bad.onnx"), "not a model");
    assertThrows(OrtException.class, () -> OrtSessions.open(bad, OrtSessions.settings()));
  }
}
