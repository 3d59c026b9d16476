package io.flowmatch.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.io.AtomicFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code manifest.json} of a sampling output folder, written by the driver after every shard has
 * committed, and last: a folder with a manifest is complete. It lists the shards in sample order
 * with their sizes and SHA-256 checksums, and the request that produced them.
 *
 * <p>Readers: numpy ({@code np.concatenate([np.load(d + "/" + s["file"]) for s in json.load(open(d
 * + "/manifest.json"))["shards"]])}), Spark ({@code binaryFiles}), or {@link ShardFiles#merge} for
 * one {@code .npy} equal byte for byte to {@code flowmatch sample --save-npy}.
 *
 * @param format {@value #FORMAT}
 * @param model the model path as given
 * @param solver the solver as {@code sample} describes it
 * @param n samples
 * @param seed seed of the noise
 * @param batch samples per solve
 * @param shape shape of one sample
 * @param dtype {@code float32}
 * @param shards the shards in sample order
 */
public record Manifest(
    String format,
    String model,
    String solver,
    long n,
    long seed,
    int batch,
    int[] shape,
    String dtype,
    List<Entry> shards) {
  public static final String FORMAT = "flowmatch-spark-samples/1";
  public static final String FILE_NAME = "manifest.json";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** One shard: samples {@code first … first + count − 1} in {@code file}. */
  public record Entry(int index, long first, int count, String file, long bytes, String sha256) {}

  /** Writes the manifest into {@code dir} atomically. */
  public void write(Path dir) throws IOException {
    // the manifest commits the job's shards, so it is written now: 'spark sample' does not declare
    // its --out folder as an output (see SparkSampleCommand.declareOutputs), and --merge reads it
    AtomicFile.write(dir.resolve(FILE_NAME), JSON.writeValueAsBytes(this));
  }

  /** Reads the manifest of {@code dir} and checks that its shards cover 0 … n−1 in order. */
  public static Manifest read(Path dir) {
    Path file = dir.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      throw FlowmatchException.badInput(
          dir + " has no " + FILE_NAME + ": not a complete 'flowmatch spark sample' output");
    }
    Manifest m;
    try {
      m = JSON.readValue(file.toFile(), Manifest.class);
    } catch (IOException e) {
      throw FlowmatchException.badInput(file + " is not a flowmatch manifest: " + e.getMessage());
    }
    if (!FORMAT.equals(m.format())) {
      throw FlowmatchException.badInput(
          file + " has format " + m.format() + ", expected " + FORMAT);
    }
    long next = 0;
    for (Entry e : m.shards()) {
      if (e.first() != next) {
        throw FlowmatchException.badInput(
            file
                + ": shard "
                + e.index()
                + " starts at sample "
                + e.first()
                + ", expected "
                + next);
      }
      next += e.count();
    }
    if (next != m.n()) {
      throw FlowmatchException.badInput(
          file + ": the shards hold " + next + " samples, the manifest says " + m.n());
    }
    return m;
  }

  /** Floats per sample. */
  public int sampleSize() {
    int size = 1;
    for (int d : shape) {
      size = Math.multiplyExact(size, d);
    }
    return size;
  }
}
