package io.jadugar.benchmarks.report;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * The CPU time the whole benchmark JVM spends per operation: every thread's, so the garbage
 * collector, Caffeine's maintenance and any sweeper count too. On a machine shared with other jobs
 * a throughput score moves with their load; this cost per operation moves much less. Use it beside
 * the score, never instead of it: {@code -prof io.jadugar.benchmarks.report.CpuTimeProfiler}.
 * {@code cpu.worker.ns/op} is the part of it spent in the threads that call the benchmark.
 */
public final class CpuTimeProfiler implements InternalProfiler {

  private long cpuBefore;
  private long workersBefore;

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  @Override
  public String getDescription() {
    return "CPU time of the whole benchmark JVM (all threads, GC included) per operation";
  }

  /** The CPU time of JMH's worker threads, the ones that call the benchmark method. */
  private static long workerCpuNanos() {
    java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (java.lang.management.ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (t != null && t.getThreadName().contains("jmh-worker")) {
        long cpu = threads.getThreadCpuTime(t.getThreadId());
        sum += Math.max(0, cpu);
      }
    }
    return sum;
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    workersBefore = workerCpuNanos();
    cpuBefore = processCpuNanos();
  }

  @Override
  public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
      IterationParams iterationParams, IterationResult result) {
    long cpu = processCpuNanos() - cpuBefore;
    long workers = workerCpuNanos() - workersBefore;
    long ops = result.getMetadata().getAllOps();
    return ops == 0 ? List.of() : List.of(
        new ScalarResult("cpu.ns/op", (double) cpu / ops, "ns/op", AggregationPolicy.AVG),
        new ScalarResult("cpu.worker.ns/op", (double) workers / ops, "ns/op", AggregationPolicy.AVG));
  }
}
