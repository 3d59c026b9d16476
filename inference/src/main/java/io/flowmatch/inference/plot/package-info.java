/**
 * Plain Java2D plots for reports: scatter plots, line plots, image grids and the value range that
 * maps samples to pixels.
 */
package io.flowmatch.inference.plot;
