/** The PyTorch engine as flowmatch loads it: after removing what killed runs left in its cache. */
package io.flowmatch.training.runtime;
