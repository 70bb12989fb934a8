package io.jadugar.jcache.store.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.JadugarCachingProvider;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Listeners against a real 2-member cluster: they hear the changes another JVM makes, with old values,
 * their own JVM's changes once, and EXPIRED when Hazelcast drops an expired entry that nobody read.
 */
class HazelcastEventsTest {

  private static HazelcastCluster cluster;
  private JadugarCachingProvider provider;
  private CacheManager manager;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = HazelcastCluster.launch(2);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @BeforeEach
  void open() {
    Recorder.HEARD.clear();
    provider = new JadugarCachingProvider();
    Properties p = new Properties();
    p.setProperty("jadugar.hazelcast.cluster-name", cluster.clusterName());
    p.setProperty("jadugar.hazelcast.expiry-grace", "0ms");
    manager = provider.getCacheManager(URI.create("hazelcast://" + cluster.addresses()), getClass().getClassLoader(), p);
  }

  @AfterEach
  void close() {
    provider.close();
  }

  /** Records what it hears, as text. */
  public static final class Recorder implements CacheEntryCreatedListener<String, Integer>,
      CacheEntryUpdatedListener<String, Integer>, CacheEntryRemovedListener<String, Integer>,
      CacheEntryExpiredListener<String, Integer>, Serializable {
    static final List<String> HEARD = new CopyOnWriteArrayList<>();

    private static void record(Iterable<CacheEntryEvent<? extends String, ? extends Integer>> events) {
      for (CacheEntryEvent<? extends String, ? extends Integer> e : events) {
        HEARD.add(e.getEventType() + " " + e.getKey() + "=" + e.getValue() + " old=" + e.getOldValue());
      }
    }

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends Integer>> events) {
      record(events);
    }

    @Override
    public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends Integer>> events) {
      record(events);
    }

    @Override
    public void onRemoved(Iterable<CacheEntryEvent<? extends String, ? extends Integer>> events) {
      record(events);
    }

    @Override
    public void onExpired(Iterable<CacheEntryEvent<? extends String, ? extends Integer>> events) {
      record(events);
    }
  }

  private static MutableConfiguration<String, Integer> listened() {
    return new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class)
        .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
            FactoryBuilder.factoryOf(Recorder.class), null, true, true));
  }

  private static List<String> await(int n) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 15_000;
    while (Recorder.HEARD.size() < n && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    Thread.sleep(300); // nothing more may come
    return new ArrayList<>(Recorder.HEARD);
  }

  @Test
  void listenersHearAnotherJvmsChangesWithOldValuesAndTheirOwnOnce() throws Exception {
    Cache<String, Integer> cache = manager.createCache("heard", listened());
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(HazelcastCluster.JDK_OPENS);
    cmd.addAll(List.of("-Dhazelcast.phone.home.enabled=false", "-Dorg.slf4j.simpleLogger.log.com.hazelcast=warn",
        "-cp", System.getProperty("java.class.path"), HazelcastWorker.class.getName(),
        "changes", cluster.addresses(), cluster.clusterName(), "heard"));
    Process other = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
      for (String l = out.readLine(); l != null && !l.equals("done"); l = out.readLine()) {
        // wait for the other JVM's changes
      }
      assertTrue(other.waitFor(60, TimeUnit.SECONDS));
    } finally {
      other.destroyForcibly();
    }
    assertEquals(List.of("CREATED k=1 old=null", "UPDATED k=2 old=1", "REMOVED k=2 old=2"), await(3));
    Recorder.HEARD.clear();
    cache.put("j", 1);
    cache.put("j", 2);
    cache.remove("j");
    assertEquals(List.of("CREATED j=1 old=null", "UPDATED j=2 old=1", "REMOVED j=2 old=2"), await(3),
        "this JVM's own changes, each heard once");
  }

  @Test
  void expiredWhenHazelcastDropsAnEntryNobodyRead() throws Exception {
    Cache<String, Integer> cache = manager.createCache("expiring", listened()
        .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MILLISECONDS, 300))));
    cache.put("gone", 7);
    // nobody reads it: only Hazelcast's own expiry can tell
    List<String> heard = await(2);
    assertEquals(List.of("CREATED gone=7 old=null", "EXPIRED gone=7 old=7"), heard);
  }
}
