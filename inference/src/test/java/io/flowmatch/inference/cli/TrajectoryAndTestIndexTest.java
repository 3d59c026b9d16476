package io.flowmatch.inference.cli;

import static io.flowmatch.inference.cli.SampleCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.cli.SampleCommandTest.Run;
import io.flowmatch.inference.dataset.IdxFiles;
import io.flowmatch.inference.io.Npy;
import io.flowmatch.inference.io.NpyArray;
import io.flowmatch.inference.io.Png;
import io.flowmatch.inference.solver.TimeGrid;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sample --save-trajectory / --paths} and {@code encode --test-index}, through the CLI, on
 * the field whose flow towards N(μ, σ²) is the straight line x(t) = tμ + (1 + t(σ − 1))·x0: every
 * state along the way is known exactly.
 */
class TrajectoryAndTestIndexTest {
  static final float MU = 1.5f;
  static final float SIGMA = 0.5f;

  @TempDir static Path models;
  static String gauss;
  static String images;

  @TempDir Path dir;

  @BeforeAll
  static void buildModels() throws IOException {
    gauss =
        TestModels.gaussian(models.resolve("g.onnx"), new int[] {2}, MU, SIGMA, true).toString();
    images =
        TestModels.gaussian(models.resolve("img.onnx"), new int[] {1, 4, 4}, MU, SIGMA, true)
            .toString();
  }

  private static final float[] NOISE = {0, 0, 1, -1, -2, 0.5f, 0.3f, 2, -0.7f, -1.2f};

  private Path noise() throws IOException {
    Path p = dir.resolve("noise.npy");
    Npy.write(p, new int[] {5, 2}, NOISE);
    return p;
  }

  private static double[] readDoubles(Path p) throws IOException {
    byte[] bytes = Files.readAllBytes(p);
    int headerLength = 10 + (bytes[8] & 0xff) + ((bytes[9] & 0xff) << 8);
    String header =
        new String(bytes, 10, headerLength - 10, java.nio.charset.StandardCharsets.US_ASCII);
    assertTrue(header.contains("'descr': '<f8'"), header);
    ByteBuffer b =
        ByteBuffer.wrap(bytes, headerLength, bytes.length - headerLength)
            .order(ByteOrder.LITTLE_ENDIAN);
    double[] out = new double[b.remaining() / 8];
    for (int i = 0; i < out.length; i++) {
      out[i] = b.getDouble();
    }
    return out;
  }

  @Test
  void trajectoryHoldsTheExactStatesAtTheGridTimes() throws IOException {
    Path traj = dir.resolve("traj.npy");
    Path fin = dir.resolve("final.npy");
    // batches of 2: the recorder must place each batch's samples at their own rows
    Run r =
        run(
            "sample",
            "--model",
            gauss,
            "--noise",
            noise().toString(),
            "--solver",
            "heun",
            "--steps",
            "4",
            "--grid",
            "quadratic",
            "--batch",
            "2",
            "--save-trajectory",
            traj.toString(),
            "--save-npy",
            fin.toString());
    assertEquals(0, r.code(), r.err());
    Path times = dir.resolve("traj.times.npy");
    assertTrue(
        r.out()
            .contains(
                "wrote "
                    + traj
                    + " (5 states of 5 samples, shape (5, 5, 2), float32) and "
                    + times
                    + " (5 times, float64)\n"),
        r.out());

    double[] t = readDoubles(times);
    assertArrayEquals(TimeGrid.nodes("quadratic", 4, 0, 1), t, 0.0);
    assertEquals(0.4375, t[1], 1e-15); // 1 − (3/4)²

    NpyArray a = Npy.read(traj);
    assertArrayEquals(new int[] {5, 5, 2}, a.shape());
    for (int k = 0; k < 5; k++) {
      for (int i = 0; i < NOISE.length; i++) {
        double exact = t[k] * MU + (1 + t[k] * (SIGMA - 1)) * NOISE[i];
        assertEquals(exact, a.data()[k * NOISE.length + i], 2e-6, "node " + k + ", value " + i);
      }
    }
    // node 0 is the noise itself and the last node is bit for bit the final sample
    for (int i = 0; i < NOISE.length; i++) {
      assertEquals(NOISE[i], a.data()[i]);
    }
    float[] last = java.util.Arrays.copyOfRange(a.data(), 4 * NOISE.length, 5 * NOISE.length);
    assertArrayEquals(Npy.read(fin).data(), last, 0f);
  }

  @Test
  void decodeSavesItsTrajectoryToo() throws IOException {
    Path traj = dir.resolve("dec.npy");
    Path x = dir.resolve("x.npy");
    Run r =
        run(
            "decode",
            "--model",
            gauss,
            "--input",
            noise().toString(),
            "--out",
            x.toString(),
            "--solver",
            "euler",
            "--steps",
            "2",
            "--save-trajectory",
            traj.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.out()
            .endsWith(
                "wrote "
                    + traj
                    + " (3 states of 5 samples, shape (3, 5, 2), float32) and "
                    + dir.resolve("dec.times.npy")
                    + " (3 times, float64)\n"),
        r.out());
    NpyArray a = Npy.read(traj);
    double[] t = {0, 0.5, 1};
    assertArrayEquals(t, readDoubles(dir.resolve("dec.times.npy")), 0.0);
    for (int k = 0; k < 3; k++) {
      for (int i = 0; i < NOISE.length; i++) {
        assertEquals(
            t[k] * MU + (1 + t[k] * (SIGMA - 1)) * NOISE[i], a.data()[k * NOISE.length + i], 2e-6);
      }
    }
    assertEquals(
        "flowmatch decode: --paths draws on the --out scatter plot; give --out FILE.png or FILE.svg\n",
        run(
                "decode",
                "--model",
                gauss,
                "--input",
                noise().toString(),
                "--out",
                x.toString(),
                "--paths",
                "2")
            .err());
  }

  @Test
  void recordingChangesNothingAndImagesKeepTheirShape() throws IOException {
    Path plain = dir.resolve("plain.npy");
    Path recorded = dir.resolve("recorded.npy");
    Path traj = dir.resolve("img-traj.npy");
    assertEquals(
        0,
        run(
                "sample",
                "--model",
                images,
                "--n",
                "3",
                "--solver",
                "rk4",
                "--steps",
                "3",
                "--save-npy",
                plain.toString())
            .code());
    Run r =
        run(
            "sample",
            "--model",
            images,
            "--n",
            "3",
            "--solver",
            "rk4",
            "--steps",
            "3",
            "--save-npy",
            recorded.toString(),
            "--save-trajectory",
            traj.toString());
    assertEquals(0, r.code(), r.err());
    assertArrayEquals(Npy.read(plain).data(), Npy.read(recorded).data(), 0f);
    assertArrayEquals(new int[] {4, 3, 1, 4, 4}, Npy.read(traj).shape());
    assertArrayEquals(
        new double[] {0, 1 / 3.0, 2 / 3.0, 1},
        readDoubles(dir.resolve("img-traj.times.npy")),
        1e-15);
  }

  @Test
  void pathsAreDrawnOnTheScatterPlot() throws IOException {
    Path with = dir.resolve("with.png");
    Path without = dir.resolve("without.png");
    Run r =
        run(
            "sample",
            "--model",
            gauss,
            "--n",
            "50",
            "--steps",
            "5",
            "--paths",
            "10",
            "--out",
            with.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(
        0,
        run("sample", "--model", gauss, "--n", "50", "--steps", "5", "--out", without.toString())
            .code());
    assertTrue(redPixels(Png.read(with)) > 100, "paths drawn in red");
    assertEquals(0, redPixels(Png.read(without)));
    assertFalse(Files.exists(dir.resolve("with.times.npy")));
  }

  /** Pixels in the colour of drawn trajectories. */
  static int redPixels(BufferedImage img) {
    int count = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        if ((img.getRGB(x, y) & 0xffffff) == 0xd62728) {
          count++;
        }
      }
    }
    return count;
  }

  @Test
  void badTrajectoryOptions() throws IOException {
    Path traj = dir.resolve("t.npy");
    SampleBadInputTest.assertError(
        2,
        "--save-trajectory needs a fixed-step solver (euler, heun, midpoint, rk4), got dopri5,"
            + " whose steps are not known in advance",
        run(
            "sample",
            "--model",
            gauss,
            "--solver",
            "dopri5",
            "--save-trajectory",
            traj.toString()));
    SampleBadInputTest.assertError(
        2,
        "--save-trajectory must name a .npy file, got '" + dir.resolve("t.txt") + "'",
        run("sample", "--model", gauss, "--save-trajectory", dir.resolve("t.txt").toString()));
    SampleBadInputTest.assertError(
        2,
        "--paths must be a non-negative integer, got -1",
        run("sample", "--model", gauss, "--paths", "-1", "--out", dir.resolve("x.png").toString()));
    SampleBadInputTest.assertError(
        2,
        "--paths draws on the --out scatter plot; give --out FILE.png or FILE.svg",
        run("sample", "--model", gauss, "--paths", "3"));
    SampleBadInputTest.assertError(
        2,
        "--paths draws 2-D trajectories, this model's samples have shape [1, 4, 4]",
        run("sample", "--model", images, "--paths", "3", "--out", dir.resolve("x.png").toString()));
    // the trajectory is streamed to its file: what bounds it is the free space there (256,128 GiB
    // is more than any disk)
    Run huge =
        run(
            "sample",
            "--model",
            images,
            "--n",
            "2147483647",
            "--steps",
            "2000",
            "--save-trajectory",
            traj.toString());
    assertEquals(2, huge.code(), huge.err());
    assertTrue(
        huge.err()
            .matches(
                "flowmatch sample: --save-trajectory: 2001 states × 2147483647 samples × 16 values"
                    + " = 68753836442352 floats \\(256128\\.0 GiB\\), more than the \\d+\\.\\d GiB free in "
                    + java.util.regex.Pattern.quote(dir.toString())
                    + "; use fewer --n or --steps\n"),
        huge.err());
    // the paths drawn are kept in memory, and one array bounds them
    SampleBadInputTest.assertError(
        2,
        "--paths: 1001 states × 2000000 samples × 2 values = 4004000000 floats, more than fit"
            + " in memory (at most 2147483639); use fewer --paths or --steps",
        run(
            "sample",
            "--model",
            gauss,
            "--n",
            "2000000",
            "--steps",
            "1000",
            "--paths",
            "2000000",
            "--out",
            dir.resolve("x.png").toString()));
    assertFalse(Files.exists(traj));
    assertFalse(Files.exists(dir.resolve("x.png")));
  }

  @Test
  void aFailedRunLeavesNoTrajectory() throws IOException {
    // v = log(x) is NaN for sample 7's negative component: the first batch (samples 0-3) is
    // recorded, the second fails
    Path log = TestModels.logOfX(models.resolve("log.onnx"), new int[] {2});
    float[] x0 = new float[20];
    java.util.Arrays.fill(x0, 2f);
    x0[2 * 7] = -0.5f;
    Path noise = dir.resolve("nan-noise.npy");
    Npy.write(noise, new int[] {10, 2}, x0);
    Path traj = dir.resolve("sub").resolve("t.npy");
    Run r =
        run(
            "sample",
            "--model",
            log.toString(),
            "--noise",
            noise.toString(),
            "--batch",
            "4",
            "--solver",
            "euler",
            "--steps",
            "3",
            "--save-trajectory",
            traj.toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(
        r.err()
            .startsWith(
                "flowmatch sample: the model returned a non-finite velocity (NaN) for sample 7"),
        r.err());
    assertFalse(Files.exists(traj));
    assertFalse(Files.exists(dir.resolve("sub").resolve("t.times.npy")));
    try (java.util.stream.Stream<Path> left = Files.list(dir.resolve("sub"))) {
      assertEquals(0, left.count(), "no temporary file is left behind");
    }
  }

  // ---- encode --test-index ----

  private Path idxDir(int n) throws IOException {
    Path idx = dir.resolve("idx");
    Files.createDirectories(idx);
    IdxFiles.write(idx.resolve("t10k-images-idx3-ubyte.gz"), n, 4, 4, true, 0x803);
    return idx;
  }

  @Test
  void encodeTestImagesByIndex() throws IOException {
    Path idx = idxDir(30);
    Path z = dir.resolve("z.npy");
    Run r =
        run(
            "encode",
            "--model",
            images,
            "--test-index",
            "29,0,7",
            "--data-dir",
            idx.toString(),
            "--out",
            z.toString(),
            "--solver",
            "rk4",
            "--steps",
            "4");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("wrote " + z + " (3 codes, shape (3, 1, 4, 4), float32)"), r.out());
    NpyArray codes = Npy.read(z);
    int[] order = {29, 0, 7};
    for (int k = 0; k < 3; k++) {
      for (int p = 0; p < 16; p++) {
        // IdxFiles: pixel p of image i is (i + p) mod 256; the default range maps it to -1 +
        // 2·value/255
        double x = -1 + 2.0 * ((order[k] + p) % 256) / 255;
        assertEquals(
            (x - MU) / SIGMA, codes.data()[k * 16 + p], 2e-5, "image " + order[k] + " pixel " + p);
      }
    }
  }

  @Test
  void badTestIndices() throws IOException {
    Path idx = idxDir(30);
    Path z = dir.resolve("z.npy");
    Path file = idx.resolve("t10k-images-idx3-ubyte.gz");
    assertEncodeError(
        "--test-index 30 is out of range: " + file + " holds 30 images, valid indices are 0 to 29",
        run(
            "encode",
            "--model",
            images,
            "--test-index",
            "3,30",
            "--data-dir",
            idx.toString(),
            "--out",
            z.toString()));
    assertEncodeError(
        "--test-index -1: an index must be 0 or more",
        run(
            "encode",
            "--model",
            images,
            "--test-index",
            "-1",
            "--data-dir",
            idx.toString(),
            "--out",
            z.toString()));
    assertEncodeError(
        "--test-index: the images in " + file + " have shape [1, 4, 4], this model's samples [2]",
        run(
            "encode",
            "--model",
            gauss,
            "--test-index",
            "1",
            "--data-dir",
            idx.toString(),
            "--out",
            z.toString()));
    Path empty = dir.resolve("empty");
    Files.createDirectories(empty);
    assertEncodeError(
        "--test-index: no t10k-images-idx3-ubyte(.gz) in " + empty + "; give --data-dir DIR",
        run(
            "encode",
            "--model",
            images,
            "--test-index",
            "1",
            "--data-dir",
            empty.toString(),
            "--out",
            z.toString()));
    assertEncodeError(
        "give --input ITEM... or --test-index I,J,...",
        run("encode", "--model", images, "--out", z.toString()));
    assertEncodeError(
        "give --input or --test-index, not both",
        run(
            "encode",
            "--model",
            gauss,
            "--input",
            "1,2",
            "--test-index",
            "1",
            "--out",
            z.toString()));
    assertEncodeError(
        "--data-dir is for --test-index",
        run(
            "encode",
            "--model",
            gauss,
            "--input",
            "1,2",
            "--data-dir",
            idx.toString(),
            "--out",
            z.toString()));
    assertFalse(Files.exists(z));
  }

  private static void assertEncodeError(String line, Run r) {
    assertEquals("flowmatch encode: " + line + "\n", r.err());
    assertEquals(2, r.code(), r.err());
    assertEquals("", r.out());
  }
}
