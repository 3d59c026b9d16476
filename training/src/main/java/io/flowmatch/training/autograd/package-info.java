/** Small helpers over DJL's autograd NDArray operations shared by the models and the trainer. */
package io.flowmatch.training.autograd;
