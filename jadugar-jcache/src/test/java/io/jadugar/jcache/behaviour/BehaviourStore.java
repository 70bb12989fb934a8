package io.jadugar.jcache.behaviour;

import io.jadugar.jcache.store.hazelcast.HazelcastCluster;
import io.jadugar.jcache.store.memcached.MemcachedServer;
import io.jadugar.jcache.store.redis.RedisServer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import javax.cache.Caching;

/**
 * The store the behaviour tests run against, chosen by the system property
 * {@value #PROPERTY}: {@code memory} (unset), {@code redis}, {@code redis-cluster},
 * {@code memcached} (one server), {@code memcached-3} (three servers) or {@code hazelcast} (a client
 * of a 3-member cluster).
 *
 * <p>For a remote store it starts real servers on free loopback ports before the
 * first behaviour test and points the provider at them through {@code jadugar.*}
 * system properties, so the tests keep reaching the store only through
 * {@code Caching.getCachingProvider().getCacheManager()}. The surefire executions
 * {@code behaviour-<store>} of this module set the property; one store alone:
 * {@code mvn -pl jadugar-jcache test-compile surefire:test@behaviour-redis-cluster}.
 */
final class BehaviourStore {

  /** The system property naming the store. */
  static final String PROPERTY = "behaviour.store";

  /** The stores the behaviour tests know how to run against. */
  enum Kind {
    MEMORY("memory"),
    REDIS("redis"),
    REDIS_CLUSTER("redis-cluster"),
    MEMCACHED("memcached"),
    MEMCACHED_3("memcached-3"),
    HAZELCAST("hazelcast");

    final String label;

    Kind(String label) {
      this.label = label;
    }

    /** Redis (single or Cluster), memcached or Hazelcast: keeps bytes in other processes. */
    boolean remote() {
      return this != MEMORY;
    }

    boolean redis() {
      return this == REDIS || this == REDIS_CLUSTER;
    }

    boolean memcached() {
      return this == MEMCACHED || this == MEMCACHED_3;
    }
  }

  private static final List<AutoCloseable> SERVERS = new ArrayList<>();
  private static boolean started;
  private static RuntimeException startFailure;

  private BehaviourStore() {
  }

  /** The store chosen by {@value #PROPERTY}; an unknown name is an error naming the known ones. */
  static Kind kind() {
    String value = System.getProperty(PROPERTY, "").trim().toLowerCase(Locale.ROOT);
    if (value.isEmpty()) {
      return Kind.MEMORY;
    }
    for (Kind k : Kind.values()) {
      if (k.label.equals(value)) {
        return k;
      }
    }
    throw new IllegalArgumentException(PROPERTY + "=" + value + " is not one of memory, redis, "
        + "redis-cluster, memcached, memcached-3, hazelcast");
  }

  /**
   * Starts the chosen store's servers once per JVM and configures the provider for
   * them; every later call rethrows a failure of the first, so that each test class
   * fails with the cause instead of running against some other store.
   */
  static synchronized void ensureStarted() {
    if (startFailure != null) {
      throw startFailure;
    }
    if (started) {
      return;
    }
    try {
      start(kind());
      started = true;
    } catch (Exception | Error e) {
      stopServers();
      startFailure = new IllegalStateException("could not start the " + System.getProperty(PROPERTY)
          + " servers for the behaviour tests: " + e, e);
      throw startFailure;
    }
  }

  private static void start(Kind kind) throws Exception {
    String where;
    switch (kind) {
      case MEMORY:
        return;
      case REDIS: {
        RedisServer server = keep(RedisServer.launch());
        System.setProperty("jadugar.store", "redis");
        System.setProperty("jadugar.redis.address", server.address());
        where = server.address();
        break;
      }
      case REDIS_CLUSTER: {
        RedisServer.Cluster cluster = keep(RedisServer.Cluster.launch());
        System.setProperty("jadugar.store", "redis");
        System.setProperty("jadugar.redis.cluster.nodes", cluster.addresses());
        where = cluster.addresses();
        break;
      }
      case MEMCACHED:
      case MEMCACHED_3: {
        int n = kind == Kind.MEMCACHED ? 1 : 3;
        List<MemcachedServer> servers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          servers.add(keep(MemcachedServer.launch()));
        }
        where = servers.stream().map(MemcachedServer::hostPort).collect(Collectors.joining(","));
        System.setProperty("jadugar.store", "memcached");
        System.setProperty("jadugar.memcached.servers", where);
        break;
      }
      case HAZELCAST: {
        // a client of a 3-member cluster of separate JVMs
        HazelcastCluster cluster = keep(HazelcastCluster.launch(3));
        where = cluster.addresses();
        System.setProperty("jadugar.store", "hazelcast");
        System.setProperty("jadugar.hazelcast.members", where);
        System.setProperty("jadugar.hazelcast.cluster-name", cluster.clusterName());
        break;
      }
      default:
        throw new AssertionError(kind);
    }
    // Remote stores keep serialized bytes: the tests' own values, keys and processors
    // must pass the allow-list (the memory store's bytes never leave the JVM).
    String allow = System.getProperty("jadugar.serializer.allow", "").trim();
    String ours = BehaviourStore.class.getPackageName() + ".";
    System.setProperty("jadugar.serializer.allow", allow.isEmpty() ? ours : allow + "," + ours);
    Runtime.getRuntime().addShutdownHook(new Thread(BehaviourStore::stop, "behaviour-store-stop"));
    System.out.println("behaviour " + kind.label + ": servers at " + where);
  }

  private static <T extends AutoCloseable> T keep(T server) {
    SERVERS.add(server);
    return server;
  }

  /** Closes the provider's cache managers, then stops the servers (idempotent). */
  static synchronized void stop() {
    if (SERVERS.isEmpty()) {
      return;
    }
    try {
      Caching.getCachingProvider().close();
    } catch (RuntimeException e) {
      System.err.println("behaviour store: closing the caching provider failed: " + e);
    }
    stopServers();
  }

  private static void stopServers() {
    for (AutoCloseable server : SERVERS) {
      try {
        server.close();
      } catch (Exception e) {
        System.err.println("behaviour store: stopping " + server + " failed: " + e);
      }
    }
    SERVERS.clear();
  }
}
