package io.flowmatch.training.export.onnx;

import static io.flowmatch.inference.onnx.OnnxGraphBuilder.FLOAT;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.flowmatch.inference.onnx.OnnxGraphBuilder;
import io.flowmatch.inference.runtime.OrtSessions;
import io.flowmatch.training.arch.unet.UNetGraph;
import io.flowmatch.training.arch.unet.UNetSpec;
import io.flowmatch.training.arch.unet.UNetTesting;
import io.flowmatch.training.arch.unet.UNetVelocityNet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Prints how fast ONNX Runtime (CPU, optimisation level ALL, 1 intra-op thread unless given) runs
 * each {@link GroupNormGraph.Form}: alone on the default U-Net's GroupNorm shapes, and inside the
 * whole default U-Net (Fashion-MNIST shape), with the Reorder nodes of the optimised graph, the
 * per-op profile, and the parity of every form against the DJL forward.
 *
 * <p>Timings are medians of interleaved rounds (every form once per round, in turn), so load
 * changes hit all forms alike. Run: {@code mvn -B -q -o test-compile -pl training -am && java
 * -Dai.djl.offline=true -cp training/target/test-classes:training/target/classes:$(cat
 * training/target/classpath.txt) io.flowmatch.training.export.onnx.GroupNormBenchmark [threads]
 * [out-dir]}. With an out-dir, the fp32 model of every form is saved there (for {@code flowmatch
 * bench}).
 */
public final class GroupNormBenchmark {
  private static final GroupNormGraph.Form[] FORMS = GroupNormGraph.Form.values();

  private GroupNormBenchmark() {}

  public static void main(String[] args) throws Exception {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
    Path outDir = args.length > 1 ? Path.of(args[1]) : null;
    OrtEnvironment env = io.flowmatch.inference.runtime.OrtRuntime.environment();
    System.out.printf(
        Locale.ROOT,
        "ORT %s, %d intra-op thread(s), optimisation ALL%n",
        env.getVersion(),
        threads);
    single(env, threads);
    rows(env, threads);
    whole(env, threads, outDir);
  }

  // ---- one GroupNorm alone ----

  private static void single(OrtEnvironment env, int threads) throws Exception {
    long[][] shapes = {
      {16, 32, 28, 28},
      {16, 64, 14, 14},
      {16, 128, 14, 14},
      {16, 64, 7, 7},
      {64, 32, 28, 28},
      {64, 64, 14, 14}
    };
    System.out.println(
        "\n# one GroupNorm (8 groups), µs per call, median of 15 interleaved rounds");
    System.out.printf(Locale.ROOT, "%-18s", "shape");
    for (GroupNormGraph.Form f : FORMS) {
      System.out.printf(Locale.ROOT, " %20s", f);
    }
    System.out.println();
    for (long[] shape : shapes) {
      List<Timed> timed = new ArrayList<>();
      for (GroupNormGraph.Form f : FORMS) {
        timed.add(new Timed(env, singleGraph(shape, f), threads, shape, false));
      }
      double[] us = interleave(timed, 15, shape[0] >= 64 ? 5 : 20);
      System.out.printf(Locale.ROOT, "%-18s", Arrays.toString(shape));
      for (double u : us) {
        System.out.printf(Locale.ROOT, " %20.1f", u * 1e6);
      }
      System.out.println();
      for (Timed t : timed) {
        t.close();
      }
    }
  }

  private static byte[] singleGraph(long[] shape, GroupNormGraph.Form form) {
    OnnxGraphBuilder g = new OnnxGraphBuilder("gn");
    long c = shape[1];
    g.input("x", FLOAT, -1, c, shape[2], shape[3]);
    float[] gamma = new float[(int) c];
    float[] beta = new float[(int) c];
    Random r = new Random(1);
    for (int i = 0; i < c; i++) {
      gamma[i] = 1 + 0.2f * (float) r.nextGaussian();
      beta[i] = 0.2f * (float) r.nextGaussian();
    }
    String y =
        new GroupNormGraph(g, FLOAT, form).add("x", c, shape[2], shape[3], 8, gamma, beta, "gn");
    g.nodeNamed("Identity", "y", new String[] {y});
    g.output("y", FLOAT, -1, c, shape[2], shape[3]);
    return g.toBytes();
  }

  // ---- a plain layer norm over rows (the DiT's shape), for comparison ----

  /**
   * LayerNorm without affine over the last axis of [rows, d], as LayerNormalization and as
   * InstanceNormalization of the [rows, 1, d] view (one instance per row): the same arithmetic.
   */
  private static void rows(OrtEnvironment env, int threads) throws Exception {
    long rows = 256 * 49;
    long d = 96;
    System.out.printf(
        Locale.ROOT,
        "%n# layer norm of [%d, %d] rows, µs per call, median of 15 rounds%n",
        rows,
        d);
    List<Timed> timed = new ArrayList<>();
    for (String op : new String[] {"LayerNormalization", "InstanceNormalization"}) {
      OnnxGraphBuilder g = new OnnxGraphBuilder("rows");
      g.input("x", FLOAT, -1, 1, 1, d);
      float[] ones = new float[(int) (op.equals("LayerNormalization") ? d : 1)];
      Arrays.fill(ones, 1f);
      String scale = g.floats("scale", ones, ones.length);
      String bias = g.floats("bias", new float[ones.length], ones.length);
      String x = g.node("Reshape", new String[] {"x", g.longs("s", new long[] {-1, 1, d}, 3)});
      String y =
          op.equals("LayerNormalization")
              ? g.node(
                  op,
                  new String[] {x, scale, bias},
                  OnnxGraphBuilder.attr("axis", -1L),
                  OnnxGraphBuilder.attr("epsilon", 1e-6f))
              : g.node(op, new String[] {x, scale, bias}, OnnxGraphBuilder.attr("epsilon", 1e-6f));
      g.nodeNamed("Reshape", "y", new String[] {y, g.longs("s2", new long[] {-1, 1, 1, d}, 4)});
      g.output("y", FLOAT, -1, 1, 1, d);
      timed.add(new Timed(env, g.toBytes(), threads, new long[] {rows, 1, 1, d}, false));
    }
    double[] us = interleave(timed, 15, 10);
    System.out.printf(
        Locale.ROOT,
        "LayerNormalization %.1f   InstanceNormalization on [rows, 1, d] %.1f%n",
        us[0] * 1e6,
        us[1] * 1e6);
    for (Timed t : timed) {
      t.close();
    }
  }

  // ---- the whole U-Net ----

  private static void whole(OrtEnvironment env, int threads, Path outDir) throws Exception {
    UNetSpec spec = UNetSpec.DEFAULTS;
    int[] sample = {1, 28, 28};
    Path tmp = Files.createTempDirectory("gnbench");
    Map<GroupNormGraph.Form, byte[]> models = new LinkedHashMap<>();
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(3);
      UNetVelocityNet net = UNetTesting.build(m, spec, 1, 28, 28, DataType.FLOAT32);
      UNetTesting.perturbNormsAndBiases(net, 3);
      System.out.println(
          "\n# default U-Net "
              + spec
              + " on [1, 28, 28]: parity vs DJL fp32"
              + " (batch 8, relative to max|v|)");
      for (GroupNormGraph.Form f : FORMS) {
        byte[] fp32 = build(net, spec, sample, ExportPrecision.FP32, f);
        byte[] fp16 = build(net, spec, sample, ExportPrecision.FP16, f);
        models.put(f, fp32);
        ParityCheck.Result r32 = ParityCheck.run(net, fp32, sample, ExportPrecision.FP32);
        ParityCheck.Result r16 = ParityCheck.run(net, fp16, sample, ExportPrecision.FP16);
        System.out.printf(
            Locale.ROOT,
            "%-20s fp32 %.2e   fp16 %.2e%n",
            f,
            r32.relativeError(),
            r16.relativeError());
        if (outDir != null) {
          Files.createDirectories(outDir);
          Files.write(outDir.resolve("unet-" + f.name().toLowerCase(Locale.ROOT) + ".onnx"), fp32);
        }
      }
    }

    System.out.println("\n# optimised graphs (level ALL): node counts");
    for (var e : models.entrySet()) {
      Path optimised = tmp.resolve(e.getKey() + ".opt.onnx");
      OrtSessions.open(e.getValue(), settings(threads).optimizedModelPath(optimised)).close();
      Map<String, Integer> ops = opCounts(Files.readAllBytes(optimised));
      System.out.printf(
          Locale.ROOT,
          "%-20s reorder %d in / %d out, %d nodes: %s%n",
          e.getKey(),
          ops.getOrDefault("ms.nchwc:ReorderInput", 0),
          ops.getOrDefault("ms.nchwc:ReorderOutput", 0),
          ops.values().stream().mapToInt(Integer::intValue).sum(),
          ops);
    }

    System.out.println("\n# whole U-Net, ms per call, median of interleaved rounds");
    System.out.printf(Locale.ROOT, "%-6s", "batch");
    for (GroupNormGraph.Form f : FORMS) {
      System.out.printf(Locale.ROOT, " %20s", f);
    }
    System.out.println();
    for (int batch : new int[] {1, 16, 64}) {
      long[] shape = {batch, 1, 28, 28};
      List<Timed> timed = new ArrayList<>();
      for (byte[] model : models.values()) {
        timed.add(new Timed(env, model, threads, shape, true));
      }
      double[] s = interleave(timed, batch >= 64 ? 5 : 9, batch == 1 ? 20 : batch == 16 ? 3 : 1);
      System.out.printf(Locale.ROOT, "%-6d", batch);
      for (double v : s) {
        System.out.printf(Locale.ROOT, " %20.2f", v * 1e3);
      }
      System.out.println();
      for (Timed t : timed) {
        t.close();
      }
    }

    System.out.println(
        "\n# ORT profile, batch 16, 10 calls after a warm-up: ms per call by op type (top 9)");
    for (var e : models.entrySet()) {
      System.out.printf(
          Locale.ROOT, "%-20s %s%n", e.getKey(), profile(env, e.getValue(), threads, tmp));
    }
  }

  private static byte[] build(
      UNetVelocityNet net, UNetSpec spec, int[] sample, ExportPrecision p, GroupNormGraph.Form f) {
    OnnxGraphBuilder g = new OnnxGraphBuilder("unet");
    g.input("x", p.ioType(), -1, sample[0], sample[1], sample[2]);
    g.input("t", FLOAT, -1);
    String x = GraphOps.cast(g, "x", p.ioType(), p.weightType());
    String v = UNetGraph.add(g, net, spec, sample, x, "t", p.weightType(), f);
    g.nodeNamed(
        p.ioType() == p.weightType() ? "Identity" : "Cast",
        "v",
        new String[] {v},
        p.ioType() == p.weightType()
            ? new OnnxMl.AttributeProto[0]
            : new OnnxMl.AttributeProto[] {OnnxGraphBuilder.attr("to", (long) p.ioType())});
    g.output("v", p.ioType(), -1, sample[0], sample[1], sample[2]);
    return g.toBytes();
  }

  private static Map<String, Integer> opCounts(byte[] model) throws Exception {
    Map<String, Integer> counts = new TreeMap<>();
    for (OnnxMl.NodeProto n : OnnxMl.ModelProto.parseFrom(model).getGraph().getNodeList()) {
      String domain =
          n.getDomain().isEmpty() ? "" : n.getDomain().replace("com.microsoft", "ms") + ":";
      counts.merge(domain + n.getOpType(), 1, Integer::sum);
    }
    return counts;
  }

  /** Kernel time per op type, ms per call, over 10 profiled calls after one warm-up call. */
  private static String profile(OrtEnvironment env, byte[] model, int threads, Path tmp)
      throws Exception {
    int calls = 10;
    Path trace;
    try (OrtSessions.Session session =
            OrtSessions.open(model, settings(threads).profile(tmp.resolve("profile")));
        Inputs in = new Inputs(env, new long[] {16, 1, 28, 28}, true)) {
      OrtSession s = session.session();
      for (int i = 0; i <= calls; i++) {
        s.run(in.map).close();
      }
      trace = Path.of(s.endProfiling());
    }
    JsonArray events = JsonParser.parseString(Files.readString(trace)).getAsJsonArray();
    Files.delete(trace);
    // the first model_run (warm-up) ends where the counted kernels begin
    double warmUpEnd = Double.MAX_VALUE;
    for (JsonElement el : events) {
      JsonObject ev = el.getAsJsonObject();
      if (ev.get("name").getAsString().equals("model_run")) {
        warmUpEnd = Math.min(warmUpEnd, ev.get("ts").getAsDouble() + ev.get("dur").getAsDouble());
      }
    }
    Map<String, Double> byOp = new TreeMap<>();
    double total = 0;
    for (JsonElement el : events) {
      JsonObject ev = el.getAsJsonObject();
      if (ev.has("cat")
          && ev.get("cat").getAsString().equals("Node")
          && ev.get("name").getAsString().endsWith("_kernel_time")
          && ev.get("ts").getAsDouble() >= warmUpEnd) {
        String op = ev.getAsJsonObject("args").get("op_name").getAsString();
        double ms = ev.get("dur").getAsDouble() / 1e3 / calls;
        byOp.merge(op, ms, Double::sum);
        total += ms;
      }
    }
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "kernels %.1f:", total));
    byOp.entrySet().stream()
        .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
        .limit(9)
        .forEach(e -> sb.append(String.format(Locale.ROOT, " %s %.2f", e.getKey(), e.getValue())));
    return sb.toString();
  }

  // ---- timing ----

  private static OrtSessions.Settings settings(int threads) {
    return OrtSessions.settings()
        .optimization(OrtSession.SessionOptions.OptLevel.ALL_OPT)
        .threads(threads)
        .interOpThreads(1);
  }

  /**
   * Seconds per call of each session: {@code rounds} rounds, each timing {@code calls} calls of
   * every session in turn; the median round counts.
   */
  private static double[] interleave(List<Timed> timed, int rounds, int calls) throws OrtException {
    for (Timed t : timed) {
      t.call(); // warm-up: first-run allocations
    }
    double[][] samples = new double[timed.size()][rounds];
    for (int r = 0; r < rounds; r++) {
      for (int i = 0; i < timed.size(); i++) {
        long start = System.nanoTime();
        for (int k = 0; k < calls; k++) {
          timed.get(i).call();
        }
        samples[i][r] = (System.nanoTime() - start) / 1e9 / calls;
      }
    }
    double[] medians = new double[timed.size()];
    for (int i = 0; i < medians.length; i++) {
      Arrays.sort(samples[i]);
      medians[i] = samples[i][rounds / 2];
    }
    return medians;
  }

  /** Inputs made once: x ~ N(0, 1) [N, C, H, W] and, for a velocity model, t ~ U[0, 1] [N]. */
  private static final class Inputs implements AutoCloseable {
    final Map<String, OnnxTensor> map = new LinkedHashMap<>();

    Inputs(OrtEnvironment env, long[] shape, boolean withTime) throws OrtException {
      Random r = new Random(2);
      float[] x = new float[Math.toIntExact(shape[0] * shape[1] * shape[2] * shape[3])];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) r.nextGaussian();
      }
      map.put("x", OnnxTensor.createTensor(env, java.nio.FloatBuffer.wrap(x), shape));
      if (withTime) {
        float[] t = new float[(int) shape[0]];
        for (int i = 0; i < t.length; i++) {
          t[i] = r.nextFloat();
        }
        map.put(
            "t", OnnxTensor.createTensor(env, java.nio.FloatBuffer.wrap(t), new long[] {shape[0]}));
      }
    }

    @Override
    public void close() {
      map.values().forEach(OnnxTensor::close);
    }
  }

  private static final class Timed implements AutoCloseable {
    private final OrtSessions.Session session;
    private final Inputs inputs;

    Timed(OrtEnvironment env, byte[] model, int threads, long[] shape, boolean withTime)
        throws OrtException {
      session = OrtSessions.open(model, settings(threads));
      inputs = new Inputs(env, shape, withTime);
    }

    void call() throws OrtException {
      session.session().run(inputs.map).close();
    }

    @Override
    public void close() {
      inputs.close();
      session.close();
    }
  }
}
