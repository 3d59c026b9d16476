package io.flowmatch.inference.cli;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.ModelProto;
import io.flowmatch.inference.field.FieldOptions;
import io.flowmatch.inference.field.ModelMetadata;
import io.flowmatch.inference.field.OnnxVelocityField;
import io.flowmatch.inference.io.OutputGroup;
import io.flowmatch.inference.onnx.OnnxGraphBuilder;
import io.flowmatch.inference.onnx.OpsetRewrite;
import io.flowmatch.inference.progress.Progress;
import io.flowmatch.inference.runtime.OrtRuntime;
import io.flowmatch.inference.runtime.OrtSessions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code flowmatch opset}: re-declares ONNX files at a lower opset from the files themselves (same
 * weights), drops unused opset imports, records the time convention, and checks that ONNX Runtime
 * gives the same velocities before and after.
 */
@Command(
    name = "opset",
    footerHeading = "%nExamples:%n",
    footer = {
      "  flowmatch opset models/checkerboard-mlp.onnx --out cb17.onnx",
      "  flowmatch opset my-model.onnx --opset 18 --in-place",
      "  flowmatch opset models/*.onnx --in-place"
    },
    mixinStandardHelpOptions = true,
    versionProvider = FlowmatchVersion.class,
    sortOptions = false,
    description = {
      "Re-declare ONNX models at the lowest opset they need (default: "
          + OpsetRewrite.PORTABLE_OPSET
          + "), for older runtimes and checkers.",
      "Same nodes and weights; Split's num_outputs becomes the opset-13 form; unused opset imports"
          + " (com.microsoft) go; the metadata records t=0 noise, t=1 data. ONNX Runtime's velocities"
          + " before and after are compared on random inputs and must agree exactly."
    })
public final class OpsetCommand implements Callable<Integer>, DeclaresOutputs {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "MODEL.onnx", arity = "1..*", description = "Models to rewrite.")
  java.util.List<Path> models;

  @Option(
      names = "--opset",
      paramLabel = "N",
      description = "Target opset (default: ${DEFAULT-VALUE}).",
      defaultValue = "" + OpsetRewrite.PORTABLE_OPSET)
  int opset;

  @Option(
      names = "--out",
      paramLabel = "FILE.onnx",
      description = "Where to write the one model given.")
  Path out;

  @Option(names = "--in-place", description = "Replace each model (atomically) instead of --out.")
  boolean inPlace;

  @Mixin RunOutputOptions output;

  @Override
  public void declareOutputs(OutputGroup.Declaration outputs) {
    // --in-place: every model given, replaced all together or none
    if (inPlace) {
      models.forEach(outputs::file);
    } else {
      outputs.file(out);
    }
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter stdout = spec.commandLine().getOut();
    if (inPlace == (out != null)) {
      throw new UsageException("give either --out FILE.onnx (one model) or --in-place");
    }
    if (out != null && models.size() != 1) {
      throw new UsageException(
          "--out names one file, got " + models.size() + " models; use --in-place");
    }
    for (Path model : models) {
      if (!Files.isRegularFile(model)) {
        throw new UsageException("model " + model + " is not a file");
      }
    }
    try (Progress bar =
        output.progress(spec.commandLine().getErr(), "opset", models.size(), "models")) {
      int done = 0;
      for (Path model : models) {
        bar.update(done, model.getFileName().toString());
        rewrite(stdout, model);
        bar.update(++done, "");
      }
    }
    return Cli.OK;
  }

  private void rewrite(PrintWriter stdout, Path model) throws IOException {
    ModelProto before = ModelProto.parseFrom(Files.readAllBytes(model));
    ModelProto rewritten = OpsetRewrite.rewrite(before, opset);
    ModelProto.Builder b = rewritten.toBuilder();
    boolean hasTime = false;
    for (OnnxMl.StringStringEntryProto e : b.getMetadataPropsList()) {
      hasTime |= e.getKey().equals(ModelMetadata.TIME_CONVENTION);
    }
    if (!hasTime) {
      b.addMetadataProps(
          OnnxMl.StringStringEntryProto.newBuilder()
              .setKey(ModelMetadata.TIME_CONVENTION)
              .setValue(ModelMetadata.TIME_CONVENTION_VALUE));
    }
    byte[] bytes = b.build().toByteArray();
    Path target = inPlace ? model : out;
    Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), ".opset-", ".onnx");
    try {
      Files.write(tmp, bytes);
      double diff =
          hasInputT(before) ? maxVelocityDifference(model, tmp) : maxOutputDifference(model, tmp);
      // float32 graphs must agree exactly; float16 graphs may round differently in the kernels
      // ORT picks per opset (seen: one float16 ulp on the DiT), never more than a few ulps
      double allowed = isFloat16(before) ? 4 * 0x1p-9 : 0; // four float16 ulps of a value in [2, 4)
      if (diff > allowed) {
        throw new FailureException(
            "model "
                + model
                + ": outputs differ by up to "
                + diff
                + " after the rewrite (allowed "
                + allowed
                + "); nothing written");
      }
      OnnxGraphBuilder.writeAtomically(target, bytes);
      if (output.quiet) {
        return; // the rewritten file is the result
      }
      stdout.printf(
          java.util.Locale.ROOT,
          "wrote %s: opset %d -> %d, IR %d -> %d, max |v before - v after| = %s%n",
          target,
          OpsetRewrite.declared(before),
          opset,
          before.getIrVersion(),
          rewritten.getIrVersion(),
          diff);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static boolean isFloat16(ModelProto m) {
    int f16 = OnnxMl.TensorProto.DataType.FLOAT16_VALUE;
    return m.getGraph().getInputList().stream()
            .anyMatch(i -> i.getType().getTensorType().getElemType() == f16)
        || m.getGraph().getInitializerList().stream().anyMatch(w -> w.getDataType() == f16);
  }

  private static boolean hasInputT(ModelProto m) {
    return m.getGraph().getInputList().stream()
        .anyMatch(i -> i.getName().equals(ModelMetadata.INPUT_T));
  }

  /**
   * Largest difference of any output between two models of float32 inputs (a classifier), on
   * uniform random inputs with every free dimension 4.
   */
  static double maxOutputDifference(Path a, Path b) {
    ai.onnxruntime.OrtEnvironment env = OrtRuntime.environment();
    OrtSessions.Settings one = OrtSessions.settings().threads(1);
    try (OrtSessions.Session oa = OrtSessions.open(a, one);
        OrtSessions.Session ob = OrtSessions.open(b, one)) {
      ai.onnxruntime.OrtSession sa = oa.session();
      ai.onnxruntime.OrtSession sb = ob.session();
      java.util.Map<String, ai.onnxruntime.OnnxTensor> inputs = new java.util.LinkedHashMap<>();
      SplittableRandom r = new SplittableRandom(7);
      try {
        for (var e : sa.getInputInfo().entrySet()) {
          long[] shape = ((ai.onnxruntime.TensorInfo) e.getValue().getInfo()).getShape().clone();
          int count = 1;
          for (int i = 0; i < shape.length; i++) {
            shape[i] = shape[i] < 0 ? 4 : shape[i];
            count *= (int) shape[i];
          }
          float[] data = new float[count];
          for (int i = 0; i < count; i++) {
            data[i] = (float) (r.nextDouble() * 2 - 1);
          }
          inputs.put(
              e.getKey(),
              ai.onnxruntime.OnnxTensor.createTensor(env, java.nio.FloatBuffer.wrap(data), shape));
        }
        double max = 0;
        try (ai.onnxruntime.OrtSession.Result ra = sa.run(inputs);
            ai.onnxruntime.OrtSession.Result rb = sb.run(inputs)) {
          for (int k = 0; k < ra.size(); k++) {
            java.nio.FloatBuffer fa = ((ai.onnxruntime.OnnxTensor) ra.get(k)).getFloatBuffer();
            java.nio.FloatBuffer fb = ((ai.onnxruntime.OnnxTensor) rb.get(k)).getFloatBuffer();
            for (int i = 0; i < fa.capacity(); i++) {
              max = Math.max(max, Math.abs((double) fa.get(i) - fb.get(i)));
            }
          }
        }
        return max;
      } finally {
        inputs.values().forEach(ai.onnxruntime.OnnxTensor::close);
      }
    } catch (ai.onnxruntime.OrtException e) {
      throw new FailureException("cannot run " + a + " or its rewrite: " + e.getMessage(), e);
    }
  }

  /** Largest |Δv| between two models on 64 Gaussian inputs at t = 0, 0.25, ..., 1 (same seed). */
  static double maxVelocityDifference(Path a, Path b) {
    FieldOptions options = FieldOptions.defaults().withThreads(1);
    try (OnnxVelocityField fa = OnnxVelocityField.open(a, options);
        OnnxVelocityField fb = OnnxVelocityField.open(b, options)) {
      int n = 64;
      int size = fa.sampleSize();
      float[] x = new float[n * size];
      SplittableRandom r = new SplittableRandom(7);
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) (r.nextDouble() * 4 - 2);
      }
      float[] va = new float[x.length];
      float[] vb = new float[x.length];
      double max = 0;
      for (int k = 0; k <= 4; k++) {
        float[] t = new float[n];
        java.util.Arrays.fill(t, k / 4f);
        fa.evaluate(x, t, n, va);
        fb.evaluate(x, t, n, vb);
        for (int i = 0; i < va.length; i++) {
          max = Math.max(max, Math.abs((double) va[i] - vb[i]));
        }
      }
      return max;
    }
  }
}
