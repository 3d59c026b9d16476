package io.flowmatch.training.arch;

import ai.djl.nn.Block;
import io.flowmatch.training.export.onnx.GraphWriter;
import io.flowmatch.training.export.onnx.UNetGraph;
import io.flowmatch.training.model.UNetSpec;
import io.flowmatch.training.model.UNetVelocityNet;
import io.flowmatch.training.precision.OpClass;
import java.util.Set;

/** The U-Net for images [C, H, W] (H and W multiples of 2^(levels − 1)). */
public final class UNetArchitecture implements Architecture<UNetSpec> {
  @Override
  public String name() {
    return UNetSpec.TYPE;
  }

  @Override
  public Class<UNetSpec> specType() {
    return UNetSpec.class;
  }

  @Override
  public UNetSpec defaults() {
    return UNetSpec.DEFAULTS;
  }

  @Override
  public Block newBlock(UNetSpec spec, int[] sampleShape) {
    return UNetVelocityNet.forSampleShape(spec, sampleShape);
  }

  @Override
  public Set<OpClass> heavyOps() {
    return Set.of(OpClass.CONV, OpClass.NORM, OpClass.MATMUL);
  }

  @Override
  public GraphWriter<UNetSpec> graphWriter() {
    return UNetGraph::add;
  }
}
