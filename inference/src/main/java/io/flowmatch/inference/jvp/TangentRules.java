package io.flowmatch.inference.jvp;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.onnx.OnnxGraphBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Forward-mode tangent rules, one per ONNX op: given a node whose inputs carry tangents (d of each
 * input along u; absent means zero), emit the nodes that compute the tangents of its outputs. The
 * tangent of every tensor has that tensor's shape.
 *
 * <p>A new op is one method here plus one line in {@link #RULES}.
 */
final class TangentRules {
  private TangentRules() {}

  /** Emits the tangents of one node's outputs. */
  @FunctionalInterface
  interface Rule {
    void apply(TangentGraph g, NodeProto node);
  }

  /** Ops linear in their first input, whose other inputs are shapes, axes or indices. */
  private static final Set<String> LINEAR_IN_FIRST =
      Set.of(
          "Identity",
          "Reshape",
          "Transpose",
          "Squeeze",
          "Unsqueeze",
          "Flatten",
          "Expand",
          "Tile",
          "Slice",
          "Gather",
          "GatherElements",
          "Split",
          "Resize",
          "ReduceMean",
          "ReduceSum",
          "AveragePool",
          "GlobalAveragePool",
          "DepthToSpace",
          "SpaceToDepth",
          "Neg");

  /** Ops whose outputs are integers, booleans or piecewise constant: zero tangent. */
  private static final Set<String> ZERO_TANGENT =
      Set.of(
          "Shape",
          "Size",
          "Equal",
          "Less",
          "Greater",
          "LessOrEqual",
          "GreaterOrEqual",
          "Not",
          "And",
          "Or",
          "Xor",
          "ArgMax",
          "ArgMin",
          "NonZero",
          "Floor",
          "Ceil",
          "Round",
          "Sign",
          "ConstantOfShape",
          "Range",
          "EyeLike",
          "IsNaN",
          "IsInf");

  private static final Map<String, Rule> RULES = new TreeMap<>();

  static {
    for (String op : LINEAR_IN_FIRST) {
      RULES.put(op, TangentRules::linearInFirst);
    }
    for (String op : ZERO_TANGENT) {
      RULES.put(op, (g, n) -> {});
    }
    RULES.put("Cast", TangentRules::cast);
    RULES.put("Conv", TangentRules::convolution);
    RULES.put("ConvTranspose", TangentRules::convolution);
    RULES.put("Pad", TangentRules::pad);
    RULES.put("Add", TangentRules::add);
    RULES.put("Sub", TangentRules::sub);
    RULES.put("Sum", TangentRules::sum);
    RULES.put("Mul", TangentRules::mul);
    RULES.put("Div", TangentRules::div);
    RULES.put("MatMul", TangentRules::matMul);
    RULES.put("Gemm", TangentRules::gemm);
    RULES.put("Pow", TangentRules::pow);
    RULES.put("Sqrt", TangentRules::sqrt);
    RULES.put("Reciprocal", TangentRules::reciprocal);
    RULES.put("Exp", TangentRules::exp);
    RULES.put("Log", TangentRules::log);
    RULES.put("Sigmoid", TangentRules::sigmoid);
    RULES.put("Tanh", TangentRules::tanh);
    RULES.put("Relu", TangentRules::relu);
    RULES.put("LeakyRelu", TangentRules::leakyRelu);
    RULES.put("Softplus", TangentRules::softplus);
    RULES.put("Erf", TangentRules::erf);
    RULES.put("Gelu", TangentRules::gelu);
    RULES.put("Sin", TangentRules::sin);
    RULES.put("Cos", TangentRules::cos);
    RULES.put("Abs", TangentRules::abs);
    RULES.put("Clip", TangentRules::passWhereUnchanged);
    RULES.put("Max", TangentRules::passWhereUnchanged);
    RULES.put("Min", TangentRules::passWhereUnchanged);
    RULES.put("Where", TangentRules::where);
    RULES.put("Concat", TangentRules::concat);
    RULES.put("Softmax", TangentRules::softmax);
    RULES.put("LogSoftmax", TangentRules::logSoftmax);
    RULES.put("ReduceSumSquare", TangentRules::reduceSumSquare);
    RULES.put("InstanceNormalization", TangentRules::instanceNormalization);
    RULES.put("LayerNormalization", TangentRules::layerNormalization);
    RULES.put("GroupNormalization", TangentRules::groupNormalization);
  }

  /** The ops with a tangent rule, sorted. */
  static Set<String> supportedOps() {
    return new TreeSet<>(RULES.keySet());
  }

  /** Whether the op's outputs never carry a tangent (integer or piecewise-constant results). */
  static boolean isZeroTangent(String op) {
    return ZERO_TANGENT.contains(op);
  }

  static Rule rule(NodeProto node) {
    String domain = node.getDomain();
    if (!domain.isEmpty() && !domain.equals("ai.onnx")) {
      return null;
    }
    return RULES.get(node.getOpType());
  }

  // ---- helpers ----

  private static String in(NodeProto n, int i) {
    return i < n.getInputCount() ? n.getInput(i) : "";
  }

  private static String d(TangentGraph g, NodeProto n, int i) {
    return g.tangent(in(n, i));
  }

  private static String out(NodeProto n) {
    return n.getOutput(0);
  }

  private static int elem(TangentGraph g, NodeProto n) {
    return g.type(out(n)).elemType();
  }

  private static String c(TangentGraph g, NodeProto n, double value) {
    return g.scalar(value, elem(g, n));
  }

  static AttributeProto attribute(NodeProto n, String name) {
    for (AttributeProto a : n.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a;
      }
    }
    return null;
  }

  static long intAttr(NodeProto n, String name, long fallback) {
    AttributeProto a = attribute(n, name);
    return a == null ? fallback : a.getI();
  }

  static float floatAttr(NodeProto n, String name, float fallback) {
    AttributeProto a = attribute(n, name);
    return a == null ? fallback : a.getF();
  }

  static String stringAttr(NodeProto n, String name, String fallback) {
    AttributeProto a = attribute(n, name);
    return a == null ? fallback : a.getS().toStringUtf8();
  }

  /** Fails when any input other than those listed carries a tangent. */
  private static void onlyDifferentiable(TangentGraph g, NodeProto n, int... allowed) {
    for (int i = 0; i < n.getInputCount(); i++) {
      boolean ok = false;
      for (int a : allowed) {
        ok |= a == i;
      }
      if (!ok && g.tangent(n.getInput(i)) != null) {
        throw FlowmatchException.unsupported(
            "jvp: "
                + n.getOpType()
                + " node '"
                + n.getName()
                + "' has input "
                + i
                + " depending on x; its tangent rule covers only input(s) "
                + java.util.Arrays.toString(allowed)
                + "; use --jvp finite-difference (approximate)");
      }
    }
  }

  /** Sum of possibly-null terms (null when all are null). */
  private static String sumOf(TangentGraph g, String... terms) {
    String acc = null;
    for (String t : terms) {
      if (t != null) {
        acc = acc == null ? t : g.add(acc, t);
      }
    }
    return acc;
  }

  /** Same op on the tangent of input 0, every other input and attribute unchanged. */
  private static void linearInFirst(TangentGraph g, NodeProto n) {
    onlyDifferentiable(g, n, 0);
    String d0 = d(g, n, 0);
    if (d0 == null) {
      return;
    }
    List<String> inputs = new ArrayList<>(n.getInputList());
    inputs.set(0, d0);
    List<String> outputs = new ArrayList<>();
    for (String o : n.getOutputList()) {
      outputs.add(o.isEmpty() ? "" : g.fresh("d_" + n.getOpType().toLowerCase()));
    }
    g.nodeMulti(n.getOpType(), inputs, outputs, n.getAttributeList());
    for (int i = 0; i < outputs.size(); i++) {
      g.setTangent(n.getOutput(i), outputs.get(i));
    }
  }

  private static void cast(TangentGraph g, NodeProto n) {
    long to = intAttr(n, "to", 0);
    boolean floating =
        to == TensorProto.DataType.FLOAT_VALUE
            || to == TensorProto.DataType.FLOAT16_VALUE
            || to == TensorProto.DataType.DOUBLE_VALUE
            || to == TensorProto.DataType.BFLOAT16_VALUE;
    if (floating) {
      linearInFirst(g, n);
    }
  }

  /** Conv and ConvTranspose are linear in X; the bias has no tangent. */
  private static void convolution(TangentGraph g, NodeProto n) {
    onlyDifferentiable(g, n, 0);
    String dx = d(g, n, 0);
    g.setTangent(out(n), g.node(n.getOpType(), List.of(dx, in(n, 1)), n.getAttributeList()));
  }

  private static void pad(TangentGraph g, NodeProto n) {
    onlyDifferentiable(g, n, 0);
    List<String> inputs = new ArrayList<>(n.getInputList());
    inputs.set(0, d(g, n, 0));
    if (inputs.size() > 2) {
      inputs.set(2, ""); // the padding value is a constant: its tangent is 0
    }
    g.setTangent(out(n), g.node("Pad", inputs, n.getAttributeList()));
  }

  // ---- arithmetic ----

  private static void add(TangentGraph g, NodeProto n) {
    String da = d(g, n, 0);
    String db = d(g, n, 1);
    String r = out(n);
    if (da != null && db != null) {
      g.setTangent(r, g.add(da, db));
    } else if (da != null) {
      g.setTangent(r, g.expandTo(da, in(n, 0), r));
    } else {
      g.setTangent(r, g.expandTo(db, in(n, 1), r));
    }
  }

  private static void sub(TangentGraph g, NodeProto n) {
    String da = d(g, n, 0);
    String db = d(g, n, 1);
    String r = out(n);
    if (da != null && db != null) {
      g.setTangent(r, g.sub(da, db));
    } else if (da != null) {
      g.setTangent(r, g.expandTo(da, in(n, 0), r));
    } else {
      g.setTangent(r, g.expandTo(g.neg(db), in(n, 1), r));
    }
  }

  private static void sum(TangentGraph g, NodeProto n) {
    List<String> terms = new ArrayList<>();
    boolean full = false;
    for (int i = 0; i < n.getInputCount(); i++) {
      String di = d(g, n, i);
      if (di != null) {
        terms.add(di);
        full |= g.type(in(n, i)).sameShape(g.type(out(n)));
      }
    }
    String s = terms.size() == 1 ? terms.get(0) : g.node("Sum", terms.toArray(new String[0]));
    g.setTangent(out(n), full ? s : expandToResult(g, s, out(n)));
  }

  /** Expand to the result's shape (a copy when it already has it; used by rare ops only). */
  private static String expandToResult(TangentGraph g, String tangent, String result) {
    return g.node("Expand", tangent, g.node("Shape", result));
  }

  private static void mul(TangentGraph g, NodeProto n) {
    String a = in(n, 0);
    String b = in(n, 1);
    String da = d(g, n, 0);
    String db = d(g, n, 1);
    String ta = da == null ? null : g.mul(da, b);
    String tb = db == null ? null : g.mul(a, db);
    g.setTangent(out(n), sumOf(g, ta, tb));
  }

  /** d(a/b) = (da − (a/b)·db) / b. */
  private static void div(TangentGraph g, NodeProto n) {
    String b = in(n, 1);
    String da = d(g, n, 0);
    String db = d(g, n, 1);
    String r = out(n);
    if (db == null) {
      g.setTangent(r, g.div(da, b));
    } else if (da == null) {
      g.setTangent(r, g.neg(g.div(g.mul(r, db), b)));
    } else {
      g.setTangent(r, g.div(g.sub(da, g.mul(r, db)), b));
    }
  }

  private static void matMul(TangentGraph g, NodeProto n) {
    String da = d(g, n, 0);
    String db = d(g, n, 1);
    String ta = da == null ? null : g.node("MatMul", da, in(n, 1));
    String tb = db == null ? null : g.node("MatMul", in(n, 0), db);
    g.setTangent(out(n), sumOf(g, ta, tb));
  }

  /** Gemm: α·op(A)·op(B) + β·C, each product term with the same transposes, no C. */
  private static void gemm(TangentGraph g, NodeProto n) {
    List<AttributeProto> attrs = new ArrayList<>();
    for (AttributeProto a : n.getAttributeList()) {
      if (!a.getName().equals("beta")) {
        attrs.add(a);
      }
    }
    String da = d(g, n, 0);
    String db = d(g, n, 1);
    String dc = d(g, n, 2);
    String ta = da == null ? null : g.node("Gemm", List.of(da, in(n, 1)), attrs);
    String tb = db == null ? null : g.node("Gemm", List.of(in(n, 0), db), attrs);
    String tc = null;
    if (dc != null) {
      float beta = floatAttr(n, "beta", 1f);
      tc = g.expandTo(beta == 1f ? dc : g.mul(dc, c(g, n, beta)), in(n, 2), out(n));
    }
    g.setTangent(out(n), sumOf(g, ta, tb, tc));
  }

  /** d(a^b) = b·a^(b−1)·da + a^b·ln(a)·db. */
  private static void pow(TangentGraph g, NodeProto n) {
    String a = in(n, 0);
    String b = in(n, 1);
    String da = d(g, n, 0);
    String db = d(g, n, 1);
    String ta = null;
    if (da != null) {
      String bMinus1 = g.sub(b, g.scalar(1, g.type(b).elemType()));
      String bType = b;
      if (g.type(b).elemType() != g.type(a).elemType()) {
        bType =
            g.node(
                "Cast",
                List.of(b),
                List.of(OnnxGraphBuilder.attr("to", (long) g.type(a).elemType())));
        bMinus1 =
            g.node(
                "Cast",
                List.of(bMinus1),
                List.of(OnnxGraphBuilder.attr("to", (long) g.type(a).elemType())));
      }
      ta = g.mul(g.mul(bType, g.node("Pow", a, bMinus1)), da);
    }
    String tb = db == null ? null : g.mul(g.mul(out(n), g.node("Log", a)), db);
    g.setTangent(out(n), g.expandTo(sumOf(g, ta, tb), db == null ? a : out(n), out(n)));
  }

  private static void sqrt(TangentGraph g, NodeProto n) {
    g.setTangent(out(n), g.div(d(g, n, 0), g.mul(c(g, n, 2), out(n))));
  }

  private static void reciprocal(TangentGraph g, NodeProto n) {
    g.setTangent(out(n), g.neg(g.mul(d(g, n, 0), g.mul(out(n), out(n)))));
  }

  private static void exp(TangentGraph g, NodeProto n) {
    g.setTangent(out(n), g.mul(d(g, n, 0), out(n)));
  }

  private static void log(TangentGraph g, NodeProto n) {
    g.setTangent(out(n), g.div(d(g, n, 0), in(n, 0)));
  }

  private static void sigmoid(TangentGraph g, NodeProto n) {
    String s = out(n);
    g.setTangent(s, g.mul(d(g, n, 0), g.mul(s, g.sub(c(g, n, 1), s))));
  }

  private static void tanh(TangentGraph g, NodeProto n) {
    String y = out(n);
    g.setTangent(y, g.mul(d(g, n, 0), g.sub(c(g, n, 1), g.mul(y, y))));
  }

  private static void relu(TangentGraph g, NodeProto n) {
    String positive = g.node("Greater", in(n, 0), c(g, n, 0));
    g.setTangent(out(n), g.node("Where", positive, d(g, n, 0), c(g, n, 0)));
  }

  private static void leakyRelu(TangentGraph g, NodeProto n) {
    String dx = d(g, n, 0);
    String positive = g.node("Greater", in(n, 0), c(g, n, 0));
    String slope = g.mul(dx, c(g, n, floatAttr(n, "alpha", 0.01f)));
    g.setTangent(out(n), g.node("Where", positive, dx, slope));
  }

  private static void softplus(TangentGraph g, NodeProto n) {
    g.setTangent(out(n), g.mul(d(g, n, 0), g.node("Sigmoid", in(n, 0))));
  }

  /** d erf(x) = 2/√π · exp(−x²) dx. */
  private static void erf(TangentGraph g, NodeProto n) {
    String x = in(n, 0);
    String e = g.node("Exp", g.neg(g.mul(x, x)));
    g.setTangent(out(n), g.mul(d(g, n, 0), g.mul(e, c(g, n, 2 / Math.sqrt(Math.PI)))));
  }

  /** Exact GELU x·Φ(x): derivative Φ(x) + x·φ(x). */
  private static void gelu(TangentGraph g, NodeProto n) {
    String approximate = stringAttr(n, "approximate", "none");
    if (!approximate.equals("none")) {
      throw FlowmatchException.unsupported(
          "jvp: Gelu with approximate="
              + approximate
              + " has no tangent rule (only 'none');"
              + " use --jvp finite-difference (approximate)");
    }
    String x = in(n, 0);
    String cdf =
        g.mul(c(g, n, 0.5), g.add(c(g, n, 1), g.node("Erf", g.mul(x, c(g, n, 1 / Math.sqrt(2))))));
    String pdf =
        g.mul(
            c(g, n, 1 / Math.sqrt(2 * Math.PI)), g.node("Exp", g.mul(g.mul(x, x), c(g, n, -0.5))));
    g.setTangent(out(n), g.mul(d(g, n, 0), g.add(cdf, g.mul(x, pdf))));
  }

  private static void sin(TangentGraph g, NodeProto n) {
    g.setTangent(out(n), g.mul(d(g, n, 0), g.node("Cos", in(n, 0))));
  }

  private static void cos(TangentGraph g, NodeProto n) {
    g.setTangent(out(n), g.neg(g.mul(d(g, n, 0), g.node("Sin", in(n, 0)))));
  }

  private static void abs(TangentGraph g, NodeProto n) {
    g.setTangent(out(n), g.mul(d(g, n, 0), g.node("Sign", in(n, 0))));
  }

  /**
   * Clip, Max and Min pass on the tangent of the input the result equals (at a tie, the first's).
   * Clip's bounds are constants.
   */
  private static void passWhereUnchanged(TangentGraph g, NodeProto n) {
    String r = out(n);
    if (n.getOpType().equals("Clip")) {
      onlyDifferentiable(g, n, 0);
    }
    int inputs = n.getOpType().equals("Clip") ? 1 : n.getInputCount();
    String acc = null;
    for (int i = inputs - 1; i >= 0; i--) {
      String di = d(g, n, i);
      String term = di == null ? c(g, n, 0) : di;
      if (acc == null) {
        acc =
            n.getOpType().equals("Clip")
                ? g.node("Where", g.node("Equal", r, in(n, i)), term, c(g, n, 0))
                : term;
      } else {
        acc = g.node("Where", g.node("Equal", r, in(n, i)), term, acc);
      }
    }
    g.setTangent(r, expandToResult(g, acc, r));
  }

  private static void where(TangentGraph g, NodeProto n) {
    onlyDifferentiable(g, n, 1, 2);
    String da = d(g, n, 1);
    String db = d(g, n, 2);
    String t =
        g.node("Where", in(n, 0), da == null ? c(g, n, 0) : da, db == null ? c(g, n, 0) : db);
    g.setTangent(out(n), expandToResult(g, t, out(n)));
  }

  private static void concat(TangentGraph g, NodeProto n) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < n.getInputCount(); i++) {
      String di = d(g, n, i);
      parts.add(di != null ? di : g.zerosLike(in(n, i)));
    }
    g.setTangent(out(n), g.node("Concat", parts, n.getAttributeList()));
  }

  /** Axes a Softmax normalises over: one axis from opset 13, the flattened tail before. */
  private static long[] softmaxAxes(TangentGraph g, NodeProto n) {
    int rank = g.type(in(n, 0)).rank();
    long axis = intAttr(n, "axis", g.opset() >= 13 ? -1 : 1);
    if (axis < 0) {
      axis += rank;
    }
    if (g.opset() >= 13) {
      return new long[] {axis};
    }
    long[] axes = new long[(int) (rank - axis)];
    for (int i = 0; i < axes.length; i++) {
      axes[i] = axis + i;
    }
    return axes;
  }

  /** d softmax(x) = s ⊙ (dx − Σ s ⊙ dx). */
  private static void softmax(TangentGraph g, NodeProto n) {
    String s = out(n);
    String dx = d(g, n, 0);
    String inner = g.reduce("ReduceSum", g.mul(s, dx), softmaxAxes(g, n));
    g.setTangent(s, g.mul(s, g.sub(dx, inner)));
  }

  private static void logSoftmax(TangentGraph g, NodeProto n) {
    String dx = d(g, n, 0);
    String s = g.node("Exp", out(n));
    g.setTangent(out(n), g.sub(dx, g.reduce("ReduceSum", g.mul(s, dx), softmaxAxes(g, n))));
  }

  private static void reduceSumSquare(TangentGraph g, NodeProto n) {
    onlyDifferentiable(g, n, 0);
    String prod = g.mul(c(g, n, 2), g.mul(in(n, 0), d(g, n, 0)));
    List<String> inputs = new ArrayList<>(n.getInputList());
    inputs.set(0, prod);
    List<AttributeProto> attrs = new ArrayList<>(n.getAttributeList());
    if (g.opset() >= 13 && g.opset() < 18) {
      // ReduceSumSquare still takes axes as an attribute here, ReduceSum as an input
      AttributeProto axes = attribute(n, "axes");
      attrs.removeIf(a -> a.getName().equals("axes"));
      if (axes != null) {
        inputs.add(g.longs(axes.getIntsList().stream().mapToLong(Long::longValue).toArray()));
      }
    }
    g.setTangent(out(n), g.node("ReduceSum", inputs, attrs));
  }

  // ---- normalisation ----

  /**
   * Tangent of x̂ = (x − μ)/σ over {@code axes} (σ² the biased variance plus ε): dx̂ = (dx −
   * mean(dx) − x̂·mean(x̂·dx)) / σ.
   */
  private static String normalizedTangent(
      TangentGraph g, String x, String dx, long[] axes, float epsilon, int elemType) {
    String mu = g.reduce("ReduceMean", x, axes);
    String xc = g.sub(x, mu);
    String variance = g.reduce("ReduceMean", g.mul(xc, xc), axes);
    String rstd =
        g.node("Reciprocal", g.node("Sqrt", g.add(variance, g.scalar(epsilon, elemType))));
    String xhat = g.mul(xc, rstd);
    String meanDx = g.reduce("ReduceMean", dx, axes);
    String meanXhatDx = g.reduce("ReduceMean", g.mul(xhat, dx), axes);
    return g.mul(g.sub(g.sub(dx, meanDx), g.mul(xhat, meanXhatDx)), rstd);
  }

  private static long[] range(long from, long to) {
    long[] r = new long[(int) (to - from)];
    for (int i = 0; i < r.length; i++) {
      r[i] = from + i;
    }
    return r;
  }

  /** Per-channel scale [C] as [C, 1, …] for a tensor of the given rank. */
  private static String channelScale(TangentGraph g, String scale, int rank) {
    return rank > 2 ? g.unsqueeze(scale, range(1, rank - 1)) : scale;
  }

  private static void instanceNormalization(TangentGraph g, NodeProto n) {
    onlyDifferentiable(g, n, 0);
    String x = in(n, 0);
    int rank = g.type(x).rank();
    String dxhat =
        normalizedTangent(
            g, x, d(g, n, 0), range(2, rank), floatAttr(n, "epsilon", 1e-5f), g.type(x).elemType());
    g.setTangent(out(n), g.mul(dxhat, channelScale(g, in(n, 1), rank)));
  }

  private static void layerNormalization(TangentGraph g, NodeProto n) {
    onlyDifferentiable(g, n, 0);
    for (int i = 1; i < n.getOutputCount(); i++) {
      if (!n.getOutput(i).isEmpty()) {
        throw FlowmatchException.unsupported(
            "jvp: LayerNormalization node '"
                + n.getName()
                + "' exposes its mean or inverse"
                + " standard deviation; only the normalised output has a tangent rule; use --jvp"
                + " finite-difference (approximate)");
      }
    }
    String x = in(n, 0);
    int rank = g.type(x).rank();
    long axis = intAttr(n, "axis", -1);
    if (axis < 0) {
      axis += rank;
    }
    String dxhat =
        normalizedTangent(
            g,
            x,
            d(g, n, 0),
            range(axis, rank),
            floatAttr(n, "epsilon", 1e-5f),
            g.type(x).elemType());
    g.setTangent(out(n), g.mul(dxhat, in(n, 1)));
  }

  /**
   * GroupNormalization: normalise [N, G, −1] groups; opset 21 scales per channel, opset 18 per
   * group.
   */
  private static void groupNormalization(TangentGraph g, NodeProto n) {
    onlyDifferentiable(g, n, 0);
    String x = in(n, 0);
    int rank = g.type(x).rank();
    long groups = intAttr(n, "num_groups", 1);
    String shape = g.longs(0, groups, -1);
    String xg = g.node("Reshape", x, shape);
    String dxg = g.node("Reshape", d(g, n, 0), shape);
    g.setType(xg, new TensorType(new long[3], g.type(x).elemType()));
    String dxhat =
        normalizedTangent(
            g, xg, dxg, new long[] {2}, floatAttr(n, "epsilon", 1e-5f), g.type(x).elemType());
    if (g.opset() < 21) {
      dxhat = g.mul(dxhat, g.unsqueeze(in(n, 1), 1));
      g.setTangent(out(n), g.node("Reshape", dxhat, g.node("Shape", x)));
    } else {
      String back = g.node("Reshape", dxhat, g.node("Shape", x));
      g.setTangent(out(n), g.mul(back, channelScale(g, in(n, 1), rank)));
    }
  }
}
