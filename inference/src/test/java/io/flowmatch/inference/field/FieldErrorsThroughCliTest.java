package io.flowmatch.inference.field;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.flowmatch.inference.cli.Cli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * OnnxVelocityField's errors through the shared CLI wiring: a minimal command that opens a model
 * the way {@code flowmatch sample} does, so each error's printed line and exit code are checked.
 */
class FieldErrorsThroughCliTest {
  @TempDir Path dir;

  @Command(name = "open")
  static final class Open implements Callable<Integer> {
    @Option(names = "--model", required = true)
    Path model;

    @Option(names = "--provider", defaultValue = "cpu")
    String provider;

    @Option(names = "--strict")
    boolean strict;

    @Option(names = "--shape", split = ",")
    int[] shape;

    @Option(names = "--verbose")
    boolean verbose;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      FieldOptions options =
          FieldOptions.defaults()
              .withProvider(provider)
              .withStrict(strict)
              .withSampleShape(shape)
              .withWarnings(err::println);
      try (OnnxVelocityField f = OnnxVelocityField.open(model, options)) {
        spec.commandLine()
            .getOut()
            .println(f.providerUsed() + " " + ModelContract.join(f.sampleShape()));
      }
      return 0;
    }
  }

  private String out;
  private String err;

  private int run(String... args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int code =
        Cli.configure(
                new CommandLine(new Open()),
                new PrintWriter(o, true),
                new PrintWriter(e, true),
                args)
            .execute(args);
    out = o.toString();
    err = e.toString();
    return code;
  }

  private Path gmm8() {
    return TestModels.gmm(GaussianMixture.circle(8, 4, 0.5), false, dir, "gmm8.onnx");
  }

  @Test
  void opensTheModel() {
    assertEquals(0, run("--model", gmm8().toString()));
    assertEquals("cpu 2", out.strip());
    assertEquals("", err);
  }

  @Test
  void missingFileIsUsage() {
    Path p = dir.resolve("missing.onnx");
    assertEquals(2, run("--model", p.toString()));
    assertEquals("open: model file not found: " + p + "\n", err);
  }

  @Test
  void corruptFileIsFailure() throws Exception {
    Path p = Files.writeString(dir.resolve("bad.onnx"), "nonsense");
    assertEquals(1, run("--model", p.toString()));
    assertEquals("open: model " + p + " is not a valid ONNX model: protobuf parsing failed\n", err);
  }

  @Test
  void unknownProviderIsUsage() {
    assertEquals(2, run("--model", gmm8().toString(), "--provider", "rocm"));
    assertEquals("open: unknown provider 'rocm', expected one of: cpu, cuda, tensorrt\n", err);
  }

  @Test
  void shapeDisagreeingWithMetadataIsUsage() {
    Path p = gmm8();
    assertEquals(2, run("--model", p.toString(), "--shape", "1,28,28"));
    assertEquals(
        "open: sample shape 1,28,28 does not fit model "
            + p
            + ": input x [N,2] has 1 sample"
            + " dimension\n",
        err);
  }

  @Test
  void cudaFallbackWarnsOnceAndStrictFails() {
    assumeFalse(ExecutionProvidersTest.cudaUsable());
    Path p = gmm8();
    assertEquals(0, run("--model", p.toString(), "--provider", "cuda"));
    assertEquals("cpu 2", out.strip());
    assertEquals(1, err.lines().count(), err);
    assertEquals(1, run("--model", p.toString(), "--provider", "cuda", "--strict"));
    assertEquals(1, err.lines().count(), err);
    assertFalse(err.contains("Exception"), err);
  }
}
