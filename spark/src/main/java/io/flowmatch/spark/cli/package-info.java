/** {@code flowmatch spark}: the command line of the Spark jobs (options, summaries, exit codes). */
package io.flowmatch.spark.cli;
