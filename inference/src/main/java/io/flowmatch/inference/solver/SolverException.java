package io.flowmatch.inference.solver;

/** A solve that cannot go on: a non-finite velocity, or an evaluation bound exceeded. */
public class SolverException extends RuntimeException {
  public SolverException(String message) {
    super(message);
  }
}
