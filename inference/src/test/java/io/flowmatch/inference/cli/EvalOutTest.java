package io.flowmatch.inference.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eval} on the shipped checkerboard model: its data set is drawn here (the registry's
 * generator), and {@code --out} writes the scores as JSON and CSV.
 */
class EvalOutTest {
  @TempDir Path dir;

  @Test
  void checkerboardModelIsScoredAgainstFreshCheckerboardDataAndWritten() throws IOException {
    Path out = dir.resolve("e");
    SampleCommandTest.Run r =
        SampleCommandTest.run(
            "eval",
            "--model",
            Path.of("..", "models", "checkerboard-mlp.onnx").toString(),
            "--n",
            "1000",
            "--threads",
            "1",
            "--out",
            out.toString(),
            "--quiet");
    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.out()
            .contains(
                "against 10000 fresh checkerboard samples; floor: 1000 other fresh checkerboard samples"),
        r.out());
    List<String> csv = Files.readAllLines(out.resolve("eval.csv"));
    assertEquals("metric,value,floor,ratio", csv.get(0));
    assertEquals(3, csv.size(), csv.toString());
    assertTrue(csv.get(1).startsWith("energy,") && csv.get(2).startsWith("sw2,"), csv.toString());
    // the model card's figure: energy distance near the floor of 1000 data samples (ratio ~0.7 at
    // 2000);
    // noise pushed through an untrained field would be far above it
    double ratio = Double.parseDouble(csv.get(1).split(",")[3]);
    assertTrue(ratio < 2, "energy ratio to the floor " + ratio);
    String json = Files.readString(out.resolve("eval.json"));
    assertTrue(json.contains("\"seed\": 0,"), json);
    assertTrue(json.contains("\"name\": \"energy\""), json);
    Matcher m = Pattern.compile("\"ratio\": ([0-9.eE-]+)").matcher(json);
    assertTrue(m.find(), json);
    assertEquals(ratio, Double.parseDouble(m.group(1)), 1e-5);
  }
}
