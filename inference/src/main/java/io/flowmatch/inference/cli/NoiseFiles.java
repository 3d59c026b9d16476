package io.flowmatch.inference.cli;

import io.flowmatch.inference.io.NpyFile;
import io.flowmatch.inference.io.NpyFormatException;
import io.flowmatch.inference.io.NpyHeader;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/** Opening and checking the .npy files given as initial states (--noise, --input). */
final class NoiseFiles {
  private NoiseFiles() {}

  /** Opens and checks the header of {@code path}, or returns null when it is null. */
  static NpyFile open(String option, Path path) {
    if (path == null) {
      return null;
    }
    try {
      return NpyFile.open(path);
    } catch (NoSuchFileException e) {
      throw new UsageException(option + " " + path + ": no such file");
    } catch (NpyFormatException e) {
      throw new UsageException(option + " " + e.getMessage());
    } catch (IOException e) {
      throw new FailureException(option + " " + path + ": " + IoMessages.of(e), e);
    }
  }

  /**
   * Checks that the file holds [N, ...sample shape] and returns how many samples to take: {@code n}
   * (at most N) or N.
   */
  static int count(String option, Path path, NpyFile file, int[] sampleShape, Integer n) {
    long[] s = file.shape();
    boolean fits = s.length == sampleShape.length + 1;
    for (int i = 0; fits && i < sampleShape.length; i++) {
      fits = s[i + 1] == sampleShape[i];
    }
    if (!fits) {
      String expected =
          NpyHeader.shapeString(SampleCommand.withBatch(0, sampleShape))
              .replaceFirst("^\\(0", "(N");
      throw new UsageException(
          option
              + " "
              + path
              + " has shape "
              + NpyHeader.shapeString(s)
              + ", expected "
              + expected
              + " for this model's samples of shape "
              + Arrays.toString(sampleShape));
    }
    long rows = file.rows();
    if (rows == 0) {
      throw new UsageException(
          option + " " + path + " holds no samples (shape " + NpyHeader.shapeString(s) + ")");
    }
    if (n != null && n > rows) {
      throw new UsageException(
          "--n " + n + " is more than the " + rows + " samples in " + option + " " + path);
    }
    if (n == null && rows > Integer.MAX_VALUE) {
      throw new UsageException(option + " " + path + " holds " + rows + " samples; give --n");
    }
    return n != null ? n : (int) rows;
  }
}
