package io.flowmatch.inference.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class ImageGridTest {

  @Test
  void gridIsNearSquare() {
    int[][] cases = {
      {1, 1}, {2, 2}, {3, 2}, {4, 2}, {5, 3}, {9, 3}, {10, 4}, {16, 4}, {17, 5}, {64, 8}, {65, 9}
    };
    for (int[] c : cases) {
      assertEquals(c[1], ImageGrid.columns(c[0]), "columns for " + c[0]);
    }
    assertEquals(2, ImageGrid.defaultUpscale(28));
    assertEquals(1, ImageGrid.defaultUpscale(64));
  }

  @Test
  void grayscaleTilesMapTheDataRangeAndClip() {
    // three 2×2 images: values -1 → black, 1 → white, 0 → mid, beyond the range clipped
    float[] data = {
      -1, 1, 0, 5, //
      -3, 0.5f, -0.5f, 1, //
      1, 1, 1, 1
    };
    BufferedImage img = ImageGrid.render(data, 3, new int[] {1, 2, 2}, ValueRange.DEFAULT_IMAGE, 2);
    // 2 columns × 2 rows of 4×4-pixel tiles with 1-pixel borders
    assertEquals(2 * 5 + 1, img.getWidth());
    assertEquals(2 * 5 + 1, img.getHeight());
    assertEquals(ImageGrid.BORDER_RGB, rgb(img, 0, 0));
    assertEquals(ImageGrid.BORDER_RGB, rgb(img, 5, 3));
    // tile 0 at (1,1): pixel (0,0) upscaled to 2×2
    assertEquals(gray(0), rgb(img, 1, 1));
    assertEquals(gray(0), rgb(img, 2, 2));
    assertEquals(gray(255), rgb(img, 3, 1));
    assertEquals(gray(128), rgb(img, 1, 3)); // 0 → 127.5 → 128
    assertEquals(gray(255), rgb(img, 4, 4)); // 5 clipped
    // tile 1 at (6,1)
    assertEquals(gray(0), rgb(img, 6, 1)); // -3 clipped
    assertEquals(gray(191), rgb(img, 8, 1)); // 0.5 → 191.25
    assertEquals(gray(64), rgb(img, 6, 3)); // -0.5 → 63.75
    // tile 2 at (1,6); the fourth cell is empty
    assertEquals(gray(255), rgb(img, 1, 6));
    assertEquals(ImageGrid.BORDER_RGB, rgb(img, 7, 7));
  }

  @Test
  void rgbChannelsAndCustomRange() {
    // one 1×1 RGB image in range [0, 255]
    float[] data = {255, 0, 51};
    BufferedImage img = ImageGrid.render(data, 1, new int[] {3, 1, 1}, new ValueRange(0, 255), 3);
    assertEquals(5, img.getWidth());
    assertEquals(0xff0033, rgb(img, 1, 1));
    assertEquals(0xff0033, rgb(img, 3, 3));
    assertEquals(ImageGrid.BORDER_RGB, rgb(img, 4, 4));
  }

  @Test
  void rejectsShapesThatAreNotImages() {
    assertFalse(ImageGrid.isImageShape(new int[] {2}));
    assertFalse(ImageGrid.isImageShape(new int[] {4, 8, 8}));
    assertTrue(ImageGrid.isImageShape(new int[] {28, 28}));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ImageGrid.render(new float[2], 1, new int[] {2}, ValueRange.DEFAULT_IMAGE, 1));
    assertEquals(
        "image grids need samples of shape [C,H,W] with C = 1 or 3, or [H,W], got [2]",
        e.getMessage());
  }

  @Test
  void parsesRanges() {
    assertEquals(new ValueRange(-1, 1), ValueRange.parse("-1,1"));
    assertEquals(new ValueRange(0, 255), ValueRange.parse(" 0 , 255 "));
    assertEquals(
        "expected a range 'lo,hi' such as -1,1, got '1'",
        assertThrows(IllegalArgumentException.class, () -> ValueRange.parse("1")).getMessage());
    assertEquals(
        "expected a range 'lo,hi' with finite lo < hi, got '1,1'",
        assertThrows(IllegalArgumentException.class, () -> ValueRange.parse("1,1")).getMessage());
  }

  static int rgb(BufferedImage img, int x, int y) {
    return img.getRGB(x, y) & 0xffffff;
  }

  static int gray(int g) {
    return g << 16 | g << 8 | g;
  }
}
