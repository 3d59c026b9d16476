package io.flowmatch.training.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.flowmatch.training.data.StepRandom;
import io.flowmatch.training.model.FlowModels;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Samples a DJL velocity network with plain Euler steps from t = 0 to 1 (float32, no gradients) and
 * draws the result: a grid for images, a scatter plot for 2-D points. This is the trainer's own
 * quick look; the solvers of the inference module sample exported models.
 */
public final class SamplePreview {
  private SamplePreview() {}

  /** Images in a preview grid. */
  public static final int IMAGE_COUNT = 64;

  /** Points in a 2-D preview. */
  public static final int POINT_COUNT = 2000;

  /**
   * Integrates dx/dt = v(x, t) with Euler steps.
   *
   * @param block a float32 velocity network
   * @param x0 noise, {@code n × prod(sampleShape)} floats
   * @return the samples at t = 1, same layout
   */
  public static float[] euler(
      NDManager manager, Block block, float[] x0, int n, int[] sampleShape, int steps) {
    Shape shape = FlowModels.inputShapes(n, sampleShape)[0];
    try (NDManager sm = manager.newSubManager()) {
      ParameterStore store = new ParameterStore(sm, false);
      NDArray x = sm.create(x0, shape);
      float h = 1f / steps;
      for (int k = 0; k < steps; k++) {
        // one sub-manager per step, with x lent to it: PyTorch results join their first input's
        // manager, so without this every forward's temporaries lived until the preview ended
        // (a U-Net preview of 64 images reached gigabytes)
        try (NDManager step = sm.newSubManager()) {
          x.tempAttach(step);
          float[] tk = new float[n];
          java.util.Arrays.fill(tk, k * h);
          NDArray t = step.create(tk);
          NDArray v = block.forward(store, new NDList(x, t), false).singletonOrThrow();
          x.addi(v.muli(h));
        }
      }
      return x.toType(DataType.FLOAT32, false).toFloatArray();
    }
  }

  /** Noise of the previews: the same at every preview of a run, so the grids are comparable. */
  public static float[] previewNoise(long seed, int n, int sampleSize) {
    return StepRandom.gaussians(StepRandom.of(seed, StepRandom.PREVIEW, 0), n * sampleSize);
  }

  /** Samples {@code n} previews and writes them as a PNG (atomically). */
  public static void write(
      Path png, NDManager manager, Block block, long seed, int[] sampleShape, double[] range)
      throws IOException {
    boolean points = sampleShape.length == 1;
    int n = points ? POINT_COUNT : IMAGE_COUNT;
    int d = 1;
    for (int s : sampleShape) {
      d *= s;
    }
    float[] x = euler(manager, block, previewNoise(seed, n, d), n, sampleShape, points ? 100 : 50);
    BufferedImage img = points && d == 2 ? scatter(x, n, range) : grid(x, n, sampleShape, range);
    io.flowmatch.inference.io.AtomicFile.write(png, tmp -> ImageIO.write(img, "png", tmp.toFile()));
  }

  /** 2-D points as dots on a 512×512 canvas spanning {@code range} on both axes. */
  public static BufferedImage scatter(float[] xy, int n, double[] range) {
    int size = 512;
    BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, size, size);
    g.setColor(new Color(220, 220, 220));
    g.drawLine(size / 2, 0, size / 2, size);
    g.drawLine(0, size / 2, size, size / 2);
    g.setColor(new Color(20, 60, 160, 140));
    double lo = range[0];
    double span = range[1] - range[0];
    for (int i = 0; i < n; i++) {
      double px = (xy[2 * i] - lo) / span * size;
      double py = size - (xy[2 * i + 1] - lo) / span * size;
      g.fillOval((int) px - 2, (int) py - 2, 4, 4);
    }
    g.dispose();
    return img;
  }

  /** Single-channel images in a square grid, values mapped from {@code range} to grey levels. */
  public static BufferedImage grid(float[] x, int n, int[] sampleShape, double[] range) {
    int h = sampleShape.length >= 2 ? sampleShape[sampleShape.length - 2] : 1;
    int w = sampleShape[sampleShape.length - 1];
    int per = h * w;
    int channels = sampleShape.length == 3 ? sampleShape[0] : 1;
    int cols = (int) Math.ceil(Math.sqrt(n));
    int rows = (n + cols - 1) / cols;
    int pad = 2;
    BufferedImage img =
        new BufferedImage(
            cols * (w + pad) + pad, rows * (h + pad) + pad, BufferedImage.TYPE_INT_RGB);
    double lo = range[0];
    double span = range[1] - range[0];
    for (int i = 0; i < n; i++) {
      int ox = pad + (i % cols) * (w + pad);
      int oy = pad + (i / cols) * (h + pad);
      for (int y = 0; y < h; y++) {
        for (int xx = 0; xx < w; xx++) {
          int[] c = new int[3];
          for (int ch = 0; ch < 3; ch++) {
            int src = Math.min(ch, channels - 1);
            double v = (x[i * per * channels + src * per + y * w + xx] - lo) / span;
            c[ch] = (int) Math.round(255 * Math.max(0, Math.min(1, v)));
          }
          img.setRGB(ox + xx, oy + y, (c[0] << 16) | (c[1] << 8) | c[2]);
        }
      }
    }
    return img;
  }
}
