package io.flowmatch.inference.compare;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.field.VelocityField;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReferenceCacheTest {
  @TempDir Path dir;

  @Test
  void storedSolutionsComeBackUnderTheirKeyOnly() throws IOException {
    ReferenceCache cache = new ReferenceCache(dir.resolve("refs"));
    float[] noise = {1, 2, 3, 4};
    String key = ReferenceCache.key("abc", noise, 2, 2, "dop853 rtol=1e-6");
    double[] x = {0.1, -0.2, 1e-300, Math.PI};
    assertTrue(cache.store(key, x));
    assertArrayEquals(x, cache.load(key, 4), 0);
    assertNull(cache.load(key, 5), "another length is another solve");
    assertNotEquals(key, ReferenceCache.key("abd", noise, 2, 2, "dop853 rtol=1e-6"));
    assertNotEquals(
        key, ReferenceCache.key("abc", new float[] {1, 2, 3, 5}, 2, 2, "dop853 rtol=1e-6"));
    assertNotEquals(key, ReferenceCache.key("abc", noise, 2, 2, "dop853 rtol=1e-7"));
    // a damaged file is ignored
    Path file = dir.resolve("refs").resolve(key + ".ref");
    Files.write(file, new byte[] {1, 2, 3});
    assertNull(cache.load(key, 4));
    try (var files = Files.list(dir.resolve("refs"))) {
      assertEquals(1, files.count(), "no temporary file left");
    }
  }

  @Test
  void theCacheFolderFollowsTheEnvironment() {
    String saved = System.clearProperty("flowmatch.cache");
    try {
      assertEquals(
          Path.of("/c/own"),
          ReferenceCache.userCacheDir(Map.of("FLOWMATCH_CACHE", "/c/own", "XDG_CACHE_HOME", "/x")));
      assertEquals(
          Path.of("/x", "flowmatch"), ReferenceCache.userCacheDir(Map.of("XDG_CACHE_HOME", "/x")));
      assertEquals(
          Path.of(System.getProperty("user.home"), ".cache", "flowmatch"),
          ReferenceCache.userCacheDir(Map.of()));
    } finally {
      if (saved != null) {
        System.setProperty("flowmatch.cache", saved);
      }
    }
  }

  /** v = −x: the exact flow is x·e^{−1}. */
  private static final VelocityField DECAY =
      new VelocityField() {
        @Override
        public int[] sampleShape() {
          return new int[] {2};
        }

        @Override
        public void evaluate(float[] x, float[] t, int n, float[] v) {
          for (int i = 0; i < 2 * n; i++) {
            v[i] = -x[i];
          }
        }
      };

  @Test
  void automaticReferenceStopsWhereTheModelsNoiseIsReachedAndIsReusedFromTheCache() {
    float[] noise = {1, -2, 0.5f, 3, -1, 0.25f};
    ReferenceCache cache = new ReferenceCache(dir.resolve("auto"));
    List<String> log = new ArrayList<>();
    AutoReference auto =
        new AutoReference(cache, "model", 100_000, ReferenceSolver.Progress.NONE, log::add);
    AutoReference.Outcome first = auto.solve(DECAY, noise, 3, 2);
    assertTrue(first.agreed(), String.join("\n", log));
    // the float32 model's answer is its exact flow to float precision
    for (int i = 0; i < noise.length; i++) {
      assertEquals(noise[i] * Math.exp(-1), first.x()[i], 1e-6);
    }
    assertTrue(
        first.tolerance() <= 1e-7 && first.tolerance() >= 1e-9, "tolerance " + first.tolerance());
    assertTrue(first.nfeSpent() > 0);
    log.clear();
    AutoReference.Outcome again = auto.solve(DECAY, noise, 3, 2);
    assertEquals(0, again.nfeSpent(), String.join("\n", log));
    assertArrayEquals(first.x(), again.x(), 0);
    assertTrue(log.stream().anyMatch(l -> l.contains("from the cache")), String.join("\n", log));
  }
}
