package io.flowmatch.training.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.flowmatch.inference.field.FieldOptions;
import io.flowmatch.inference.field.ModelMetadata;
import io.flowmatch.inference.field.OnnxVelocityField;
import io.flowmatch.inference.runtime.OrtSessions;
import io.flowmatch.inference.sampling.GaussianNoise;
import java.io.IOException;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a model call's time goes, from ONNX Runtime's own profiler: kernel time per op type of the
 * graph as ORT optimised it (fused ops such as Gemm, Gelu or FusedMatMul appear as such). Float32
 * models only: the inputs are float32 tensors.
 */
public final class OpProfile {
  private OpProfile() {}

  /** Kernel time of one op type per call. */
  public record Row(String opType, int nodes, double msPerCall, double share) {}

  /**
   * Profiles {@code calls} calls of {@code batch} samples at {@code threads} threads, after one
   * warm-up call whose events (one-off allocations) are left out.
   *
   * @return rows, slowest op type first
   */
  public static List<Row> profile(Path model, int batch, int threads, int calls)
      throws IOException, OrtException {
    int[] sampleShape;
    try (OnnxVelocityField field =
        OnnxVelocityField.open(
            model, FieldOptions.defaults().withThreads(1).withWarnings(l -> {}))) {
      if (!"float32".equals(field.inputType())) {
        throw new IllegalArgumentException(
            model + ": profiling takes float32 models, this one is " + field.inputType());
      }
      sampleShape = field.sampleShape();
    }
    int size = 1;
    long[] dims = new long[sampleShape.length + 1];
    dims[0] = batch;
    for (int i = 0; i < sampleShape.length; i++) {
      size *= sampleShape[i];
      dims[i + 1] = sampleShape[i];
    }
    float[] x = new float[batch * size];
    new GaussianNoise(0).fill(0, batch, size, x);
    float[] t = new float[batch];
    for (int i = 0; i < batch; i++) {
      t[i] = (i + 0.5f) / batch;
    }
    Path dir = Files.createTempDirectory("flowmatch-profile");
    OrtEnvironment env = io.flowmatch.inference.runtime.OrtRuntime.environment();
    Path trace;
    try (OrtSessions.Session opened =
        OrtSessions.open(
            model, OrtSessions.settings().threads(threads).profile(dir.resolve("ort")))) {
      OrtSession session = opened.session();
      try (OnnxTensor xs = OnnxTensor.createTensor(env, direct(x), dims);
          OnnxTensor ts = OnnxTensor.createTensor(env, direct(t), new long[] {batch})) {
        Map<String, OnnxTensor> inputs =
            Map.of(ModelMetadata.INPUT_X, xs, ModelMetadata.INPUT_T, ts);
        for (int i = 0; i <= calls; i++) {
          session.run(inputs).close();
        }
        trace = Path.of(session.endProfiling());
      }
    }
    try {
      return summarise(trace, calls);
    } finally {
      Files.deleteIfExists(trace);
      Files.deleteIfExists(dir);
    }
  }

  /**
   * Sums the kernel-time events of an ORT profile per op type, leaving out the first {@code
   * model_run} (the warm-up), divided by the number of the other calls.
   */
  static List<Row> summarise(Path trace, int calls) throws IOException {
    JsonArray events;
    try (Reader r = Files.newBufferedReader(trace)) {
      events = JsonParser.parseReader(r).getAsJsonArray();
    }
    double firstRunStart = Double.MAX_VALUE;
    double firstRunEnd = 0;
    for (JsonElement e : events) {
      JsonObject o = e.getAsJsonObject();
      if (o.has("name") && "model_run".equals(o.get("name").getAsString())) {
        double ts = o.get("ts").getAsDouble();
        if (ts < firstRunStart) {
          firstRunStart = ts;
          firstRunEnd = ts + o.get("dur").getAsDouble();
        }
      }
    }
    Map<String, double[]> byOp = new HashMap<>(); // op → {microseconds, node events}
    double total = 0;
    for (JsonElement e : events) {
      JsonObject o = e.getAsJsonObject();
      if (!o.has("cat")
          || !"Node".equals(o.get("cat").getAsString())
          || !o.get("name").getAsString().endsWith("_kernel_time")
          || o.get("ts").getAsDouble() <= firstRunEnd) {
        continue;
      }
      String op = o.getAsJsonObject("args").get("op_name").getAsString();
      double us = o.get("dur").getAsDouble();
      double[] acc = byOp.computeIfAbsent(op, k -> new double[2]);
      acc[0] += us;
      acc[1] += 1;
      total += us;
    }
    List<Row> rows = new ArrayList<>();
    for (var entry : byOp.entrySet()) {
      double[] acc = entry.getValue();
      rows.add(
          new Row(
              entry.getKey(),
              (int) Math.round(acc[1] / calls),
              acc[0] / 1e3 / calls,
              total == 0 ? 0 : acc[0] / total));
    }
    rows.sort(Comparator.comparingDouble(Row::msPerCall).reversed());
    return rows;
  }

  private static FloatBuffer direct(float[] values) {
    FloatBuffer b =
        ByteBuffer.allocateDirect(4 * values.length).order(ByteOrder.nativeOrder()).asFloatBuffer();
    b.put(values).rewind();
    return b;
  }
}
