package io.flowmatch.spark;

import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.io.NpyFile;
import io.flowmatch.inference.io.NpyStreamWriter;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The files of a sampling output folder: checking, merging, and removing leftovers. */
public final class ShardFiles {
  /** Rows copied per read while merging: memory stays at one block whatever n. */
  private static final int MERGE_ROWS = 256;

  private ShardFiles() {}

  /**
   * Writes the samples of a complete output folder, in sample order, as one float32 {@code .npy} at
   * {@code target} (atomically): the same bytes {@code flowmatch sample --save-npy} writes for the
   * same request.
   */
  public static void merge(Path dir, Path target) throws IOException {
    Manifest m = Manifest.read(dir);
    int size = m.sampleSize();
    float[] rows = new float[Math.multiplyExact(MERGE_ROWS, size)];
    try (NpyStreamWriter out = NpyStreamWriter.open(target, m.shape())) {
      for (Manifest.Entry e : m.shards()) {
        try (NpyFile in = NpyFile.open(dir.resolve(e.file()))) {
          long[] expected = new long[m.shape().length + 1];
          expected[0] = e.count();
          for (int k = 0; k < m.shape().length; k++) {
            expected[k + 1] = m.shape()[k];
          }
          if (!Arrays.equals(in.shape(), expected)) {
            throw FlowmatchException.badInput(
                dir.resolve(e.file())
                    + " has shape "
                    + Arrays.toString(in.shape())
                    + ", the manifest says "
                    + Arrays.toString(expected));
          }
          for (int r = 0; r < e.count(); r += MERGE_ROWS) {
            int count = Math.min(MERGE_ROWS, e.count() - r);
            in.readRows(r, count, rows, 0);
            out.append(rows, count);
          }
        }
      }
      out.commit();
    }
  }

  /** Hidden temporary files that attempts killed before their commit left behind. */
  static List<Path> leftovers(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, ".part-*.tmp")) {
      files.forEach(out::add);
    }
    return out;
  }

  /** Deletes what a sampling run wrote into {@code dir}: shards, temporaries and the manifest. */
  static void deleteOutputs(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path p : files) {
        String name = p.getFileName().toString();
        if (name.matches("\\.?part-\\d{5}\\.npy(\\..*\\.tmp)?")
            || name.equals(Manifest.FILE_NAME)) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
