package io.flowmatch.inference.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.field.GaussianMixture;
import io.flowmatch.inference.io.Npy;
import io.flowmatch.inference.likelihood.BitsPerDim;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flowmatch likelihood} through the real entry point. */
class LikelihoodCommandTest {
  @TempDir Path dir;

  /** stdout, stderr and exit code of one run of the real entry point. */
  static SampleCommandTest.Run run(String... args) {
    return SampleCommandTest.run(args);
  }

  /**
   * The acceptance check: {@code likelihood --model models/gmm8.onnx --input x.npy
   * --divergence exact} at rtol = atol = 1e-6 matches the mixture's closed-form log-density within
   * 1e-3 nats for every sample.
   */
  @Test
  void gmm8MatchesTheClosedFormPerSample() throws IOException {
    GaussianMixture gmm = GaussianMixture.circle(8, 4, 0.5);
    SplittableRandom random = new SplittableRandom(1);
    int n = 100;
    float[] x = new float[2 * n];
    double[] s = new double[2];
    for (int i = 0; i < n; i++) {
      gmm.sample(random, s);
      x[2 * i] = (float) s[0];
      x[2 * i + 1] = (float) s[1];
    }
    Path input = dir.resolve("x.npy");
    Npy.write(input, new int[] {n, 2}, x);
    Path csv = dir.resolve("nll.csv");
    SampleCommandTest.Run r =
        run(
            "likelihood",
            "--model",
            "../models/gmm8.onnx",
            "--input",
            input.toString(),
            "--divergence",
            "exact",
            "--rtol",
            "1e-6",
            "--atol",
            "1e-6",
            "--threads",
            "1",
            "--out",
            csv.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("NLL: "), r.out());
    assertTrue(r.out().contains("solver dopri5 (rtol 1e-06, atol 1e-06)"), r.out());
    List<String> lines = Files.readAllLines(csv);
    assertEquals("index,nll,log_p0,divergence_integral,nfe", lines.get(0));
    assertEquals(n + 1, lines.size());
    double worst = 0;
    for (int i = 0; i < n; i++) {
      double nll = Double.parseDouble(lines.get(i + 1).split(",")[1]);
      double exact =
          -io.flowmatch.inference.likelihood.LikelihoodTestSupport.mixtureLogDensity(gmm, x, 2 * i);
      worst = Math.max(worst, Math.abs(nll - exact));
    }
    System.out.printf(
        "likelihood CLI, gmm8, exact divergence, dopri5 1e-6: max |NLL - closed"
            + " form| = %.2e nats over %d samples%n",
        worst, n);
    assertTrue(worst < 1e-3, "max error " + worst);
  }

  /** sample --log-prob scores the samples it makes, in the same solve: the mixture's density. */
  @Test
  void sampleLogProbMatchesTheClosedForm() throws IOException {
    Path samples = dir.resolve("s.npy");
    Path scores = dir.resolve("lp.npy");
    SampleCommandTest.Run r =
        run(
            "sample",
            "--model",
            "../models/gmm8.onnx",
            "--n",
            "50",
            "--solver",
            "dopri5",
            "--rtol",
            "1e-6",
            "--atol",
            "1e-6",
            "--threads",
            "1",
            "--save-npy",
            samples.toString(),
            "--log-prob",
            scores.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("log p(x) of the samples: mean "), r.out());
    float[] x = Npy.read(samples).data();
    byte[] raw = Files.readAllBytes(scores);
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    int header = 10 + (b.getShort(8) & 0xffff);
    GaussianMixture gmm = GaussianMixture.circle(8, 4, 0.5);
    double worst = 0;
    for (int i = 0; i < 50; i++) {
      double lp = b.getDouble(header + 8 * i);
      worst =
          Math.max(
              worst,
              Math.abs(
                  lp
                      - io.flowmatch.inference.likelihood.LikelihoodTestSupport.mixtureLogDensity(
                          gmm, x, 2 * i)));
    }
    assertTrue(worst < 1e-3, "max error " + worst);
  }

  @Test
  void testImagesGiveBitsPerDimAndJson() throws IOException {
    Path json = dir.resolve("bpd.json");
    SampleCommandTest.Run r =
        run(
            "likelihood",
            "--model",
            "../models/fashion-mnist-dit.onnx",
            "--test-index",
            "0,1",
            "--divergence",
            "hutchinson",
            "--solver",
            "euler",
            "--steps",
            "2",
            "--threads",
            "1",
            "--out",
            json.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("bits/dim: "), r.out());
    assertTrue(r.out().contains("(NLL/(D ln 2) + 7.000, D = 784)"), r.out());
    String text = Files.readString(json);
    assertTrue(text.contains("\"bpd\": "), text);
  }

  @Test
  void badOptionsAreUsageErrors() {
    SampleCommandTest.Run none = run("likelihood", "--model", "../models/gmm8.onnx");
    assertEquals(2, none.code());
    assertEquals(
        "flowmatch likelihood: give --input ITEM..., --test-index I,J,... or --test-set N",
        none.err().strip());
    SampleCommandTest.Run div =
        run(
            "likelihood",
            "--model",
            "../models/gmm8.onnx",
            "--input",
            "1,2",
            "--divergence",
            "approx");
    assertEquals(2, div.code());
    assertEquals(
        "flowmatch likelihood: --divergence must be exact or hutchinson, got 'approx'",
        div.err().strip());
    Path out = dir.resolve("x.txt");
    SampleCommandTest.Run ext =
        run(
            "likelihood",
            "--model",
            "../models/gmm8.onnx",
            "--input",
            "1,2",
            "--out",
            out.toString());
    assertEquals(2, ext.code());
    assertFalse(Files.exists(out));
  }

  @Test
  void bitsPerDimOfUniformNoiseIsEightBitsMinusDequantisationGain() {
    assertEquals(7.0, BitsPerDim.offset(-1, 1), 1e-12);
  }
}
