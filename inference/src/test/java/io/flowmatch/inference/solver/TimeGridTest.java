package io.flowmatch.inference.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.error.ErrorKind;
import io.flowmatch.inference.error.FlowmatchException;
import org.junit.jupiter.api.Test;

class TimeGridTest {

  @Test
  void uniformGridHasEqualStepsAndExactEnds() {
    assertArrayEquals(new double[] {0, 0.25, 0.5, 0.75, 1}, TimeGrid.nodes("uniform", 4, 0, 1), 0);
    assertArrayEquals(new double[] {1, 0.75, 0.5, 0.25, 0}, TimeGrid.nodes("uniform", 4, 1, 0), 0);
    double[] sub = TimeGrid.nodes("uniform", 7, 0.2, 0.9);
    assertEquals(0.2, sub[0], 0);
    assertEquals(0.9, sub[7], 0);
    for (int i = 0; i < 7; i++) {
      assertEquals(0.1, sub[i + 1] - sub[i], 1e-15);
    }
  }

  @Test
  void quadraticGridShrinksItsStepsLinearlyTowardsTheDataEnd() {
    // u_i = 1 - (1 - i/4)^2
    assertArrayEquals(
        new double[] {0, 7.0 / 16, 12.0 / 16, 15.0 / 16, 1},
        TimeGrid.nodes("quadratic", 4, 0, 1),
        1e-15);
    double[] nodes = TimeGrid.nodes("quadratic", 50, 0, 1);
    for (int i = 1; i < 50; i++) {
      double step = nodes[i + 1] - nodes[i];
      double previous = nodes[i] - nodes[i - 1];
      assertTrue(step < previous, "step " + i + " is not shorter than the one before");
      assertEquals(previous - 2.0 / (50 * 50), step, 1e-12);
    }
  }

  @Test
  void edmGridFollowsKarrasNoiseLevelsOnTheOtPath() {
    int steps = 10;
    double[] nodes = TimeGrid.nodes("edm", steps, 0, 1);
    assertEquals(0, nodes[0], 0);
    assertEquals(1, nodes[steps], 0);
    double rho = 7;
    double aMax = Math.pow(80, 1 / rho);
    double aMin = Math.pow(0.002, 1 / rho);
    for (int j = 1; j < steps; j++) {
      double sigma = Math.pow(aMax + (double) j / (steps - 1) * (aMin - aMax), rho);
      // σ = (1 − t)/t on the OT path
      assertEquals(sigma, (1 - nodes[j]) / nodes[j], 1e-9 * sigma);
    }
    assertEquals(0.002, (1 - nodes[steps - 1]) / nodes[steps - 1], 1e-12);
    // in t the steps grow to the middle and then shrink to the data end, where they are smallest
    int widest = 0;
    for (int i = 1; i < steps; i++) {
      if (nodes[i + 1] - nodes[i] > nodes[widest + 1] - nodes[widest]) {
        widest = i;
      }
    }
    assertEquals(5, widest);
    for (int i = widest + 1; i < steps; i++) {
      assertTrue(nodes[i + 1] - nodes[i] < nodes[i] - nodes[i - 1], "step " + i);
    }
    for (int i = 0; i < steps - 1; i++) {
      assertTrue(nodes[steps] - nodes[steps - 1] < nodes[i + 1] - nodes[i], "step " + i);
    }
  }

  @Test
  void backwardGridIsTheForwardGridReversed() {
    for (String grid : TimeGrid.names()) {
      for (int steps : new int[] {1, 2, 5, 33}) {
        double[] forward = TimeGrid.nodes(grid, steps, 0.1, 0.8);
        double[] backward = TimeGrid.nodes(grid, steps, 0.8, 0.1);
        for (int i = 0; i <= steps; i++) {
          assertEquals(forward[i], backward[steps - i], 1e-15, grid + " " + steps + " node " + i);
        }
        assertEquals(0.8, backward[0], 0);
        assertEquals(0.1, backward[steps], 0);
      }
    }
  }

  @Test
  void oneStepGoesStraightFromStartToEnd() {
    for (String grid : TimeGrid.names()) {
      assertArrayEquals(new double[] {0.3, 0.6}, TimeGrid.nodes(grid, 1, 0.3, 0.6), 0, grid);
    }
  }

  @Test
  void unknownGridIsAUsageError() {
    FlowmatchException e =
        assertThrows(FlowmatchException.class, () -> TimeGrid.nodes("cosine", 4, 0, 1));
    assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
    assertEquals(
        "unknown grid 'cosine', expected one of: uniform, quadratic, edm, shift=S or times=t0,...,tK",
        e.getMessage());
  }

  @Test
  void shiftedGridIsTheSd3TimeShift() {
    // σ = 1 − u on the uniform grid, σ' = 3σ/(1 + 2σ): σ = 0.5 → 0.75, so u = 0.25
    assertArrayEquals(new double[] {0, 0.25, 1}, TimeGrid.nodes("shift=3", 2, 0, 1), 1e-15);
    assertArrayEquals(
        TimeGrid.nodes("uniform", 7, 0, 1), TimeGrid.nodes("shift=1", 7, 0, 1), 1e-15);
    double[] u = TimeGrid.nodes("shift=0.5", 10, 0, 1);
    for (int i = 1; i <= 10; i++) {
      assertTrue(u[i] > u[i - 1]);
    }
    assertTrue(1 - u[9] < 0.1, "shift < 1 leaves smaller steps near the data end: " + u[9]);
    FlowmatchException e =
        assertThrows(FlowmatchException.class, () -> TimeGrid.nodes("shift=-2", 4, 0, 1));
    assertEquals(
        "grid shift=-2: the shift must be a positive number such as shift=3, got '-2'",
        e.getMessage());
  }

  @Test
  void explicitTimesAreUsedAsGivenAndChecked() {
    assertArrayEquals(
        new double[] {0, 0.1, 0.5, 1}, TimeGrid.nodes("times=0,0.1,0.5,1", 3, 0, 1), 0);
    assertArrayEquals(
        new double[] {1, 0.5, 0.1, 0}, TimeGrid.nodes("times=0,0.1,0.5,1", 3, 1, 0), 0);
    assertEquals("tuned", TimeGrid.label("tuned=0,1"));
    assertEquals(
        "grid times has 4 times (3 steps), expected 5 for 4 steps",
        assertThrows(FlowmatchException.class, () -> TimeGrid.nodes("times=0,0.1,0.5,1", 4, 0, 1))
            .getMessage());
    assertEquals(
        "--grid-times: times must increase strictly, got 0.5 then 0.5 (times 3 and 4)",
        assertThrows(
                FlowmatchException.class,
                () -> TimeGrid.parseTimes("--grid-times", "0, 0.1 0.5\n0.5,1"))
            .getMessage());
    assertEquals(
        "--grid-times: expected at least two times from 0 to 1 (0 first, 1 last), got 2 from 0.0 to 0.9",
        assertThrows(FlowmatchException.class, () -> TimeGrid.parseTimes("--grid-times", "0,0.9"))
            .getMessage());
    assertEquals(
        "--grid-times: 'x' (time 2) is not a number",
        assertThrows(FlowmatchException.class, () -> TimeGrid.parseTimes("--grid-times", "0,x,1"))
            .getMessage());
  }
}
