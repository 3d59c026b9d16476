package io.flowmatch.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.dataset.CorruptDataException;
import io.flowmatch.inference.dataset.IdxImages;
import io.flowmatch.inference.error.FlowmatchException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {
  @TempDir Path tmp;

  @Test
  void toySetsAreSeededAndInRange() {
    for (String name : ToyDatasets.NAMES) {
      TrainingData a = ToyDatasets.generate(name, 2000, 1);
      TrainingData b = ToyDatasets.generate(name, 2000, 1);
      TrainingData c = ToyDatasets.generate(name, 2000, 2);
      float[] all = a.gather(range(2000));
      assertArrayEquals(all, b.gather(range(2000)), 0f, name);
      assertNotEquals(all[0], c.gather(range(1))[0], name);
      for (float v : all) {
        assertTrue(v >= -4 && v <= 4, name + " value " + v);
      }
      assertArrayEquals(new int[] {2}, a.sampleShape());
    }
  }

  @Test
  void toySetsHaveTheirShapes() {
    // circles: radii 1.5 and 3 in equal shares; 8 Gaussians: radius 2√2
    float[] c = ToyDatasets.generate("circles", 4000, 3).gather(range(4000));
    int inner = 0;
    for (int i = 0; i < 4000; i++) {
      double r = Math.hypot(c[2 * i], c[2 * i + 1]);
      assertTrue(Math.abs(r - 1.5) < 1.2 || Math.abs(r - 3) < 1.2, "radius " + r);
      inner += r < 2.25 ? 1 : 0;
    }
    assertEquals(2000, inner, 150);
    float[] g = ToyDatasets.generate("8gaussians", 4000, 3).gather(range(4000));
    double meanR = 0;
    for (int i = 0; i < 4000; i++) {
      meanR += Math.hypot(g[2 * i], g[2 * i + 1]) / 4000;
    }
    assertEquals(2 * Math.sqrt(2), meanR, 0.1);
    // checkerboard: occupied cells have floor(x/2) + floor(y/2) even
    float[] k = ToyDatasets.generate("checkerboard", 4000, 3).gather(range(4000));
    for (int i = 0; i < 4000; i++) {
      int cell = (int) Math.floor(k[2 * i] / 2) + (int) Math.floor(k[2 * i + 1] / 2);
      assertEquals(0, Math.floorMod(cell, 2), "point " + k[2 * i] + "," + k[2 * i + 1]);
    }
  }

  @Test
  void idxImagesAreReadAndScaledToMinusOneOne() throws Exception {
    IdxFiles.write(tmp, IdxImages.MAGIC, 3, 28, 28, 0);
    TrainingData d = Datasets.load("mnist", tmp, 0);
    assertEquals(3, d.size());
    assertArrayEquals(new int[] {1, 28, 28}, d.sampleShape());
    float[] x = new float[784];
    d.copySample(2, x, 0);
    assertEquals(2 * 2 / 255f - 1, x[0], 1e-6); // pixel 2
    assertEquals(2 * 255 / 255f - 1, x[253], 1e-6); // pixel 255 → 1
    assertEquals(-1, x[254], 1e-6); // pixel 0 → -1
  }

  @Test
  void corruptIdxFilesAreNamed() throws Exception {
    Path bad = IdxFiles.write(tmp.resolve("magic"), 0x00000801, 3, 28, 28, 0);
    CorruptDataException e =
        assertThrows(
            CorruptDataException.class, () -> Datasets.load("fashion-mnist", bad.getParent(), 0));
    assertEquals(
        "corrupt IDX file "
            + bad
            + ": magic number 0x00000801, expected 0x00000803 (unsigned-byte images)",
        e.getMessage());
    Path cut = IdxFiles.write(tmp.resolve("cut"), IdxImages.MAGIC, 3, 28, 28, 100);
    e =
        assertThrows(
            CorruptDataException.class, () -> Datasets.load("fashion-mnist", cut.getParent(), 0));
    assertEquals(
        "corrupt IDX file "
            + cut
            + ": header announces 3 images of 28×28 (2352 bytes of pixels) but only 2252 bytes follow",
        e.getMessage());
    Path small = IdxFiles.write(tmp.resolve("small"), IdxImages.MAGIC, 2, 8, 8, 0);
    e =
        assertThrows(
            CorruptDataException.class, () -> Datasets.load("mnist", small.getParent(), 0));
    assertEquals(
        "corrupt IDX file " + small + ": images are 8×8, expected 28×28 for mnist", e.getMessage());
    Path notGz = tmp.resolve("notgz").resolve(Datasets.TRAIN_IMAGES);
    Files.createDirectories(notGz.getParent());
    Files.writeString(notGz, "hello");
    e =
        assertThrows(
            CorruptDataException.class, () -> Datasets.load("mnist", notGz.getParent(), 0));
    assertTrue(
        e.getMessage().startsWith("corrupt IDX file " + notGz + ": not valid gzip"),
        e.getMessage());
  }

  @Test
  void aFolderWithoutTheFilesSaysWhatIsMissingAndHowToGetIt() {
    FlowmatchException e =
        assertThrows(FlowmatchException.class, () -> Datasets.load("fashion-mnist", tmp, 0));
    assertEquals(
        "data folder "
            + tmp
            + " has no train-images-idx3-ubyte.gz (nor train-images-idx3-ubyte) for fashion-mnist;"
            + " install it with 'apt-get install dataset-fashion-mnist' or point --data-dir at a folder holding it",
        e.getMessage());
    e = assertThrows(FlowmatchException.class, () -> Datasets.load("cifar10", null, 0));
    assertEquals(
        "unknown data set 'cifar10', expected one of moons, 8gaussians, checkerboard, spirals, circles, fashion-mnist, mnist",
        e.getMessage());
  }

  @Test
  void batchesWalkThroughSeededPermutations() {
    BatchSampler s = new BatchSampler(10, 4, 5);
    int[] seen = new int[10];
    // steps 0..4 cover 20 positions = two epochs: each index exactly twice
    for (int step = 0; step < 5; step++) {
      for (int i : s.indices(step)) {
        seen[i]++;
      }
    }
    for (int c : seen) {
      assertEquals(2, c);
    }
    assertArrayEquals(
        s.indices(3), new BatchSampler(10, 4, 5).indices(3)); // pure function of (seed, step)
    assertNotEquals(
        java.util.Arrays.toString(s.indices(0)),
        java.util.Arrays.toString(new BatchSampler(10, 4, 6).indices(0)));
    FlowmatchException e =
        assertThrows(FlowmatchException.class, () -> new BatchSampler(10, 11, 0));
    assertEquals("batch 11 is larger than the data set (10 samples)", e.getMessage());
  }

  static int[] range(int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      r[i] = i;
    }
    return r;
  }
}
