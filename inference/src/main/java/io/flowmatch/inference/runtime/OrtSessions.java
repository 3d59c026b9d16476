package io.flowmatch.inference.runtime;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.flowmatch.inference.error.FlowmatchException;
import java.nio.file.Path;
import java.util.List;

/**
 * The one place flowmatch creates ONNX Runtime sessions: every session runs in the environment of
 * {@link OrtRuntime} (telemetry off), logs at FATAL (each error comes back as one {@link
 * OrtException}; ORT's own log would print it again over several lines from native code), and takes
 * its threads, optimisation level, execution provider and the rest from one {@link Settings} value.
 *
 * <p>A model given as a path is loaded from its file, so ONNX Runtime finds external-data files
 * beside it; a model given as bytes must hold all its weights (the graphs flowmatch builds in
 * memory do).
 *
 * <pre>{@code
 * try (OrtSessions.Session s = OrtSessions.open(model, OrtSessions.settings().threads(2))) {
 *   s.session().run(inputs);
 * }
 * }</pre>
 */
public final class OrtSessions {
  /** Optimisation level names, as the command line takes them, most to least. */
  public static final List<String> OPTIMIZATIONS = List.of("all", "extended", "basic", "none");

  private OrtSessions() {}

  /**
   * How a session runs; immutable: each setter-style method returns a changed copy. The defaults
   * ({@link OrtSessions#settings()}): ONNX Runtime's threads, every optimisation ({@code ALL_OPT}),
   * the CPU provider, the memory pattern on, no optimised-graph file, no profiling.
   */
  public static final class Settings {
    private int threads;
    private int interOpThreads;
    private OptLevel optimization = OptLevel.ALL_OPT;
    private String provider = "cpu";
    private boolean memoryPattern = true;
    private Path optimizedModelPath;
    private Path profilePrefix;

    private Settings() {}

    private Settings with(java.util.function.Consumer<Settings> change) {
      Settings s = new Settings();
      s.threads = threads;
      s.interOpThreads = interOpThreads;
      s.optimization = optimization;
      s.provider = provider;
      s.memoryPattern = memoryPattern;
      s.optimizedModelPath = optimizedModelPath;
      s.profilePrefix = profilePrefix;
      change.accept(s);
      return s;
    }

    /** With {@code n} intra-op threads (0: ONNX Runtime's default, one per core). */
    public Settings threads(int n) {
      return with(s -> s.threads = nonNegative(n));
    }

    /** With {@code n} inter-op threads (0: ONNX Runtime's default). */
    public Settings interOpThreads(int n) {
      return with(s -> s.interOpThreads = nonNegative(n));
    }

    /** With the optimisation level. */
    public Settings optimization(OptLevel level) {
      return with(s -> s.optimization = level);
    }

    /** With the optimisation level named as in {@link #OPTIMIZATIONS}. */
    public Settings optimization(String name) {
      return optimization(optLevel(name));
    }

    /**
     * With the execution provider: {@code cpu}, {@code cuda} or {@code tensorrt} (TensorRT, with
     * CUDA for the nodes it does not take).
     */
    public Settings provider(String name) {
      if (!List.of("cpu", "cuda", "tensorrt").contains(name)) {
        throw FlowmatchException.invalidArgument(
            "provider must be cpu, cuda or tensorrt, got " + name);
      }
      return with(s -> s.provider = name);
    }

    /** With ONNX Runtime's memory pattern on or off. */
    public Settings memoryPattern(boolean on) {
      return with(s -> s.memoryPattern = on);
    }

    /** Saving the optimised graph to {@code path} (null: not saved). */
    public Settings optimizedModelPath(Path path) {
      return with(s -> s.optimizedModelPath = path);
    }

    /** Profiling into a trace whose file name starts with {@code prefix} (null: no profiling). */
    public Settings profile(Path prefix) {
      return with(s -> s.profilePrefix = prefix);
    }

    @Override
    public String toString() {
      return String.format(
          java.util.Locale.ROOT,
          "threads %d, inter-op threads %d, %s, provider %s, memory pattern %s%s%s",
          threads,
          interOpThreads,
          optimization,
          provider,
          memoryPattern ? "on" : "off",
          optimizedModelPath == null ? "" : ", optimised graph to " + optimizedModelPath,
          profilePrefix == null ? "" : ", profile to " + profilePrefix + "*");
    }

    private static int nonNegative(int n) {
      if (n < 0) {
        throw FlowmatchException.invalidArgument(
            "threads must be 0 (ONNX Runtime's default) or positive, got " + n);
      }
      return n;
    }
  }

  /** The defaults: ONNX Runtime's threads, every optimisation, the CPU provider. */
  public static Settings settings() {
    return new Settings();
  }

  /** The level of an optimisation name of {@link #OPTIMIZATIONS}. */
  public static OptLevel optLevel(String name) {
    switch (name) {
      case "none":
        return OptLevel.NO_OPT;
      case "basic":
        return OptLevel.BASIC_OPT;
      case "extended":
        return OptLevel.EXTENDED_OPT;
      case "all":
        return OptLevel.ALL_OPT;
      default:
        throw FlowmatchException.invalidArgument(
            "optimization must be one of " + String.join(", ", OPTIMIZATIONS) + ", got " + name);
    }
  }

  /** A session and the options it was created with, closed together. */
  public record Session(OrtSession session, SessionOptions options) implements AutoCloseable {
    @Override
    public void close() {
      try {
        session.close();
      } catch (OrtException e) {
        // a session that cannot be released has nothing left to report
      } finally {
        options.close();
      }
    }
  }

  /**
   * Session options for {@code settings}, the provider added. The caller closes them (or hands them
   * to {@link #create}); they are closed here when a setting fails.
   *
   * @throws OrtException a provider that cannot be added (its library, or CUDA, is missing)
   */
  public static SessionOptions options(Settings settings) throws OrtException {
    // The environment first: it registers ORT's default logger, without which a provider whose
    // library cannot load fails with "Attempt to use DefaultLogger but none has been registered"
    // instead of the loader's reason (a missing libcudart, say).
    OrtRuntime.environment();
    SessionOptions so = new SessionOptions();
    try {
      so.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
      so.setOptimizationLevel(settings.optimization);
      if (!settings.memoryPattern) {
        so.setMemoryPatternOptimization(false);
      }
      if (settings.threads > 0) {
        so.setIntraOpNumThreads(settings.threads);
      }
      if (settings.interOpThreads > 0) {
        so.setInterOpNumThreads(settings.interOpThreads);
      }
      if (settings.optimizedModelPath != null) {
        so.setOptimizedModelFilePath(settings.optimizedModelPath.toString());
      }
      if (settings.profilePrefix != null) {
        so.enableProfiling(settings.profilePrefix.toString());
      }
      switch (settings.provider) {
        case "tensorrt":
          so.addTensorrt(0);
          so.addCUDA(0); // for the nodes TensorRT does not take
          break;
        case "cuda":
          so.addCUDA(0);
          break;
        default:
          break; // ORT's CPU provider is always there
      }
      return so;
    } catch (OrtException | RuntimeException e) {
      so.close();
      throw e;
    }
  }

  /** A session of the model file with options from {@link #options}; the caller closes both. */
  public static OrtSession create(Path model, SessionOptions options) throws OrtException {
    return OrtRuntime.environment().createSession(model.toString(), options);
  }

  /** A session of an in-memory model with options from {@link #options}. */
  public static OrtSession create(byte[] model, SessionOptions options) throws OrtException {
    return OrtRuntime.environment().createSession(model, options);
  }

  /** Opens the model file with {@code settings}. */
  public static Session open(Path model, Settings settings) throws OrtException {
    return open(settings, so -> create(model, so));
  }

  /** Opens an in-memory model with {@code settings}. */
  public static Session open(byte[] model, Settings settings) throws OrtException {
    return open(settings, so -> create(model, so));
  }

  /** Creates a session with the given options. */
  private interface Creation {
    OrtSession create(SessionOptions options) throws OrtException;
  }

  private static Session open(Settings settings, Creation creation) throws OrtException {
    SessionOptions so = options(settings);
    try {
      return new Session(creation.create(so), so);
    } catch (OrtException | RuntimeException e) {
      so.close();
      throw e;
    }
  }
}
