package io.jadugar.jcache.store.hazelcast;

import static io.jadugar.jcache.store.hazelcast.HazelcastStoreFactory.*;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.partition.Partition;
import io.jadugar.jcache.configuration.ConfigurationException;
import io.jadugar.jcache.configuration.Settings;
import io.jadugar.jcache.health.HealthReport;
import io.jadugar.jcache.health.ServerHealth;
import io.jadugar.jcache.spi.Store;
import io.jadugar.jcache.spi.StoreClient;
import io.jadugar.jcache.spi.StoreOptions;
import io.jadugar.jcache.spi.StoreStateListener;
import io.jadugar.jcache.store.DisconnectedException;
import io.jadugar.jcache.store.ServerStates;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.cache.CacheException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Hazelcast instance of one cache manager: an embedded member or a client, shared with the other
 * cache managers of this JVM that have the same settings (see {@link HazelcastInstances}).
 *
 * <p>{@link #disconnect()} lets go of the instance and {@link #connect()} takes one again; the stores
 * fetch the current one for every operation, so the caches opened before work on. Membership events
 * feed the {@link ServerStates}, which the health check and the state listeners read.
 */
final class HazelcastStoreClient implements StoreClient {

  private static final Logger LOG = LoggerFactory.getLogger(HazelcastStoreClient.class);
  /** The map the health check reads a key of each member from. */
  private static final String HEALTH_MAP = HazelcastSpec.MAP_PREFIX + "health";

  private final URI uri;
  private final Settings settings;
  private final HazelcastSpec spec;
  private final String where;
  private final long grace;
  private final ServerStates states = new ServerStates("hazelcast");
  private final Set<HazelcastStore> stores = ConcurrentHashMap.newKeySet();
  /** A key of each partition, found once: the health check reads the one of a partition each member owns. */
  private final Map<Integer, Integer> probeKeys = new ConcurrentHashMap<>();
  private volatile HazelcastInstance instance;
  private UUID membershipListener;
  private UUID lifecycleListener;
  private boolean closed;

  HazelcastStoreClient(URI uri, Settings settings) {
    this.uri = uri;
    this.settings = settings;
    String authority = uri != null && "hazelcast".equalsIgnoreCase(uri.getScheme()) ? uri.getRawAuthority() : null;
    String list = authority != null ? authority : settings.get(MEMBERS);
    List<String> members = list == null ? null : addresses(list);
    Duration timeout = settings.get(CONNECT_TIMEOUT) == null ? DEFAULT_CONNECT_TIMEOUT : settings.get(CONNECT_TIMEOUT);
    Long port = settings.get(PORT);
    if (port != null && port > 65535) {
      throw new ConfigurationException("Bad value '" + port + "' for configuration key '" + PORT.key()
          + "': expected a port, 1 to 65535");
    }
    Long backups = settings.get(BACKUP_COUNT);
    if (backups != null && backups > 6) {
      throw new ConfigurationException("Bad value '" + backups + "' for configuration key '" + BACKUP_COUNT.key()
          + "': expected a whole number from 0 to 6 (Hazelcast's limit of synchronous backups)");
    }
    this.spec = new HazelcastSpec("member".equals(settings.get(MODE)), settings.get(CLUSTER_NAME), members,
        port == null ? null : port.intValue(), backups == null ? null : backups.intValue(),
        Math.max(1, timeout.toMillis()), settings.get(CONFIG));
    this.where = "hazelcast cluster " + (spec.clusterName() == null ? "" : "'" + spec.clusterName() + "' ")
        + (spec.member() ? "(this JVM a member) " : "") + "at " + String.join(",", spec.addresses());
    Duration g = settings.get(EXPIRY_GRACE);
    this.grace = (g == null ? DEFAULT_EXPIRY_GRACE : g).toMillis();
    start();
    LOG.info("Connected to {}", where);
  }

  /** {@code host:port} addresses from {@code host:port,host:port}, the port 5701 where none is given. */
  static List<String> addresses(String list) {
    List<String> out = new ArrayList<>();
    for (String a : list.split(",")) {
      String s = a.trim();
      if (s.isEmpty()) {
        continue;
      }
      if (s.contains("://")) {
        s = s.substring(s.indexOf("://") + 3);
      }
      int colon = s.lastIndexOf(':');
      if (colon < 0 || s.endsWith("]")) {
        s = s + ":5701";
      } else {
        try {
          int p = Integer.parseInt(s.substring(colon + 1));
          if (p < 1 || p > 65535) {
            throw new NumberFormatException();
          }
        } catch (NumberFormatException e) {
          throw new ConfigurationException("Bad value '" + list + "' for configuration key '" + MEMBERS.key()
              + "': expected member addresses host:port,host:port (port 1 to 65535)");
        }
      }
      out.add(s);
    }
    if (out.isEmpty()) {
      throw new ConfigurationException("Bad value '" + list + "' for configuration key '" + MEMBERS.key()
          + "': expected member addresses host:port,host:port");
    }
    return out;
  }

  private void start() {
    HazelcastInstance hz = HazelcastInstances.acquire(spec, () -> new CacheException(where
        + ": no member answered within " + spec.connectTimeoutMs() + " ms (tried "
        + String.join(", ", spec.addresses()) + ")"));
    instance = hz;
    for (Member m : hz.getCluster().getMembers()) {
      states.up(address(m));
    }
    membershipListener = hz.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent e) {
        states.up(address(e.getMember()));
      }

      @Override
      public void memberRemoved(MembershipEvent e) {
        states.down(address(e.getMember()), null);
      }
    });
    lifecycleListener = hz.getLifecycleService().addLifecycleListener(e -> {
      if (e.getState() == LifecycleEvent.LifecycleState.CLIENT_DISCONNECTED) {
        for (String a : spec.addresses()) {
          states.down(a, null);
        }
      } else if (e.getState() == LifecycleEvent.LifecycleState.CLIENT_CONNECTED) {
        // back (the same members, which send no membership event, or new ones on the same addresses)
        for (String a : spec.addresses()) {
          states.up(a);
        }
        for (Member m : hz.getCluster().getMembers()) {
          states.up(address(m));
        }
      }
    });
  }

  /** {@code ip:port} of a member. */
  static String address(Member m) {
    InetSocketAddress a = m.getSocketAddress();
    String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
    return host + ":" + a.getPort();
  }

  String where() {
    return where;
  }

  long grace() {
    return grace;
  }

  /** Whether this JVM is a member of the cluster (else a client of it). */
  boolean member() {
    return spec.member();
  }

  /** The current instance; fails at once, saying so, while the cache manager is disconnected. */
  HazelcastInstance instance() {
    HazelcastInstance hz = instance;
    if (hz == null) {
      throw new DisconnectedException(uri, where);
    }
    return hz;
  }

  /** The map of a cache, with its backups configured when the cache manager sets them (client mode). */
  <K, V> IMap<K, V> map(String name) {
    return instance().getMap(name);
  }

  /**
   * The error of operation {@code op} that failed with {@code e}: while disconnected, the
   * disconnected error; otherwise one that names the cluster and the cause.
   */
  CacheException fault(String op, RuntimeException e) {
    if (instance == null) {
      return new DisconnectedException(uri, where);
    }
    if (e instanceof CacheException ce) {
      return ce;
    }
    return new CacheException(where + " failed " + op + ": " + e, e);
  }

  @Override
  public Store open(StoreOptions options) {
    if (spec.backupCount() != null && !spec.member()) {
      configureMap(HazelcastStore.mapName(options));
    }
    HazelcastStore store = new HazelcastStore(this, options);
    stores.add(store);
    return store;
  }

  /** A client's backup count reaches the members as a dynamic map configuration. */
  private void configureMap(String name) {
    try {
      instance().getConfig().addMapConfig(new com.hazelcast.config.MapConfig(name).setBackupCount(spec.backupCount()));
    } catch (RuntimeException e) {
      LOG.warn("{}: could not set {} backups on map {} (the members' configuration stands): {}", where,
          spec.backupCount(), name, e.toString());
    }
  }

  void closed(HazelcastStore store) {
    stores.remove(store);
  }

  @Override
  public synchronized void connect() {
    if (closed) {
      throw new CacheException("The client of " + where + " is closed");
    }
    if (instance != null) {
      return;
    }
    start();
    for (HazelcastStore s : stores) {
      s.reconnected();
    }
    LOG.info("Reconnected to {}", where);
  }

  @Override
  public synchronized void disconnect() {
    if (instance == null) {
      return;
    }
    for (HazelcastStore s : stores) {
      s.disconnected();
    }
    let();
    states.reset();
    LOG.info("Disconnected from {}", where);
  }

  /** Lets go of the instance and of this client's listeners on it. */
  private void let() {
    HazelcastInstance hz = instance;
    instance = null;
    if (hz == null) {
      return;
    }
    try {
      if (hz.getLifecycleService().isRunning()) {
        hz.getCluster().removeMembershipListener(membershipListener);
        hz.getLifecycleService().removeLifecycleListener(lifecycleListener);
      }
    } catch (RuntimeException e) {
      LOG.debug("{}: could not remove listeners", where, e);
    }
    HazelcastInstances.release(spec, hz);
  }

  @Override
  public boolean isConnected() {
    return instance != null;
  }

  @Override
  public void addStateListener(StoreStateListener listener) {
    states.addListener(listener);
  }

  @Override
  public void removeStateListener(StoreStateListener listener) {
    states.removeListener(listener);
  }

  /**
   * Reads one key from every member at once (a key of a partition the member owns, from a map of its
   * own), each with {@code timeout}: the round trip is a real operation that member answered. Members
   * the cluster lists and configured addresses it does not (a seed that is down) are both reported.
   */
  @Override
  public HealthReport health(Duration timeout) {
    Instant checkedAt = Instant.now();
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("mode", spec.member() ? "member" : "client");
    HazelcastInstance hz = instance;
    details.put("connected", hz != null);
    if (hz == null || !hz.getLifecycleService().isRunning()) {
      List<ServerHealth> none = new ArrayList<>();
      for (String a : spec.addresses()) {
        none.add(states.health(a, null));
      }
      return HealthReport.of("hazelcast", none, details, checkedAt);
    }
    details.put("clusterName", hz.getConfig().getClusterName());
    List<Member> members = new ArrayList<>(hz.getCluster().getMembers());
    IMap<Integer, Integer> probe = hz.getMap(HEALTH_MAP);
    Map<Member, Integer> keys = new LinkedHashMap<>();
    try {
      for (Partition p : hz.getPartitionService().getPartitions()) {
        Member owner = p.getOwner();
        if (owner != null && !keys.containsKey(owner)) {
          keys.put(owner, probeKey(hz, p.getPartitionId()));
        }
      }
    } catch (RuntimeException e) {
      LOG.debug("{}: cannot read the partition table", where, e);
    }
    List<String> addresses = new ArrayList<>();
    List<CompletableFuture<Integer>> reads = new ArrayList<>();
    long[] starts = new long[members.size()];
    long[] ends = new long[members.size()];
    for (int i = 0; i < members.size(); i++) {
      Member m = members.get(i);
      addresses.add(address(m));
      Integer key = keys.get(m);
      starts[i] = System.nanoTime();
      final int at = i;
      CompletableFuture<Integer> f;
      if (key == null) {
        f = CompletableFuture.failedFuture(new IllegalStateException("owns no partition yet"));
      } else {
        try {
          f = probe.getAsync(key).toCompletableFuture();
        } catch (RuntimeException e) {
          f = CompletableFuture.failedFuture(e);
        }
      }
      reads.add(f.whenComplete((v, e) -> ends[at] = System.nanoTime()));
    }
    List<ServerHealth> servers = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (int i = 0; i < members.size(); i++) {
      String a = addresses.get(i);
      seen.add(a);
      String problem;
      try {
        reads.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        problem = null;
      } catch (TimeoutException e) {
        problem = "did not answer a read within " + timeout.toMillis() + " ms";
      } catch (ExecutionException e) {
        problem = e.getCause() instanceof IllegalStateException && String.valueOf(e.getCause().getMessage()).startsWith("owns no") ? "owns no partition yet (a migration to it is under way)" : "failed a read: " + e.getCause();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        problem = "health check interrupted";
      }
      if (problem == null) {
        servers.add(states.health(a, Duration.ofNanos(Math.max(1, ends[i] - starts[i]))));
      } else {
        states.error(a, "hazelcast member " + a + " " + problem);
        servers.add(states.health(a, null));
      }
    }
    for (String a : resolved(spec.addresses())) {
      if (!seen.contains(a)) {
        states.error(a, "hazelcast member " + a + " is not in the cluster");
        servers.add(states.health(a, null));
      }
    }
    return HealthReport.of("hazelcast", servers, details, checkedAt);
  }

  /** The configured addresses as {@code ip:port}. */
  private static List<String> resolved(List<String> addresses) {
    List<String> out = new ArrayList<>();
    for (String a : addresses) {
      int colon = a.lastIndexOf(':');
      String host = a.substring(0, colon).replace("[", "").replace("]", "");
      try {
        host = java.net.InetAddress.getByName(host).getHostAddress();
      } catch (java.net.UnknownHostException | SecurityException e) {
        // keep the name
      }
      out.add(host + ":" + a.substring(colon + 1));
    }
    return out;
  }

  /** A key that falls into {@code partition}: found by trying small integers, once per partition. */
  private Integer probeKey(HazelcastInstance hz, int partition) {
    Integer known = probeKeys.get(partition);
    if (known != null) {
      return known;
    }
    for (int k = 0; k < 100_000; k++) {
      int p = hz.getPartitionService().getPartition(k).getPartitionId();
      probeKeys.putIfAbsent(p, k);
      if (p == partition) {
        return k;
      }
    }
    return null;
  }

  @Override
  public synchronized void close() {
    closed = true;
    let();
  }
}
