package io.flowmatch.inference.tune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** grids.json as written and as read back, including files of earlier versions. */
class TunedGridsTest {
  @TempDir Path dir;

  private static JsonObject root() {
    JsonObject root = new JsonObject();
    root.addProperty("format", TunedGrids.FORMAT);
    root.addProperty("model", "models/a<b>&c.onnx");
    JsonArray grids = new JsonArray();
    JsonObject g = new JsonObject();
    g.addProperty("solver", "heun");
    g.addProperty("nfe", 4);
    g.addProperty("steps", 2);
    JsonArray times = new JsonArray();
    times.add(0.0);
    times.add(0.375);
    times.add(1.0);
    g.add("times", times);
    g.addProperty("best_hand_made", "shift=2");
    grids.add(g);
    root.add("grids", grids);
    return root;
  }

  @Test
  void writesGridNamesAsTheyAreNotHtmlEscaped() throws IOException {
    Path file = dir.resolve("grids.json");
    TunedGrids.write(file, root());
    String text = Files.readString(file);
    assertTrue(text.contains("\"best_hand_made\": \"shift=2\""), text);
    assertTrue(text.contains("\"models/a<b>&c.onnx\""), text);
    assertFalse(text.contains("\\u003d") || text.contains("\\u003c"), text);
    TunedGrids read = TunedGrids.read("--grid", file);
    assertEquals(1, read.entries().size());
    assertArrayEquals(new double[] {0, 0.375, 1}, read.entries().get(0).times());
  }

  @Test
  void readsFilesWrittenWithHtmlEscapes() throws IOException {
    // what earlier versions wrote: '=' as \u003d (and any field may carry escapes)
    Path file = dir.resolve("old.json");
    Files.writeString(
        file,
        "{\"format\": \"flowmatch.grids/1\", \"grids\": [{\"solver\": \"\\u0068eun\", \"nfe\": 4,"
            + " \"steps\": 2, \"times\": [0.0, 0.375, 1.0], \"start_grid\":"
            + " \"shift\\u003d2\"}]}\n");
    TunedGrids read = TunedGrids.read("--grid", file);
    assertEquals("heun", read.entries().get(0).solver());
    assertEquals(2, read.entries().get(0).steps());
  }
}
