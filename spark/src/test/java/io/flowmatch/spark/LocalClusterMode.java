package io.flowmatch.spark;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * What Spark's {@code local-cluster[...]} master needs in a test JVM, set while open and undone on
 * close. Its Workers take Spark's home from {@code spark.test.home} when {@code spark.testing} is
 * set (from {@code SPARK_HOME} otherwise); the home needs only an empty {@code jars/} folder, since
 * under {@code spark.testing} the executors get this JVM's class path (surefire's short manifest
 * jar: ONNX Runtime crashes in a JVM started with a command line over ~4 KB).
 */
final class LocalClusterMode implements AutoCloseable {
  private static final String EXECUTOR_MAIN =
      "org.apache.spark.executor.CoarseGrainedExecutorBackend";
  private static final String[] KEYS = {"spark.testing", "spark.test.home"};
  private final String[] saved = new String[KEYS.length];
  private final Path home;

  private LocalClusterMode(Path home) {
    this.home = home;
  }

  static LocalClusterMode enter(Path tmp) throws IOException {
    Path home = tmp.resolve("spark-home");
    Files.createDirectories(home.resolve("jars"));
    LocalClusterMode mode = new LocalClusterMode(home);
    for (int k = 0; k < KEYS.length; k++) {
      mode.saved[k] = System.getProperty(KEYS[k]);
    }
    System.setProperty("spark.testing", "true");
    System.setProperty("spark.test.home", home.toString());
    return mode;
  }

  /**
   * Starts a context on {@code conf} (a {@code local-cluster[...]} master) with what every such
   * context of the tests needs. Spark gives the executors this JVM's {@code java.class.path}, which
   * surefire sets to the full test class path (about 16 KB); while the context starts it names a
   * manifest-only jar instead, so the executors' command line stays short.
   */
  JavaSparkContext start(SparkConf conf) throws IOException {
    conf.set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1")
        // Spark's launcher asks for the Scala version of the (absent) build tree otherwise
        .set("spark.executorEnv.SPARK_SCALA_VERSION", "2.13");
    String classPath = System.getProperty("java.class.path");
    System.setProperty("java.class.path", manifestJar(classPath).toString());
    try {
      return new JavaSparkContext(conf);
    } finally {
      System.setProperty("java.class.path", classPath);
    }
  }

  /** A jar holding only a manifest whose {@code Class-Path} lists {@code classPath}. */
  private Path manifestJar(String classPath) throws IOException {
    StringBuilder urls = new StringBuilder();
    for (String entry : classPath.split(File.pathSeparator)) {
      if (!entry.isEmpty()) {
        urls.append(urls.length() == 0 ? "" : " ").append(Path.of(entry).toUri());
      }
    }
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, urls.toString());
    Path jar = home.resolve("classpath.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
      // only the manifest
    }
    return jar;
  }

  /** Waits until {@code count} executors (besides the driver) have registered. */
  void awaitExecutors(JavaSparkContext sc, int count, long timeoutNanos)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeoutNanos;
    while (sc.sc().statusTracker().getExecutorInfos().length < count + 1) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            count + " executors did not register within " + timeoutNanos / 1e9 + " s");
      }
      Thread.sleep(100);
    }
  }

  /** Process ids of the live executor JVMs started from this one. */
  static Set<Long> executorPids() {
    return ProcessHandle.current()
        .descendants()
        .filter(
            p ->
                p.info()
                    .arguments()
                    .map(a -> Arrays.asList(a).contains(EXECUTOR_MAIN))
                    .orElse(false))
        .map(ProcessHandle::pid)
        .collect(Collectors.toSet());
  }

  @Override
  public void close() {
    for (int k = 0; k < KEYS.length; k++) {
      if (saved[k] == null) {
        System.clearProperty(KEYS[k]);
      } else {
        System.setProperty(KEYS[k], saved[k]);
      }
    }
  }
}
