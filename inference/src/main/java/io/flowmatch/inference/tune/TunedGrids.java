package io.flowmatch.inference.tune;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.ModelProto;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.protobuf.InvalidProtocolBufferException;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.field.ModelMetadata;
import io.flowmatch.inference.io.AtomicFile;
import io.flowmatch.inference.solver.TimeGrid;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

  /** The model metadata key that holds tuned grids: the same JSON as a grids file, compact. */
  public static final String METADATA_KEY = ModelMetadata.PREFIX + "tuned_grids";

  private final String source;
  private final List<Entry> entries;

  private TunedGrids(String source, List<Entry> entries) {
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
    return parse(option + " " + file, "grids file", text);
  }

  /**
   * The grids stored in a model's metadata under {@link #METADATA_KEY} (by {@code tune-grid
   * --save-model} or {@code --in-place}).
   *
   * @param origin the model as messages name it, e.g. {@code --grid tuned: model m.onnx}
   * @throws FlowmatchException INVALID_ARGUMENT when the model holds none, BAD_INPUT when the
   *     stored value is malformed
   */
  public static TunedGrids fromMetadata(String origin, Map<String, String> metadata) {
    String text = metadata == null ? null : metadata.get(METADATA_KEY);
    if (text == null) {
      throw FlowmatchException.invalidArgument(
          origin
              + " holds no tuned grids (metadata key "
              + METADATA_KEY
              + "); store them with tune-grid --save-model FILE.onnx or --in-place, or give --grid"
              + " FILE.json");
    }
    return parse(origin, "grids value (metadata key " + METADATA_KEY + ")", text);
  }

  /** Parses grids JSON; {@code origin} names where it came from in messages. */
  private static TunedGrids parse(String origin, String what, String text) {
    List<Entry> out = new ArrayList<>();
    try {
      JsonObject root = JsonParser.parseString(text).getAsJsonObject();
      if (!root.has("format") || !FORMAT.equals(root.get("format").getAsString())) {
        throw FlowmatchException.badInput(
            origin
                + ": not a "
                + what
                + " of flowmatch tune-grid (expected \"format\": \""
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
        TimeGrid.parseTimes(origin, join(times));
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
          origin
              + ": malformed "
              + what
              + " ("
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage()
              + ")");
    }
    return new TunedGrids(origin, out);
  }

  /**
   * The step count of the only grid held for {@code solver}.
   *
   * @throws FlowmatchException (INVALID_ARGUMENT) when there is none or more than one
   */
  public int onlySteps(String solver) {
    List<Entry> mine = entries.stream().filter(e -> e.solver().equals(solver)).toList();
    if (mine.size() != 1) {
      throw FlowmatchException.invalidArgument(
          source
              + " holds "
              + mine.size()
              + " grids for "
              + solver
              + "; give --steps to choose one");
    }
    return mine.get(0).steps();
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
        source
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
        new GsonBuilder()
            .setPrettyPrinting()
            .disableHtmlEscaping()
            .serializeSpecialFloatingPointValues()
            .create();
    AtomicFile.write(file, (gson.toJson(root) + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Writes {@code model} with {@code root}'s grids stored under {@link #METADATA_KEY} to {@code
   * target} (the same path: in place), merged with the grids the model already holds: a new grid
   * replaces a stored one for the same solver and step count. The write is atomic: {@code target}
   * is either its old self or the whole new model.
   *
   * @return the number of grids the written model holds
   * @throws FlowmatchException BAD_INPUT for a file that is not an ONNX model or whose stored grids
   *     are malformed, INVALID_ARGUMENT for a model with external data copied to another folder
   */
  public static int storeInModel(Path model, Path target, JsonObject root) throws IOException {
    ModelProto proto;
    try {
      proto = ModelProto.parseFrom(Files.readAllBytes(model));
    } catch (InvalidProtocolBufferException e) {
      throw FlowmatchException.badInput(
          "model " + model + " is not an ONNX model: " + e.getMessage());
    }
    Path from = model.toAbsolutePath().getParent();
    Path to = target.toAbsolutePath().getParent();
    if (!from.equals(to) && hasExternalData(proto)) {
      // its external data files are found relative to the model: a copy elsewhere would lose them
      throw FlowmatchException.invalidArgument(
          "model "
              + model
              + " keeps weights in external files; write the model with grids into the same"
              + " folder or use --in-place, got "
              + target);
    }
    List<JsonObject> merged = new ArrayList<>();
    for (OnnxMl.StringStringEntryProto p : proto.getMetadataPropsList()) {
      if (p.getKey().equals(METADATA_KEY)) {
        parse("model " + model, "grids value (metadata key " + METADATA_KEY + ")", p.getValue());
        for (JsonElement e :
            JsonParser.parseString(p.getValue()).getAsJsonObject().getAsJsonArray("grids")) {
          merged.add(e.getAsJsonObject());
        }
      }
    }
    for (JsonElement e : root.getAsJsonArray("grids")) {
      JsonObject g = e.getAsJsonObject();
      merged.removeIf(
          old ->
              old.get("solver").getAsString().equals(g.get("solver").getAsString())
                  && old.get("steps").getAsInt() == g.get("steps").getAsInt());
      merged.add(g);
    }
    JsonObject stored = root.deepCopy();
    JsonArray grids = new JsonArray();
    merged.forEach(grids::add);
    stored.add("grids", grids);
    String value =
        new GsonBuilder()
            .disableHtmlEscaping()
            .serializeSpecialFloatingPointValues()
            .create()
            .toJson(stored);
    ModelProto.Builder b = proto.toBuilder().clearMetadataProps();
    for (OnnxMl.StringStringEntryProto p : proto.getMetadataPropsList()) {
      if (!p.getKey().equals(METADATA_KEY)) {
        b.addMetadataProps(p);
      }
    }
    b.addMetadataProps(
        OnnxMl.StringStringEntryProto.newBuilder().setKey(METADATA_KEY).setValue(value));
    AtomicFile.write(target, b.build().toByteArray());
    return merged.size();
  }

  private static boolean hasExternalData(ModelProto proto) {
    for (OnnxMl.TensorProto t : proto.getGraph().getInitializerList()) {
      if (t.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL) {
        return true;
      }
    }
    return false;
  }

  private static String join(double[] v) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < v.length; i++) {
      sb.append(i == 0 ? "" : ",").append(v[i]);
    }
    return sb.toString();
  }
}
