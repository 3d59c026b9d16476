package io.flowmatch.inference.solver;

import io.flowmatch.inference.field.VelocityField;
import org.apache.commons.math3.exception.MaxCountExceededException;
import org.apache.commons.math3.exception.NumberIsTooSmallException;
import org.apache.commons.math3.ode.AbstractIntegrator;
import org.apache.commons.math3.ode.nonstiff.AdamsMoultonIntegrator;
import org.apache.commons.math3.ode.nonstiff.ClassicalRungeKuttaIntegrator;
import org.apache.commons.math3.ode.nonstiff.DormandPrince54Integrator;
import org.apache.commons.math3.ode.nonstiff.DormandPrince853Integrator;
import org.apache.commons.math3.ode.nonstiff.EulerIntegrator;
import org.apache.commons.math3.ode.nonstiff.GraggBulirschStoerIntegrator;
import org.apache.commons.math3.ode.nonstiff.MidpointIntegrator;
import org.apache.commons.math3.ode.sampling.StepHandler;
import org.apache.commons.math3.ode.sampling.StepInterpolator;

/**
 * A Commons Math 3 integrator driven as a black box on the whole batch as one ODE system (see
 * {@link BatchOdeSystem}): every derivative call is one model call for all samples at one time.
 *
 * <p>Consequences of treating the batch as one system:
 *
 * <ul>
 *   <li>The adaptive integrators measure the error as one RMS over the whole state (all samples),
 *       so the whole batch shares one step size, set by its hardest samples; every sample goes
 *       through the same NFE. {@code dopri5-batch} ({@link BatchDormandPrinceSolver}) steps each
 *       sample on its own instead.
 *   <li>The state is double inside Commons Math and float at the model: one rounding per call.
 *   <li>Commons Math's fixed-step loop adds the step size to the current time and ends with {@code
 *       t1 − t}; when |t1 − t0|/steps is not a binary fraction the accumulated time falls an ulp
 *       short and a tiny extra step follows (RK4 with h = 0.1 made 44 evaluations, not 40). We pass
 *       a step 1e-9 (relative) longer, so the last regular step is the one Commons Math trims to
 *       end exactly at t1: exactly {@code steps} steps, the last shorter by 1e-9·steps·h.
 *   <li>Commons Math does not report rejected steps; {@link SolveResult#rejectedSteps()} is −1 for
 *       the adaptive ones. {@link SolveResult#steps()} counts the steps its step handlers saw.
 * </ul>
 *
 * <p>Adaptive integrators take the minimum step {@code 1e-8·|t1 − t0|}, the maximum step |t1 − t0|,
 * Commons Math's own initial step estimate (Hairer–Nørsett–Wanner; one extra evaluation), scalar
 * tolerances, and {@link SolverSettings#maxEvaluations()} as the bound on derivative calls. The
 * fixed-step ones have no evaluation bound (their cost is steps·stages).
 */
public final class CommonsMathSolver implements OdeSolver {
  /** Relative lengthening of the fixed step; see the class comment. */
  static final double FIXED_STEP_NUDGE = 1e-9;

  /** Minimum step as a fraction of the interval. */
  static final double MIN_STEP_FRACTION = 1e-8;

  /** Steps of the Adams–Moulton method (order 5). */
  static final int ADAMS_STEPS = 4;

  /** The Commons Math methods offered, by command-line name. */
  public enum Method {
    EULER("cm-euler", false, 1),
    MIDPOINT("cm-midpoint", false, 2),
    RK4("cm-rk4", false, 4),
    DOPRI5("dopri5", true, 0),
    DOP853("dop853", true, 0),
    GBS("gbs", true, 0),
    ADAMS("adams", true, 0);

    private final String solverName;
    private final boolean adaptive;
    private final int evaluationsPerStep;

    Method(String solverName, boolean adaptive, int evaluationsPerStep) {
      this.solverName = solverName;
      this.adaptive = adaptive;
      this.evaluationsPerStep = evaluationsPerStep;
    }

    public String solverName() {
      return solverName;
    }

    public boolean adaptive() {
      return adaptive;
    }

    /** Evaluations per step of the fixed-step methods; 0 for the adaptive ones. */
    public int evaluationsPerStep() {
      return evaluationsPerStep;
    }
  }

  private final Method method;
  private final SolverSettings settings;

  public CommonsMathSolver(Method method, SolverSettings settings) {
    this.method = method;
    this.settings = settings;
  }

  @Override
  public String name() {
    return method.solverName();
  }

  public Method method() {
    return method;
  }

  @Override
  public SolveResult solve(VelocityField field, float[] x, int n, double t0, double t1) {
    SolveArguments.check(name(), field, x, n, t0, t1);
    FieldCalls calls = new FieldCalls(name(), field, n);
    if (n == 0 || t0 == t1) {
      return calls.result(0, 0);
    }
    BatchOdeSystem system = new BatchOdeSystem(calls, n);
    double[] y = new double[system.getDimension()];
    for (int i = 0; i < y.length; i++) {
      y[i] = x[i];
    }
    AbstractIntegrator integrator = integrator(Math.abs(t1 - t0));
    int[] steps = new int[1];
    integrator.addStepHandler(
        new StepHandler() {
          @Override
          public void init(double start, double[] y0, double end) {}

          @Override
          public void handleStep(StepInterpolator interpolator, boolean isLast) {
            steps[0]++;
          }
        });
    try {
      integrator.integrate(system, t0, y, t1, y);
    } catch (MaxCountExceededException e) {
      throw new ToleranceException(
          name()
              + " exceeded "
              + integrator.getMaxEvaluations()
              + " evaluations at t="
              + FieldCalls.number(system.lastTime())
              + " ("
              + tolerances()
              + ")");
    } catch (NumberIsTooSmallException e) {
      throw new ToleranceException(
          name()
              + ": step size fell below the minimum "
              + FieldCalls.number(MIN_STEP_FRACTION * Math.abs(t1 - t0))
              + " at t="
              + FieldCalls.number(system.lastTime())
              + " ("
              + tolerances()
              + ")");
    }
    for (int i = 0; i < y.length; i++) {
      x[i] = (float) y[i];
    }
    return calls.result(steps[0], method.adaptive() ? -1 : 0);
  }

  private String tolerances() {
    return "rtol="
        + FieldCalls.number(settings.rtol())
        + ", atol="
        + FieldCalls.number(settings.atol());
  }

  private AbstractIntegrator integrator(double span) {
    if (!method.adaptive()) {
      double step = span / settings.steps() * (1 + FIXED_STEP_NUDGE);
      switch (method) {
        case EULER:
          return new EulerIntegrator(step);
        case MIDPOINT:
          return new MidpointIntegrator(step);
        case RK4:
          return new ClassicalRungeKuttaIntegrator(step);
        default:
          throw new IllegalStateException(method.name());
      }
    }
    double minStep = MIN_STEP_FRACTION * span;
    double rtol = settings.rtol();
    double atol = settings.atol();
    AbstractIntegrator integrator;
    switch (method) {
      case DOPRI5:
        integrator = new DormandPrince54Integrator(minStep, span, atol, rtol);
        break;
      case DOP853:
        integrator = new DormandPrince853Integrator(minStep, span, atol, rtol);
        break;
      case GBS:
        integrator = new GraggBulirschStoerIntegrator(minStep, span, atol, rtol);
        break;
      case ADAMS:
        integrator = new AdamsMoultonIntegrator(ADAMS_STEPS, minStep, span, atol, rtol);
        break;
      default:
        throw new IllegalStateException(method.name());
    }
    integrator.setMaxEvaluations((int) Math.min(Integer.MAX_VALUE, settings.maxEvaluations()));
    return integrator;
  }

  @Override
  public String toString() {
    return method.adaptive()
        ? name() + "(" + tolerances() + ", maxEvaluations=" + settings.maxEvaluations() + ")"
        : name() + "(steps=" + settings.steps() + ")";
  }
}
