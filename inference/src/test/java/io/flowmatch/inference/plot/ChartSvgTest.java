package io.flowmatch.inference.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The SVG side of the one renderer: well-formed, and the same elements the PNG shows. */
class ChartSvgTest {

  static Document parse(String svg) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    return f.newDocumentBuilder()
        .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  static List<Element> elements(Document d, String name) {
    NodeList nodes = d.getElementsByTagNameNS("http://www.w3.org/2000/svg", name);
    List<Element> out = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      out.add((Element) nodes.item(i));
    }
    return out;
  }

  static List<String> texts(Document d) {
    List<String> out = new ArrayList<>();
    for (Element e : elements(d, "text")) {
      out.add(e.getTextContent());
    }
    return out;
  }

  static String rgb(int rgb) {
    return String.format(Locale.ROOT, "rgb(%d,%d,%d)", rgb >> 16 & 255, rgb >> 8 & 255, rgb & 255);
  }

  /** Elements whose own or enclosing group's style has {@code key:value}. */
  static long styled(List<Element> es, String key, String value) {
    return es.stream()
        .filter(
            e -> {
              for (org.w3c.dom.Node n = e; n instanceof Element; n = n.getParentNode()) {
                if (((Element) n)
                    .getAttribute("style")
                    .replace(" ", "")
                    .contains(key + ":" + value)) {
                  return true;
                }
              }
              return false;
            })
        .count();
  }

  @Test
  void linePlotSvgHasOnePolylinePerSeriesItsMarkersAndItsText() throws Exception {
    LinePlot p =
        new LinePlot("error vs NFE (500 samples)", "NFE per sample", "RMS error", true, true)
            .series("euler", new double[] {10, 20, 40}, new double[] {0.1, 0.05, 0.025})
            .series("heun", new double[] {10, 20, 40}, new double[] {0.01, 2.5e-3, 6.25e-4})
            // a point a log axis cannot show splits the line into two runs of 2 points
            .series(
                "dopri5",
                new double[] {12, 18, 30, 44, 60},
                new double[] {1e-3, 5e-4, 0, 1e-4, 5e-5})
            .reference("floor", 2e-4);
    String svg = p.toSvg();
    Document d = parse(svg); // well-formed XML, or this throws
    Element root = d.getDocumentElement();
    assertEquals("svg", root.getLocalName());
    assertEquals("0 0 900 560", root.getAttribute("viewBox"));
    assertEquals("900", root.getAttribute("width"));

    List<Element> paths = elements(d, "path");
    // the clip rectangle, then one path per run of drawable points: 1 + 1 + 2
    assertEquals(1, styled(paths, "stroke", rgb(LinePlot.PALETTE[0])), svg);
    assertEquals(1, styled(paths, "stroke", rgb(LinePlot.PALETTE[1])));
    assertEquals(2, styled(paths, "stroke", rgb(LinePlot.PALETTE[2])));
    // markers: 3 + 3 + 4 points, plus one per legend entry
    List<Element> markers = elements(d, "ellipse");
    assertEquals(3 + 1, styled(markers, "fill", rgb(LinePlot.PALETTE[0])));
    assertEquals(4 + 1, styled(markers, "fill", rgb(LinePlot.PALETTE[2])));
    // the floor: dashed, across the plot and in the legend
    long dashed =
        elements(d, "line").stream()
            .filter(e -> e.getAttribute("style").contains("stroke-dasharray"))
            .count();
    assertEquals(2, dashed);

    List<String> texts = texts(d);
    for (String t :
        List.of(
            "error vs NFE (500 samples)",
            "NFE per sample",
            "RMS error",
            "euler",
            "heun",
            "dopri5",
            "floor",
            "10",
            "20")) {
      assertTrue(texts.contains(t), t + " in " + texts);
    }
    if (PlotText.family() != null) {
      assertTrue(svg.contains("font-family: \"" + PlotText.family() + "\", sans-serif"), svg);
    }
    // the same chart as PNG: same size
    BufferedImage png = ImageIO.read(new ByteArrayInputStream(p.toPng()));
    assertEquals(900, png.getWidth());
    assertEquals(560, png.getHeight());
    assertEquals(svg, p.toSvg(), "the same chart gives the same file");
  }

  @Test
  void elevenBarSeriesGetElevenColours() throws Exception {
    // the data and ten settings: the class histogram of a ten-setting comparison
    int series = 11;
    List<String> names = new java.util.ArrayList<>();
    double[][] shares = new double[series][];
    for (int s = 0; s < series; s++) {
      names.add("s" + s);
      shares[s] = new double[] {0.5, 0.5};
    }
    Document d = parse(BarPlot.of("classes", List.of("a", "b"), names, shares).toSvg());
    List<Element> rects = elements(d, "rect");
    java.util.Set<String> fills = new java.util.HashSet<>();
    for (int s = 0; s < series; s++) {
      // 2 bars and one legend swatch in this series' own colour
      assertEquals(2 + 1, styled(rects, "fill", rgb(LinePlot.PALETTE[s])), "series " + s);
      fills.add(rgb(LinePlot.PALETTE[s]));
    }
    assertEquals(series, fills.size());
  }

  @Test
  void barPlotSvgHasABarPerSeriesAndCategory() throws Exception {
    List<String> classes = List.of("T-shirt/top", "Trouser", "Ankle boot");
    BarPlot b =
        BarPlot.of(
            "classes",
            classes,
            List.of("data", "euler:4", "dopri5:1e-4"),
            new double[][] {{0.3, 0.3, 0.4}, {0.5, 0.2, 0.3}, {0.3, 0.35, 0.35}});
    Document d = parse(b.toSvg());
    List<Element> rects = elements(d, "rect");
    for (int s = 0; s < 3; s++) {
      // 3 bars and one legend swatch
      assertEquals(3 + 1, styled(rects, "fill", rgb(LinePlot.PALETTE[s])), "series " + s);
    }
    List<String> texts = texts(d);
    for (String t : List.of("classes", "data", "euler:4", "dopri5:1e-4", "Trouser", "Ankle boot")) {
      assertTrue(texts.contains(t), t + " in " + texts);
    }
    assertTrue(texts.contains("50%"), texts.toString());
  }

  @Test
  void scatterSvgEmbedsThePointsAsOneImageAndKeepsAxesAsText() throws Exception {
    int n = 5000;
    float[] xy = new float[2 * n];
    for (int i = 0; i < n; i++) {
      xy[2 * i] = (float) Math.cos(i);
      xy[2 * i + 1] = (float) Math.sin(i);
    }
    ScatterPlot p =
        ScatterPlot.of(xy, n, ScatterPlot.square(new ValueRange(-2, 2)), "circle")
            .path(new float[] {-1, -1, 0, 0, 1, -1}, 3, 0xd62728)
            .marker(0.5f, 0.5f, 0x2ca02c, "a");
    String svg = p.toSvg();
    Document d = parse(svg);
    assertEquals(1, elements(d, "image").size(), "the point cloud is one raster layer");
    assertEquals(1, styled(elements(d, "path"), "stroke", rgb(0xd62728)), "the path: one polyline");
    assertEquals(3, styled(elements(d, "rect"), "fill", rgb(0xd62728)), "a square per node");
    List<String> texts = texts(d);
    for (String t : List.of("circle", "x[0]", "x[1]", "-2.0", "-1.0", "0.0", "1.0", "2.0", "a")) {
      assertTrue(texts.contains(t), t + " in " + texts);
    }
    assertTrue(svg.length() < 200_000, "5000 points in " + svg.length() + " characters");
    assertFalse(texts.contains("-0.0"));
  }

  @Test
  void svgNumbersHaveAtMostTwoDecimalsAndNoTrailingZeros() {
    assertEquals("0", Chart.svgNumber(0));
    assertEquals("0", Chart.svgNumber(-0.001), "no -0");
    assertEquals("412.5", Chart.svgNumber(412.5));
    assertEquals("-3.25", Chart.svgNumber(-3.25));
    assertEquals("2.02", Chart.svgNumber(2.0199999));
    assertEquals("7", Chart.svgNumber(6.999));
    assertEquals("0.1", Chart.svgNumber(0.1));
    assertEquals("-640", Chart.svgNumber(-640));
  }

  @Test
  void vectorScatterSvgHasOneCircleAtEachPointsPixel() throws Exception {
    float[] xy = {0, 0, 0.5f, -0.5f, 2, 2};
    ScatterPlot plot =
        ScatterPlot.of(xy, 3, ScatterPlot.square(new ValueRange(-1, 1)), "three").vectorPoints();
    Document doc = parse(plot.toSvg());
    NodeList circles = doc.getElementsByTagName("ellipse");
    assertEquals(2, circles.getLength(), "the point outside the range is left out");
    int plotW = ScatterPlot.SIZE - ScatterPlot.LEFT - ScatterPlot.RIGHT;
    Element first = (Element) circles.item(0);
    // x = 0 is the middle of the range: pixel round(0.5 · (plotW − 1)), drawn at its centre
    double cx = ScatterPlot.LEFT + Math.round(0.5 * (plotW - 1)) + 0.5;
    assertEquals(cx, Double.parseDouble(first.getAttribute("cx")), 1e-9);
    assertEquals("2.5", first.getAttribute("rx"), "diameter 5 for small clouds, as the PNG stamp");
    assertEquals(0, doc.getElementsByTagName("image").getLength());
  }

  @Test
  void imageChartsAreRasterAndCarryTheirTitleAboveTheImage() {
    BufferedImage grid = new BufferedImage(100, 50, BufferedImage.TYPE_INT_RGB);
    Chart titled = Chart.of(grid, "step 500");
    assertTrue(titled.raster());
    assertEquals(100, titled.width());
    int band = titled.height() - 50;
    assertEquals(PlotText.height(2) + 16, band);
    BufferedImage img = titled.toImage();
    int dark = 0;
    for (int y = 0; y < band; y++) {
      for (int x = 0; x < 100; x++) {
        dark += (img.getRGB(x, y) & 0xff) < 128 ? 1 : 0;
      }
    }
    assertTrue(dark > 20, "the title is drawn in the band above the image: " + dark);
    assertEquals(0, img.getRGB(50, band + 25) & 0xffffff, "the (black) image below the band");
    assertEquals(50, Chart.of(grid, null).height(), "no title, no band");
  }
}
