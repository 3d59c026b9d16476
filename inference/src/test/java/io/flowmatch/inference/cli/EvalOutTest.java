package io.flowmatch.inference.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

  /**
   * With a classifier, {@code --out} also writes the class histogram as PNG and SVG. The samples
   * are 40 Fashion-MNIST test images, so the histogram is known: 40 images over the ten classes,
   * each name under its bars, and the shares in eval.json summing to 1.
   */
  @Test
  void classHistogramFilesOfAnImageModel() throws IOException {
    Path idx = Path.of("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz");
    io.flowmatch.inference.dataset.IdxImages.Images images =
        io.flowmatch.inference.dataset.IdxImages.read(idx, 40, -1, 1);
    Path samples = dir.resolve("test-images.npy");
    io.flowmatch.inference.io.Npy.write(samples, new int[] {40, 1, 28, 28}, images.data());
    Path out = dir.resolve("e");
    SampleCommandTest.Run r =
        SampleCommandTest.run(
            "eval",
            "--model",
            Path.of("..", "models", "fashion-mnist-dit.onnx").toString(),
            "--samples",
            samples.toString(),
            "--classifier",
            Path.of("..", "models", "fashion-mnist-classifier.onnx").toString(),
            "--data-n",
            "200",
            "--threads",
            "1",
            "--out",
            out.toString(),
            "--quiet");
    assertEquals(0, r.code(), r.err());
    assertEquals("", r.err(), "--quiet");
    // --quiet: the scores, no "wrote" line; the files are there
    assertFalse(r.out().contains("wrote "), r.out());
    for (String f :
        List.of("eval.json", "eval.csv", "class-histogram.png", "class-histogram.svg")) {
      assertTrue(Files.isRegularFile(out.resolve(f)), f);
    }
    java.awt.image.BufferedImage png =
        io.flowmatch.inference.io.Png.read(out.resolve("class-histogram.png"));
    assertEquals(900, png.getWidth());
    assertEquals(560, png.getHeight());
    String svg = Files.readString(out.resolve("class-histogram.svg"));
    assertTrue(svg.contains("classes of 40 samples of fashion-mnist-dit.onnx"), svg);
    // each name under its bars, whole or wrapped into lines (T-shirt/ + top)
    StringBuilder texts = new StringBuilder();
    Matcher text = Pattern.compile(">([^<>]+)</text>").matcher(svg);
    while (text.find()) {
      texts.append(text.group(1).replace(" ", "")).append('|');
    }
    for (String name :
        List.of(
            "T-shirt/top",
            "Trouser",
            "Pullover",
            "Dress",
            "Coat",
            "Sandal",
            "Shirt",
            "Sneaker",
            "Bag",
            "Ankle boot")) {
      String joined = texts.toString();
      String whole = name.replace(" ", "");
      assertTrue(
          joined.contains("|" + whole + "|")
              || joined.contains(whole.replace("/", "/|").replace("Ankle", "Ankle|")),
          name + " under its bars: " + joined);
    }
    assertTrue(svg.contains(">samples<") && svg.contains(">data<"), "the legend");
    String json = Files.readString(out.resolve("eval.json"));
    Matcher counts = Pattern.compile("\"samples\": (\\d+),\\s*\"share\"").matcher(json);
    int total = 0;
    int classes = 0;
    while (counts.find()) {
      total += Integer.parseInt(counts.group(1));
      classes++;
    }
    assertEquals(10, classes, json);
    assertEquals(40, total, json);
    // real images of every kind: the classifier finds most of the ten classes
    Matcher tv = Pattern.compile("\"class_total_variation\": ([0-9.eE-]+)").matcher(json);
    assertTrue(tv.find(), json);
    assertTrue(Double.parseDouble(tv.group(1)) < 0.5, json);
  }
}
