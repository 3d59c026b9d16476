package io.flowmatch.inference.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models ONNX Runtime cannot load, through the real CLI in a child JVM whose whole output is read:
 * ORT's own logger writes to the process's stderr from native code, past any stream a test in this
 * JVM could capture. Each case must print exactly its one line (what was wrong, what was expected)
 * and nothing else: no ORT log line, no source path, no stack trace.
 */
class BadModelMessagesTest {
  @TempDir Path dir;

  @Test
  void emptyModelAndOversizedExternalDataAreOneLineEach() throws Exception {
    Path empty = Files.write(dir.resolve("empty.onnx"), new byte[0]);
    Path external =
        TestModels.externalFloats(
            Files.createDirectories(dir.resolve("ext")).resolve("m.onnx"), 2_000_000_000L);
    Path out = Files.createDirectories(dir.resolve("out"));
    List<String> cases =
        List.of(
            "empty\t" + out + "\tsample\t--model\t" + empty + "\t--n\t4\t--save-npy\t"
                + out.resolve("o.npy"),
            "external\t" + out + "\tsample\t--model\t" + external + "\t--n\t4\t--save-npy\t"
                + out.resolve("o.npy"));
    Path caseFile = Files.write(dir.resolve("cases.tsv"), cases, StandardCharsets.UTF_8);
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:-UsePerfData",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                HostileDriver.class.getName(),
                caseFile.toString(),
                "/dev/stdout")
            .redirectErrorStream(true);
    pb.environment().put("ORT_DISABLE_TELEMETRY", "1");
    Process p = pb.start();
    String output;
    try (InputStream in = p.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), output);
    assertEquals(
        "empty\t1\t0\tflowmatch sample: model "
            + empty
            + " is empty (0 bytes), expected an ONNX model file\\n\n"
            + "external\t1\t0\tflowmatch sample: model "
            + external
            + ": initializer W declares 2000000000 float32 values (8000000000 bytes) in"
            + " external data file w.bin, which holds 16 bytes; expected the file to hold them"
            + "\\n\n",
        output,
        "the whole output of the child: one report line per case, nothing from ORT");
  }
}
