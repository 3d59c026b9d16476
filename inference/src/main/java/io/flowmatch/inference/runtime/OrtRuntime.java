package io.flowmatch.inference.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtProvider;
import io.flowmatch.inference.error.ErrorKind;
import io.flowmatch.inference.error.FlowmatchException;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The one process-wide ONNX Runtime environment, with its side effects removed: telemetry off (ORT
 * Java otherwise records model file names, metadata and a device id under {@code
 * ~/.cache/Microsoft/DeveloperTools/.onnxruntime}; the store itself, a device id and {@code
 * /tmp/mat-debug-PID.log} are created at start-up unless the environment variable {@code
 * ORT_DISABLE_TELEMETRY=1} is set, which the {@code flowmatch} launcher does), and the per-process
 * folder ORT extracts its native libraries to ({@code /tmp/onnxruntime-java*}) deleted as soon as
 * they are loaded (ORT only asks for deletion at JVM exit, which leaves the folder behind, and all
 * of it after a {@code kill -9}; what a process killed during the extraction left is removed by the
 * next one, {@link ExtractionOrphans}). Every flowmatch class that talks to ORT gets its
 * environment here.
 */
public final class OrtRuntime {
  private static OrtEnvironment environment;

  /** ORT's extraction folders: {@code Files.createTempDirectory("onnxruntime-java")}. */
  private static final Pattern ORT_FOLDER = Pattern.compile("onnxruntime-java\\d+");

  private OrtRuntime() {}

  /** The environment (logging errors only), created once, with telemetry off. */
  public static synchronized OrtEnvironment environment() {
    if (environment == null) {
      removeOrphans();
      // FATAL: every ORT error also comes back as an OrtException that flowmatch reports in one
      // line; at ERROR, ORT would print its own coloured copy (a CUDA library that cannot load,
      // say)
      OrtEnvironment env =
          OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL, "flowmatch");
      try {
        env.setTelemetry(false);
      } catch (OrtException e) {
        throw new FlowmatchException(
            ErrorKind.UNSUPPORTED, "cannot turn off ONNX Runtime telemetry: " + e.getMessage(), e);
      }
      removeExtractedLibraries(env);
      environment = env;
    }
    return environment;
  }

  /**
   * Removes the extraction folders of processes killed while ORT extracted its libraries (before
   * {@link #removeExtractedLibraries} could run): the window is short (about 28 MB copied) but a
   * {@code kill -9} in it leaves the folder for good.
   */
  private static void removeOrphans() {
    String tmp = System.getProperty("java.io.tmpdir");
    if (tmp != null) {
      ExtractionOrphans.sweep(
          Path.of(tmp),
          p ->
              ORT_FOLDER.matcher(p.getFileName().toString()).matches()
                  && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS));
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(OrtRuntime::deleteQuietly);
    } catch (IOException e) {
      // left for ORT's own delete-on-exit
    }
  }

  /**
   * Deletes ORT's extraction folder once the libraries are loaded (Linux keeps a loaded library
   * mapped after its file is gone). Kept where a GPU build may extract provider libraries into it
   * later.
   */
  private static void removeExtractedLibraries(OrtEnvironment env) {
    EnumSet<OrtProvider> providers = OrtEnvironment.getAvailableProviders();
    providers.remove(OrtProvider.CPU);
    if (!providers.isEmpty() || System.getProperty("os.name", "").toLowerCase().startsWith("win")) {
      return;
    }
    Path dir = extractionFolder();
    if (dir == null || !Files.isDirectory(dir)) {
      return;
    }
    deleteTree(dir);
  }

  /** ORT's private {@code OnnxRuntime.tempDirectory}, or null if this ORT version has none. */
  static Path extractionFolder() {
    try {
      Class<?> c = Class.forName("ai.onnxruntime.OnnxRuntime");
      Field f = c.getDeclaredField("tempDirectory");
      f.setAccessible(true);
      Object v = f.get(null);
      return v instanceof Path p ? p : null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // left for ORT's own delete-on-exit
    }
  }
}
