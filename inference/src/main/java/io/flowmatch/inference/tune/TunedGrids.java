package io.flowmatch.inference.tune;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.io.AtomicFile;
import io.flowmatch.inference.solver.TimeGrid;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code grids.json} file of {@code flowmatch tune-grid}: one tuned grid per solver and NFE,
 * with how it was made and how well it did on calibration and held-out noise. {@code sample} and
 * {@code compare} read the {@code times} of the entry for their solver and step count.
 *
 * <pre>
 * {"format": "flowmatch.grids/1", "model": ..., "model_sha256": ..., "grids": [
 *   {"solver": "heun", "nfe": 8, "steps": 4, "times": [0, ..., 1], "holdout_rms": ..., ...}]}
 * </pre>
 */
public final class TunedGrids {
  /** The value of the {@code format} key. */
  public static final String FORMAT = "flowmatch.grids/1";

  /** One grid: a solver, its step count and NFE, and the unit times. */
  public record Entry(String solver, int nfe, int steps, double[] times) {}

  private final Path source;
  private final List<Entry> entries;

  private TunedGrids(Path source, List<Entry> entries) {
    this.source = source;
    this.entries = List.copyOf(entries);
  }

  public List<Entry> entries() {
    return entries;
  }

  /**
   * Reads a grids file.
   *
   * @param option how the file was given, for messages ({@code --grid})
   * @throws FlowmatchException BAD_INPUT for a file that is not a grids file, IO when unreadable
   */
  public static TunedGrids read(String option, Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw FlowmatchException.invalidArgument(option + " " + file + ": no such file");
    } catch (IOException e) {
      throw FlowmatchException.io("cannot read " + option + " " + file + ": " + e.getMessage(), e);
    }
    List<Entry> out = new ArrayList<>();
    try {
      JsonObject root = JsonParser.parseString(text).getAsJsonObject();
      if (!root.has("format") || !FORMAT.equals(root.get("format").getAsString())) {
        throw FlowmatchException.badInput(
            option
                + " "
                + file
                + ": not a grids file of flowmatch tune-grid (expected \"format\": \""
                + FORMAT
                + "\")");
      }
      for (JsonElement e : root.getAsJsonArray("grids")) {
        JsonObject g = e.getAsJsonObject();
        JsonArray t = g.getAsJsonArray("times");
        double[] times = new double[t.size()];
        for (int i = 0; i < times.length; i++) {
          times[i] = t.get(i).getAsDouble();
        }
        TimeGrid.parseTimes(option + " " + file, join(times));
        out.add(
            new Entry(
                g.get("solver").getAsString(),
                g.get("nfe").getAsInt(),
                g.get("steps").getAsInt(),
                times));
      }
    } catch (JsonParseException
        | IllegalStateException
        | NullPointerException
        | UnsupportedOperationException
        | ClassCastException
        | NumberFormatException e) {
      throw FlowmatchException.badInput(
          option
              + " "
              + file
              + ": malformed grids file ("
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage()
              + ")");
    }
    return new TunedGrids(file, out);
  }

  /**
   * The grid for a solver at a step count, as an explicit {@code tuned=...} grid.
   *
   * @throws FlowmatchException (INVALID_ARGUMENT) naming what the file holds when it has no such
   *     grid
   */
  public String grid(String solver, int steps) {
    List<String> have = new ArrayList<>();
    for (Entry e : entries) {
      if (e.solver().equals(solver) && e.steps() == steps) {
        return TimeGrid.explicitGrid(TimeGrid.TUNED, e.times());
      }
      have.add(e.solver() + " " + e.steps() + " steps (NFE " + e.nfe() + ")");
    }
    throw FlowmatchException.invalidArgument(
        "--grid "
            + source
            + " has no grid for "
            + solver
            + " with "
            + steps
            + " steps; it holds: "
            + (have.isEmpty() ? "nothing" : String.join(", ", have)));
  }

  /** Writes {@code root} (which must carry {@link #FORMAT}) atomically as pretty JSON. */
  public static void write(Path file, JsonObject root) throws IOException {
    Gson gson =
        new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();
    AtomicFile.write(file, (gson.toJson(root) + "\n").getBytes(StandardCharsets.UTF_8));
  }

  private static String join(double[] v) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < v.length; i++) {
      sb.append(i == 0 ? "" : ",").append(v[i]);
    }
    return sb.toString();
  }
}
