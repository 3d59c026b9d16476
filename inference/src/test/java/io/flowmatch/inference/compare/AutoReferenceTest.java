package io.flowmatch.inference.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.field.GaussianTargetField;
import io.flowmatch.inference.sampling.GaussianNoise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The automatic reference on the exact Gaussian-target field: the chosen solve is within its
 * reported bound of the exact flow, and tightening stops where the judged errors say.
 */
class AutoReferenceTest {
  /** 256 values per sample (an "image": dopri5-batch), target N(μ, 0.2²) with μ_j = sin j. */
  static final GaussianTargetField IMAGE = field(new int[] {1, 16, 16});

  /** 2 values per sample: dop853. */
  static final GaussianTargetField POINT = field(new int[] {2});

  static GaussianTargetField field(int[] shape) {
    int size = 1;
    for (int d : shape) {
      size *= d;
    }
    double[] mean = new double[size];
    for (int j = 0; j < size; j++) {
      mean[j] = Math.sin(j + 1);
    }
    return new GaussianTargetField(shape, mean, 0.2);
  }

  static float[] noise(int n, int size) {
    float[] x = new float[n * size];
    new GaussianNoise(3).fill(0, n, size, x);
    return x;
  }

  /** RMS over all values of (x − exact flow of the noise to t = 1). */
  static double exactError(GaussianTargetField field, float[] noise, int n, double[] x) {
    int size = field.sampleSize();
    double[] one = new double[size];
    double[] out = new double[size];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < size; j++) {
        one[j] = noise[i * size + j];
      }
      field.flow(one, 0, 1, out);
      for (int j = 0; j < size; j++) {
        double d = x[i * size + j] - out[j];
        sum += d * d;
      }
    }
    return Math.sqrt(sum / ((double) n * size));
  }

  static AutoReference auto(List<String> log) {
    return new AutoReference(null, "", 100_000, ReferenceSolver.Progress.NONE, log::add);
  }

  /** The image tests' samples. */
  static final int N = 12;

  /**
   * The automatic reference of {@code noise} ({@link #N} image samples) in batches of 5, starting
   * at 1e-3 and going no lower than 1e-9, for settings whose smallest error is {@code judged}.
   */
  static AutoReference.Outcome imageReference(float[] noise, double judged, List<String> log) {
    return auto(log).solve(IMAGE, noise, N, 5, 1e-3, 1e-9, x -> judged);
  }

  /** Asserts that {@code o} is within its reported bound of the exact flow; returns its error. */
  static double withinBound(
      GaussianTargetField field, float[] noise, int n, AutoReference.Outcome o) {
    double exact = exactError(field, noise, n, o.x());
    assertTrue(exact <= o.agreement(), "error " + exact + " above its bound " + o.agreement());
    return exact;
  }

  @Test
  void theMethodFollowsTheSampleSize() {
    assertEquals(ReferenceMethod.DOPRI5_BATCH, auto(new ArrayList<>()).method(IMAGE));
    assertEquals(ReferenceMethod.DOP853, auto(new ArrayList<>()).method(POINT));
    assertEquals(AutoReference.LARGE_START, auto(new ArrayList<>()).defaultStart(IMAGE));
    assertEquals(AutoReference.START, auto(new ArrayList<>()).defaultStart(POINT));
    assertEquals(1e-6, AutoReference.tenth(1e-5));
    assertEquals(2e-7, AutoReference.tenth(2e-6));
  }

  @Test
  void largeErrorsStopAtTheFirstPairAndTheBoundHolds() {
    float[] noise = noise(N, IMAGE.sampleSize());
    List<String> log = new ArrayList<>();
    // judged errors of 1e-2: the pair 1e-3 / 1e-4 already has a bound far below a tenth of it
    AutoReference.Outcome o = imageReference(noise, 1e-2, log);
    String all = String.join("\n", log);
    assertEquals(AutoReference.Stop.WELL_BELOW, o.stop(), all);
    assertEquals(1e-4, o.tolerance(), all);
    assertEquals(ReferenceMethod.DOPRI5_BATCH, o.method());
    assertTrue(o.agreement() <= 1e-3, all);
    assertTrue(o.agreed());
    withinBound(IMAGE, noise, N, o);
    assertTrue(o.description().startsWith("dopri5-batch (rtol = atol = 1e-4"), o.description());
    assertTrue(
        o.description().contains("of the smallest error it judges (1.0e-02)"), o.description());
  }

  @Test
  void judgedNoteSaysHowTheBoundComparesWithTheErrors() {
    assertEquals(
        ", 1/37 of the smallest error it judges (3.7e-02)", AutoReference.judgedNote(1e-3, 3.7e-2));
    assertEquals(
        ", 1/2.5 of the smallest error it judges (2.5e-02)",
        AutoReference.judgedNote(1e-2, 2.5e-2));
    // a bound above the errors is a multiple, not "1/0.6 of"
    assertEquals(
        ", 1.7× the smallest error it judges (1.7e-02)", AutoReference.judgedNote(2.83e-2, 1.7e-2));
    assertEquals("", AutoReference.judgedNote(1e-3, Double.NaN));
  }

  @Test
  void smallErrorsTightenUntilTheBoundIsATenthOfThem() {
    float[] noise = noise(N, IMAGE.sampleSize());
    List<String> log = new ArrayList<>();
    AutoReference.Outcome o = imageReference(noise, 1e-5, log);
    String all = String.join("\n", log);
    assertEquals(AutoReference.Stop.WELL_BELOW, o.stop(), all);
    assertTrue(o.tolerance() < 1e-4, all);
    assertTrue(o.agreement() <= 1e-6, all);
    assertTrue(withinBound(IMAGE, noise, N, o) <= 1e-6, all);
  }

  @Test
  void errorsBelowWhatFloat32CanResolveStopAtTheNoiseAndSaySo() {
    float[] noise = noise(N, IMAGE.sampleSize());
    List<String> log = new ArrayList<>();
    // no float32-state solve resolves 1e-12: tightening stops where solves stop converging
    AutoReference.Outcome o = imageReference(noise, 1e-12, log);
    String all = String.join("\n", log);
    assertTrue(o.stop() != AutoReference.Stop.WELL_BELOW, all);
    assertTrue(!o.agreed(), all);
    assertTrue(o.description().contains("NOT well below"), o.description());
    // still a good solve: within its bound of the exact flow, and that bound near float noise
    double exact = exactError(IMAGE, noise, N, o.x());
    assertTrue(exact <= Math.max(o.agreement(), 1e-6), all + "\nerror " + exact);
  }

  @Test
  void tighteningStopsAtTheBudgetAndSaysSo() {
    int n = N;
    float[] noise = noise(n, IMAGE.sampleSize());
    // what each tolerance costs here, NFE per sample
    double[] cost = new double[3];
    for (int k = 0; k < 3; k++) {
      cost[k] =
          ReferenceMethod.DOPRI5_BATCH
              .solve(
                  IMAGE,
                  noise,
                  n,
                  5,
                  1e-3 / Math.pow(10, k),
                  100_000,
                  ReferenceSolver.Progress.NONE)
              .meanNfe();
    }
    assertTrue(cost[2] > cost[1] && cost[1] > cost[0], java.util.Arrays.toString(cost));
    // too little left for even the cost of the last solve: the third is not tried
    List<String> log = new ArrayList<>();
    AutoReference.Outcome none =
        auto(log).solve(IMAGE, noise, n, 5, 1e-3, 1e-9, x -> 1e-12, (long) (cost[0] + cost[1]));
    assertEquals(AutoReference.Stop.BUDGET, none.stop(), String.join("\n", log));
    assertEquals(1e-4, none.tolerance());
    assertEquals(cost[0] + cost[1], none.nfeSpent(), 1e-9);
    assertTrue(none.description().contains("did not fit the budget"), none.description());
    // enough to start the third but not to finish it: it is abandoned, the second is kept
    log.clear();
    long budget = (long) (cost[0] + cost[1] + (cost[1] + cost[2]) / 2);
    AutoReference.Outcome cut = auto(log).solve(IMAGE, noise, n, 5, 1e-3, 1e-9, x -> 1e-12, budget);
    String all = String.join("\n", log);
    assertEquals(AutoReference.Stop.BUDGET, cut.stop(), all);
    assertEquals(1e-4, cut.tolerance(), all);
    assertTrue(all.contains("ran out of the budget"), all);
    assertTrue(cut.nfeSpent() <= budget + 1e-9, all);
    // a budget that fits every solve changes nothing
    AutoReference.Outcome free =
        auto(new ArrayList<>()).solve(IMAGE, noise, n, 5, 1e-3, 1e-9, x -> 1e-2, 1);
    assertEquals(AutoReference.Stop.WELL_BELOW, free.stop());
  }

  @Test
  void dop853OnSmallSamplesIsWithinItsBound() {
    int n = 40;
    float[] noise = noise(n, POINT.sampleSize());
    List<String> log = new ArrayList<>();
    AutoReference.Outcome o = auto(log).solve(POINT, noise, n, 16, 1e-4, 1e-9, x -> 1e-4);
    String all = String.join("\n", log);
    assertEquals(ReferenceMethod.DOP853, o.method());
    assertEquals(AutoReference.Stop.WELL_BELOW, o.stop(), all);
    assertTrue(o.agreement() <= 1e-5, all);
    withinBound(POINT, noise, n, o);
  }
}
