package io.flowmatch.inference.cli;

import static io.flowmatch.inference.cli.SampleCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.cli.SampleCommandTest.Run;
import io.flowmatch.inference.io.Npy;
import io.flowmatch.inference.io.Png;
import io.flowmatch.inference.plot.ScatterPlot;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * {@code --out FILE.svg} of sample, decode and interpolate: well-formed SVG from the same renderer
 * as the PNG, 2-D samples as one vector circle each, image grids as their exact pixels embedded as
 * PNG; any other extension is one usage line and no file.
 */
class PictureSvgTest {
  @TempDir static Path models;
  static String gauss2d;
  static String images;

  @TempDir Path dir;

  @BeforeAll
  static void buildModels() throws IOException {
    gauss2d =
        TestModels.gaussian(models.resolve("g2.onnx"), new int[] {2}, 2f, 0.5f, true).toString();
    images =
        TestModels.gaussian(models.resolve("gi.onnx"), new int[] {1, 8, 8}, 0f, 0.5f, true)
            .toString();
  }

  @Test
  void sampleDrawsEveryTwoDimensionalSampleAsAVectorCircle() throws Exception {
    Path svg = dir.resolve("s.svg");
    Path npy = dir.resolve("s.npy");
    Run r =
        run(
            "sample",
            "--model",
            gauss2d,
            "--n",
            "300",
            "--steps",
            "4",
            "--plot-range",
            "-1,5",
            "--out",
            svg.toString(),
            "--save-npy",
            npy.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.out().contains("wrote " + svg + " (scatter plot of 300 samples, vector points)"),
        r.out());
    Document doc = parse(svg);
    Element root = doc.getDocumentElement();
    assertEquals("svg", root.getTagName());
    assertEquals("0 0 640 640", root.getAttribute("viewBox"));
    assertEquals(0, doc.getElementsByTagName("image").getLength(), "no raster layer");
    NodeList points = doc.getElementsByTagName("ellipse");
    assertEquals(300, points.getLength());
    // the circles are the samples, in order: their centres are one affine map of x and of y
    float[] x = Npy.read(npy).data();
    double[] cx = new double[300];
    double[] cy = new double[300];
    for (int i = 0; i < 300; i++) {
      Element e = (Element) points.item(i);
      cx[i] = Double.parseDouble(e.getAttribute("cx"));
      cy[i] = Double.parseDouble(e.getAttribute("cy"));
      assertTrue(e.getAttribute("style").contains("fill-opacity:"), e.getAttribute("style"));
    }
    assertAffine(x, 0, cx, +1);
    assertAffine(x, 1, cy, -1);
    assertTrue(
        texts(doc).stream().anyMatch(t -> t.endsWith("· 300 samples")), texts(doc).toString());
    assertTrue(
        texts(doc).containsAll(List.of("x[0]", "x[1]", "0", "2", "4")), texts(doc).toString());
  }

  @Test
  void largeCloudsKeepOneRasterLayer() throws Exception {
    Path svg = dir.resolve("big.svg");
    int n = ScatterPlot.MAX_VECTOR_POINTS + 1;
    Run r =
        run(
            "sample",
            "--model",
            gauss2d,
            "--n",
            Integer.toString(n),
            "--steps",
            "2",
            "--out",
            svg.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("points as one raster layer (over 20000)"), r.out());
    Document doc = parse(svg);
    assertEquals(0, doc.getElementsByTagName("ellipse").getLength());
    assertEquals(1, doc.getElementsByTagName("image").getLength());
  }

  @Test
  void imageGridSvgEmbedsTheSamePixelsAsThePng() throws Exception {
    Path svg = dir.resolve("grid.svg");
    Path png = dir.resolve("grid.png");
    for (Path out : List.of(svg, png)) {
      Run r =
          run("sample", "--model", images, "--n", "10", "--steps", "2", "--out", out.toString());
      assertEquals(0, r.code(), r.err());
      if (out == svg) {
        assertTrue(r.out().contains("(image grid of 10 samples, pixels embedded as PNG)"), r.out());
      }
    }
    Document doc = parse(svg);
    NodeList embedded = doc.getElementsByTagName("image");
    assertEquals(1, embedded.getLength());
    Element image = (Element) embedded.item(0);
    assertTrue(image.getAttribute("style").contains("image-rendering:pixelated"));
    BufferedImage fromSvg = decodeDataUri(image.getAttribute("xlink:href"));
    BufferedImage fromPng = Png.read(png);
    assertEquals(fromPng.getWidth(), fromSvg.getWidth());
    assertEquals(fromPng.getHeight(), fromSvg.getHeight());
    assertEquals(4 * 57 + 1, fromSvg.getWidth(), "4 columns of 8×8 tiles upscaled 7×");
    assertArrayEquals(pixels(fromPng), pixels(fromSvg));
    assertEquals(
        Integer.toString(fromPng.getWidth()),
        doc.getDocumentElement().getAttribute("width").replaceAll("px$", ""));
  }

  @Test
  void decodeWritesSvgAndItsTrajectoriesAsPaths() throws Exception {
    Path z = dir.resolve("z.npy");
    Npy.write(z, new int[] {5, 2}, new float[] {0, 0, 1, 1, -1, 0.5f, 0.2f, -0.3f, 2, -2});
    Path svg = dir.resolve("d.svg");
    Run r =
        run(
            "decode",
            "--model",
            gauss2d,
            "--input",
            z.toString(),
            "--solver",
            "euler",
            "--steps",
            "5",
            "--paths",
            "3",
            "--out",
            svg.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("(scatter plot of 5 samples, vector points)"), r.out());
    Document doc = parse(svg);
    assertEquals(5, doc.getElementsByTagName("ellipse").getLength());
    // each drawn trajectory: one polyline through its 6 nodes (M + 5 L) in the paths' colour
    int polylines = 0;
    NodeList paths = doc.getElementsByTagName("path");
    for (int i = 0; i < paths.getLength(); i++) {
      Element p = (Element) paths.item(i);
      String d = p.getAttribute("d");
      if (style(p).contains("stroke:rgb(214,39,40)") && d.contains("L")) {
        assertEquals(5, d.chars().filter(c -> c == 'L').count(), d);
        polylines++;
      }
    }
    assertEquals(3, polylines);
  }

  @Test
  void interpolateWritesThePathAndBothEndsAsVectors() throws Exception {
    Path svg = dir.resolve("path.svg");
    Run r =
        run(
            "interpolate",
            "--model",
            gauss2d,
            "--a",
            "1,2",
            "--b",
            "3,2",
            "--frames",
            "6",
            "--out",
            svg.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("(the path of 6 frames, as vectors)"), r.out());
    Document doc = parse(svg);
    List<String> texts = texts(doc);
    assertTrue(texts.contains("a") && texts.contains("b"), texts.toString());
    assertTrue(texts.stream().anyMatch(t -> t.startsWith("slerp · 6 frames")), texts.toString());
    int polylines = 0;
    NodeList paths = doc.getElementsByTagName("path");
    for (int i = 0; i < paths.getLength(); i++) {
      Element p = (Element) paths.item(i);
      if (style(p).contains("stroke:rgb(31,119,180)") && p.getAttribute("d").contains("L")) {
        assertEquals(5, p.getAttribute("d").chars().filter(c -> c == 'L').count());
        polylines++;
      }
    }
    assertEquals(1, polylines, "the frames' path");
    // image models: the row of frames embedded as pixels
    Path strip = dir.resolve("strip.svg");
    Path ends = dir.resolve("ends.npy");
    float[] two = new float[2 * 64];
    for (int i = 0; i < two.length; i++) {
      two[i] = i < 64 ? -0.5f : 0.5f;
    }
    Npy.write(ends, new int[] {2, 1, 8, 8}, two);
    Run img =
        run(
            "interpolate",
            "--model",
            images,
            "--a",
            ends + ":0",
            "--b",
            ends + ":1",
            "--frames",
            "3",
            "--steps",
            "2",
            "--out",
            strip.toString());
    assertEquals(0, img.code(), img.err());
    assertTrue(img.out().contains("(a row of 3 frames, pixels embedded as PNG)"), img.out());
    Element frames = (Element) parse(strip).getElementsByTagName("image").item(0);
    assertEquals(3 * 57 + 1, decodeDataUri(frames.getAttribute("xlink:href")).getWidth());
  }

  @Test
  void otherExtensionsAreOneUsageLineAndWriteNothing() throws IOException {
    Path z = dir.resolve("z.npy");
    Npy.write(z, new int[] {1, 2}, new float[] {0, 0});
    String jpg = dir.resolve("s.jpg").toString();
    Run sample = run("sample", "--model", gauss2d, "--out", jpg);
    assertEquals(2, sample.code());
    assertEquals(
        "flowmatch sample: --out must name a .png or .svg file, got '"
            + jpg
            + "' (use --save-npy for NumPy output)\n",
        sample.err());
    String txt = dir.resolve("x.txt").toString();
    Run decode = run("decode", "--model", gauss2d, "--input", z.toString(), "--out", txt);
    assertEquals(2, decode.code());
    assertEquals(
        "flowmatch decode: --out must name a .npy, .png or .svg file, got '" + txt + "'\n",
        decode.err());
    String gif = dir.resolve("p.gif").toString();
    Run interpolate =
        run("interpolate", "--model", gauss2d, "--a", "0,0", "--b", "1,1", "--out", gif);
    assertEquals(2, interpolate.code());
    assertEquals(
        "flowmatch interpolate: --out must name a .png or .svg file, got '"
            + gif
            + "' (use --save-npy for NumPy output)\n",
        interpolate.err());
    try (var files = Files.list(dir)) {
      assertEquals(List.of(z), files.toList(), "nothing written");
    }
  }

  /** values[2i + axis] → pixel[i] is one affine map of slope sign {@code sign}, to half a pixel. */
  private static void assertAffine(float[] values, int axis, double[] pixel, int sign) {
    int lo = 0;
    int hi = 0;
    for (int i = 0; i < pixel.length; i++) {
      lo = values[2 * i + axis] < values[2 * lo + axis] ? i : lo;
      hi = values[2 * i + axis] > values[2 * hi + axis] ? i : hi;
    }
    double slope = (pixel[hi] - pixel[lo]) / (values[2 * hi + axis] - values[2 * lo + axis]);
    assertEquals(sign, (int) Math.signum(slope));
    for (int i = 0; i < pixel.length; i++) {
      double expected = pixel[lo] + slope * (values[2 * i + axis] - values[2 * lo + axis]);
      assertEquals(expected, pixel[i], 1.0, "sample " + i + " axis " + axis);
    }
  }

  static Document parse(Path svg) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    // well-formed XML is what is tested; nothing is fetched
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    return f.newDocumentBuilder().parse(svg.toFile());
  }

  /** The element's style, or its group's (JFreeSVG puts a stroke's style on a {@code <g>}). */
  private static String style(Element e) {
    return e.getAttribute("style") + ";" + ((Element) e.getParentNode()).getAttribute("style");
  }

  private static List<String> texts(Document doc) {
    List<String> out = new ArrayList<>();
    NodeList t = doc.getElementsByTagName("text");
    for (int i = 0; i < t.getLength(); i++) {
      out.add(t.item(i).getTextContent());
    }
    return out;
  }

  private static BufferedImage decodeDataUri(String href) throws IOException {
    String prefix = "data:image/png;base64,";
    assertTrue(href.startsWith(prefix), href.substring(0, Math.min(40, href.length())));
    byte[] bytes = Base64.getDecoder().decode(href.substring(prefix.length()));
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes));
    assertFalse(img == null, "a PNG");
    return img;
  }

  private static int[] pixels(BufferedImage img) {
    return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
  }
}
