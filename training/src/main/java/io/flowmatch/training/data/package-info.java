/** Training data: the image data sets and the 2-D toy sets, and the batch sampler. */
package io.flowmatch.training.data;
