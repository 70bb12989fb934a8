package io.jadugar.jcache.store.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import io.jadugar.jcache.testing.Ports;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Hazelcast cluster for tests: members in their own JVMs, on free loopback ports, TCP-IP join
 * (multicast and auto-detection off), a fresh cluster name, phone-home off, no wait before joining.
 * Each member JVM runs Hazelcast's own {@code HazelcastMemberStarter} with nothing but Hazelcast's
 * jar on its class path (neither Jadugar's classes nor the tests' value classes), from a generated
 * {@code hazelcast.yaml}. Members start one after another, each awaited until it reports that it
 * sees all the members started so far. Some ports can be reserved for members that the test's own
 * JVM embeds; they are in every member's list.
 */
public final class HazelcastCluster implements AutoCloseable {

  /** What Hazelcast's documentation lists for JDK 17, so that it warns of nothing. */
  public static final List<String> JDK_OPENS = List.of(
      "--add-modules", "java.se",
      "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang=ALL-UNNAMED",
      "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens", "java.management/sun.management=ALL-UNNAMED",
      "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");

  private final String clusterName = "jadugar-test-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<Integer> ports = new ArrayList<>();
  private final List<Integer> embeddedPorts = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  private final int backupCount;
  private final Path dir;

  private HazelcastCluster(int members, int embedded, int backupCount) throws IOException {
    this.backupCount = backupCount;
    this.dir = Files.createTempDirectory("hazelcast-" + clusterName);
    for (int i = 0; i < members; i++) {
      ports.add(Ports.free());
    }
    for (int i = 0; i < embedded; i++) {
      embeddedPorts.add(Ports.free());
    }
  }

  /** Starts {@code members} member JVMs forming one cluster (backup count 1). */
  public static HazelcastCluster launch(int members) throws IOException {
    return launch(members, 0, 1);
  }

  /**
   * Starts {@code members} member JVMs, with {@code embedded} more ports reserved for members of the
   * test's JVM (see {@link #embeddedPort}), each map {@code jadugar:*} with {@code backupCount} backups.
   */
  public static HazelcastCluster launch(int members, int embedded, int backupCount) throws IOException {
    HazelcastCluster c = new HazelcastCluster(members, embedded, backupCount);
    try {
      for (int i = 0; i < members; i++) {
        c.start(i, i + 1);
      }
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
    return c;
  }

  public String clusterName() {
    return clusterName;
  }

  /** The member JVMs' addresses, {@code 127.0.0.1:port,...}. */
  public String addresses() {
    return ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
  }

  /** Every member's address, the embedded ones' too. */
  public String allAddresses() {
    List<Integer> all = new ArrayList<>(ports);
    all.addAll(embeddedPorts);
    return all.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
  }

  /** The {@code i}-th port reserved for a member of the test's JVM. */
  public int embeddedPort(int i) {
    return embeddedPorts.get(i);
  }

  /** The port of member JVM {@code i}. */
  public int port(int i) {
    return ports.get(i);
  }

  /** The process of member JVM {@code i}. */
  public Process process(int i) {
    return processes.get(i);
  }

  /** {@code kill -9} of member JVM {@code i}: no goodbye to the cluster. */
  public void kill(int i) throws InterruptedException {
    Process p = processes.get(i);
    p.destroyForcibly();
    p.waitFor(10, TimeUnit.SECONDS);
  }

  /**
   * Starts member JVM {@code i} again, on its port and with its configuration, after {@link #kill};
   * returns once it sees {@code members} members (itself included).
   */
  public void restart(int i, int members) throws IOException {
    if (processes.get(i).isAlive()) {
      throw new IllegalStateException("member JVM " + i + " is still running");
    }
    start(i, members);
  }

  private void start(int i, int expected) throws IOException {
    int port = ports.get(i);
    Path yaml = dir.resolve("member-" + port + ".yaml");
    List<Integer> all = new ArrayList<>(ports);
    all.addAll(embeddedPorts);
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(yaml, StandardCharsets.UTF_8))) {
      w.println("hazelcast:");
      w.println("  cluster-name: " + clusterName);
      w.println("  properties:");
      w.println("    hazelcast.phone.home.enabled: false");
      w.println("    hazelcast.wait.seconds.before.join: 0");
      w.println("    hazelcast.operation.fail.on.indeterminate.state: true");
      w.println("    hazelcast.internal.map.expiration.task.period.seconds: 1");
      w.println("    hazelcast.socket.bind.any: false");
      w.println("  network:");
      w.println("    port:");
      w.println("      auto-increment: false");
      w.println("      port: " + port);
      w.println("    interfaces:");
      w.println("      enabled: true");
      w.println("      interfaces: [127.0.0.1]");
      w.println("    join:");
      w.println("      multicast: {enabled: false}");
      w.println("      auto-detection: {enabled: false}");
      w.println("      tcp-ip:");
      w.println("        enabled: true");
      w.println("        member-list: [" + all.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(", ")) + "]");
      w.println("  map:");
      w.println("    \"jadugar:*\":");
      w.println("      backup-count: " + backupCount);
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(JDK_OPENS);
    cmd.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Dhazelcast.config=" + yaml, "-Dhazelcast.phone.home.enabled=false", "-Djava.net.preferIPv4Stack=true",
        "-cp", hazelcastJar(), "com.hazelcast.core.server.HazelcastMemberStarter"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    if (i < processes.size()) {
      processes.set(i, p); // a restart: closing the cluster ends the new process
    } else {
      processes.add(p);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
    Path log = dir.resolve("member-" + port + "-" + System.nanoTime() + ".log");
    CountDownLatch joined = new CountDownLatch(1);
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
          PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
        for (String l = r.readLine(); l != null; l = r.readLine()) {
          out.println(l);
          if (l.contains("Members {size:" + expected + ",")) {
            joined.countDown();
          }
        }
      } catch (IOException e) {
        // the member ended
      }
    }, "hazelcast-member-" + port);
    reader.setDaemon(true);
    reader.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (!joined.await(200, TimeUnit.MILLISECONDS)) {
        boolean died = !p.isAlive();
        if (died || System.nanoTime() > deadline) {
          reader.join(2_000); // the rest of what it printed
          // the log goes with the cluster's directory: the failure carries its end
          throw new IOException("hazelcast member on port " + port + (died ? " exited with " + p.exitValue()
              + " before it saw " : " did not see ") + expected + " members within 90 s; its log ends:\n" + tail(log));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /** Where Hazelcast's jar (or classes) is, for the members' class path. */
  static String hazelcastJar() {
    try {
      return Path.of(HazelcastInstance.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }


  @Override
  public void close() {
    for (Process p : processes) {
      p.destroyForcibly();
    }
    for (Process p : processes) {
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    // the members' configuration files and logs
    try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // left in the temporary directory
    }
  }
}
