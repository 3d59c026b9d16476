package io.flowmatch.inference.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The category names under a bar plot never touch: each keeps a gap from every other one. */
class BarPlotLabelsTest {
  static final List<String> FASHION_MNIST =
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
          "Ankle boot");

  private static BarPlot plot(List<String> categories) {
    double[][] shares = new double[2][categories.size()];
    for (double[] row : shares) {
      java.util.Arrays.fill(row, 1.0 / categories.size());
    }
    return BarPlot.of("classes", categories, List.of("samples", "data"), shares);
  }

  /** No two label lines overlap, even grown by half the gap, and all lie inside the image. */
  private static void assertApart(List<BarPlot.LabelLine> lines) {
    for (BarPlot.LabelLine l : lines) {
      Rectangle b = l.box();
      assertTrue(b.x >= 0 && b.x + b.width <= BarPlot.WIDTH, l.toString());
      assertTrue(b.y >= 0 && b.y + b.height <= BarPlot.HEIGHT, l.toString());
    }
    int half = BarPlot.LABEL_GAP / 2;
    for (int i = 0; i < lines.size(); i++) {
      for (int j = i + 1; j < lines.size(); j++) {
        BarPlot.LabelLine a = lines.get(i);
        BarPlot.LabelLine b = lines.get(j);
        if (a.category() == b.category()) {
          assertFalse(a.box().intersects(b.box()), a + " and " + b);
        } else {
          Rectangle ga = new Rectangle(a.box());
          ga.grow(half - 1, 0);
          Rectangle gb = new Rectangle(b.box());
          gb.grow(half - 1, 0);
          assertFalse(ga.intersects(gb), a + " and " + b + " are closer than the gap");
        }
      }
    }
  }

  /** The categories' text, each line joined back with what wrapping dropped (spaces). */
  private static List<String> names(List<BarPlot.LabelLine> lines, int categories) {
    List<StringBuilder> names = new ArrayList<>();
    for (int c = 0; c < categories; c++) {
      names.add(new StringBuilder());
    }
    for (BarPlot.LabelLine l : lines) {
      StringBuilder sb = names.get(l.category());
      if (sb.length() > 0 && !(sb.toString().endsWith("/") || sb.toString().endsWith("-"))) {
        sb.append(' ');
      }
      sb.append(l.text());
    }
    return names.stream().map(StringBuilder::toString).toList();
  }

  @Test
  void fashionMnistNamesAreWholeAndApart() {
    List<BarPlot.LabelLine> lines = plot(FASHION_MNIST).categoryLabels();
    assertApart(lines);
    if (PlotText.family() != null) {
      // a real font: every name fits whole (shortened names would end in "...")
      assertEquals(FASHION_MNIST, names(lines, FASHION_MNIST.size()));
    }
  }

  @Test
  void manyLongNamesWrapOrShortenButStayApart() {
    List<String> many = new ArrayList<>();
    for (int k = 0; k < 30; k++) {
      many.add("category-number/" + k + " with a long name");
    }
    assertApart(plot(many).categoryLabels());
  }

  @Test
  void shortNamesKeepTheLargeText() {
    List<BarPlot.LabelLine> lines = plot(List.of("a", "b", "c")).categoryLabels();
    assertApart(lines);
    assertEquals(3, lines.size());
    lines.forEach(l -> assertEquals(11f * BarPlot.TEXT, l.size()));
  }
}
