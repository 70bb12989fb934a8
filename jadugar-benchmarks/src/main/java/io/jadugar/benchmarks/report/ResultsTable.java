package io.jadugar.benchmarks.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns raw JMH JSON (and the footprint file, if given) into markdown tables: one row per workload,
 * one column per provider, and Jadugar's score divided by the best JCache peer's.
 *
 * <p>Provider ids decide the columns: {@code jadugar...} is Jadugar, {@code ...-native} is a ceiling
 * that is shown but never counted as a peer, anything else is a JCache peer.
 *
 * <p>The remote stores' tables compare with the peer each target names instead (see {@link #remoteRatio}),
 * and a {@code redis-benchmark.txt} next to the JMH JSON (run.sh writes it) adds the server's own
 * ceiling under the Redis table.
 *
 * <p>Usage: {@code ResultsTable <jmh-result.json> [footprint.json]}; prints the markdown.
 */
public final class ResultsTable {

  private static final String REDIS_SUITE = "RedisStoreBenchmark";
  private static final String MEMCACHED_SUITE = "MemcachedStoreBenchmark";
  private static final String HAZELCAST_SUITE = "HazelcastStoreBenchmark";

  /** The order workloads are listed in; others follow by name. */
  private static final List<String> METHOD_ORDER = List.of("getHit", "containsKeyHit", "getMiss", "put",
      "invokeIncrement", "getAll100", "putAll100", "zipfGetOrPut");

  private ResultsTable() {}

  /** Prints the tables for the given files. */
  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: ResultsTable <jmh-result.json> [footprint.json]");
      System.exit(2);
    }
    Path footprint = args.length > 1 ? Path.of(args[1]) : null;
    System.out.print(render(Path.of(args[0]), footprint));
  }

  /** The markdown for a JMH result file and an optional footprint file. */
  public static String render(Path jmhJson, Path footprintJson) throws IOException {
    StringBuilder out = new StringBuilder();
    List<?> runs = (List<?>) Json.parse(Files.readString(jmhJson, StandardCharsets.UTF_8));
    // suite (benchmark class) -> row key -> provider -> result
    Map<String, Map<RowKey, Map<String, Map<?, ?>>>> suites = new LinkedHashMap<>();
    Map<String, Set<String>> providersBySuite = new LinkedHashMap<>();
    for (Object o : runs) {
      Map<?, ?> run = (Map<?, ?>) o;
      String benchmark = (String) run.get("benchmark");
      int dot = benchmark.lastIndexOf('.');
      String suite = benchmark.substring(benchmark.lastIndexOf('.', dot - 1) + 1, dot);
      String method = benchmark.substring(dot + 1);
      Map<?, ?> params = run.get("params") instanceof Map ? (Map<?, ?>) run.get("params") : Map.of();
      String provider = String.valueOf(params.get("provider"));
      Map<String, String> others = new TreeMap<>();
      params.forEach((k, v) -> {
        if (!"provider".equals(k)) {
          others.put(String.valueOf(k), String.valueOf(v));
        }
      });
      int threads = (int) Json.number(run.get("threads"));
      RowKey row = new RowKey(method, others, threads);
      suites.computeIfAbsent(suite, s -> new TreeMap<>(RowKey.ORDER))
          .computeIfAbsent(row, r -> new LinkedHashMap<>()).put(provider, run);
      providersBySuite.computeIfAbsent(suite, s -> new LinkedHashSet<>()).add(provider);
    }
    for (Map.Entry<String, Map<RowKey, Map<String, Map<?, ?>>>> suite : suites.entrySet()) {
      List<String> providers = ordered(providersBySuite.get(suite.getKey()));
      throughputTable(out, suite.getKey(), suite.getValue(), providers);
      hitRatioTable(out, suite.getValue(), providers);
      if (REDIS_SUITE.equals(suite.getKey())) {
        redisCeiling(out, jmhJson.toAbsolutePath().resolveSibling("redis-benchmark.txt"));
      }
    }
    if (footprintJson != null && Files.exists(footprintJson)) {
      footprintTable(out, (List<?>) Json.parse(Files.readString(footprintJson, StandardCharsets.UTF_8)));
    }
    return out.toString();
  }

  private static void throughputTable(StringBuilder out, String suite,
      Map<RowKey, Map<String, Map<?, ?>>> rows, List<String> providers) {
    out.append("### ").append(suite).append(": throughput (ops/s, higher is better; ± is half the spread"
        + " between the slowest and the fastest measured iteration)\n\n");
    boolean remote = REDIS_SUITE.equals(suite) || MEMCACHED_SUITE.equals(suite) || HAZELCAST_SUITE.equals(suite);
    if (remote) {
      // the raw client is what a remote store's targets compare with, not only an unreachable ceiling
      headerRow(out, "workload", providers, " (raw client)", "Jadugar vs the target's peer (target)");
    } else {
      header(out, "workload", providers, "Jadugar ÷ best JCache peer");
    }
    for (Map.Entry<RowKey, Map<String, Map<?, ?>>> row : rows.entrySet()) {
      out.append("| ").append(row.getKey().label()).append(" |");
      Map<String, Double> scores = new LinkedHashMap<>();
      for (String p : providers) {
        Map<?, ?> run = row.getValue().get(p);
        if (run == null) {
          out.append(" – |");
          continue;
        }
        Map<?, ?> metric = (Map<?, ?>) run.get("primaryMetric");
        double score = Json.number(metric.get("score"));
        scores.put(p, score);
        out.append(' ').append(si(score));
        // with a few iterations JMH's confidence interval is huge (Student's t at 2 degrees of
        // freedom is 31.6); the spread of the iterations says more about a short run's noise
        Map<?, ?> percentiles = (Map<?, ?>) metric.get("scorePercentiles");
        if (percentiles != null && score > 0) {
          double spread = Json.number(percentiles.get("100.0")) - Json.number(percentiles.get("0.0"));
          out.append(String.format(Locale.ROOT, " ±%.0f%%", 50 * spread / score));
        }
        out.append(" |");
      }
      String last = remote ? remoteRatio(suite, row.getKey().method(), scores) : ratio(scores, false);
      out.append(' ').append(last).append(" |\n");
    }
    out.append('\n');
  }

  /**
   * The comparison issue 7's targets name, per remote store and workload. Single operations are
   * compared by latency (time per op, Jadugar ÷ peer: lower is better) against the raw client a
   * user would otherwise call; Redis batches by throughput (Jadugar ÷ peer: higher is better)
   * against Redisson's JCache provider, the JCache a user would otherwise pick. With one thread,
   * time per op is the inverse of ops/s, so both come from the same throughput scores.
   */
  static String remoteRatio(String suite, String method, Map<String, Double> scores) {
    Double jadugar = scores.get("jadugar");
    boolean batch = method.endsWith("All100");
    if (REDIS_SUITE.equals(suite) && batch) {
      return throughputVs(jadugar, scores.get("redisson-jcache"), "redisson-jcache", "≥ 5×");
    }
    if (REDIS_SUITE.equals(suite)) {
      return latencyVs(jadugar, scores.get("redisson-native"), "redisson-native", "≤ 1.15×");
    }
    if (HAZELCAST_SUITE.equals(suite) && batch) {
      return throughputVs(jadugar, scores.get("hazelcast-jcache"), "hazelcast-jcache", "≥ 1×");
    }
    if (HAZELCAST_SUITE.equals(suite) && "invokeIncrement".equals(method)) {
      return throughputVs(jadugar, scores.get("hazelcast-jcache"), "hazelcast-jcache", "> 1×");
    }
    if (HAZELCAST_SUITE.equals(suite)) {
      return latencyVs(jadugar, scores.get("hazelcast-native"), "hazelcast-native", "≤ 1.15×");
    }
    return latencyVs(jadugar, scores.get("memcached-native"), "memcached-native",
        "getAll100".equals(method) ? "≤ 1.2×" : null);
  }

  private static String latencyVs(Double jadugar, Double peer, String name, String target) {
    if (jadugar == null || peer == null || jadugar == 0) {
      return "–";
    }
    return String.format(Locale.ROOT, "%.2f× time/op vs %s%s", peer / jadugar, name,
        target == null ? "" : " (" + target + ")");
  }

  private static String throughputVs(Double jadugar, Double peer, String name, String target) {
    if (jadugar == null || peer == null || peer == 0) {
      return "–";
    }
    return String.format(Locale.ROOT, "%.2f× ops/s vs %s (%s)", jadugar / peer, name, target);
  }

  /** The server's own ceiling, from redis-benchmark's quiet output ("SET: 123456.79 requests per second, ..."). */
  private static void redisCeiling(StringBuilder out, Path file) throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    List<String> parts = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      // the quiet mode redraws its progress with carriage returns: the last segment is the result
      String last = line.substring(line.lastIndexOf('\r') + 1).trim();
      int colon = last.indexOf(':');
      int rps = last.indexOf(" requests per second");
      if (colon > 0 && rps > colon) {
        double v = Double.parseDouble(last.substring(colon + 1, rps).trim());
        parts.add(last.substring(0, colon) + " " + si(v) + " ops/s");
      }
    }
    if (!parts.isEmpty()) {
      out.append("Server ceiling on the same redis-server (`redis-benchmark -P 16 -q -t get,set -n 200000`,"
          + " 50 connections, 16 commands per round trip): ").append(String.join(", ", parts)).append(".\n\n");
    }
  }

  private static void hitRatioTable(StringBuilder out, Map<RowKey, Map<String, Map<?, ?>>> rows,
      List<String> providers) {
    boolean any = false;
    for (Map.Entry<RowKey, Map<String, Map<?, ?>>> row : rows.entrySet()) {
      List<String> cells = new ArrayList<>();
      boolean found = false;
      for (String p : providers) {
        Map<?, ?> run = row.getValue().get(p);
        Map<?, ?> secondary = run == null ? null : (Map<?, ?>) run.get("secondaryMetrics");
        if (secondary == null || !secondary.containsKey("hits") || !secondary.containsKey("misses")) {
          cells.add("–");
          continue;
        }
        double hits = Json.number(((Map<?, ?>) secondary.get("hits")).get("score"));
        double misses = Json.number(((Map<?, ?>) secondary.get("misses")).get("score"));
        cells.add(String.format(Locale.ROOT, "%.1f%%", 100 * hits / (hits + misses)));
        found = true;
      }
      if (!found) {
        continue;
      }
      if (!any) {
        out.append("Hit ratio of the workloads that count hits (how well each eviction policy keeps hot keys):\n\n");
        header(out, "workload", providers, null);
        any = true;
      }
      out.append("| ").append(row.getKey().label()).append(" | ").append(String.join(" | ", cells)).append(" |\n");
    }
    if (any) {
      out.append('\n');
    }
  }

  private static void footprintTable(StringBuilder out, List<?> measurements) {
    if (measurements.isEmpty()) {
      return;
    }
    Map<String, Map<String, Double>> byStore = new TreeMap<>();
    Set<String> seen = new LinkedHashSet<>();
    long entries = 0;
    for (Object o : measurements) {
      Map<?, ?> m = (Map<?, ?>) o;
      String provider = (String) m.get("provider");
      seen.add(provider);
      entries = (long) Json.number(m.get("entries"));
      byStore.computeIfAbsent((String) m.get("storeBy"), s -> new LinkedHashMap<>())
          .put(provider, Json.number(m.get("bytesPerEntry")));
    }
    List<String> providers = ordered(seen);
    out.append(String.format(Locale.ROOT, "### Heap per entry (bytes, lower is better; %,d entries, "
        + "caller's keys and values not counted)%n%n", entries));
    header(out, "store", providers, "Jadugar ÷ best JCache peer");
    for (Map.Entry<String, Map<String, Double>> row : byStore.entrySet()) {
      out.append("| by-").append(row.getKey()).append(" |");
      for (String p : providers) {
        Double v = row.getValue().get(p);
        out.append(' ').append(v == null ? "–" : String.format(Locale.ROOT, "%.0f", v)).append(" |");
      }
      out.append(' ').append(ratio(row.getValue(), true)).append(" |\n");
    }
    out.append('\n');
  }

  private static void header(StringBuilder out, String first, List<String> providers, String last) {
    headerRow(out, first, providers, " (ceiling)", last);
  }

  private static void headerRow(StringBuilder out, String first, List<String> providers, String nativeLabel,
      String last) {
    out.append("| ").append(first).append(" |");
    for (String p : providers) {
      out.append(' ').append(p).append(isCeiling(p) ? nativeLabel : "").append(" |");
    }
    if (last != null) {
      out.append(' ').append(last).append(" |");
    }
    out.append("\n|---|");
    for (int i = 0; i < providers.size(); i++) {
      out.append("---:|");
    }
    if (last != null) {
      out.append("---:|");
    }
    out.append('\n');
  }

  /** Jadugar's value over the best JCache peer's (the highest, or the lowest when lower is better). */
  private static String ratio(Map<String, Double> values, boolean lowerIsBetter) {
    Double jadugar = null;
    String best = null;
    double bestValue = Double.NaN;
    for (Map.Entry<String, Double> e : values.entrySet()) {
      if (isJadugar(e.getKey())) {
        jadugar = e.getValue();
      } else if (!isCeiling(e.getKey())) {
        double v = e.getValue();
        if (best == null || (lowerIsBetter ? v < bestValue : v > bestValue)) {
          best = e.getKey();
          bestValue = v;
        }
      }
    }
    if (jadugar == null || best == null || bestValue == 0) {
      return "–";
    }
    return String.format(Locale.ROOT, "%.2f× (vs %s)", jadugar / bestValue, best);
  }

  /** Jadugar first, JCache peers as they came, ceilings last. */
  private static List<String> ordered(Set<String> providers) {
    List<String> list = new ArrayList<>();
    providers.stream().filter(ResultsTable::isJadugar).forEach(list::add);
    providers.stream().filter(p -> !isJadugar(p) && !isCeiling(p)).forEach(list::add);
    providers.stream().filter(ResultsTable::isCeiling).forEach(list::add);
    return list;
  }

  static boolean isJadugar(String provider) {
    return provider.startsWith("jadugar");
  }

  static boolean isCeiling(String provider) {
    return provider.endsWith("-native");
  }

  /** 12.3M, 845k, 98.1 and so on: three significant digits are all a short run can claim. */
  static String si(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (v >= 1e9) {
      return String.format(Locale.ROOT, "%.3gG", v / 1e9);
    }
    if (v >= 1e6) {
      return String.format(Locale.ROOT, "%.3gM", v / 1e6);
    }
    if (v >= 1e3) {
      return String.format(Locale.ROOT, "%.3gk", v / 1e3);
    }
    return String.format(Locale.ROOT, "%.3g", v);
  }

  /** One row of a table: a workload, its parameters other than the provider, and the thread count. */
  private record RowKey(String method, Map<String, String> params, int threads) {

    static final Comparator<RowKey> ORDER = Comparator
        .comparingInt((RowKey r) -> {
          int i = METHOD_ORDER.indexOf(r.method);
          return i < 0 ? METHOD_ORDER.size() : i;
        })
        .thenComparing(RowKey::method)
        .thenComparing(r -> r.params.toString())
        .thenComparingInt(RowKey::threads);

    String label() {
      StringBuilder sb = new StringBuilder(method);
      params.forEach((k, v) -> sb.append(" · ").append("storeBy".equals(k) ? "by-" + v : k + "=" + v));
      return sb.append(" · ").append(threads).append(threads == 1 ? " thread" : " threads").toString();
    }
  }
}
