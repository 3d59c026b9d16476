package io.flowmatch.training.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.flowmatch.inference.io.AtomicFile;
import io.flowmatch.inference.plot.Chart;
import io.flowmatch.inference.plot.ImageGrid;
import io.flowmatch.inference.plot.ScatterPlot;
import io.flowmatch.inference.plot.ValueRange;
import io.flowmatch.training.data.StepRandom;
import io.flowmatch.training.model.FlowModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Samples a DJL velocity network with plain Euler steps from t = 0 to 1 (float32, no gradients) and
 * draws the result with the inference module's plots: a titled grid for images, a scatter plot with
 * axes for 2-D points. This is the trainer's own quick look; the solvers of the inference module
 * sample exported models.
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

  /**
   * Samples {@code n} previews and writes them as a PNG (atomically), with the step written on the
   * picture; a 2-D preview is a scatter plot with axes and is also written as SVG next to the PNG.
   *
   * @param png where the PNG goes; the SVG takes the same name ending in {@code .svg}
   * @param step the training step, written in the title
   */
  public static void write(
      Path png,
      NDManager manager,
      Block block,
      long seed,
      int[] sampleShape,
      double[] range,
      long step)
      throws IOException {
    boolean points = sampleShape.length == 1;
    int n = points ? POINT_COUNT : IMAGE_COUNT;
    int d = 1;
    for (int s : sampleShape) {
      d *= s;
    }
    int steps = points ? 100 : 50;
    float[] x = euler(manager, block, previewNoise(seed, n, d), n, sampleShape, steps);
    Chart chart = chart(x, n, sampleShape, range, step, steps);
    AtomicFile.write(png, chart.toPng());
    if (!chart.raster()) {
      String name = png.getFileName().toString().replaceFirst("\\.png$", "") + ".svg";
      AtomicFile.write(png.resolveSibling(name), chart.toSvg().getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * The preview picture, drawn by the inference module's plots: 2-D points as a scatter plot over
   * {@code range} on both axes, anything else as an image grid, each titled with the step.
   *
   * @param eulerSteps the Euler steps that sampled {@code x}, named in the title
   */
  public static Chart chart(
      float[] x, int n, int[] sampleShape, double[] range, long step, int eulerSteps) {
    ValueRange r = new ValueRange(range[0], range[1]);
    String title =
        String.format(Locale.ROOT, "step %d · %d samples, Euler %d", step, n, eulerSteps);
    if (sampleShape.length == 1 && sampleShape[0] == 2) {
      return ScatterPlot.of(x, n, ScatterPlot.square(r), title);
    }
    // 1-D samples of another size draw as one-row images
    int[] shape = sampleShape.length == 1 ? new int[] {1, sampleShape[0]} : sampleShape;
    int up = ImageGrid.defaultUpscale(shape[shape.length - 2]);
    return Chart.of(ImageGrid.render(x, n, shape, r, up), title);
  }
}
