package io.flowmatch.inference.tune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.flowmatch.inference.error.ErrorKind;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.field.VelocityField;
import io.flowmatch.inference.path.AffineSchedule;
import io.flowmatch.inference.solver.TimeGrid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GridTunerTest {
  @TempDir Path dir;

  /** dx/dt = 5t⁴ (whatever x): the exact flow adds 1 from t = 0 to 1. */
  private static final VelocityField QUARTIC =
      new VelocityField() {
        @Override
        public int[] sampleShape() {
          return new int[] {1};
        }

        @Override
        public void evaluate(float[] x, float[] t, int n, float[] v) {
          for (int i = 0; i < n; i++) {
            double ti = t[i];
            v[i] = (float) (5 * ti * ti * ti * ti);
          }
        }
      };

  private static GridTuner quarticTuner() {
    int n = 4;
    float[] noise = {0, 1, -1, 0.5f};
    double[] reference = new double[n];
    for (int i = 0; i < n; i++) {
      reference[i] = noise[i] + 1;
    }
    return new GridTuner(QUARTIC, AffineSchedule.condOt(0), noise, reference, n, n);
  }

  @Test
  void softmaxGridsAreMonotoneAndRoundTrip() {
    double[] times = {0, 0.1, 0.45, 0.5, 1};
    assertArrayEquals(times, SoftmaxGrid.times(SoftmaxGrid.theta(times)), 1e-12);
    double[] any = SoftmaxGrid.times(new double[] {30, -40, 0, 5});
    assertEquals(0, any[0]);
    assertEquals(1, any[4]);
    for (int i = 1; i < any.length; i++) {
      assertTrue(any[i] >= any[i - 1], "monotone at " + i);
    }
  }

  /**
   * Euler over two steps (0, u, 1) on dx/dt = 5t⁴ adds 5u⁴(1 − u), closest to 1 at u = 4/5: a point
   * no hand-made grid has (uniform 0.5, quadratic 0.75, shift=0.5 0.667, shift=2 0.333, shift=3
   * 0.25, edm 0.998). Both optimisers must find it.
   */
  @Test
  void eulerOnAQuarticVelocityFindsTheKnownOptimum() {
    for (GridTuner.Optimizer o : GridTuner.Optimizer.values()) {
      GridTuner.Result r = quarticTuner().tune("euler", 2, o, 200, 1, GridTuner.Listener.NONE);
      assertEquals(2, r.steps(), o.name());
      assertEquals(0.8, r.times()[1], 2e-3, o + " found u = " + r.times()[1]);
      assertEquals("quadratic", r.startGrid(), o.name());
      double best = 1 - 5 * Math.pow(0.8, 4) * 0.2;
      assertEquals(best, r.calibrationRms(), 1e-5, o.name());
      assertTrue(r.objectiveEvaluations() > 0 && r.objectiveEvaluations() <= 200, o.name());
      // every objective evaluation solves the calibration set: NFE 2 each, plus the hand-made grids
      assertEquals(
          2L * (r.objectiveEvaluations() + GridTuner.HAND_MADE.size()), r.modelEvaluations());
    }
  }

  /**
   * Restarts from the next-best hand-made grids: the first optimisation is the one without restarts
   * (same grid, bit for bit), each restart gets its own budget, and the best grid of all is kept
   * (never worse than without); on the quartic every start leads to u = 4/5.
   */
  @Test
  void restartsFromTheNextBestGridsKeepTheBest() {
    for (GridTuner.Optimizer o : GridTuner.Optimizer.values()) {
      GridTuner.Result one = quarticTuner().tune("euler", 2, o, 40, 1, GridTuner.Listener.NONE);
      GridTuner.Result zero = quarticTuner().tune("euler", 2, o, 40, 0, 1, GridTuner.Listener.NONE);
      assertArrayEquals(one.times(), zero.times(), 0, o.name());
      assertEquals(one.objectiveEvaluations(), zero.objectiveEvaluations(), o.name());
      GridTuner.Result three =
          quarticTuner().tune("euler", 2, o, 40, 2, 1, GridTuner.Listener.NONE);
      assertTrue(three.calibrationRms() <= one.calibrationRms(), o.name());
      assertEquals(0.8, three.times()[1], 2e-3, o + " found u = " + three.times()[1]);
      assertTrue(
          three.objectiveEvaluations() > one.objectiveEvaluations()
              && three.objectiveEvaluations() <= 3 * 40,
          o + ": " + three.objectiveEvaluations() + " evaluations");
      assertTrue(GridTuner.HAND_MADE.contains(three.startGrid()), three.startGrid());
      assertEquals(
          2L * (three.objectiveEvaluations() + GridTuner.HAND_MADE.size()),
          three.modelEvaluations());
    }
    assertEquals(
        ErrorKind.INVALID_ARGUMENT,
        assertThrows(
                FlowmatchException.class,
                () ->
                    quarticTuner()
                        .tune(
                            "euler",
                            2,
                            GridTuner.Optimizer.BOBYQA,
                            10,
                            -1,
                            1,
                            GridTuner.Listener.NONE))
            .kind());
  }

  @Test
  void anNfeNoStepCountCostsIsAUsageError() {
    FlowmatchException e =
        assertThrows(
            FlowmatchException.class,
            () ->
                quarticTuner()
                    .tune("heun", 5, GridTuner.Optimizer.BOBYQA, 10, 1, GridTuner.Listener.NONE));
    assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
    assertEquals(
        "--nfe 5: no step count of heun costs exactly 5 model evaluations per sample",
        e.getMessage());
  }

  @Test
  void gridsFileRoundTripsAndNamesWhatItHolds() throws IOException {
    JsonObject root = new JsonObject();
    root.addProperty("format", TunedGrids.FORMAT);
    JsonArray grids = new JsonArray();
    JsonObject g = new JsonObject();
    g.addProperty("solver", "heun");
    g.addProperty("nfe", 4);
    g.addProperty("steps", 2);
    JsonArray times = new JsonArray();
    times.add(0);
    times.add(0.7);
    times.add(1);
    g.add("times", times);
    grids.add(g);
    root.add("grids", grids);
    Path file = dir.resolve("grids.json");
    TunedGrids.write(file, root);
    TunedGrids read = TunedGrids.read("--grid", file);
    assertEquals("tuned=0.0,0.7,1.0", read.grid("heun", 2));
    assertArrayEquals(new double[] {0, 0.7, 1}, TimeGrid.nodes(read.grid("heun", 2), 2, 0, 1), 0);
    FlowmatchException e = assertThrows(FlowmatchException.class, () -> read.grid("euler", 4));
    assertEquals(
        "--grid " + file + " has no grid for euler with 4 steps; it holds: heun 2 steps (NFE 4)",
        e.getMessage());
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "no temporary file left");
    }
    Files.writeString(file, "{\"format\": \"something else\"}");
    assertEquals(
        ErrorKind.BAD_INPUT,
        assertThrows(FlowmatchException.class, () -> TunedGrids.read("--grid", file)).kind());
    Files.writeString(
        file,
        "{\"format\": \""
            + TunedGrids.FORMAT
            + "\", \"grids\": [{\"solver\": \"heun\","
            + " \"nfe\": 4, \"steps\": 2, \"times\": [0, 0.8, 0.7]}]}");
    FlowmatchException bad =
        assertThrows(FlowmatchException.class, () -> TunedGrids.read("--grid", file));
    assertTrue(
        bad.getMessage().contains("expected at least two times from 0 to 1"), bad.getMessage());
  }
}
