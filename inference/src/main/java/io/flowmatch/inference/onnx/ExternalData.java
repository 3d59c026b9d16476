package io.flowmatch.inference.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Checks a model's initializers stored as external data against the files that hold them, in words:
 * ONNX Runtime reports a file too short for what an initializer declares in several lines of its
 * own log. Only files inside the model's folder count (ONNX external data must not reach outside
 * it).
 */
public final class ExternalData {
  private ExternalData() {}

  /**
   * The first problem with the model's external data as one phrase (what is declared, what the file
   * holds), or null when every external initializer fits its file, the model has none, or the file
   * is not a model this check can read (ONNX Runtime then says why).
   */
  public static String problem(Path model) {
    ModelProto m;
    try {
      m = ModelProto.parseFrom(Files.readAllBytes(model));
    } catch (IOException | RuntimeException e) {
      return null;
    }
    Path dir = model.toAbsolutePath().normalize().getParent();
    for (TensorProto t : m.getGraph().getInitializerList()) {
      if (t.getDataLocation() != TensorProto.DataLocation.EXTERNAL) {
        continue;
      }
      String p = problem(t, dir);
      if (p != null) {
        return "initializer " + t.getName() + " " + p;
      }
    }
    return null;
  }

  private static String problem(TensorProto t, Path dir) {
    String location = null;
    long offset = 0;
    long length = -1;
    try {
      for (var e : t.getExternalDataList()) {
        switch (e.getKey()) {
          case "location" -> location = e.getValue();
          case "offset" -> offset = Long.parseLong(e.getValue());
          case "length" -> length = Long.parseLong(e.getValue());
          default -> {}
        }
      }
    } catch (NumberFormatException e) {
      return "has an external-data offset or length that is not a number";
    }
    if (location == null) {
      return "is stored as external data but names no file (expected a 'location')";
    }
    Path file = dir.resolve(location).normalize();
    if (!file.startsWith(dir)) {
      return "names external data file "
          + location
          + " outside the model's folder; expected a file beside the model";
    }
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return "names external data file " + location + ", which does not exist beside the model";
    }
    long count = 1;
    for (long d : t.getDimsList()) {
      count = d < 0 || (d > 0 && count > Long.MAX_VALUE / d) ? -1 : count * d;
      if (count < 0) {
        return "declares the shape " + t.getDimsList() + ", which no file can hold";
      }
    }
    int width = elementBytes(t.getDataType());
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      return null;
    }
    if (width > 0 && count <= Long.MAX_VALUE / width) {
      long need = count * width;
      if (offset < 0 || offset > size || need > size - offset) {
        return String.format(
            Locale.ROOT,
            "declares %d %s values (%d bytes) in external data file %s, which holds %d bytes%s;"
                + " expected the file to hold them",
            count,
            typeName(t.getDataType()),
            need,
            location,
            size,
            offset > 0 ? " (from offset " + offset + ")" : "");
      }
    }
    if (length >= 0 && (offset > size || length > size - offset)) {
      return String.format(
          Locale.ROOT,
          "declares %d bytes at offset %d of external data file %s, which holds %d bytes;"
              + " expected the file to hold them",
          length,
          offset,
          location,
          size);
    }
    return null;
  }

  /** Bytes per element of the fixed-width ONNX types, or 0 (strings). */
  private static int elementBytes(int type) {
    return switch (type) {
      case TensorProto.DataType.FLOAT_VALUE,
          TensorProto.DataType.INT32_VALUE,
          TensorProto.DataType.UINT32_VALUE ->
          4;
      case TensorProto.DataType.DOUBLE_VALUE,
          TensorProto.DataType.INT64_VALUE,
          TensorProto.DataType.UINT64_VALUE ->
          8;
      case TensorProto.DataType.FLOAT16_VALUE,
          TensorProto.DataType.BFLOAT16_VALUE,
          TensorProto.DataType.INT16_VALUE,
          TensorProto.DataType.UINT16_VALUE ->
          2;
      case TensorProto.DataType.INT8_VALUE,
          TensorProto.DataType.UINT8_VALUE,
          TensorProto.DataType.BOOL_VALUE ->
          1;
      default -> 0;
    };
  }

  private static String typeName(int type) {
    return type == TensorProto.DataType.FLOAT_VALUE
        ? "float32"
        : TensorProto.DataType.forNumber(type) == null
            ? "type-" + type
            : TensorProto.DataType.forNumber(type).name().toLowerCase(Locale.ROOT);
  }
}
