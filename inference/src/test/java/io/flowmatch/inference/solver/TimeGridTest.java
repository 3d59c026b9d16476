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
    assertArrayEquals(
        new double[] {0, 0.25, 0.5, 0.75, 1}, TimeGrid.nodes("uniform", 4, 0, 1), 0);
    assertArrayEquals(
        new double[] {1, 0.75, 0.5, 0.25, 0}, TimeGrid.nodes("uniform", 4, 1, 0), 0);
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
        "unknown grid 'cosine', expected one of: uniform, quadratic, edm", e.getMessage());
  }
}
