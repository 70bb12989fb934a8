package io.jadugar.jcache.store.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.JadugarCachingProvider;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two JVMs × 8 threads × 2,000 {@code invoke} increments on 10 keys against a real 3-member cluster
 * (backup count 1), and {@code kill -9} of one member's JVM in the middle: every counter ends exact (no
 * increment lost, none applied twice) and no entry is lost. The other JVM is always a client; the
 * test's JVM is a client of three member JVMs, or itself the third member beside two member JVMs.
 */
class HazelcastMemberKillTest {

  private static final int THREADS = 8;
  private static final int PER_THREAD = 2000;
  private static final int KEYS = 10;

  private static Process worker(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(HazelcastCluster.JDK_OPENS);
    cmd.addAll(List.of("-Dhazelcast.phone.home.enabled=false", "-Dorg.slf4j.simpleLogger.log.com.hazelcast=warn",
        "-Djavax.cache.spi.CachingProvider=io.jadugar.jcache.JadugarCachingProvider",
        "-cp", System.getProperty("java.class.path"), HazelcastWorker.class.getName()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  @ParameterizedTest(name = "this JVM a {0}")
  @ValueSource(strings = {"client", "member"})
  void killingAMemberMidLoadLosesNoIncrementAndAppliesNoneTwice(String mode) throws Exception {
    boolean member = mode.equals("member");
    try (HazelcastCluster cluster = member ? HazelcastCluster.launch(2, 1, 1) : HazelcastCluster.launch(3)) {
      JadugarCachingProvider provider = new JadugarCachingProvider();
      Process other = null;
      try {
        Properties p = new Properties();
        p.setProperty("jadugar.hazelcast.cluster-name", cluster.clusterName());
        if (member) {
          p.setProperty("jadugar.hazelcast.mode", "member");
          p.setProperty("jadugar.hazelcast.port", String.valueOf(cluster.embeddedPort(0)));
        }
        CacheManager manager = provider.getCacheManager(URI.create("hazelcast://"
            + (member ? cluster.allAddresses() : cluster.addresses())), getClass().getClassLoader(), p);
        if (member) {
          // the embedded member is the third: the load must run on a 3-member cluster
          com.hazelcast.core.HazelcastInstance here = com.hazelcast.core.Hazelcast.getAllHazelcastInstances().stream()
              .filter(h -> h.getConfig().getClusterName().equals(cluster.clusterName())).findFirst().orElseThrow();
          assertEquals(3, here.getCluster().getMembers().size());
        }
        List<String> downs = new java.util.concurrent.CopyOnWriteArrayList<>();
        manager.unwrap(io.jadugar.jcache.JadugarManager.class).addStoreStateListener(
            new io.jadugar.jcache.spi.StoreStateListener() {
              @Override
              public void down(String address, Throwable cause) {
                downs.add(address);
              }

              @Override
              public void up(String address) {}
            });
        Cache<String, Integer> counters = manager.createCache("counters",
            new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class));
        Cache<String, Integer> entries = manager.createCache("entries",
            new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class));
        Map<String, Integer> kept = new HashMap<>();
        for (int i = 0; i < 500; i++) {
          kept.put("e" + i, i);
        }
        entries.putAll(kept);

        other = worker("increment", cluster.addresses(), cluster.clusterName(), "counters",
            String.valueOf(THREADS), String.valueOf(PER_THREAD), String.valueOf(KEYS));
        BufferedReader out = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
        for (String l = out.readLine(); !"ready".equals(l); l = out.readLine()) {
          if (l == null) {
            throw new AssertionError("the other JVM ended before it was ready");
          }
        }
        Writer go = new OutputStreamWriter(other.getOutputStream(), StandardCharsets.UTF_8);
        go.write("go\n");
        go.flush();
        AtomicLong progress = new AtomicLong();
        long[] counts = new long[2];
        long start = System.currentTimeMillis();
        Thread here = new Thread(() -> {
          try {
            long[] c = HazelcastWorker.run(counters, THREADS, PER_THREAD, KEYS, progress);
            counts[0] = c[0];
            counts[1] = c[1];
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
        here.start();
        while (progress.get() < THREADS * PER_THREAD / 3 && here.isAlive()) {
          Thread.sleep(5);
        }
        long killedAt = System.currentTimeMillis();
        long done = progress.get();
        cluster.kill(1);
        System.out.println("this JVM a " + mode + ": killed member JVM 1 (port " + cluster.port(1) + ") after " + done
            + " increments here");
        here.join(TimeUnit.MINUTES.toMillis(3));
        long end = System.currentTimeMillis();
        String ran = null;
        for (String l = out.readLine(); l != null && !l.equals("done"); l = out.readLine()) {
          if (l.startsWith("ran ")) {
            ran = l;
          }
        }
        assertTrue(ran != null, "the other JVM reported its run");
        String[] r = ran.split(" ");
        long otherStart = Long.parseLong(r[1]);
        long otherEnd = Long.parseLong(r[2]);
        System.out.println("increments: here " + start + ".." + end + " (retries " + counts[0] + "), there "
            + otherStart + ".." + otherEnd + " (retries " + r[3] + "), member killed at " + killedAt);
        // the kill fell inside both JVMs' runs
        assertTrue(otherStart < killedAt && killedAt < otherEnd, "the other JVM was running when the member died");
        assertTrue(done < THREADS * PER_THREAD, "this JVM was running when the member died");
        assertTrue(other.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, other.exitValue());
        assertEquals(0, counts[1], "no increment of unknown outcome here");
        assertEquals("0", r[4], "no increment of unknown outcome there");
        for (int k = 0; k < KEYS; k++) {
          assertEquals(2 * THREADS * PER_THREAD / KEYS, counters.get("k" + k), "counter k" + k);
        }
        assertEquals(kept, entries.getAll(kept.keySet()), "no entry lost");
        // the member's death reached the cache manager's store state listeners, naming it
        assertTrue(downs.contains("127.0.0.1:" + cluster.port(1)), "heard down: " + downs);
        io.jadugar.jcache.health.HealthReport health = manager.unwrap(io.jadugar.jcache.JadugarManager.class).health();
        assertEquals(io.jadugar.jcache.health.HealthStatus.DEGRADED, health.status(), health.toString());
        assertTrue(health.servers().stream().anyMatch(
            h -> h.address().equals("127.0.0.1:" + cluster.port(1)) && !h.answered()), health.toString());
      } finally {
        if (other != null) {
          other.destroyForcibly();
        }
        provider.close();
      }
    }
  }
}
