package io.jadugar.benchmarks.report;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
 * {@code cpu.worker.ns/op} is the part of it spent in the threads that call the benchmark. With
 * {@code -jvmArgsAppend -Dbench.cpu.threads=true} each iteration also prints the CPU time per
 * operation of every Java thread by name (Caffeine's maintenance runs in
 * {@code ForkJoinPool.commonPool}), and of the JVM's own native threads together (collector,
 * compilers).
 */
public final class CpuTimeProfiler implements InternalProfiler {

  private static final boolean BY_THREAD = Boolean.getBoolean("bench.cpu.threads");

  private long cpuBefore;
  private Map<String, Long> threadsBefore;

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** The CPU time of each live Java thread so far, by name with its digits folded into {@code #}. */
  private static Map<String, Long> threadCpuNanos() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<String, Long> byName = new TreeMap<>();
    for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (t != null) {
        long cpu = threads.getThreadCpuTime(t.getThreadId());
        byName.merge(t.getThreadName().replaceAll("[0-9]+", "#"), Math.max(0, cpu), Long::sum);
      }
    }
    return byName;
  }

  private static long workers(Map<String, Long> byName) {
    long sum = 0;
    for (Map.Entry<String, Long> e : byName.entrySet()) {
      if (e.getKey().contains("jmh-worker")) {
        sum += e.getValue();
      }
    }
    return sum;
  }

  @Override
  public String getDescription() {
    return "CPU time of the whole benchmark JVM (all threads, GC included) per operation";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    threadsBefore = threadCpuNanos();
    cpuBefore = processCpuNanos();
  }

  @Override
  public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
      IterationParams iterationParams, IterationResult result) {
    long cpu = processCpuNanos() - cpuBefore;
    Map<String, Long> threadsAfter = threadCpuNanos();
    long ops = result.getMetadata().getAllOps();
    if (ops == 0) {
      return List.of();
    }
    long workers = workers(threadsAfter) - workers(threadsBefore);
    if (BY_THREAD) {
      StringBuilder line = new StringBuilder("  CPU ns/op by thread:");
      long java = 0;
      for (Map.Entry<String, Long> e : threadsAfter.entrySet()) {
        long spent = e.getValue() - threadsBefore.getOrDefault(e.getKey(), 0L);
        java += spent;
        if (spent / ops > 0) {
          line.append(' ').append(e.getKey()).append('=').append(spent / ops);
        }
      }
      line.append("; native threads (GC, JIT)=").append(Math.max(0, cpu - java) / ops);
      System.out.println(line);
    }
    return List.of(
        new ScalarResult("cpu.ns/op", (double) cpu / ops, "ns/op", AggregationPolicy.AVG),
        new ScalarResult("cpu.worker.ns/op", (double) workers / ops, "ns/op", AggregationPolicy.AVG));
  }
}
