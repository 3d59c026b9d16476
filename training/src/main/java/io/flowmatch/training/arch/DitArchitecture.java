package io.flowmatch.training.arch;

import ai.djl.nn.Block;
import io.flowmatch.training.export.onnx.DitGraph;
import io.flowmatch.training.export.onnx.GraphWriter;
import io.flowmatch.training.model.DitSpec;
import io.flowmatch.training.model.DitVelocityNet;
import io.flowmatch.training.precision.OpClass;
import java.util.Set;

/** The patch transformer (DiT) for images [C, H, W]. */
public final class DitArchitecture implements Architecture<DitSpec> {
  @Override
  public String name() {
    return DitSpec.TYPE;
  }

  @Override
  public Class<DitSpec> specType() {
    return DitSpec.class;
  }

  @Override
  public DitSpec defaults() {
    return DitSpec.DEFAULTS;
  }

  @Override
  public Block newBlock(DitSpec spec, int[] sampleShape) {
    return new DitVelocityNet(spec, sampleShape);
  }

  @Override
  public Set<OpClass> heavyOps() {
    return Set.of(OpClass.MATMUL, OpClass.NORM);
  }

  @Override
  public GraphWriter<DitSpec> graphWriter() {
    return DitGraph::add;
  }
}
