package io.flowmatch.training.arch;

import ai.djl.nn.Block;
import io.flowmatch.training.export.onnx.GraphWriter;
import io.flowmatch.training.export.onnx.MlpGraph;
import io.flowmatch.training.model.MlpSpec;
import io.flowmatch.training.model.MlpVelocityNet;
import io.flowmatch.training.precision.OpClass;
import java.util.Set;

/** The MLP on flattened samples (toy 2-D data and small images). */
public final class MlpArchitecture implements Architecture<MlpSpec> {
  @Override
  public String name() {
    return MlpSpec.TYPE;
  }

  @Override
  public Class<MlpSpec> specType() {
    return MlpSpec.class;
  }

  @Override
  public MlpSpec defaults() {
    return MlpSpec.DEFAULTS;
  }

  @Override
  public Block newBlock(MlpSpec spec, int[] sampleShape) {
    return new MlpVelocityNet(spec, sampleShape);
  }

  @Override
  public Set<OpClass> heavyOps() {
    return Set.of(OpClass.MATMUL);
  }

  @Override
  public GraphWriter<MlpSpec> graphWriter() {
    return MlpGraph::add;
  }
}
