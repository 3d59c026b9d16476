package io.flowmatch.inference.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Texts a user reads, word for word: no doubled words, no garbled hints. */
class VisibleStringsTest {
  @TempDir static Path dir;
  static Path model;

  @BeforeAll
  static void buildModel() throws IOException {
    model = CompareTestModels.mixture(dir.resolve("gmm.onnx"));
  }

  @Test
  void compareReportShowsTheCommandOnce() throws IOException {
    Path out = dir.resolve("cmp");
    SampleCommandTest.Run r =
        SampleCommandTest.run(
            "compare",
            "--model",
            model.toString(),
            "--n",
            "20",
            "--solvers",
            "euler:2",
            "--no-reference",
            "--out",
            out.toString(),
            "--quiet");
    assertEquals(0, r.code(), r.err());
    String html = Files.readString(out.resolve("report.html"));
    assertTrue(html.contains("flowmatch compare --model "), html);
    assertFalse(html.contains("compare compare"), html);
    String json = Files.readString(out.resolve("results.json"));
    assertTrue(json.contains("\"seed\": 0,"), json);
    assertTrue(json.matches("(?s).*\"flowmatch_version\": \"[0-9][^\"]*\",.*"), json);
    assertTrue(json.matches("(?s).*\"date\": \"20[0-9-]+T[0-9:]+Z\",.*"), json);
    assertTrue(json.contains("\"revision\": \""), json);
  }

  @Test
  void gpuFallbackWarnsOnceAndSaysHowToGetTheGpuBuild() {
    SampleCommandTest.Run r =
        SampleCommandTest.run(
            "sample",
            "--model",
            model.toString(),
            "--n",
            "4",
            "--provider",
            "cuda",
            "--save-npy",
            dir.resolve("s.npy").toString(),
            "--quiet");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().startsWith("warning: provider cuda is not available ("), r.err());
    assertFalse(r.err().contains("warning: warning"), r.err());
    assertTrue(r.err().contains("FLOWMATCH_GPU=1 ./flowmatch"), r.err());
  }

  @Test
  void decodeNamesBothFormats() {
    SampleCommandTest.Run r =
        SampleCommandTest.run(
            "decode",
            "--model",
            model.toString(),
            "--input",
            dir.resolve("z.npy").toString(),
            "--out",
            "x.txt");
    assertEquals(2, r.code(), r.err());
    assertEquals(
        "flowmatch decode: --out must name a .npy, .png or .svg file, got 'x.txt'",
        r.err().lines().findFirst().orElse(""));
  }
}
