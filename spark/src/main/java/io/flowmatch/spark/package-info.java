/**
 * Spark jobs over the inference library: distributed sampling ({@link
 * io.flowmatch.spark.SampleJob}) into {@code .npy} shards and a manifest, byte-identical to
 * single-machine sampling, and distributed evaluation ({@link io.flowmatch.spark.EvalJob}) by
 * {@code treeAggregate} of feature moments and class counts. Executors open each model once per JVM
 * ({@link io.flowmatch.spark.ExecutorResources}).
 */
package io.flowmatch.spark;
