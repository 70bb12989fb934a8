/**
 * Running the benchmark profiles and turning their raw JMH JSON into the markdown comparison table.
 */
package io.jadugar.benchmarks.report;
