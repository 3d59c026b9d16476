package io.flowmatch.training.model;

/** A spec of an architecture nobody registered ({@code resnet}), for tests of the error paths. */
public record UnknownSpec() implements ModelSpec {
  @Override
  public String type() {
    return "resnet";
  }

  @Override
  public int width() {
    return 8;
  }

  @Override
  public int depth() {
    return 1;
  }

  @Override
  public int timeEmbedDim() {
    return 16;
  }

  @Override
  public ModelSpec withSize(int width, int depth, int timeEmbedDim) {
    return this;
  }
}
