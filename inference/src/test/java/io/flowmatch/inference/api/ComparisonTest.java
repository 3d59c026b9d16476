package io.flowmatch.inference.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.cli.InferenceMain;
import io.flowmatch.inference.compare.ConvergenceOrder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Comparison and QualityMetrics give the command line's numbers and known convergence orders. */
class ComparisonTest {
  static final Path GMM8 = FlowModelTest.GMM8;
  static final String SOLVERS = "euler:8,16,32 heun:4,8,16";

  @TempDir Path dir;

  @Test
  void resultsMatchTheCommandLineExceptTimes() throws IOException {
    Path cliOut = dir.resolve("cli");
    int code;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (PrintStream o =
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code =
          InferenceMain.run(
              o,
              e,
              "compare",
              "--model",
              GMM8.toString(),
              "--n",
              "200",
              "--seed",
              "2",
              "--solvers",
              SOLVERS,
              "--quiet",
              "--out",
              cliOut.toString());
    }
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    List<String> cli = Files.readAllLines(cliOut.resolve("results.csv"));

    Path apiOut = dir.resolve("api");
    try (FlowModel model = FlowModel.open(GMM8);
        QualityMetrics quality = QualityMetrics.forMixture(model, 200, 2)) {
      Comparison.Report report =
          Comparison.on(model).solvers(SOLVERS).samples(200).seed(2).quality(quality).run();
      List<String> written = report.writeTo(apiOut);
      assertTrue(
          written.containsAll(List.of("results.csv", "results.json", "table.txt", "report.html")),
          written.toString());
      List<String> api = Files.readAllLines(apiOut.resolve("results.csv"));
      assertEquals(cli.size(), api.size());
      assertEquals(cli.get(0), api.get(0));
      for (int i = 1; i < cli.size(); i++) {
        assertEquals(withoutTimes(cli.get(i)), withoutTimes(api.get(i)), "row " + i);
      }
      Map<String, Double> orders = new java.util.HashMap<>();
      for (ConvergenceOrder o : report.orders()) {
        orders.put(o.method(), o.order());
      }
      assertEquals(1.0, orders.get("euler"), 0.3);
      assertEquals(2.0, orders.get("heun"), 0.4);
      assertTrue(report.table().contains("heun"), report.table());

      // the quality of well-solved samples is near the floor; the names are eval's
      Map<String, Double> scores =
          quality.score(model.sampler().solver(Solver.rk4(20)).seed(2).sample(200));
      assertEquals(List.of("energy", "sw2"), List.copyOf(scores.keySet()));
      assertTrue(
          scores.get("energy") < 5 * quality.floor().get("energy") + 1e-3,
          scores + " vs " + quality.floor());
    }
  }

  /** The row without wall_s, model_s and samples_per_s (columns 10-12). */
  static String withoutTimes(String row) {
    String[] cells = row.split(",", -1);
    cells[10] = cells[11] = cells[12] = "";
    return String.join(",", cells);
  }
}
