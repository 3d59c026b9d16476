package io.flowmatch.training;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/** Test set-up of the DJL engine. */
public final class TestEngine {
  private TestEngine() {}

  /**
   * Loads the engine with one intra-op thread: CI shares two cores among several JVMs, and two
   * spinning OpenMP threads per JVM made small-model training ~15× slower there than one.
   */
  public static void oneThread() {
    Engine.getInstance();
    JniUtils.setNumThreads(1);
  }
}
