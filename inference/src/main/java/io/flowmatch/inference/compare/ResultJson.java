package io.flowmatch.inference.compare;

import io.flowmatch.inference.metrics.ClassHistogram;
import java.util.List;

/**
 * The comparison as JSON: the context ({@code model}, {@code samples}, {@code reference}, {@code
 * quality} with its floor and, with a classifier, its {@code classes}: names and the data's
 * counts), one object per setting in {@code results} (with a classifier, its {@code class_counts}),
 * and the observed {@code orders}. Values not measured are {@code null}; numbers keep full double
 * precision.
 */
public final class ResultJson {
  private ResultJson() {}

  public static String render(CompareReport report) {
    return render(report, null, null);
  }

  /**
   * As above, with the run's provenance first: flowmatch version, source revision, date, and the
   * noise seed as a number ({@code null} when the noise came from a file).
   */
  public static String render(CompareReport report, Provenance provenance, Long seed) {
    Json j = new Json();
    j.open('{');
    if (provenance != null) {
      provenance.write(j);
      j.key("seed");
      if (seed == null) {
        j.nullValue();
      } else {
        j.integer(seed);
      }
    }
    j.key("model").string(report.model());
    j.key("sample_shape").open('[');
    for (int d : report.sampleShape()) {
      j.integer(d);
    }
    j.close(']');
    j.key("provider").string(report.provider());
    j.key("samples").integer(report.samples());
    j.key("batch").integer(report.batch());
    j.key("noise").string(report.noise());
    j.key("max_evaluations").integer(report.maxEvaluations());
    j.key("repeats").integer(report.repeats());
    j.key("reference");
    if (report.reference() == null) {
      j.nullValue();
    } else {
      j.open('{');
      j.key("description").string(report.reference());
      j.key("nfe_mean").number(report.referenceNfe());
      j.key("wall_s").number(report.referenceSeconds());
      j.close('}');
    }
    j.key("quality");
    if (!report.hasQuality()) {
      j.nullValue();
    } else {
      j.open('{');
      j.key("description").string(report.qualityDescription());
      j.key("names").strings(report.qualityNames());
      j.key("floor");
      if (report.floor() == null) {
        j.nullValue();
      } else {
        j.numbers(report.floor());
      }
      if (report.classes() != null) {
        // the classifier's classes: names and the data's counts (each setting's follow below)
        j.key("classes").open('{');
        j.key("names").strings(report.classes().names());
        j.key("data");
        counts(j, report.classes().data());
        j.close('}');
      }
      j.close('}');
    }
    j.key("results").open('[');
    for (SettingResult r : report.results()) {
      SolverSetting s = r.setting();
      j.open('{');
      j.key("solver").string(s.solver());
      j.key("grid").string(s.grid());
      j.key("method").string(s.method());
      j.key("label").string(s.label());
      j.key("adaptive").bool(s.adaptive());
      if (s.adaptive()) {
        j.key("rtol").number(s.rtol());
        j.key("atol").number(s.atol());
      } else {
        j.key("steps").integer(s.steps());
      }
      j.key("failure");
      if (r.failed()) {
        j.string(r.failure());
      } else {
        j.nullValue();
      }
      j.key("nfe_mean").number(r.meanNfe());
      j.key("nfe_min").number(r.failed() ? Double.NaN : r.minNfe());
      j.key("nfe_max").number(r.failed() ? Double.NaN : r.maxNfe());
      j.key("model_calls").number(r.failed() ? Double.NaN : r.modelCalls());
      j.key("wall_s").number(r.wallSeconds());
      j.key("model_s").number(r.modelSeconds());
      j.key("samples_per_s").number(r.samplesPerSecond());
      j.key("err_rms").number(r.errorRms());
      j.key("err_max").number(r.errorMax());
      j.key("quality").open('{');
      for (int k = 0; k < report.qualityNames().size(); k++) {
        j.key(report.qualityNames().get(k)).number(r.quality()[k]);
      }
      j.close('}');
      if (report.classes() != null) {
        j.key("class_counts");
        if (r.classes() == null) {
          j.nullValue();
        } else {
          counts(j, r.classes());
        }
      }
      j.close('}');
    }
    j.close(']');
    j.key("orders").open('[');
    for (ConvergenceOrder o : report.orders()) {
      j.open('{');
      j.key("method").string(o.method());
      j.key("order").number(o.order());
      j.key("local_orders").numbers(o.localOrders());
      j.key("points").integer(o.points());
      j.close('}');
    }
    j.close(']');
    j.close('}');
    return j.toString() + "\n";
  }

  private static void counts(Json j, ClassHistogram h) {
    j.open('[');
    for (int c : h.counts()) {
      j.integer(c);
    }
    j.close(']');
  }

  /** A small JSON writer: indentation, commas and escaping (also for other commands' JSON). */
  public static final class Json {
    private final StringBuilder sb = new StringBuilder();
    private int depth;
    private boolean first = true;
    private boolean afterKey;

    public Json open(char bracket) {
      value();
      sb.append(bracket);
      depth++;
      first = true;
      return this;
    }

    public Json close(char bracket) {
      depth--;
      if (!first) {
        newline();
      }
      sb.append(bracket);
      first = false;
      return this;
    }

    public Json key(String name) {
      separator();
      quoted(name);
      sb.append(": ");
      afterKey = true;
      return this;
    }

    public Json string(String s) {
      value();
      quoted(s);
      return this;
    }

    public Json strings(List<String> values) {
      open('[');
      for (String v : values) {
        string(v);
      }
      return close(']');
    }

    public Json integer(long v) {
      value();
      sb.append(v);
      return this;
    }

    /** A finite double, or null for NaN and infinities (JSON has no NaN). */
    public Json number(double v) {
      value();
      if (!Double.isFinite(v)) {
        sb.append("null");
      } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
        sb.append((long) v);
      } else {
        sb.append(v);
      }
      return this;
    }

    public Json numbers(double[] values) {
      open('[');
      for (double v : values) {
        number(v);
      }
      return close(']');
    }

    public Json bool(boolean v) {
      value();
      sb.append(v);
      return this;
    }

    public Json nullValue() {
      value();
      sb.append("null");
      return this;
    }

    private void value() {
      if (afterKey) {
        afterKey = false;
        first = false;
        return;
      }
      separator();
    }

    private void separator() {
      if (depth == 0) {
        return;
      }
      if (!first) {
        sb.append(',');
      }
      newline();
      first = false;
    }

    private void newline() {
      sb.append('\n').append("  ".repeat(depth));
    }

    private void quoted(String s) {
      sb.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"':
            sb.append("\\\"");
            break;
          case '\\':
            sb.append("\\\\");
            break;
          case '\n':
            sb.append("\\n");
            break;
          case '\r':
            sb.append("\\r");
            break;
          case '\t':
            sb.append("\\t");
            break;
          default:
            if (c < 0x20) {
              sb.append(String.format("\\u%04x", (int) c));
            } else {
              sb.append(c);
            }
        }
      }
      sb.append('"');
    }

    @Override
    public String toString() {
      return sb.toString();
    }
  }
}
