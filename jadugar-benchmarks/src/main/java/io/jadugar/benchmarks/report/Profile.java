package io.jadugar.benchmarks.report;

import io.jadugar.benchmarks.hazelcast.HazelcastStoreBenchmark;
import io.jadugar.benchmarks.memcached.MemcachedStoreBenchmark;
import io.jadugar.benchmarks.memory.MemoryStoreBenchmark;
import io.jadugar.benchmarks.redis.RedisStoreBenchmark;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs a whole benchmark profile and reports it: the JMH groups below (each a set of workloads,
 * providers, store-by setting and thread count), merged into one raw JMH JSON file, then the heap
 * footprint of every provider, then the markdown table.
 *
 * <p>The short profile (default) is sized to finish in well under 15 minutes on 2 cores: one fork,
 * 3 × 1 s warm-up and 3 × 1 s measurement per trial, two threads only where contention matters. The
 * long profile ({@code --long}) runs every workload at 1 and 2 threads with 3 forks of 5 × 2 s
 * warm-up and 5 × 2 s measurement: about two hours.
 *
 * <p>The Redis and memcached groups run only when {@code --redis-port} / {@code --memcached-port}
 * name a server on 127.0.0.1 (run.sh starts them); their forks get the port as a system property.
 * Their short profile is 2 × 1 s warm-up and 2 × 1 s measurement (about 2 minutes for both stores),
 * so that the whole run.sh, memory groups and footprint included, stays under 15 minutes; each
 * remote trial also pays about 3 s to connect, fill 32,768 entries and delete them again.
 *
 * <p>Usage: {@code Profile [--long] [--out DIR] [--only REGEX] [--no-footprint] [--redis-port P]
 * [--memcached-port P] [--stores REGEX]}; {@code --only} keeps the workloads whose method name
 * matches, {@code --stores} the stores ({@code memory}, {@code redis}, {@code memcached}) whose name
 * matches, for a quick look at some of them.
 */
public final class Profile {

  private static final String JADUGAR = "jadugar";
  private static final String[] JCACHE_MEMORY = {JADUGAR, "caffeine-jcache", "ehcache", "cache2k"};
  private static final String[] ALL_MEMORY = {JADUGAR, "caffeine-jcache", "ehcache", "cache2k", "caffeine-native"};
  private static final String[] ALL_WORKLOADS = {"getHit", "getMiss", "put", "invokeIncrement",
      "getAll100", "putAll100", "zipfGetOrPut"};
  private static final String[] REDIS = {JADUGAR, "redisson-jcache", "redisson-native"};
  private static final String[] REDIS_WORKLOADS = {"getHit", "containsKeyHit", "put", "getAll100", "putAll100"};
  private static final String[] MEMCACHED = {JADUGAR, "memcached-native"};
  private static final String[] MEMCACHED_WORKLOADS = {"getHit", "containsKeyHit", "put", "getAll100"};
  private static final String[] HAZELCAST = {JADUGAR, "hazelcast-jcache", "hazelcast-native"};
  private static final String[] HAZELCAST_WORKLOADS = {"getHit", "put", "invokeIncrement", "getAll100", "putAll100"};
  /** Workloads where a second thread tells something: contention on reads, writes and eviction. */
  private static final String[] CONTENDED = {"getHit", "put", "invokeIncrement", "zipfGetOrPut"};

  /**
   * One JMH run: workloads of one benchmark class for some providers, one store-by, one thread count;
   * {@code jvmArgs} go to its forks (a server's port), {@code remote} picks the remote timing.
   */
  record Group(Class<?> benchmark, String[] methods, String[] providers, String storeBy, int threads,
      List<String> jvmArgs, boolean remote) {
    Group(Class<?> benchmark, String[] methods, String[] providers, String storeBy, int threads) {
      this(benchmark, methods, providers, storeBy, threads, List.of(), false);
    }

    int trials() {
      return methods.length * providers.length;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%s by-%s, %d thread%s: %d workloads × %d providers",
          benchmark.getSimpleName(), storeBy, threads, threads == 1 ? "" : "s", methods.length,
          providers.length);
    }
  }

  /** How long each trial runs. */
  record Timing(int forks, int warmups, int warmupSeconds, int measurements, int measurementSeconds) {
    /** Seconds per trial, with about 1.5 s per fork for starting the JVM and filling the cache. */
    double secondsPerTrial() {
      return forks * (warmups * warmupSeconds + measurements * measurementSeconds + 1.5);
    }

    /** Seconds per remote trial: connecting, filling over the network and cleaning up take about 3 s. */
    double secondsPerRemoteTrial() {
      return forks * (warmups * warmupSeconds + measurements * measurementSeconds + 3);
    }
  }

  private Profile() {}

  static List<Group> groups(boolean longProfile, Integer redisPort, Integer memcachedPort) {
    return groups(longProfile, redisPort, memcachedPort, null, null);
  }

  static List<Group> groups(boolean longProfile, Integer redisPort, Integer memcachedPort, Integer hazelcastPort,
      String hazelcastCluster) {
    List<Group> groups = new ArrayList<>();
    Class<?> memory = MemoryStoreBenchmark.class;
    // caffeine-native has no store-by-value: it only joins the by-reference groups
    groups.add(new Group(memory, ALL_WORKLOADS, ALL_MEMORY, "reference", 1));
    groups.add(new Group(memory, ALL_WORKLOADS, JCACHE_MEMORY, "value", 1));
    groups.add(new Group(memory, longProfile ? ALL_WORKLOADS : CONTENDED, ALL_MEMORY, "reference", 2));
    groups.add(new Group(memory, longProfile ? ALL_WORKLOADS : new String[] {"getHit", "put"},
        JCACHE_MEMORY, "value", 2));
    // remote stores: 1 thread, by value (they hold bytes); the network, not the thread count, is the story
    if (redisPort != null) {
      groups.add(new Group(RedisStoreBenchmark.class, REDIS_WORKLOADS, REDIS, "value", 1,
          List.of("-Dbench.redis.port=" + redisPort), true));
    }
    if (memcachedPort != null) {
      groups.add(new Group(MemcachedStoreBenchmark.class, MEMCACHED_WORKLOADS, MEMCACHED, "value", 1,
          // the client logs through its own stderr logger unless told to use SLF4J (kept at warn)
          List.of("-Dbench.memcached.port=" + memcachedPort,
              "-Dnet.spy.log.LoggerImpl=net.spy.memcached.compat.log.SLF4JLogger"), true));
    }
    if (hazelcastPort != null) {
      List<String> args = new ArrayList<>(List.of("-Dbench.hazelcast.port=" + hazelcastPort,
          "-Dbench.hazelcast.cluster=" + hazelcastCluster, "-Dhazelcast.phone.home.enabled=false",
          "-Djavax.cache.spi.CachingProvider=io.jadugar.jcache.JadugarCachingProvider"));
      // what Hazelcast's documentation lists for JDK 17, so that its clients print no warning
      args.addAll(List.of("--add-modules", "java.se", "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens", "java.management/sun.management=ALL-UNNAMED",
          "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED"));
      groups.add(new Group(HazelcastStoreBenchmark.class, HAZELCAST_WORKLOADS, HAZELCAST, "value", 1, args, true));
    }
    return groups;
  }

  /** The store a group measures: its benchmark class's name without "StoreBenchmark", in lower case. */
  static String store(Group g) {
    return g.benchmark().getSimpleName().replace("StoreBenchmark", "").toLowerCase(Locale.ROOT);
  }

  /** Runs the profile; see the class comment for the arguments. */
  public static void main(String[] args) throws IOException, RunnerException, InterruptedException {
    boolean longProfile = false;
    boolean footprint = true;
    Path out = Path.of("target", "benchmark-results");
    String only = null;
    Integer redisPort = null;
    Integer memcachedPort = null;
    Integer hazelcastPort = null;
    String hazelcastCluster = "dev";
    String stores = ".*";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--long" -> longProfile = true;
        case "--short" -> longProfile = false;
        case "--no-footprint" -> footprint = false;
        case "--out" -> out = Path.of(args[++i]);
        case "--only" -> only = args[++i];
        case "--redis-port" -> redisPort = Integer.valueOf(args[++i]);
        case "--memcached-port" -> memcachedPort = Integer.valueOf(args[++i]);
        case "--hazelcast-port" -> hazelcastPort = Integer.valueOf(args[++i]);
        case "--hazelcast-cluster" -> hazelcastCluster = args[++i];
        case "--stores" -> stores = args[++i];
        default -> throw new IllegalArgumentException("Unknown argument " + args[i]
            + "; expected [--long] [--out DIR] [--only REGEX] [--no-footprint] [--redis-port P]"
            + " [--memcached-port P] [--hazelcast-port P --hazelcast-cluster NAME] [--stores REGEX]");
      }
    }
    Timing timing = longProfile ? new Timing(3, 5, 2, 5, 2) : new Timing(1, 3, 1, 3, 1);
    Timing remoteTiming = longProfile ? timing : new Timing(1, 2, 1, 2, 1);
    if (redisPort == null) {
      System.out.println("No --redis-port: the Redis groups are skipped");
    }
    if (memcachedPort == null) {
      System.out.println("No --memcached-port: the memcached groups are skipped");
    }
    List<Group> groups = new ArrayList<>();
    String filter = only == null ? ".*" : only;
    if (hazelcastPort == null) {
      System.out.println("No --hazelcast-port: the Hazelcast group is skipped");
    }
    for (Group g : groups(longProfile, redisPort, memcachedPort, hazelcastPort, hazelcastCluster)) {
      if (!store(g).matches(stores)) {
        continue;
      }
      String[] methods = Arrays.stream(g.methods()).filter(m -> m.matches(filter)).toArray(String[]::new);
      if (methods.length > 0) {
        groups.add(new Group(g.benchmark(), methods, g.providers(), g.storeBy(), g.threads(), g.jvmArgs(),
            g.remote()));
      }
    }
    Files.createDirectories(out);
    int trials = groups.stream().mapToInt(Group::trials).sum();
    double seconds = 0;
    for (Group g : groups) {
      seconds += g.trials() * (g.remote() ? remoteTiming.secondsPerRemoteTrial() : timing.secondsPerTrial());
    }
    System.out.printf(Locale.ROOT, "%s profile: %d trials, about %.0f min of JMH, plus the footprint%n",
        longProfile ? "Long" : "Short", trials, seconds / 60);

    long started = System.nanoTime();
    List<RunResult> results = new ArrayList<>();
    int n = 0;
    for (Group g : groups) {
      n++;
      Path log = out.resolve("jmh-" + n + ".log");
      System.out.printf(Locale.ROOT, "[%d/%d] %s (log: %s)%n", n, groups.size(), g, log);
      Timing t = g.remote() ? remoteTiming : timing;
      List<String> jvmArgs = new ArrayList<>(List.of("-Xms2g", "-Xmx2g"));
      jvmArgs.addAll(g.jvmArgs());
      ChainedOptionsBuilder options = new OptionsBuilder()
          .include(g.benchmark().getName() + "\\.(" + String.join("|", g.methods()) + ")$")
          .param("provider", g.providers())
          .param("storeBy", g.storeBy())
          .threads(g.threads())
          .forks(t.forks())
          .warmupIterations(t.warmups())
          .warmupTime(TimeValue.seconds(t.warmupSeconds()))
          .measurementIterations(t.measurements())
          .measurementTime(TimeValue.seconds(t.measurementSeconds()))
          .timeUnit(TimeUnit.SECONDS)
          // the same fixed heap for every provider, so that GC sizing does not differ between them
          .jvmArgsAppend(jvmArgs.toArray(String[]::new))
          .output(log.toString());
      Collection<RunResult> run = new Runner(options.build()).run();
      results.addAll(run);
      System.out.printf(Locale.ROOT, "      %d results, %.1f min so far%n", run.size(),
          (System.nanoTime() - started) / 6e10);
    }
    Path jmhJson = out.resolve("jmh-result.json");
    try (PrintStream ps = new PrintStream(Files.newOutputStream(jmhJson), true, StandardCharsets.UTF_8)) {
      ResultFormatFactory.getInstance(ResultFormatType.JSON, ps).writeOut(results);
    }

    Path footprintJson = out.resolve("footprint.json");
    if (footprint) {
      System.out.println("Heap per entry, 1,000,000 entries, one JVM per provider and store-by:");
      List<String> lines = new ArrayList<>();
      for (String storeBy : new String[] {"reference", "value"}) {
        for (String provider : "reference".equals(storeBy) ? ALL_MEMORY : JCACHE_MEMORY) {
          String line = measureFootprint(provider, storeBy);
          System.out.println("      " + line);
          if (line.startsWith("{")) {
            lines.add(line);
          }
        }
      }
      Files.writeString(footprintJson, "[\n" + String.join(",\n", lines) + "\n]\n");
    }

    String table = ResultsTable.render(jmhJson, footprint ? footprintJson : null);
    Files.writeString(out.resolve("results.md"), table);
    System.out.println();
    System.out.print(table);
    System.out.printf(Locale.ROOT, "Raw JMH JSON: %s; table: %s; took %.1f min%n", jmhJson,
        out.resolve("results.md"), (System.nanoTime() - started) / 6e10);
  }

  /** Runs {@link io.jadugar.benchmarks.memory.Footprint} in a JVM of its own and returns its line. */
  private static String measureFootprint(String provider, String storeBy)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-Xms3g", "-Xmx3g", "-XX:+UseG1GC",
        "-cp", System.getProperty("java.class.path"),
        "io.jadugar.benchmarks.memory.Footprint", provider, storeBy, "1000000")
        .redirectErrorStream(true)
        .start();
    StringBuilder output = new StringBuilder();
    String result = null;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        output.append(line).append('\n');
        if (line.startsWith("{\"provider\"")) {
          result = line;
        }
      }
    }
    int exit = p.waitFor();
    return exit == 0 && result != null ? result
        : provider + " by-" + storeBy + " failed (exit " + exit + "): " + output.toString().strip();
  }
}
