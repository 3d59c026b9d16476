package io.flowmatch.cli;

import static io.flowmatch.cli.CliRun.run;
import static io.flowmatch.inference.onnx.OnnxGraphBuilder.FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.onnx.OnnxGraphBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flowmatch bench} through the real CLI entry point. */
class BenchCommandTest {
  @TempDir static Path dir;
  static Path model;

  /** v = x·W + t (broadcast): 2·2·2 = 8 dense FLOPs per sample. */
  @BeforeAll
  static void buildModel() throws Exception {
    OnnxGraphBuilder g = new OnnxGraphBuilder("linear");
    g.input("x", FLOAT, -1, 2).input("t", FLOAT, -1).output("v", FLOAT, -1, 2);
    String w = g.floats("w", new float[] {0.5f, -1f, 1f, 0.5f}, 2, 2);
    String xw = g.node("MatMul", new String[] {"x", w});
    String col = g.node("Unsqueeze", new String[] {"t", g.longs("axes", new long[] {1}, 1)});
    g.nodeNamed("Add", "v", new String[] {xw, col});
    model = dir.resolve("linear.onnx");
    g.save(model);
  }

  @Test
  void tinyGridPrintsTheTableAndCsv() throws Exception {
    Path csv = dir.resolve("out/grid.csv");
    CliRun o =
        run(
            "bench",
            "--models",
            model.toString(),
            "--batches",
            "4,8",
            "--solvers",
            "euler:2,heun:3,dopri5:1e-3",
            "--threads",
            "1",
            "--repeats",
            "2",
            "--csv",
            csv.toString());
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().contains("matmul peak, 1 thread(s):"), o.out());
    assertTrue(
        o.out().contains("model                      type    provider thr batch solver"), o.out());
    assertTrue(o.out().contains("peak resident memory of this bench process (VmHWM)"), o.out());
    List<String> lines = Files.readAllLines(csv);
    assertEquals(1 + 2 * 3, lines.size(), String.join("\n", lines));
    assertTrue(lines.get(0).startsWith("model,type,provider,threads,batch,solver,nfe,"));
    // batch 4: euler 2 calls, heun 3 steps × 2; FLOPs counted from the graph: 8 per sample
    assertTrue(
        lines.get(1).startsWith("linear.onnx,float32,cpu,1,4,euler:2,2.00000,"), lines.get(1));
    assertTrue(
        lines.get(2).startsWith("linear.onnx,float32,cpu,1,4,heun:3,6.00000,"), lines.get(2));
    assertEquals("32", lines.get(1).split(",")[10]);
    assertEquals("64", lines.get(4).split(",")[10]);
    for (String line : lines.subList(1, lines.size())) {
      assertTrue(line.endsWith(","), "no error column expected: " + line);
    }
  }

  @Test
  void profileListsTheOpTypesOfTheOptimisedGraph() {
    CliRun o =
        run(
            "bench",
            "--models",
            model.toString(),
            "--batches",
            "4",
            "--threads",
            "1",
            "--repeats",
            "3",
            "--skip-peak",
            "--skip-grid",
            "--profile");
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().contains("profile linear.onnx, batch 4, 1 thread(s), 3 calls: "), o.out());
    // ORT fuses MatMul + Add into one Gemm; the Unsqueeze of t stays: one row per kernel type
    assertTrue(o.out().matches("(?s).*\\n  Gemm +1 +[0-9.]+ +[0-9.]+%\\n.*"), o.out());
    assertTrue(o.out().matches("(?s).*\\n  Unsqueeze +1 +[0-9.]+ +[0-9.]+%\\n.*"), o.out());
    assertFalse(o.out().contains("  MatMul "), o.out());
    assertFalse(o.out().contains("model                      type"), "--skip-grid: no grid");
  }

  @Test
  void ortAgainstDjlOnTheSameWeightsAndMemoryInSeparateProcesses() throws Exception {
    Path run = dir.resolve("moons");
    CliRun trained =
        run(
            "train",
            "--data",
            "moons",
            "--model",
            "mlp",
            "--width",
            "32",
            "--depth",
            "2",
            "--steps",
            "10",
            "--batch",
            "64",
            "--sample-every",
            "0",
            "--quiet",
            "--threads",
            "1",
            "--out",
            run.toString());
    assertEquals(0, trained.code(), trained.err());
    CliRun o =
        run(
            "bench",
            "--skip-grid",
            "--skip-peak",
            "--threads",
            "1",
            "--repeats",
            "1",
            "--djl-run",
            run.toString(),
            "--djl-batch",
            "8",
            "--djl-steps",
            "3",
            "--memory-model",
            model.toString(),
            "--memory-n",
            "10,30",
            "--memory-solver",
            "euler:2",
            "--memory-java-opts",
            "-XX:+UseSerialGC -Xms16m");
    assertEquals(0, o.code(), o.err());
    String[] lines = o.out().split("\n");
    String row = null;
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].trim().startsWith("threads call batch  ORT samples/s")) {
        row = lines[i + 1].trim();
      }
    }
    assertTrue(row != null && row.startsWith("1 "), o.out());
    String[] f = row.split("\\s+");
    assertEquals("8", f[1], row); // a tiny model: the automatic call size is the whole batch
    // same weights: the samples of ONNX Runtime and DJL agree to float32 rounding
    assertTrue(Double.parseDouble(f[7]) < 1e-4, row);
    assertTrue(
        o.out()
            .contains(
                "peak memory of 'flowmatch sample --model "
                    + model
                    + " --solver euler --steps 2 --save-npy',"
                    + " one fresh JVM per run (JVM options -XX:+UseSerialGC -Xms16m):"),
        o.out());
    // each child ran that solver and printed its summary
    assertTrue(
        o.out()
            .matches(
                "(?s).*--n 10 +VmHWM +[0-9.]+ MiB \\(\\+0\\.0% vs the first\\)  sampled 10 × \\[2\\] with euler \\(2 steps\\)"
                    + " on cpu: NFE/sample 2,.*--n 30 +VmHWM +[0-9.]+ MiB \\([+-][0-9.]+% vs the first\\)  sampled 30 × \\[2\\] with euler.*"),
        o.out());
  }

  @Test
  void unavailableGpuProviderIsSkippedWithALine() {
    CliRun o =
        run(
            "bench",
            "--models",
            model.toString(),
            "--batches",
            "2",
            "--solvers",
            "euler:1",
            "--threads",
            "1",
            "--repeats",
            "1",
            "--providers",
            "cuda",
            "--skip-peak");
    assertEquals(0, o.code(), o.err());
    assertTrue(
        o.out()
            .contains(
                "skip: linear.onnx on cuda, 1 thread(s): the provider is not available here"
                    + " and fell back to cpu"),
        o.out());
    assertTrue(o.out().contains("no model runs on the requested providers"), o.out());
  }

  @Test
  void badInputsAreUsageErrors() {
    String m = model.toString();
    String[][] cases = {
      {
        "flowmatch bench: --batches must be positive integers separated by commas, got '0,4'",
        "--batches",
        "0,4"
      },
      {
        "flowmatch bench: --threads must be positive integers separated by commas, got 'two'",
        "--threads",
        "two"
      },
      {
        "flowmatch bench: --solvers: 'rk5:4' is not NAME:STEPS or NAME[:TOL] with NAME one of: euler,",
        "--solvers",
        "rk5:4"
      },
      {
        "flowmatch bench: --solvers: euler needs its steps, e.g. euler:20, got 'euler'",
        "--solvers",
        "euler"
      },
      {
        "flowmatch bench: --solvers: the steps of heun must be a positive integer, got '0'",
        "--solvers",
        "heun:0"
      },
      {
        "flowmatch bench: --solvers: the tolerance of dopri5 must be a positive number, got '-1'",
        "--solvers",
        "dopri5:-1"
      },
      {
        "flowmatch bench: --providers: unknown provider 'gpu', expected one of: cpu, cuda, tensorrt",
        "--providers",
        "gpu"
      },
      {"flowmatch bench: --repeats must be a positive integer, got 0", "--repeats", "0"},
      {
        "flowmatch bench: --djl-run " + dir.resolve("nothing") + " is not a folder",
        "--djl-run",
        dir.resolve("nothing").toString()
      },
      {
        "flowmatch bench: --memory-model " + dir + " is a folder, expected an .onnx file",
        "--memory-model",
        dir.toString()
      },
      {
        "flowmatch bench: --memory-solver: euler needs its steps, e.g. euler:20, got 'euler'",
        "--memory-solver",
        "euler"
      },
      {
        "flowmatch bench: --memory-solver takes a fixed-step NAME:STEPS, got 'dopri5'",
        "--memory-solver",
        "dopri5"
      },
    };
    for (String[] c : cases) {
      String[] args = new String[c.length + 1];
      args[0] = "bench";
      args[1] = "--models=" + m;
      System.arraycopy(c, 1, args, 2, c.length - 1);
      CliRun o = run(args);
      assertEquals(2, o.code(), String.join(" ", args) + "\n" + o.err());
      assertTrue(o.err().startsWith(c[0]), "expected '" + c[0] + "', got: " + o.err());
      assertFalse(o.err().contains("at io.flowmatch"), "no stack trace: " + o.err());
      assertEquals("", o.out());
    }
    CliRun missing = run("bench", "--models", dir.resolve("none.onnx").toString());
    assertEquals(2, missing.code());
    assertEquals(
        "flowmatch bench: --models " + dir.resolve("none.onnx") + ": no such file\n",
        missing.err());
  }
}
