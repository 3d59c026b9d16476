package io.flowmatch.inference.io;

import io.flowmatch.inference.error.ErrorKind;
import io.flowmatch.inference.error.FlowmatchException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/** Writes PNG files atomically with javax.imageio, headless. */
public final class Png {
  private Png() {}

  static {
    // no display is needed or wanted: servers and CI have none
    System.setProperty("java.awt.headless", "true");
  }

  /** Writes {@code image} to {@code path} (temporary file, then a move). */
  public static void write(BufferedImage image, Path path) throws IOException {
    try (AtomicFile f = AtomicFile.create(path)) {
      try (OutputStream out = Files.newOutputStream(f.temp())) {
        encode(image, out);
      }
      f.commit();
    }
  }

  /** {@code image} as the bytes of a PNG file (to embed in a report). */
  public static byte[] bytes(BufferedImage image) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    encode(image, out);
    return out.toByteArray();
  }

  private static void encode(BufferedImage image, OutputStream out) throws IOException {
    if (!ImageIO.write(image, "png", out)) {
      throw new IOException("no PNG writer in this Java runtime");
    }
  }

  /**
   * Reads an image whose size is first checked from its header, before any pixel is decoded (a
   * small file can announce 40000×40000 pixels).
   *
   * @throws FlowmatchException (BAD_INPUT) the file is not an image, is corrupt, or is larger than
   *     {@code maxWidth}×{@code maxHeight}; the message names the file
   */
  public static BufferedImage read(Path path, int maxWidth, int maxHeight) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(path.toFile())) {
      if (in == null) {
        throw FlowmatchException.badInput(path + ": cannot open the file as an image");
      }
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw FlowmatchException.badInput(
            path + ": not an image file (expected PNG, JPEG, BMP or GIF)");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        int w = reader.getWidth(0);
        int h = reader.getHeight(0);
        if (w > maxWidth || h > maxHeight) {
          throw FlowmatchException.badInput(
              path
                  + " is "
                  + w
                  + "×"
                  + h
                  + " pixels, expected at most "
                  + maxWidth
                  + "×"
                  + maxHeight);
        }
        return reader.read(0);
      } catch (IOException | RuntimeException e) {
        if (e instanceof FlowmatchException) {
          throw e;
        }
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        throw new FlowmatchException(
            ErrorKind.BAD_INPUT, path + ": corrupt or truncated image (" + m + ")", e);
      } finally {
        reader.dispose();
      }
    }
  }

  /** Reads a PNG (or any format javax.imageio knows); null-safe error when it is not an image. */
  public static BufferedImage read(Path path) throws IOException {
    BufferedImage img = ImageIO.read(path.toFile());
    if (img == null) {
      throw new IOException(path + ": not an image file javax.imageio can read");
    }
    return img;
  }
}
