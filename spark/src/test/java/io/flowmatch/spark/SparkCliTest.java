package io.flowmatch.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.spark.cli.SparkMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real entry point of {@code flowmatch spark}, in local mode. */
class SparkCliTest {
  @TempDir Path tmp;

  private record Run(int code, String out, String err) {}

  private static Run spark(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        SparkMain.run(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            args);
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void everyOutputOptionButTheShardFolderIsDeclared() {
    // sample --out holds the executors' shards; its manifest, written last, marks it complete
    assertEquals(
        java.util.List.of("sample --out"),
        io.flowmatch.inference.cli.DeclaresOutputs.undeclaredOutputOptions(
            new picocli.CommandLine(new SparkMain())));
  }

  @Test
  void sparkSampleMergedEqualsSampleByteForByte() throws Exception {
    String model = SparkTesting.model("checkerboard-mlp.onnx").toString();
    Path single = tmp.resolve("single.npy");
    SparkTesting.cli(
        "sample",
        "--model",
        model,
        "--n",
        "3000",
        "--seed",
        "4",
        "--solver",
        "midpoint",
        "--steps",
        "6",
        "--threads",
        "1",
        "--quiet",
        "--save-npy",
        single.toString());
    Path merged = tmp.resolve("merged.npy");
    Run r =
        spark(
            "sample",
            "--master",
            "local[2]",
            "--conf",
            "spark.ui.enabled=false",
            "--model",
            model,
            "--n",
            "3000",
            "--seed",
            "4",
            "--solver",
            "midpoint",
            "--steps",
            "6",
            "--threads",
            "1",
            "--out",
            tmp.resolve("out").toString(),
            "--merge",
            merged.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.out()
            .startsWith(
                "sampled 3000 × [2] with midpoint (6 steps) on local[2]: 6 shards, NFE/sample 12.0"),
        r.out());
    assertArrayEquals(Files.readAllBytes(single), Files.readAllBytes(merged));
    Manifest m = Manifest.read(tmp.resolve("out"));
    assertEquals(6, m.shards().size());
    assertEquals(3000, m.n());
  }

  @Test
  void usageErrorsAreOneLineWithExitCode2() {
    Run r =
        spark(
            "sample",
            "--master",
            "local[1]",
            "--model",
            SparkTesting.model("gmm8.onnx").toString(),
            "--n",
            "10",
            "--solver",
            "heun",
            "--rtol",
            "1e-3",
            "--out",
            tmp.resolve("x").toString());
    assertEquals(2, r.code());
    assertEquals(
        "flowmatch spark sample: --rtol is for adaptive solvers; heun takes --steps\n", r.err());
    assertFalse(Files.exists(tmp.resolve("x")));
    r =
        spark(
            "sample",
            "--model",
            tmp.resolve("missing.onnx").toString(),
            "--out",
            tmp.resolve("y").toString());
    assertEquals(2, r.code());
    assertTrue(
        r.err().contains("--model " + tmp.resolve("missing.onnx") + ": no such file"), r.err());
  }
}
