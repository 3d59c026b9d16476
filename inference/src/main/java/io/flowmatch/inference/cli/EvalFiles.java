package io.flowmatch.inference.cli;

import io.flowmatch.inference.compare.Provenance;
import io.flowmatch.inference.compare.ResultJson;
import io.flowmatch.inference.format.Numbers;
import io.flowmatch.inference.io.AtomicFile;
import io.flowmatch.inference.metrics.ClassHistogram;
import io.flowmatch.inference.metrics.ClassifierMetrics;
import io.flowmatch.inference.plot.BarPlot;
import io.flowmatch.inference.plot.Chart;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code eval --out DIR}: eval.json, eval.csv and, with a classifier, class-histogram.png and .svg.
 */
final class EvalFiles {
  private EvalFiles() {}

  static void write(
      Path dir,
      String model,
      String source,
      Long seed,
      int count,
      QualityOptions.Setup quality,
      double[] scores,
      ClassifierMetrics.Scored classified,
      List<String> classNames) {
    List<String> names = quality.metric().names();
    double[] floor = quality.floor();
    ResultJson.Json j = new ResultJson.Json();
    j.open('{');
    Provenance.current().writeTo(j);
    j.key("model").string(model);
    j.key("samples").integer(count);
    j.key("source").string(source);
    j.key("seed");
    if (seed == null) {
      j.nullValue();
    } else {
      j.integer(seed);
    }
    j.key("reference").string(quality.data().referenceDescription());
    j.key("floor_data").string(quality.data().floorDescription());
    j.key("metrics").open('[');
    for (int k = 0; k < names.size(); k++) {
      j.open('{');
      j.key("name").string(names.get(k));
      j.key("value").number(scores[k]);
      j.key("floor").number(floor[k]);
      j.key("ratio").number(floor[k] > 0 ? scores[k] / floor[k] : Double.NaN);
      j.close('}');
    }
    j.close(']');
    StringBuilder csv = new StringBuilder("metric,value,floor,ratio\n");
    for (int k = 0; k < names.size(); k++) {
      csv.append(names.get(k))
          .append(',')
          .append(Numbers.sig(scores[k], 9))
          .append(',')
          .append(Numbers.sig(floor[k], 9))
          .append(',')
          .append(floor[k] > 0 ? Numbers.fixed(scores[k] / floor[k], 6) : "")
          .append(System.lineSeparator());
    }
    Chart histogram = null;
    if (classified != null) {
      ClassHistogram samples = classified.classes();
      ClassHistogram data = quality.classifierMetrics().dataClasses();
      j.key("classes").open('[');
      List<String> labels = new ArrayList<>();
      double[][] shares = new double[2][samples.classes()];
      for (int k = 0; k < samples.classes(); k++) {
        String label = k < classNames.size() ? classNames.get(k).trim() : Integer.toString(k);
        labels.add(label);
        shares[0][k] = samples.fraction(k);
        shares[1][k] = data.fraction(k);
        j.open('{');
        j.key("class").integer(k);
        j.key("name").string(label);
        j.key("samples").integer(samples.counts()[k]);
        j.key("share").number(samples.fraction(k));
        j.key("data_share").number(data.fraction(k));
        j.close('}');
      }
      j.close(']');
      j.key("class_total_variation").number(samples.totalVariation(data));
      histogram =
          BarPlot.of(
              "classes of "
                  + count
                  + " samples of "
                  + Path.of(model).getFileName()
                  + " (classifier's argmax), total variation "
                  + Numbers.fixed(samples.totalVariation(data), 3),
              labels,
              List.of("samples", "data"),
              shares);
    }
    j.close('}');
    try {
      Files.createDirectories(dir);
      AtomicFile.write(dir.resolve("eval.json"), (j + "\n").getBytes(StandardCharsets.UTF_8));
      AtomicFile.write(dir.resolve("eval.csv"), csv.toString().getBytes(StandardCharsets.UTF_8));
      if (histogram != null) {
        AtomicFile.write(dir.resolve("class-histogram.png"), histogram.toPng());
        AtomicFile.write(
            dir.resolve("class-histogram.svg"), histogram.toSvg().getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new FailureException("cannot write --out " + dir + ": " + IoMessages.of(e), e);
    }
  }
}
