package io.flowmatch.inference.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.flowmatch.inference.error.ErrorKind;
import io.flowmatch.inference.error.FlowmatchException;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SolverSpecTest {

  static String labels(String spec) {
    return SolverSpec.parse(spec).stream()
        .map(SolverSetting::label)
        .collect(Collectors.joining(" "));
  }

  @Test
  void fixedStepMethodsTakeStepCounts() {
    List<SolverSetting> s = SolverSpec.parse("euler:5,10,20 heun:5");
    assertEquals(4, s.size());
    assertEquals(SolverSetting.fixed("euler", 5), s.get(0));
    assertEquals(SolverSetting.fixed("euler", 20), s.get(2));
    assertEquals(SolverSetting.fixed("heun", 5), s.get(3));
    assertEquals("euler:5 euler:10 euler:20 heun:5", labels("euler:5,10,20 heun:5"));
  }

  @Test
  void adaptiveMethodsTakeTolerances() {
    List<SolverSetting> s = SolverSpec.parse("dopri5:1e-3,1e-5 dopri5-batch:0.01");
    assertEquals(SolverSetting.adaptive("dopri5", 1e-3), s.get(0));
    assertEquals(SolverSetting.adaptive("dopri5", 1e-5), s.get(1));
    assertEquals(SolverSetting.adaptive("dopri5-batch", 0.01), s.get(2));
    assertEquals(
        "dopri5:1e-3 dopri5:1e-5 dopri5-batch:0.01", labels("dopri5:1e-3,1e-5 dopri5-batch:0.01"));
  }

  @Test
  void separateToleranceForms() {
    List<SolverSetting> s = SolverSpec.parse("dop853:rtol=1e-3/atol=1e-6,atol=2.5e-5/rtol=1e-4");
    assertEquals(new SolverSetting("dop853", "uniform", 0, 1e-3, 1e-6), s.get(0));
    assertEquals(new SolverSetting("dop853", "uniform", 0, 1e-4, 2.5e-5), s.get(1));
    assertEquals("dop853:rtol=1e-3/atol=1e-6", s.get(0).label());
  }

  @Test
  void gridsAndSeparators() {
    assertEquals(
        "heun@edm:10 rk4:4 cm-rk4:8 gbs:1e-3 adams:1e-4",
        labels("  heun@edm:10;rk4:4\tcm-rk4:8 ;; gbs:1e-3   adams:0.0001 "));
    assertEquals("heun@edm", SolverSpec.parse("heun@edm:10").get(0).method());
  }

  @Test
  void everyDefaultSolverParses() {
    assertEquals(
        22, SolverSpec.parse(SolverSpec.DEFAULT).size(), "default spec: " + SolverSpec.DEFAULT);
  }

  static void bad(String spec, String message) {
    FlowmatchException e =
        assertThrows(FlowmatchException.class, () -> SolverSpec.parse(spec), spec);
    assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
    assertEquals(message, e.getMessage());
  }

  @Test
  void badTokensAreNamedWithTheirPosition() {
    bad("", "--solvers is empty, expected entries like \"euler:10,20 heun:10 dopri5:1e-3\"");
    bad(
        "euler:5,1.5",
        "--solvers: step count '1.5' of euler at character 9 must be a positive integer"
            + " (euler is a fixed-step method; tolerances are for adaptive ones)");
    bad(
        "euler:5 heun:0",
        "--solvers: step count '0' of heun at character 14 must be a positive integer");
    bad(
        "euler:5,,10",
        "--solvers: empty step count of euler at character 9 must be a positive integer");
    bad(
        "euler:5 rk5:4",
        "--solvers: unknown solver 'rk5' at character 9, expected one of: euler, heun,"
            + " midpoint, rk4, ab2, ab3, dpm2m, cm-euler, cm-midpoint, cm-rk4, dopri5, dop853, gbs, adams, dopri5-batch");
    bad(
        "heun:4 euler",
        "--solvers: 'euler' at character 8 has no settings, expected name:values such"
            + " as euler:10,20 or dopri5:1e-3");
    bad("dopri5:", "--solvers: dopri5 at character 1 has no tolerances after ':'");
    bad(
        "dopri5:1e-3,0",
        "--solvers: tolerance '0' of dopri5 at character 13 must be a positive number"
            + " such as 1e-3");
    bad(
        "dopri5:1e-3,x",
        "--solvers: tolerance 'x' of dopri5 at character 13 must be a positive number"
            + " such as 1e-3");
    bad(
        "dopri5:rtol=1e-3",
        "--solvers: 'rtol=1e-3' of dopri5 at character 8 names only rtol, expected"
            + " rtol=R/atol=A or one tolerance for both");
    bad(
        "dopri5:rtol=1e-3/atol=-1",
        "--solvers: atol '-1' of dopri5 at character 23 must be a positive"
            + " number such as 1e-3");
    bad(
        "dopri5:rtol=1e-3/btol=1",
        "--solvers: 'btol=1' of dopri5 at character 18: expected"
            + " rtol=R/atol=A, each once, e.g. rtol=1e-3/atol=1e-6");
    bad(
        "heun@fancy:10",
        "--solvers: unknown grid 'fancy' of heun at character 6, expected one of:"
            + " uniform, quadratic, edm, shift=S or times=t0,...,tK or tuned (with --grid FILE.json)");
    bad(
        "dopri5@edm:1e-3",
        "--solvers: grid 'edm' of dopri5 at character 8: grid edm applies only to"
            + " euler, heun, midpoint, rk4, ab2, ab3, dpm2m; dopri5 chooses its own steps");
    bad(":4", "--solvers: missing solver name before ':' at character 1");
    bad("euler:4 heun:2 euler:4", "--solvers: euler:4 at character 22 is listed twice");
  }
}
