package io.flowmatch.inference.cli;

import static io.flowmatch.inference.cli.SampleCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.cli.SampleCommandTest.Run;
import io.flowmatch.inference.io.Npy;
import io.flowmatch.inference.io.NpyArray;
import io.flowmatch.inference.io.Png;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * encode and decode on a field with an exact flow: towards N(μ, σ²) the flow from noise z is x = μ
 * + σ·z, so encoding x must give (x − μ)/σ and decoding must give x back.
 */
class EncodeDecodeTest {
  static final float MU = 1.5f;
  static final float SIGMA = 0.5f;

  @TempDir static Path models;
  static String gauss;
  static String images;

  @TempDir Path dir;

  @BeforeAll
  static void buildModels() throws IOException {
    gauss =
        TestModels.gaussian(models.resolve("g.onnx"), new int[] {2}, MU, SIGMA, true).toString();
    images =
        TestModels.gaussian(models.resolve("img.onnx"), new int[] {1, 4, 3}, 0.25f, SIGMA, true)
            .toString();
  }

  @Test
  void encodeGivesTheExactCodesAndDecodeInvertsIt() throws IOException {
    float[] x = {1.5f, 1.5f, 2f, 1f, 0f, 3f, 2.7f, -0.4f, 1.1f, 1.9f};
    Path in = dir.resolve("x.npy");
    Npy.write(in, new int[] {5, 2}, x);
    Path z = dir.resolve("z.npy");
    Run enc =
        run(
            "encode",
            "--model",
            gauss,
            "--input",
            in.toString(),
            "--out",
            z.toString(),
            "--solver",
            "rk4",
            "--steps",
            "10",
            "--roundtrip");
    assertEquals(0, enc.code(), enc.err());
    NpyArray codes = Npy.read(z);
    assertArrayEquals(new int[] {5, 2}, codes.shape());
    double mean = 0;
    for (int i = 0; i < x.length; i++) {
      float exact = (x[i] - MU) / SIGMA;
      assertEquals(exact, codes.data()[i], 2e-5, "code " + i);
      mean += exact;
    }
    mean /= x.length;
    String[] lines = enc.out().split("\n");
    assertTrue(
        lines[0].startsWith("encoded 5 × [2] with rk4 (10 steps) on cpu: NFE/sample 40, "),
        lines[0]);
    assertTrue(
        lines[1].startsWith(
            String.format(java.util.Locale.ROOT, "codes: mean %.3g, variance ", mean)),
        lines[1]);
    assertTrue(lines[1].contains("Kolmogorov-Smirnov against N(0,1) on 10 values: D = "), lines[1]);
    Matcher m =
        Pattern.compile(
                "round trip decode\\(encode\\(x\\)\\) with rk4 \\(10 steps\\): max \\|error\\| (\\S+), rms (\\S+), "
                    + "decode NFE/sample 40")
            .matcher(lines[2]);
    assertTrue(m.matches(), lines[2]);
    assertTrue(Double.parseDouble(m.group(1)) < 1e-4, lines[2]);
    assertEquals("wrote " + z + " (5 codes, shape (5, 2), float32)", lines[3]);

    Path back = dir.resolve("back.npy");
    Run dec =
        run(
            "decode",
            "--model",
            gauss,
            "--input",
            z.toString(),
            "--out",
            back.toString(),
            "--solver",
            "dopri5",
            "--rtol",
            "1e-7",
            "--atol",
            "1e-7");
    assertEquals(0, dec.code(), dec.err());
    assertTrue(
        dec.out().startsWith("decoded 5 × [2] with dopri5 (rtol 1e-07, atol 1e-07) on cpu: "),
        dec.out());
    assertArrayEquals(x, Npy.read(back).data(), 1e-4f);
  }

  @Test
  void encodeReadsItemsGivenAsNumbersRowsAndImages() throws IOException {
    Path z = dir.resolve("z.npy");
    Path rows = dir.resolve("rows.npy");
    Npy.write(rows, new int[] {3, 2}, new float[] {0, 0, 2.5f, 0.5f, 9, 9});
    Run r =
        run(
            "encode",
            "--model",
            gauss,
            "--input",
            "1.5,2",
            rows + ":1",
            "--out",
            z.toString(),
            "--solver",
            "rk4",
            "--quiet");
    assertEquals(0, r.code(), r.err());
    assertEquals("", r.out());
    assertArrayEquals(new float[] {0, 1, 2, -2}, Npy.read(z).data(), 2e-5f);

    // a 3×4 grayscale PNG: pixel p maps to -1 + 2p/255 (the default range), then z = (x - μ)/σ
    BufferedImage img = new BufferedImage(3, 4, BufferedImage.TYPE_BYTE_GRAY);
    int[] pixels = {0, 255, 51, 102, 153, 204, 0, 0, 255, 255, 10, 20};
    img.getRaster().setPixels(0, 0, 3, 4, pixels);
    Path png = dir.resolve("item.png");
    Png.write(img, png);
    Run ri =
        run(
            "encode",
            "--model",
            images,
            "--input",
            png.toString(),
            png.toString(),
            "--out",
            z.toString(),
            "--solver",
            "rk4",
            "--quiet");
    assertEquals(0, ri.code(), ri.err());
    NpyArray codes = Npy.read(z);
    assertArrayEquals(new int[] {2, 1, 4, 3}, codes.shape());
    for (int i = 0; i < 24; i++) {
      float x = -1 + 2 * pixels[i % 12] / 255f;
      assertEquals((x - 0.25f) / SIGMA, codes.data()[i], 2e-5, "value " + i);
    }
  }

  @Test
  void decodeWritesAPictureOfImageModels() throws IOException {
    Path z = dir.resolve("z.npy");
    Npy.write(z, new int[] {3, 1, 4, 3}, new float[36]);
    Path png = dir.resolve("dec.png");
    Run r =
        run(
            "decode",
            "--model",
            images,
            "--input",
            z.toString(),
            "--out",
            png.toString(),
            "--upscale",
            "1");
    assertEquals(0, r.code(), r.err());
    // zero codes decode to μ = 0.25 everywhere: gray level (0.25 + 1)/2·255 = 159.4 → 159
    BufferedImage img = Png.read(png);
    assertEquals(2 * 4 + 1, img.getWidth());
    assertEquals(0x9f9f9f, img.getRGB(1, 1) & 0xffffff);
  }

  @Test
  void badInputsOfEncodeAndDecode() throws IOException {
    // codes of the wrong shape
    Path z3 = dir.resolve("z3.npy");
    Npy.write(z3, new int[] {4, 3}, new float[12]);
    Path out = dir.resolve("x.npy");
    Run r = run("decode", "--model", gauss, "--input", z3.toString(), "--out", out.toString());
    assertEquals(2, r.code());
    assertEquals(
        "flowmatch decode: --input "
            + z3
            + " has shape (4, 3), expected (N, 2) for this model's samples of shape [2]\n",
        r.err());
    assertFalse(Files.exists(out));

    Run none = run("decode", "--model", gauss, "--input", z3.toString());
    assertEquals(2, none.code());
    assertEquals(
        "flowmatch decode: nothing to write: give --out FILE.npy, FILE.png or FILE.svg (or --save-npy)\n",
        none.err());

    // images of the wrong size or channels: say what the model expects
    BufferedImage wide = new BufferedImage(5, 4, BufferedImage.TYPE_BYTE_GRAY);
    Path widePng = dir.resolve("wide.png");
    Png.write(wide, widePng);
    Run size =
        run(
            "encode",
            "--model",
            images,
            "--input",
            widePng.toString(),
            "--out",
            dir.resolve("z.npy").toString());
    assertEquals(2, size.code());
    assertEquals(
        "flowmatch encode: --input "
            + widePng
            + " is 5×4 pixels; the model expects grayscale images of 3×4 pixels"
            + " (sample shape [1, 4, 3])\n",
        size.err());
    BufferedImage colour = new BufferedImage(3, 4, BufferedImage.TYPE_INT_RGB);
    colour.setRGB(1, 1, 0xff0000);
    Path colourPng = dir.resolve("colour.png");
    Png.write(colour, colourPng);
    Run channels =
        run(
            "encode",
            "--model",
            images,
            "--input",
            colourPng.toString(),
            "--out",
            dir.resolve("z.npy").toString());
    assertEquals(2, channels.code());
    assertEquals(
        "flowmatch encode: --input "
            + colourPng
            + " is an RGB image; the model expects grayscale images of 3×4"
            + " pixels (sample shape [1, 4, 3])\n",
        channels.err());
    // an image for a 2-D model, and numbers of the wrong count
    Run notImage =
        run(
            "encode",
            "--model",
            gauss,
            "--input",
            colourPng.toString(),
            "--out",
            dir.resolve("z.npy").toString());
    assertEquals(2, notImage.code());
    assertEquals(
        "flowmatch encode: --input "
            + colourPng
            + ": an image file needs an image model, this one's samples have"
            + " shape [2]\n",
        notImage.err());
    Run count =
        run(
            "encode",
            "--model",
            gauss,
            "--input",
            "1,2,3",
            "--out",
            dir.resolve("z.npy").toString());
    assertEquals(2, count.code());
    assertEquals(
        "flowmatch encode: --input 1,2,3: 3 numbers, expected 2 for samples of shape [2]\n",
        count.err());
    Run row =
        run(
            "encode",
            "--model",
            gauss,
            "--input",
            z3 + ":0",
            "--out",
            dir.resolve("z.npy").toString());
    assertEquals(2, row.code());
    assertEquals(
        "flowmatch encode: --input "
            + z3
            + " has shape (4, 3), expected (N, 2) for this model's samples of shape [2]\n",
        row.err());
  }
}
