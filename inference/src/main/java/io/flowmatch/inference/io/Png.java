package io.flowmatch.inference.io;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

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
        if (!ImageIO.write(image, "png", out)) {
          throw new IOException("no PNG writer in this Java runtime");
        }
      }
      f.commit();
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
