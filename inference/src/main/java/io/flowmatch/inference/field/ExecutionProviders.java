package io.flowmatch.inference.field;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.onnx.ExternalData;
import io.flowmatch.inference.runtime.OrtSessions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Opens an ONNX Runtime session on the requested execution provider, falling back towards CPU
 * (tensorrt, then cuda, then cpu) with one warning line when a GPU provider cannot load, or failing
 * when the options are strict.
 *
 * <p>A GPU provider can fail in two places: when it is added to the session options (its library or
 * CUDA is missing; the CPU-only jar always fails here) and when the session is created (the GPU jar
 * may list CUDA as available where it cannot run). Both count as "not available". A session that
 * fails on the CPU provider means the file itself is bad.
 */
final class ExecutionProviders {
  private ExecutionProviders() {}

  /**
   * Said when a GPU provider falls back to the CPU on the default build, whose ONNX Runtime jar has
   * no GPU provider at all: how to get the one that has.
   */
  static final String GPU_BUILD_HINT =
      " (this build has the CPU-only ONNX Runtime: run FLOWMATCH_GPU=1 ./flowmatch ..., which"
          + " builds with -Pcuda and needs CUDA 12 and cuDNN 9)";

  /**
   * Why the GPU build's CUDA provider usually fails: ORT's own error says only "failed to load".
   */
  static final String GPU_LIBRARIES_HINT =
      " (the GPU build's CUDA provider loads CUDA 12 and cuDNN 9 from the library path:"
          + " libcudart.so.12, libcublasLt.so.12, libcudnn.so.9)";

  /** Whether the ONNX Runtime on the class path is the GPU jar (it carries the CUDA provider). */
  static boolean gpuRuntime() {
    return ExecutionProviders.class.getResource(
            "/ai/onnxruntime/native/linux-x64/libonnxruntime_providers_cuda.so")
        != null;
  }

  static OnnxVelocityField.Opened openSession(Path modelPath, FieldOptions options) {
    String model = modelPath.toString();
    String requested = options.provider();
    List<String> chain = fallbackChain(requested);
    String reason = null;
    for (String candidate : chain) {
      Path optimizedTmp = optimizedTemp(options.optimizedModelPath());
      SessionOptions so = null;
      try {
        so = OrtSessions.options(settings(options, optimizedTmp).provider(candidate));
      } catch (OrtException e) {
        deleteQuietly(optimizedTmp);
        if (candidate.equals("cpu")) {
          throw FlowmatchException.unsupported("cannot set up the cpu provider: " + firstLine(e));
        }
        reason = reason == null ? firstLine(e) : reason;
        if (options.strict()) {
          throw unavailable(requested, reason);
        }
        continue;
      }
      OrtSession session;
      try {
        session = OrtSessions.create(modelPath, so);
      } catch (OrtException e) {
        so.close();
        deleteQuietly(optimizedTmp);
        if (candidate.equals("cpu")) {
          String external = ExternalData.problem(modelPath);
          if (external != null) {
            throw FlowmatchException.badModel("model " + model + ": " + external);
          }
          throw FlowmatchException.unsupported(
              "model " + model + " is not a valid ONNX model: " + loadError(e, model));
        }
        // Could be the provider or the file: the next candidate (CPU at the end) tells which.
        reason = reason == null ? firstLine(e) : reason;
        continue;
      }
      if (!candidate.equals(requested)) {
        if (options.strict()) {
          new OnnxVelocityField.Opened(session, so, candidate).close();
          deleteQuietly(optimizedTmp);
          throw unavailable(requested, reason);
        }
        options
            .warnings()
            .accept(
                "provider "
                    + requested
                    + " is not available ("
                    + reason
                    + "); running on "
                    + candidate
                    + (candidate.equals("cpu")
                        ? (gpuRuntime() ? GPU_LIBRARIES_HINT : GPU_BUILD_HINT)
                        : ""));
      }
      if (optimizedTmp != null) {
        try {
          moveOptimizedModel(optimizedTmp, options.optimizedModelPath());
        } catch (RuntimeException e) {
          new OnnxVelocityField.Opened(session, so, candidate).close();
          deleteQuietly(optimizedTmp);
          throw e;
        }
      }
      return new OnnxVelocityField.Opened(session, so, candidate);
    }
    throw new IllegalStateException("the provider chain ends with cpu");
  }

  /** Saves ORT's optimised graph: written to a temporary file by the session, then moved. */
  private static void moveOptimizedModel(Path tmp, Path target) {
    try {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw FlowmatchException.io("cannot save the optimized model to " + target + ": " + e, e);
    }
  }

  private static List<String> fallbackChain(String requested) {
    switch (requested) {
      case "tensorrt":
        return List.of("tensorrt", "cuda", "cpu");
      case "cuda":
        return List.of("cuda", "cpu");
      default:
        return List.of("cpu");
    }
  }

  private static FlowmatchException unavailable(String provider, String reason) {
    return FlowmatchException.unsupported(
        "provider "
            + provider
            + " is not available: "
            + reason
            + " (without --strict it falls back to cpu)");
  }

  private static OrtSessions.Settings settings(FieldOptions options, Path optimizedTmp) {
    // The memory pattern plans one block per input shape and keeps it: the last, smaller batch of
    // a run (and every size the adaptive per-sample solver shrinks to) added a whole second block
    // of activations (+39 MiB on the shipped DiT for a tail of 232 after batches of 256). Without
    // it the arena reuses its chunks across shapes; model time measured the same (±1%).
    return OrtSessions.settings()
        .threads(options.threads())
        .optimization(options.optimization())
        .memoryPattern(false)
        .optimizedModelPath(optimizedTmp);
  }

  /** A fresh temporary file beside the requested optimised-model path, or null for none. */
  private static Path optimizedTemp(Path target) {
    if (target == null) {
      return null;
    }
    Path abs = target.toAbsolutePath();
    try {
      Files.createDirectories(abs.getParent());
      return Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
    } catch (IOException e) {
      throw FlowmatchException.io("cannot write the optimized model to " + target + ": " + e, e);
    }
  }

  private static void deleteQuietly(Path path) {
    if (path != null) {
      try {
        Files.deleteIfExists(path);
      } catch (IOException e) {
        // a stray temporary file is not worth failing for
      }
    }
  }

  /** ORT's reason for rejecting a model file, without the code and the repeated path. */
  static String loadError(OrtException e, String model) {
    String msg = firstLine(e).replaceFirst("^ORT_\\w+: ", "");
    String prefix = "Load model from " + model + " failed:";
    if (msg.startsWith(prefix)) {
      msg = msg.substring(prefix.length()).trim();
    }
    msg = withoutSourceLocation(msg);
    if (msg.endsWith(".")) {
      msg = msg.substring(0, msg.length() - 1);
    }
    return msg.isEmpty() ? msg : Character.toLowerCase(msg.charAt(0)) + msg.substring(1);
  }

  /**
   * ORT's message without the C++ source location and function signature it starts with ({@code
   * /onnxruntime_src/…/model.cc:177 onnxruntime::Model::Model(…) ModelProto does not have a graph}
   * becomes {@code ModelProto does not have a graph}); unchanged when it has none.
   */
  static String withoutSourceLocation(String msg) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("^((?:[\\w ]*: )?)\\S+\\.(?:cc|cpp|h):\\d+ ").matcher(msg);
    if (!m.find()) {
      return msg;
    }
    String prefix = m.group(1);
    String rest = msg.substring(m.end());
    int open = rest.indexOf('(');
    if (open > 0
        && rest.substring(0, open).contains("::")
        && !rest.substring(0, open).contains(" ")) {
      int depth = 0;
      for (int i = open; i < rest.length(); i++) {
        char c = rest.charAt(i);
        depth += c == '(' ? 1 : c == ')' ? -1 : 0;
        if (depth == 0) {
          rest = rest.substring(i + 1).trim();
          break;
        }
      }
    }
    return prefix + rest;
  }

  /** The first line of an ORT error, without its error-code prefix. */
  static String firstLine(OrtException e) {
    String msg = e.getMessage() == null ? e.getCode().toString() : e.getMessage();
    int nl = msg.indexOf('\n');
    if (nl >= 0) {
      msg = msg.substring(0, nl);
    }
    return msg.replaceFirst("^Error code - (ORT_\\w+) - message: ", "$1: ").trim();
  }
}
