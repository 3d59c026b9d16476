package io.flowmatch.spark;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Makes one task fail once, mid-shard, to show that Spark's retry neither loses nor duplicates
 * samples. Off unless the JVM has the system property {@value #MARKER_DIR} (a folder every executor
 * can write: the first task that creates {@code failed-<shard>} there fails, every later attempt
 * finds it and runs normally). {@value #SHARD} picks the shard (default 0) and {@value #MODE} how
 * it fails: {@code throw} (an exception: the task fails) or {@code halt} (the executor JVM dies, as
 * a killed worker's would).
 */
final class FaultInjection {
  static final String MARKER_DIR = "flowmatch.spark.failOnce";
  static final String SHARD = "flowmatch.spark.failShard";
  static final String MODE = "flowmatch.spark.failMode";

  private FaultInjection() {}

  /** Called by a task after it has written part of {@code shard}. */
  static void maybeFail(int shard) {
    String dir = System.getProperty(MARKER_DIR);
    if (dir == null || Integer.getInteger(SHARD, 0) != shard) {
      return;
    }
    try {
      Files.createFile(Path.of(dir, "failed-" + shard));
    } catch (FileAlreadyExistsException e) {
      return;
    } catch (IOException e) {
      throw new IllegalStateException("fault injection: cannot write its marker in " + dir, e);
    }
    if ("halt".equals(System.getProperty(MODE))) {
      Runtime.getRuntime().halt(137);
    }
    throw new IllegalStateException("fault injection: shard " + shard + " fails once");
  }
}
