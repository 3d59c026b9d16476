/**
 * Solver comparison: runs a list of solver settings against a tight reference solve, measures
 * error, NFE and time, and writes the report (table, CSV, JSON, HTML, plots).
 */
package io.flowmatch.inference.compare;
