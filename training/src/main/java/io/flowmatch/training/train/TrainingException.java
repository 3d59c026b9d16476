package io.flowmatch.training.train;

/** Training could not go on (NaN loss, failed checkpoint write): one line for the user. */
public class TrainingException extends RuntimeException {
  public TrainingException(String message) {
    super(message);
  }

  public TrainingException(String message, Throwable cause) {
    super(message, cause);
  }
}
