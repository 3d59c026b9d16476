package io.flowmatch.inference.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.field.FieldOptions;
import io.flowmatch.inference.field.GaussianMixture;
import io.flowmatch.inference.field.ModelMetadata;
import io.flowmatch.inference.field.OnnxVelocityField;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetTest {
  @TempDir Path dir;

  @Test
  void theShippedModelsMixtureIsRecoveredFromItsMetadata() {
    Map<String, String> metadata;
    try (OnnxVelocityField f =
        OnnxVelocityField.open(Path.of("..", "models", "gmm8.onnx"), FieldOptions.defaults())) {
      metadata = f.metadata();
    }
    GaussianMixture m = MixtureMetadata.of(metadata).orElseThrow();
    GaussianMixture expected = GaussianMixture.circle(8, 4, 0.5);
    assertEquals(8, m.components());
    for (int k = 0; k < 8; k++) {
      assertArrayEquals(expected.mean(k), m.mean(k), 1e-6, "mean " + k);
      assertEquals(0.5, m.std(k), 0);
      assertEquals(0.125, m.weight(k), 1e-12);
    }
  }

  @Test
  void otherModelsHaveNoMixture() {
    assertFalse(MixtureMetadata.of(Map.of(ModelMetadata.DATASET, "moons")).isPresent());
    assertFalse(
        MixtureMetadata.of(
                Map.of(
                    ModelMetadata.ARCHITECTURE,
                    "analytic-gmm",
                    MixtureMetadata.DESCRIPTION,
                    "w=x mean=(1) std=1"))
            .isPresent(),
        "a malformed number");
  }

  @Test
  void mixtureDrawsAreSeededAndTheFloorSetIsIndependent() {
    GaussianMixture m = GaussianMixture.circle(3, 2, 0.4);
    ReferenceData a = ReferenceData.ofMixture(m, "gmm3", 500, 200, 7);
    ReferenceData b = ReferenceData.ofMixture(m, "gmm3", 500, 200, 7);
    ReferenceData c = ReferenceData.ofMixture(m, "gmm3", 500, 200, 8);
    assertArrayEquals(a.reference(), b.reference());
    assertArrayEquals(a.floor(), b.floor());
    assertFalse(java.util.Arrays.equals(a.reference(), c.reference()));
    assertFalse(java.util.Arrays.equals(java.util.Arrays.copyOf(a.reference(), 400), a.floor()));
    assertEquals("500 fresh gmm3 samples", a.referenceDescription());
    assertEquals("200 other fresh gmm3 samples", a.floorDescription());
    // every point lies near one of the three means (4.5 std at most here)
    for (int i = 0; i < 500; i++) {
      double best = Double.MAX_VALUE;
      for (int k = 0; k < 3; k++) {
        double[] mu = m.mean(k);
        best =
            Math.min(
                best, Math.hypot(a.reference()[2 * i] - mu[0], a.reference()[2 * i + 1] - mu[1]));
      }
      assertTrue(best < 0.4 * 4.5, "point " + i);
    }
  }

  @Test
  void idxImagesAreScaledToTheDataRange() throws IOException {
    Path gz =
        IdxFiles.write(dir.resolve("train-images-idx3-ubyte.gz"), 10, 3, 4, true, IdxImages.MAGIC);
    IdxImages.Images all = IdxImages.read(gz, 100, -1, 1);
    assertEquals(10, all.count());
    assertArrayEquals(new int[] {1, 3, 4}, all.sampleShape());
    // image 2, pixel 5: byte 7 → 7·(2/255) − 1
    assertEquals(7 * (2f / 255f) - 1f, all.data()[2 * 12 + 5], 0);
    Path plain = IdxFiles.write(dir.resolve("plain"), 10, 3, 4, false, IdxImages.MAGIC);
    IdxImages.Images first = IdxImages.read(plain, 4, 0, 255);
    assertEquals(4, first.count());
    assertEquals(9f, first.data()[3 * 12 + 6], 0, "range 0..255 keeps the bytes");
  }

  @Test
  void corruptIdxFilesAreNamed() throws IOException {
    Path wrong = IdxFiles.write(dir.resolve("labels"), 2, 2, 2, false, 0x00000801);
    IOException e =
        assertThrows(CorruptDataException.class, () -> IdxImages.read(wrong, 10, -1, 1));
    assertEquals(
        "corrupt IDX file "
            + wrong
            + ": magic number 0x00000801, expected 0x00000803 (unsigned-byte images)",
        e.getMessage());
    Path cut = dir.resolve("cut");
    byte[] whole =
        Files.readAllBytes(IdxFiles.write(dir.resolve("whole"), 5, 2, 2, false, IdxImages.MAGIC));
    Files.write(cut, java.util.Arrays.copyOf(whole, whole.length - 3));
    e = assertThrows(CorruptDataException.class, () -> IdxImages.read(cut, 10, -1, 1));
    assertEquals(
        "corrupt IDX file "
            + cut
            + ": header announces 5 images of 2×2 (20 bytes of pixels) but only 17 bytes follow",
        e.getMessage());
    // the first images are whole: reading only them does not look at the cut end
    assertEquals(4, IdxImages.read(cut, 4, -1, 1).count());
    e = assertThrows(CorruptDataException.class, () -> IdxImages.readPixels(cut));
    assertEquals(
        "corrupt IDX file "
            + cut
            + ": header announces 5 images of 2×2 (20 bytes of pixels) but only 17 bytes follow",
        e.getMessage());
    Path header = dir.resolve("header");
    Files.write(header, java.util.Arrays.copyOf(whole, 10));
    e = assertThrows(CorruptDataException.class, () -> IdxImages.read(header, 10, -1, 1));
    assertEquals("corrupt IDX file " + header + ": header shorter than 16 bytes", e.getMessage());
    Path huge = IdxFiles.write(dir.resolve("huge"), 1, 2048, 2048, false, IdxImages.MAGIC);
    e = assertThrows(CorruptDataException.class, () -> IdxImages.read(huge, 10, -1, 1));
    assertEquals("corrupt IDX file " + huge + ": implausible size 1×2048×2048", e.getMessage());
  }

  @Test
  void aWholeIdxFileIsReadAsBytesAndMustEndWithItsImages() throws IOException {
    Path gz =
        IdxFiles.write(dir.resolve("train-images-idx3-ubyte.gz"), 3, 2, 5, true, IdxImages.MAGIC);
    IdxImages.Pixels p = IdxImages.readPixels(gz);
    assertEquals(3, p.count());
    assertArrayEquals(new int[] {1, 2, 5}, p.sampleShape());
    assertEquals(2 + 7, p.data()[2 * 10 + 7], "image 2, pixel 7 is byte (2 + 7)");
    float[] one = new float[10];
    p.copyScaled(2, one, 0, -1, 1);
    assertEquals(9 * (2f / 255f) - 1f, one[7], 0);
    assertArrayEquals(
        IdxImages.read(gz, 3, -1, 1).data(), p.scaled(-1, 1), 0f, "both views scale alike");

    Path longer = dir.resolve("longer");
    byte[] whole =
        Files.readAllBytes(IdxFiles.write(dir.resolve("plain"), 3, 2, 5, false, IdxImages.MAGIC));
    Files.write(longer, java.util.Arrays.copyOf(whole, whole.length + 2));
    IOException e = assertThrows(CorruptDataException.class, () -> IdxImages.readPixels(longer));
    assertEquals(
        "corrupt IDX file " + longer + ": more bytes than the 30 the header announces",
        e.getMessage());
    Path empty = IdxFiles.write(dir.resolve("empty"), 0, 2, 5, false, IdxImages.MAGIC);
    e = assertThrows(CorruptDataException.class, () -> IdxImages.readPixels(empty));
    assertEquals("corrupt IDX file " + empty + ": implausible size 0×2×5", e.getMessage());
    Path notGz = dir.resolve("not-gzip.gz");
    Files.writeString(notGz, "hello");
    e = assertThrows(CorruptDataException.class, () -> IdxImages.readPixels(notGz));
    assertEquals(
        "corrupt IDX file " + notGz + ": not valid gzip (Not in GZIP format)", e.getMessage());
  }
}
