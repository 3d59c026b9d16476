package io.flowmatch.spark;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real standalone cluster on the loopback address: a Master and two Workers in child JVMs (one
 * core each, ports chosen free), this JVM as the driver. Samples with one executor killed mid-shard
 * (its JVM halts, as a killed worker's executor would) and checks that the union of the shards is
 * byte-identical to single-machine {@code flowmatch sample}, every sample exactly once ({@link
 * HaltedExecutorRun}).
 */
// In the default test run: 18 s on a quiet 2-core machine (session 5). Under heavy load its five
// JVMs (master, two workers, two executors) start slowly: 577 s at load average ~20 (session 4),
// where the executors registered 4.5 min after the context. Skip it with
// -Dspark.test.excludedGroups=cluster.
@Tag("cluster")
class StandaloneClusterTest {
  @TempDir Path tmp;

  @Test
  void clusterSamplingSurvivesAKilledExecutorAndEqualsSample() throws Exception {
    HaltedExecutorRun run = HaltedExecutorRun.prepare(tmp, 2048, 128);
    String classPath = classPath();
    Path home = sparkHome(classPath);
    List<Process> processes = new ArrayList<>();
    JavaSparkContext sc = null;
    try {
      int masterPort = freePort();
      processes.add(
          start(
              "master",
              home,
              classPath,
              "org.apache.spark.deploy.master.Master",
              "--host",
              "127.0.0.1",
              "--port",
              "" + masterPort,
              "--webui-port",
              "" + freePort()));
      waitForPort(masterPort, processes.get(0));
      String master = "spark://127.0.0.1:" + masterPort;
      for (int w = 1; w <= 2; w++) {
        Path work = Files.createDirectories(tmp.resolve("worker" + w));
        processes.add(
            start(
                "worker" + w,
                home,
                classPath,
                "org.apache.spark.deploy.worker.Worker",
                "--host",
                "127.0.0.1",
                "--port",
                "" + freePort(),
                "--webui-port",
                "" + freePort(),
                "--cores",
                "1",
                "--memory",
                "768m",
                "--work-dir",
                work.toString(),
                master));
      }
      SparkConf conf =
          run.conf(master, "StandaloneClusterTest")
              .set("spark.driver.host", "127.0.0.1")
              .set("spark.driver.bindAddress", "127.0.0.1")
              .set("spark.executor.extraClassPath", ourClasses());
      sc = new JavaSparkContext(conf);
      waitForExecutors(sc, 2);
      run.runAndCheck(sc);
    } finally {
      if (sc != null) {
        sc.stop();
      }
      for (int k = processes.size() - 1; k >= 0; k--) {
        Process p = processes.get(k);
        p.destroy();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    }
  }

  /**
   * The test class path: Spark, ONNX Runtime and our classes (surefire hides it in a manifest jar).
   */
  private static String classPath() throws IOException {
    Path target = Path.of("target").toAbsolutePath();
    return target.resolve("test-classes")
        + ":"
        + target.resolve("classes")
        + ":"
        + Files.readString(target.resolve("test-classpath.txt")).trim();
  }

  /** Our code on the executors: the class folders (a jar file goes with spark-submit instead). */
  private static String ourClasses() throws IOException {
    return java.util.Arrays.stream(classPath().split(":"))
        .filter(p -> !p.endsWith(".jar"))
        .collect(Collectors.joining(":"));
  }

  /**
   * A SPARK_HOME for the Worker: its {@code jars/} holds links to the jars of the class path, as a
   * Spark distribution's does, so that executors start with the same class path.
   */
  private Path sparkHome(String classPath) throws IOException {
    Path jars = Files.createDirectories(tmp.resolve("spark-home/jars"));
    Set<String> names = new LinkedHashSet<>();
    for (String p : classPath.split(":")) {
      Path jar = Path.of(p);
      if (p.endsWith(".jar") && names.add(jar.getFileName().toString())) {
        Files.createSymbolicLink(jars.resolve(jar.getFileName()), jar);
      }
    }
    return jars.getParent();
  }

  private Process start(String name, Path home, String classPath, String main, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    // starts fast on a loaded machine: C1 only, one GC thread
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    // the module flags this JVM got from the build (Spark's JavaModuleOptions); the cluster's own
    // processes keep Spark's INFO log, which the failure message shows
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-")
          || a.startsWith("-XX:+IgnoreUnrecognized")
          || a.startsWith("-Djdk.reflect")
          || a.startsWith("-Dio.netty")) {
        command.add(a);
      }
    }
    command.addAll(List.of("-cp", classPath, main));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("SPARK_HOME", home.toString());
    pb.environment().put("SPARK_SCALA_VERSION", "2.13");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.redirectErrorStream(true);
    pb.redirectOutput(tmp.resolve(name + ".log").toFile());
    return pb.start();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private void waitForPort(int port, Process p) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new AssertionError(
            "the master exited: " + Files.readString(tmp.resolve("master.log")));
      }
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException e) {
        Thread.sleep(200);
      }
    }
    throw new AssertionError(
        "the master did not open port "
            + port
            + ": "
            + Files.readString(tmp.resolve("master.log")));
  }

  private void waitForExecutors(JavaSparkContext sc, int count) throws Exception {
    // generous: on a loaded 2-core machine a JVM with Spark on its class path starts in seconds to
    // minutes
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
    while (sc.sc().statusTracker().getExecutorInfos().length < count + 1) {
      if (System.nanoTime() > deadline) {
        StringBuilder logs = new StringBuilder();
        for (String name : new String[] {"master.log", "worker1.log", "worker2.log"}) {
          logs.append("\n== ")
              .append(name)
              .append('\n')
              .append(Files.readString(tmp.resolve(name)));
        }
        try (var files = Files.walk(tmp)) {
          for (Path p : files.filter(f -> f.getFileName().toString().equals("stderr")).toList()) {
            String text = Files.readString(p);
            logs.append("\n== ")
                .append(p)
                .append('\n')
                .append(text, Math.max(0, text.length() - 4000), text.length());
          }
        }
        throw new AssertionError("executors did not register within 600 s:" + logs);
      }
      Thread.sleep(250);
    }
  }
}
