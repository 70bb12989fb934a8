package io.jadugar.jcache.store.redis;

import static io.jadugar.jcache.store.redis.RedisStoreFactory.*;

import io.jadugar.jcache.configuration.ConfigurationException;
import io.jadugar.jcache.configuration.Settings;
import io.jadugar.jcache.spi.Store;
import io.jadugar.jcache.spi.StoreClient;
import io.jadugar.jcache.spi.StoreOptions;
import io.jadugar.jcache.health.HealthReport;
import io.jadugar.jcache.health.HealthStatus;
import io.jadugar.jcache.health.ServerHealth;
import io.jadugar.jcache.spi.StoreStateListener;
import io.jadugar.jcache.store.DisconnectedException;
import io.jadugar.jcache.store.ServerStates;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.CacheException;
import org.redisson.Redisson;
import org.redisson.api.NodeType;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.api.redisnode.RedisClusterMaster;
import org.redisson.api.redisnode.RedisNode;
import org.redisson.api.redisnode.RedisNodeAsync;
import org.redisson.api.redisnode.RedisNodes;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.config.BaseConfig;
import org.redisson.config.Config;
import org.redisson.connection.ConnectionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Redisson client at a time, shared by the Redis caches of one cache manager.
 *
 * <p>{@link #disconnect()} shuts the Redisson client down and {@link #connect()} creates a new one
 * from the same configuration; the stores fetch the current one for every operation, so the caches
 * opened before work on. Redisson's connection events feed the {@link ServerStates}, which the health
 * check and the state listeners read.
 */
final class RedisStoreClient implements StoreClient {

  private static final Logger LOG = LoggerFactory.getLogger(RedisStoreClient.class);

  /** One Redisson client and the script handle every store shares; replaced by each connect(). */
  record Connection(RedissonClient redisson, RScript script) {}

  private final URI uri;
  private final Config config;
  private final String where;
  /** {@code single}, {@code cluster} or {@code sentinel}. */
  private final String mode;
  /** What the protocol check calls the configured addresses, and those addresses. */
  private final String role;
  private final List<String> configured;
  /** The configured addresses as {@code ip:port}, the servers a health check names when it cannot ask Redisson. */
  private final List<String> seeds;
  private final Duration connectTimeout;
  private final Duration timeout;
  private final Settings settings;
  private final ServerStates states = new ServerStates("redis");
  /** Every address this client has heard of: error messages are matched against them. */
  private final Set<String> known = ConcurrentHashMap.newKeySet();
  private final Set<RedisStore> stores = ConcurrentHashMap.newKeySet();
  /** The Redisson client of each connect() has its own number; events of an old one are ignored. */
  private volatile int generation;
  /** The current client, or {@code null} while disconnected. */
  private volatile Connection connection;
  private boolean closed;

  RedisStoreClient(URI uri, Settings settings) {
    this.uri = uri;
    this.settings = settings;
    Config config = new Config();
    config.setCodec(ByteArrayCodec.INSTANCE);
    // EVALSHA with a NOSCRIPT fallback: scripts cross the wire once per server (and again after a restart)
    config.setUseScriptCache(true);
    config.setNettyThreads(4);
    config.setThreads(2);
    this.connectTimeout = orDefault(settings.get(CONNECT_TIMEOUT), DEFAULT_CONNECT_TIMEOUT);
    this.timeout = orDefault(settings.get(TIMEOUT), DEFAULT_TIMEOUT);
    BaseConfig<?> base;
    if (settings.get(CLUSTER_NODES) != null) {
      List<String> nodes = addresses(settings.get(CLUSTER_NODES));
      where = "redis cluster at " + String.join(",", nodes);
      mode = "cluster";
      role = "redis cluster node";
      configured = nodes;
      org.redisson.config.ClusterServersConfig cluster = config.useClusterServers();
      cluster.setNodeAddresses(nodes);
      base = cluster.setMasterConnectionPoolSize(pool(settings)).setMasterConnectionMinimumIdleSize(1)
          .setSlaveConnectionMinimumIdleSize(1).setSubscriptionConnectionMinimumIdleSize(1);
    } else if (settings.get(SENTINEL_MASTER) != null) {
      if (settings.get(SENTINEL_ADDRESSES) == null) {
        throw new ConfigurationException("Configuration key '" + SENTINEL_MASTER.key() + "' needs '"
            + SENTINEL_ADDRESSES.key() + "': the addresses of the Sentinels");
      }
      List<String> sentinels = addresses(settings.get(SENTINEL_ADDRESSES));
      where = "redis sentinel master " + settings.get(SENTINEL_MASTER) + " at " + String.join(",", sentinels);
      mode = "sentinel";
      role = "redis sentinel";
      configured = sentinels;
      org.redisson.config.SentinelServersConfig sentinel = config.useSentinelServers();
      sentinel.setSentinelAddresses(sentinels);
      // one Sentinel is a valid (if fragile) set-up; Redisson would otherwise demand two
      sentinel.setCheckSentinelsList(false);
      base = sentinel.setMasterName(settings.get(SENTINEL_MASTER))
          .setDatabase(settings.get(DATABASE).intValue()).setMasterConnectionPoolSize(pool(settings))
          .setMasterConnectionMinimumIdleSize(1).setSlaveConnectionMinimumIdleSize(1);
    } else {
      String address = settings.get(ADDRESS);
      if (address == null) {
        String scheme = uri == null || uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        address = (scheme.equals("redis") || scheme.equals("rediss")) && uri.getHost() != null
            ? scheme + "://" + uri.getHost() + ":" + (uri.getPort() < 0 ? 6379 : uri.getPort())
            : "redis://127.0.0.1:6379";
      }
      address = addresses(address).get(0);
      where = "redis at " + address.replaceFirst("^rediss?://", "");
      mode = "single";
      role = "redis at";
      configured = List.of(address);
      base = config.useSingleServer().setAddress(address).setDatabase(settings.get(DATABASE).intValue())
          .setConnectionPoolSize(pool(settings)).setConnectionMinimumIdleSize(1)
          .setSubscriptionConnectionMinimumIdleSize(1);
    }
    base.setConnectTimeout(millis(connectTimeout))
        .setTimeout(millis(timeout))
        .setRetryAttempts(settings.get(RETRY_ATTEMPTS).intValue())
        .setClientName("jadugar");
    if (settings.get(USERNAME) != null) {
      config.setUsername(settings.get(USERNAME));
    }
    if (settings.get(PASSWORD) != null) {
      config.setPassword(settings.get(PASSWORD));
    }
    if (settings.get(TRUSTSTORE) != null) {
      config.setSslTruststore(url(settings.get(TRUSTSTORE)));
      config.setSslTruststorePassword(settings.get(TRUSTSTORE_PASSWORD));
    }
    this.config = config;
    List<String> s = new ArrayList<>();
    for (String a : configured) {
      s.add(hostPort(URI.create(a)));
    }
    this.seeds = List.copyOf(s);
    known.addAll(seeds);
    this.connection = start();
    LOG.info("Connected to {}", where);
  }

  /** Checks the protocol, creates a Redisson client and proves it with one command. */
  private Connection start() {
    RedisProtocolCheck.check(role, configured, connectTimeout, timeout);
    int gen = ++generation;
    config.setConnectionListener(new Events(gen));
    RedissonClient client;
    try {
      client = Redisson.create(config);
    } catch (RuntimeException e) {
      throw RedisFaults.startup(where, e);
    }
    try {
      // fail now, with the cause, rather than at the first cache operation
      client.getScript(ByteArrayCodec.INSTANCE).eval(RScript.Mode.READ_ONLY, "return 1", RScript.ReturnType.LONG);
    } catch (RuntimeException e) {
      generation++;
      client.shutdown();
      throw RedisFaults.startup(where, e);
    }
    return new Connection(client, client.getScript(ByteArrayCodec.INSTANCE));
  }

  /** Redisson's connection events, kept while their client is the current one. */
  private final class Events implements ConnectionListener {
    private final int gen;

    Events(int gen) {
      this.gen = gen;
    }

    @Override
    public void onConnect(InetSocketAddress addr) {
      onConnect(addr, null);
    }

    @Override
    public void onConnect(InetSocketAddress addr, NodeType type) {
      if (gen == generation) {
        String a = address(addr);
        known.add(a);
        states.up(a);
      }
    }

    @Override
    public void onDisconnect(InetSocketAddress addr) {
      onDisconnect(addr, null);
    }

    @Override
    public void onDisconnect(InetSocketAddress addr, NodeType type) {
      if (gen == generation) {
        String a = address(addr);
        known.add(a);
        states.down(a, null);
      }
    }
  }

  private static int pool(Settings settings) {
    return settings.get(POOL_SIZE).intValue();
  }

  private static Duration orDefault(Duration d, Duration fallback) {
    return d == null ? fallback : d;
  }

  private static int millis(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
  }

  /** Addresses as Redisson takes them: {@code redis://host:port}, the scheme added when missing. */
  static List<String> addresses(String list) {
    List<String> out = new ArrayList<>();
    for (String a : list.split(",")) {
      String s = a.trim();
      if (s.isEmpty()) {
        continue;
      }
      out.add(s.contains("://") ? s : "redis://" + s);
    }
    if (out.isEmpty()) {
      throw new ConfigurationException("No Redis address in '" + list + "'");
    }
    return out;
  }

  private static URL url(String location) {
    try {
      return location.contains(":/") && !location.startsWith("/")
          ? new URL(location) : Path.of(location).toAbsolutePath().toUri().toURL();
    } catch (MalformedURLException e) {
      throw new ConfigurationException("Bad value '" + location + "' for configuration key '"
          + TRUSTSTORE.key() + "': expected a file path or URL");
    }
  }

  /** {@code ip:port} of an address as Redisson reports it. */
  static String address(InetSocketAddress a) {
    String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
    return host + ":" + a.getPort();
  }

  /** {@code ip:port} of a configured {@code redis://host:port}, the host resolved when it can be. */
  private static String hostPort(URI u) {
    int port = u.getPort() < 0 ? 6379 : u.getPort();
    String host = u.getHost() == null ? String.valueOf(u) : u.getHost();
    try {
      return InetAddress.getByName(host).getHostAddress() + ":" + port;
    } catch (UnknownHostException | SecurityException e) {
      return host + ":" + port;
    }
  }

  /** Whether this is a Redis Cluster, where one command's keys must share a hash slot. */
  boolean cluster() {
    return "cluster".equals(mode);
  }

  /** Where the client connects, for error messages: {@code redis at 127.0.0.1:6379}. */
  String where() {
    return where;
  }

  /** The current Redisson client; fails at once, saying so, while the cache manager is disconnected. */
  Connection connection() {
    Connection c = connection;
    if (c == null) {
      throw disconnected();
    }
    return c;
  }

  private CacheException disconnected() {
    return new DisconnectedException(uri, where);
  }

  /**
   * The error of an operation {@code op} that failed with {@code e}, recorded as the last error of
   * the server it names; while disconnected, the disconnected error instead of Redisson's own.
   */
  CacheException fault(String op, RuntimeException e, boolean write) {
    if (connection == null) {
      return disconnected();
    }
    CacheException error = write ? RedisFaults.write(where, op, e) : RedisFaults.operation(where, op, e);
    String server = serverOf(e);
    if (server != null) {
      states.error(server, error.getMessage());
    }
    return error;
  }

  /** The server an error names, or the only one there is; {@code null} if it cannot be told. */
  private String serverOf(Throwable e) {
    if (seeds.size() == 1 && "single".equals(mode)) {
      return seeds.get(0);
    }
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String m = String.valueOf(t.getMessage());
      for (String a : known) {
        if (m.contains(a)) {
          return a;
        }
      }
    }
    return null;
  }

  @Override
  public Store open(StoreOptions options) {
    RedisStore store = new RedisStore(this, options, settings);
    stores.add(store);
    return store;
  }

  /** Forgets a store that closed. */
  void closed(RedisStore store) {
    stores.remove(store);
  }

  @Override
  public synchronized void connect() {
    if (closed) {
      throw new CacheException("The client of " + where + " is closed");
    }
    if (connection != null) {
      return;
    }
    Connection c = start();
    connection = c;
    for (RedisStore s : stores) {
      s.reconnected(c);
    }
    LOG.info("Reconnected to {}", where);
  }

  @Override
  public synchronized void disconnect() {
    Connection c = connection;
    if (c == null) {
      return;
    }
    connection = null;
    generation++; // the shutdown's own disconnect events are not news
    states.reset();
    for (RedisStore s : stores) {
      s.disconnected();
    }
    shutdown(c);
    LOG.info("Disconnected from {}", where);
  }

  @Override
  public boolean isConnected() {
    return connection != null;
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
   * PINGs every master (a single server, each Cluster master, Sentinel's current master) through
   * Redisson's own connections, all at once, each with {@code timeout}. A Cluster whose masters all
   * answer but which reports {@code cluster_state:fail} (slots without a master) is DEGRADED.
   */
  @Override
  public HealthReport health(Duration timeout) {
    Instant checkedAt = Instant.now();
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("mode", mode);
    Connection c = connection;
    details.put("connected", c != null);
    if (c == null) {
      return HealthReport.of("redis", unanswered(seeds), details, checkedAt);
    }
    List<RedisNode> nodes;
    try {
      nodes = nodes(c.redisson());
    } catch (RuntimeException e) {
      LOG.debug("Cannot list the nodes of {}", where, e);
      nodes = List.of();
    }
    if (nodes.isEmpty()) {
      details.put("error", "Redisson knows no master of " + where);
      return HealthReport.of("redis", unanswered(seeds), details, checkedAt);
    }
    List<String> addresses = new ArrayList<>();
    List<CompletableFuture<Boolean>> pings = new ArrayList<>();
    List<AtomicLong> ends = new ArrayList<>();
    long[] starts = new long[nodes.size()];
    for (int i = 0; i < nodes.size(); i++) {
      RedisNode node = nodes.get(i);
      String a = address(node.getAddr());
      known.add(a);
      addresses.add(a);
      AtomicLong end = new AtomicLong();
      ends.add(end);
      starts[i] = System.nanoTime();
      CompletableFuture<Boolean> f;
      try {
        // every master type (single, Cluster, Sentinel) is also a RedisNodeAsync
        f = ((RedisNodeAsync) node).pingAsync(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS)
            .toCompletableFuture();
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      // the round trip ends when the answer arrives, not when this thread gets to look at it
      pings.add(f.whenComplete((ok, e) -> end.set(System.nanoTime())));
    }
    List<ServerHealth> servers = new ArrayList<>();
    String clusterState = null;
    for (int i = 0; i < nodes.size(); i++) {
      String a = addresses.get(i);
      String problem;
      try {
        Boolean ok = pings.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        problem = Boolean.TRUE.equals(ok) ? null : "did not answer PING";
      } catch (TimeoutException e) {
        problem = "did not answer PING within " + timeout.toMillis() + " ms";
      } catch (ExecutionException e) {
        problem = "failed PING: " + RedisFaults.cause(e.getCause()) + " (" + e.getCause().getMessage() + ")";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        problem = "health check interrupted";
      }
      if (problem == null) {
        servers.add(states.health(a, Duration.ofNanos(Math.max(1, ends.get(i).get() - starts[i]))));
        if (clusterState == null && nodes.get(i) instanceof RedisClusterMaster m) {
          clusterState = clusterState(m, deadline);
        }
      } else {
        states.error(a, "redis at " + a + " " + problem + (states.isDown(a) ? " (its connection is lost)" : ""));
        servers.add(states.health(a, null));
      }
    }
    HealthReport report = HealthReport.of("redis", servers, details, checkedAt);
    if (clusterState != null) {
      details.put("clusterState", clusterState);
      HealthStatus status = report.status();
      if (!"ok".equals(clusterState) && status == HealthStatus.UP) {
        status = HealthStatus.DEGRADED; // every master we know answers, yet some slots have none
      }
      report = new HealthReport(status, "redis", servers, details, checkedAt);
    }
    return report;
  }

  /**
   * {@code used_memory} of {@code INFO memory} summed over the masters (the single server, each
   * Cluster master, Sentinel's current master), all asked at once, each answer awaited until
   * {@code timeout} has passed; {@code null} if disconnected or if some master did not answer in time,
   * since a partial sum would pass for the whole.
   */
  Long usedMemory(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Connection c = connection;
    if (c == null) {
      return null;
    }
    try {
      List<CompletableFuture<Map<String, String>>> answers = new ArrayList<>();
      for (RedisNode node : nodes(c.redisson())) {
        answers.add(((RedisNodeAsync) node).infoAsync(RedisNode.InfoSection.MEMORY).toCompletableFuture());
      }
      if (answers.isEmpty()) {
        return null;
      }
      long sum = 0;
      for (CompletableFuture<Map<String, String>> a : answers) {
        String used = a.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS).get("used_memory");
        if (used == null) {
          return null;
        }
        sum += Long.parseLong(used.trim());
      }
      return sum;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      LOG.debug("Cannot read the memory used by {}: {}", where, e.toString());
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * How many masters hold {@code redisKeys}, the round trips of one batch of them: one outside a
   * Cluster. On a Cluster Redisson sends a batch as one pipeline per master, which it finds in its own
   * map of slots to masters; the count reads that same map (Redisson's internal API: if it is not
   * there, every master counts, an upper bound).
   */
  int masters(Collection<String> redisKeys) {
    if (redisKeys.isEmpty()) {
      return 0;
    }
    if (!cluster() || redisKeys.size() == 1) {
      return 1;
    }
    RedissonClient redisson = connection().redisson();
    try {
      org.redisson.connection.ConnectionManager slots =
          ((Redisson) redisson).getCommandExecutor().getConnectionManager();
      Set<Object> masters = new java.util.HashSet<>();
      for (String k : redisKeys) {
        masters.add(slots.getWriteEntry(slots.calcSlot(k)));
      }
      return masters.size();
    } catch (RuntimeException | LinkageError e) {
      LOG.debug("Cannot read Redisson's slot map of {}: {}", where, e.toString());
      return Math.min(redisKeys.size(), redisson.getRedisNodes(RedisNodes.CLUSTER).getMasters().size());
    }
  }

  /** The masters to ping: the single server, every Cluster master, or Sentinel's current master. */
  private List<RedisNode> nodes(RedissonClient redisson) {
    List<RedisNode> out = new ArrayList<>();
    switch (mode) {
      case "cluster" -> out.addAll(redisson.getRedisNodes(RedisNodes.CLUSTER).getMasters());
      case "sentinel" -> out.add(redisson.getRedisNodes(RedisNodes.SENTINEL_MASTER_SLAVE).getMaster());
      default -> out.add(redisson.getRedisNodes(RedisNodes.SINGLE).getInstance());
    }
    out.removeIf(n -> n == null);
    out.sort((x, y) -> address(x.getAddr()).compareTo(address(y.getAddr())));
    return out;
  }

  /** {@code cluster_state} as {@code master} reports it, or {@code null} if it cannot say before the deadline. */
  private String clusterState(RedisClusterMaster master, long deadline) {
    try {
      Map<String, String> info = master.clusterInfoAsync().toCompletableFuture()
          .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      return info.get("cluster_state");
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private List<ServerHealth> unanswered(Collection<String> addresses) {
    List<ServerHealth> out = new ArrayList<>();
    for (String a : addresses) {
      out.add(states.health(a, null));
    }
    return out;
  }

  @Override
  public synchronized void close() {
    closed = true;
    Connection c = connection;
    connection = null;
    generation++;
    if (c != null) {
      shutdown(c);
    }
  }

  private void shutdown(Connection c) {
    try {
      c.redisson().shutdown();
    } catch (RuntimeException e) {
      LOG.warn("Failed to close the client of {}", where, e);
    }
  }
}
