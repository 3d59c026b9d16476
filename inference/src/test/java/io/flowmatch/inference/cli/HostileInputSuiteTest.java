package io.flowmatch.inference.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile-input suite: a few hundred corrupt, truncated and oversized ONNX, .npy, PNG and IDX
 * files made by seeded mutations of valid ones, each given to the real CLI in a child JVM with
 * {@code -Xmx256m} (an allocation sized by a file header fails the case there, not the machine).
 * Every case must end with exit 0, or with exit 1 or 2 and exactly one line on stderr, no stack
 * trace, and no file left in its output folder. Two models ONNX Runtime cannot load (an empty file,
 * external data declaring 2·10⁹ floats in a 16-byte file) must give their exact one-line messages,
 * and no case may make ORT's native logger print (it writes past the captured streams).
 */
class HostileInputSuiteTest {
  static final long SEED = 12;
  static final int PER_KIND = 75;

  @TempDir Path dir;

  @Test
  void hostileFilesFailInOneLineAndLeaveNothing() throws Exception {
    Path models = Files.createDirectories(dir.resolve("models"));
    String gauss =
        TestModels.gaussian(models.resolve("gauss.onnx"), new int[] {2}, 1f, 0.5f, true).toString();
    String images =
        TestModels.gaussian(models.resolve("img.onnx"), new int[] {1, 8, 8}, 0f, 0.5f, true)
            .toString();
    byte[] validModel = Files.readAllBytes(Path.of(gauss));
    byte[] validNpy = HostileFiles.npy("(16, 2)", 32);
    byte[] validPng = HostileFiles.validPng(8, 8);
    byte[] validIdx = HostileFiles.idxImages(4, 4, 8, 8);
    Random rnd = new Random(SEED);
    List<String> cases = new ArrayList<>();
    for (int k = 0; k < PER_KIND; k++) {
      Path c = caseDir(k, "onnx");
      Path model = Files.write(c.resolve("m.onnx"), HostileFiles.mutate(validModel, rnd));
      cases.add(
          line(
              "onnx-" + k,
              c,
              "sample",
              "--model",
              model.toString(),
              "--n",
              "4",
              "--steps",
              "2",
              "--save-npy",
              c.resolve("out/o.npy").toString()));
    }
    for (int k = 0; k < PER_KIND; k++) {
      Path c = caseDir(k, "npy");
      byte[] bytes = k % 5 == 0 ? oversizedNpy(rnd) : HostileFiles.mutate(validNpy, rnd);
      Path noise = Files.write(c.resolve("z.npy"), bytes);
      cases.add(
          line(
              "npy-" + k,
              c,
              "sample",
              "--model",
              gauss,
              "--noise",
              noise.toString(),
              "--steps",
              "2",
              "--save-npy",
              c.resolve("out/o.npy").toString()));
    }
    for (int k = 0; k < PER_KIND; k++) {
      Path c = caseDir(k, "png");
      byte[] bytes =
          k % 5 == 0
              ? HostileFiles.pngHeader(20000 + rnd.nextInt(30000), 20000 + rnd.nextInt(30000))
              : HostileFiles.mutate(validPng, rnd);
      Path png = Files.write(c.resolve("x.png"), bytes);
      cases.add(
          line(
              "png-" + k,
              c,
              "encode",
              "--model",
              images,
              "--input",
              png.toString(),
              "--steps",
              "2",
              "--out",
              c.resolve("out/z.npy").toString()));
    }
    for (int k = 0; k < PER_KIND; k++) {
      Path c = caseDir(k, "idx");
      byte[] bytes =
          k % 3 == 0
              ? HostileFiles.idxImages(30_000_000, 100, 8, 8)
              : HostileFiles.mutate(validIdx, rnd);
      Files.write(c.resolve(TestImages.TEST_FILE + ".gz"), bytes);
      cases.add(
          line(
              "idx-" + k,
              c,
              "encode",
              "--model",
              images,
              "--test-index",
              "0",
              "--data-dir",
              c.toString(),
              "--steps",
              "2",
              "--out",
              c.resolve("out/z.npy").toString()));
    }
    // two models ONNX Runtime cannot load, whose messages must be exactly one line each
    Path badModels = Files.createDirectories(dir.resolve("bad-models"));
    Path empty = Files.write(badModels.resolve("empty.onnx"), new byte[0]);
    Path external =
        TestModels.externalFloats(
            Files.createDirectories(badModels.resolve("ext")).resolve("m.onnx"), 2_000_000_000L);
    for (Path model : new Path[] {empty, external}) {
      Path c = caseDir(model == empty ? 0 : 1, "model");
      cases.add(
          line(
              "model-" + (model == empty ? "empty" : "external"),
              c,
              "sample",
              "--model",
              model.toString(),
              "--n",
              "4",
              "--save-npy",
              c.resolve("out/o.npy").toString()));
    }
    Path caseFile = Files.write(dir.resolve("cases.tsv"), cases, StandardCharsets.UTF_8);
    Path report = dir.resolve("report.tsv");
    // C1 only (as every child JVM here): hundreds of short cases, where C2's compile threads cost
    // more than they give on a loaded 2-core machine
    List<String> cmd = ChildJvm.java("-XX:+UseSerialGC");
    cmd.addAll(List.of(HostileDriver.class.getName(), caseFile.toString(), report.toString()));
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("child.log").toFile())
            .start();
    if (!p.waitFor(150, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(
          "the hostile suite did not finish in 150 s; done: "
              + (Files.exists(report) ? Files.readAllLines(report).size() : 0)
              + " of "
              + cases.size());
    }
    List<String> results = Files.readAllLines(report, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), Files.readString(dir.resolve("child.log")));
    assertEquals(cases.size(), results.size());
    List<String> bad = new ArrayList<>();
    int failures = 0;
    for (String r : results) {
      String[] f = r.split("\t", 4);
      int code = Integer.parseInt(f[1]);
      long left = Long.parseLong(f[2]);
      String err = f.length > 3 ? f[3] : "";
      if (code != 0) {
        failures++;
        boolean oneLine = err.endsWith("\\n") && err.indexOf("\\n") == err.length() - 2;
        boolean trace =
            err.contains("\tat ")
                || err.contains("Exception")
                || err.contains("Error:")
                || err.contains("THROWN");
        if ((code != 1 && code != 2) || !oneLine || trace || left != 0) {
          bad.add(r);
        }
      }
    }
    assertTrue(bad.isEmpty(), bad.size() + " bad cases:\n" + String.join("\n", bad));
    // ORT's own logger writes from native code to the process's stderr (the child's log here),
    // past what the cases capture: no case may make it print
    String log = Files.readString(dir.resolve("child.log"));
    assertTrue(!log.contains(":onnxruntime:"), "ONNX Runtime logged:\n" + log);
    assertTrue(
        results.contains(
            "model-empty\t1\t0\tflowmatch sample: model "
                + empty
                + " is empty (0 bytes), expected an ONNX model file\\n"),
        String.join("\n", results));
    assertTrue(
        results.contains(
            "model-external\t1\t0\tflowmatch sample: model "
                + external
                + ": initializer W declares 2000000000 float32 values (8000000000 bytes) in"
                + " external data file w.bin, which holds 16 bytes; expected the file to hold them"
                + "\\n"),
        String.join("\n", results));
    // the mutations must mostly break the files, or the suite tests nothing
    assertTrue(failures > cases.size() / 2, failures + " of " + cases.size() + " cases failed");
  }

  private Path caseDir(int k, String kind) throws IOException {
    Path c = Files.createDirectories(dir.resolve(kind + "-" + k));
    Files.createDirectories(c.resolve("out"));
    return c;
  }

  private static String line(String id, Path caseDir, String... args) {
    return id + "\t" + caseDir.resolve("out") + "\t" + String.join("\t", args);
  }

  /** A .npy whose header announces far more rows than the file holds. */
  private static byte[] oversizedNpy(Random rnd) {
    long rows = 1_000_000_000L + rnd.nextInt(1_000_000_000);
    return HostileFiles.npy("(" + rows + ", 2)", 8);
  }
}
