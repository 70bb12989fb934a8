package io.jadugar.jcache.store.memcached;

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
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.CacheException;
import net.spy.memcached.ClientMode;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.ConnectionObserver;
import net.spy.memcached.DefaultHashAlgorithm;
import net.spy.memcached.FailureMode;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.MemcachedNode;
import net.spy.memcached.NodeLocator;
import net.spy.memcached.OperationFactory;
import net.spy.memcached.ops.Operation;
import net.spy.memcached.ops.OperationCallback;
import net.spy.memcached.ops.OperationStatus;
import net.spy.memcached.ops.StatsOperation;
import net.spy.memcached.protocol.binary.BinaryOperationFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The memcached client(s) of one cache manager, shared by its caches.
 *
 * <p>{@link #disconnect()} shuts the clients down and {@link #connect()} starts new ones on the same
 * servers; the stores fetch the current client for every operation, so the caches opened before work
 * on. The clients' connection events feed the {@link ServerStates}, which the health check and the
 * state listeners read.
 */
final class MemcachedConnection implements StoreClient {

  private static final Logger LOG = LoggerFactory.getLogger(MemcachedConnection.class);
  /** Memcached's default item size limit ({@code -I 1m}). */
  static final long DEFAULT_ITEM_SIZE_LIMIT = 1024 * 1024;
  /** The longest wait for a server's answer to the probe at start-up. */
  private static final long PROBE_TIMEOUT_MILLIS = 1000;
  private static final Executor PROBES =
      Executors.newCachedThreadPool(io.jadugar.jcache.store.DaemonThreads.named("jadugar-memcached-probe"));

  /** Builds the {@code version} requests of a health check (the clients speak the binary protocol). */
  private static final OperationFactory HEALTH_OPS = new BinaryOperationFactory();

  static {
    // the client logs to stderr unless told otherwise; route it through SLF4J like the rest of Jadugar
    if (System.getProperty("net.spy.log.LoggerImpl") == null) {
      System.setProperty("net.spy.log.LoggerImpl", "net.spy.memcached.compat.log.SLF4JLogger");
    }
  }

  final List<InetSocketAddress> servers;
  final long timeoutMillis;
  final boolean missOnFailure;
  final boolean skipOversized;
  final long itemSizeLimit;
  /** Values not cached because they were too large, in {@code skip} mode. */
  final AtomicLong oversizedSkipped = new AtomicLong();
  /** Whether the servers take {@code lru_crawler metadump hash}; cleared at the first that does not. */
  volatile boolean hashWalks = true;
  /** Multi-get requests sent, one per server a batch touches. */
  final AtomicLong multiGets = new AtomicLong();
  private final URI uri;
  private final long reconnectMillis;
  private final int connections;
  private final ServerStates states = new ServerStates("memcached");

  /** The clients of one connect() and their copies of the ring (never null: kept while disconnected for ring lookups). */
  private record Pool(MemcachedClient[] clients, NodeLocator[] locators) {}

  private volatile Pool pool;
  /** Whether the clients are open: false after disconnect() and close(). */
  private volatile boolean open;
  /** The clients of each connect() have their own number; events of older ones are ignored. */
  private volatile int generation;
  private boolean closed;

  MemcachedConnection(URI uri, String serverList, Settings settings) {
    this.uri = uri;
    this.servers = parseServers(serverList);
    this.timeoutMillis = millis(settings.get(MemcachedStoreFactory.OPERATION_TIMEOUT), 2500);
    this.reconnectMillis = millis(settings.get(MemcachedStoreFactory.RECONNECT_DELAY), 2000);
    this.missOnFailure = "miss".equals(settings.get(MemcachedStoreFactory.FAILURE_MODE));
    this.skipOversized = "skip".equals(settings.get(MemcachedStoreFactory.OVERSIZED_VALUES));
    this.connections = settings.get(MemcachedStoreFactory.CONNECTIONS).intValue();
    List<InetSocketAddress> up = probeServers();
    Long limit = settings.get(MemcachedStoreFactory.ITEM_SIZE_LIMIT);
    this.itemSizeLimit = limit != null ? limit : serverItemSizeLimit(up);
    this.pool = start(up);
    this.open = true;
    LOG.info("memcached store on {} (failure mode {}, item size limit {} bytes, {} connection(s) per server)",
        servers, missOnFailure ? "miss" : "error", itemSizeLimit, connections);
  }

  /** Starts the clients, and waits a while for the connections to the servers that answered the probe. */
  private Pool start(List<InetSocketAddress> up) {
    int gen = ++generation;
    ConnectionObserver observer = new Events(gen);
    int n = connections;
    MemcachedClient[] clients = new MemcachedClient[n];
    try {
      for (int i = 0; i < n; i++) {
        clients[i] = new MemcachedClient(new ConnectionFactoryBuilder()
            .setClientMode(ClientMode.Static)
            // binary: the text protocol has no compare-and-delete, which remove(entry) needs
            .setProtocol(ConnectionFactoryBuilder.Protocol.BINARY)
            .setLocatorType(ConnectionFactoryBuilder.Locator.CONSISTENT)
            .setHashAlg(DefaultHashAlgorithm.KETAMA_HASH)
            // never Redistribute: a key written to another server while its own is away is read
            // back, stale, when its server goes away again (see MemcachedStore)
            .setFailureMode(FailureMode.Cancel)
            .setOpTimeout(timeoutMillis)
            .setMaxReconnectDelay(Math.max(1, (reconnectMillis + 999) / 1000))
            .setInitialObservers(List.of(observer))
            .setDaemon(true)
            .build(), servers);
      }
    } catch (IOException e) {
      generation++;
      shutdown(clients);
      throw new CacheException("Cannot start the memcached client for " + servers + ": " + e.getMessage(), e);
    }
    // getNodeLocator() copies the whole ketama ring on every call: take each client's copy once
    // (static mode: the ring never changes; its nodes report the live connection state)
    NodeLocator[] locators = new NodeLocator[n];
    for (int i = 0; i < n; i++) {
      locators[i] = clients[i].getNodeLocator();
    }
    awaitConnections(clients, up.size());
    return new Pool(clients, locators);
  }

  /** The clients' connection events, kept while their clients are the current ones. */
  private final class Events implements ConnectionObserver {
    private final int gen;

    Events(int gen) {
      this.gen = gen;
    }

    @Override
    public void connectionEstablished(SocketAddress sa, int reconnectCount) {
      if (gen == generation) {
        states.up(address(sa));
      }
    }

    @Override
    public void connectionLost(SocketAddress sa) {
      if (gen == generation) {
        states.down(address(sa), null);
      }
    }
  }

  /**
   * Asks every server for its version, at once and with a short timeout, so that a cache manager
   * whose servers are all unreachable, or one that is not memcached at all, fails when it is
   * created and names them. Servers down while others answer are logged: their keys are misses
   * until they return. Returns the servers that answered.
   */
  private List<InetSocketAddress> probeServers() {
    int timeout = (int) Math.min(timeoutMillis, PROBE_TIMEOUT_MILLIS);
    List<CompletableFuture<ServerProbe>> probes = new ArrayList<>();
    for (InetSocketAddress server : servers) {
      // in parallel: an unreachable host costs the connect timeout, once, not once per server
      probes.add(CompletableFuture.supplyAsync(() -> ServerProbe.probe(server, timeout), PROBES));
    }
    List<InetSocketAddress> up = new ArrayList<>();
    List<String> down = new ArrayList<>();
    List<String> foreign = new ArrayList<>();
    for (CompletableFuture<ServerProbe> f : probes) {
      ServerProbe p = f.join();
      if (p.ok()) {
        up.add(p.server());
      } else {
        (p.foreign() ? foreign : down).add(p.problem());
      }
    }
    if (!foreign.isEmpty()) {
      throw new ConfigurationException(String.join("; ", foreign) + " (servers: "
          + MemcachedStoreFactory.SERVERS.key() + " or the memcached:// URI)");
    }
    if (up.isEmpty()) {
      throw new CacheException("No memcached server is reachable: " + String.join("; ", down));
    }
    for (CompletableFuture<ServerProbe> f : probes) {
      ServerProbe p = f.join();
      if (!p.ok()) {
        // so that its first connection is heard as a server coming up
        states.markDown(address(p.server()), p.problem());
      }
    }
    if (!down.isEmpty()) {
      LOG.warn("{}; the cache starts on the other servers, the client keeps trying to reconnect, and until then "
          + "the keys of the missing servers are misses and their writes fail", String.join("; ", down));
    }
    return up;
  }

  /**
   * The client connects in the background; until it has, its operations on a server are cancelled.
   * Wait up to one operation timeout for the servers that answered the probe, so that a healthy
   * cluster starts healthy.
   */
  private void awaitConnections(MemcachedClient[] clients, int expected) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    for (MemcachedClient c : clients) {
      while (c.getAvailableServers().size() < expected && System.nanoTime() < deadline) {
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  @Override
  public Store open(StoreOptions options) {
    return new MemcachedStore(this, options);
  }

  /**
   * One of the clients, spread over the calling threads; fails at once, saying so, while the cache
   * manager is disconnected.
   */
  MemcachedClient client() {
    if (!open) {
      throw disconnected();
    }
    MemcachedClient[] clients = pool.clients();
    return clients.length == 1 ? clients[0] : clients[ThreadLocalRandom.current().nextInt(clients.length)];
  }

  /** The error of an operation while the cache manager is disconnected. */
  DisconnectedException disconnected() {
    return new DisconnectedException(uri, "memcached at " + hostPorts());
  }

  private String hostPorts() {
    List<String> a = new ArrayList<>();
    for (InetSocketAddress s : servers) {
      a.add(address(s));
    }
    return String.join(",", a);
  }

  /** The node of {@code client} that holds {@code key}. */
  MemcachedNode primary(MemcachedClient client, String key) {
    Pool p = pool;
    MemcachedClient[] clients = p.clients();
    NodeLocator[] locators = p.locators();
    for (int i = 0; i < clients.length; i++) {
      if (clients[i] == client) {
        return locators[i].getPrimary(key);
      }
    }
    return client.getNodeLocator().getPrimary(key);
  }

  /**
   * One key per server, each held by that server: {@code base:<n>} with the smallest {@code n} the
   * ring places there (static mode: the ring never changes). The i-th key is on {@code servers[i]}.
   */
  List<String> keyPerServer(String base) {
    String[] keys = new String[servers.size()];
    int found = 0;
    for (int n = 0; found < keys.length; n++) {
      if (n > 100_000) {
        throw new IllegalStateException("no key " + base + ":<n> lands on every one of " + servers);
      }
      String key = base + ":" + n;
      int i = servers.indexOf((InetSocketAddress) pool.locators()[0].getPrimary(key).getSocketAddress());
      if (i >= 0 && keys[i] == null) {
        keys[i] = key;
        found++;
      }
    }
    return List.of(keys);
  }

  /** The index in {@link #servers} of the server that holds {@code key}. */
  int serverIndex(String key) {
    return servers.indexOf((InetSocketAddress) pool.locators()[0].getPrimary(key).getSocketAddress());
  }

  /** The server that holds {@code key} now, for error messages. */
  String serverOf(String key) {
    try {
      SocketAddress a = pool.locators()[0].getPrimary(key).getSocketAddress();
      return describe(a);
    } catch (RuntimeException e) {
      return servers.toString();
    }
  }

  static String describe(SocketAddress a) {
    if (a instanceof InetSocketAddress) {
      InetSocketAddress i = (InetSocketAddress) a;
      return "memcached at " + i.getHostString() + ":" + i.getPort();
    }
    return "memcached at " + a;
  }

  /** {@code ip:port} of a server. */
  static String address(SocketAddress a) {
    if (a instanceof InetSocketAddress i) {
      return (i.getAddress() != null ? i.getAddress().getHostAddress() : i.getHostString()) + ":" + i.getPort();
    }
    return String.valueOf(a);
  }

  /** Records {@code message} as the last error of the server that holds {@code mkey}. */
  void error(String mkey, String message) {
    try {
      states.error(address(pool.locators()[0].getPrimary(mkey).getSocketAddress()), message);
    } catch (RuntimeException e) {
      LOG.debug("Cannot tell the server of key {}", mkey, e);
    }
  }

  /** Whether the clients are open and some server's connection is up now. */
  boolean anyServerUp() {
    return open && !pool.clients()[0].getAvailableServers().isEmpty();
  }

  @Override
  public boolean isConnected() {
    return open;
  }

  @Override
  public synchronized void connect() {
    if (open) {
      return;
    }
    if (closed) {
      throw new CacheException("The memcached client of " + hostPorts() + " is closed");
    }
    pool = start(probeServers());
    open = true;
    LOG.info("Reconnected to memcached at {}", hostPorts());
  }

  @Override
  public synchronized void disconnect() {
    if (!open) {
      return;
    }
    open = false;
    generation++; // the shutdown's own connection events are not news
    states.reset();
    shutdown(pool.clients());
    LOG.info("Disconnected from memcached at {}", hostPorts());
  }

  @Override
  public synchronized void close() {
    boolean wasOpen = open;
    open = false;
    closed = true;
    generation++;
    if (wasOpen) {
      shutdown(pool.clients());
    }
  }

  private void shutdown(MemcachedClient[] clients) {
    for (MemcachedClient c : clients) {
      if (c != null) {
        c.shutdown(timeoutMillis, TimeUnit.MILLISECONDS);
      }
    }
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
   * Sends {@code version} to every server over the client's own connection (the first client's),
   * all at once, and waits at most {@code timeout}. A server whose connection is down is not asked:
   * the client would only queue the request until it reconnects, so it did not answer.
   */
  @Override
  public HealthReport health(Duration timeout) {
    Instant checkedAt = Instant.now();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("connected", open);
    details.put("failureMode", missOnFailure ? "miss" : "error");
    details.put("itemSizeLimit", itemSizeLimit);
    List<ServerHealth> out = new ArrayList<>();
    if (!open) {
      for (InetSocketAddress s : servers) {
        out.add(states.health(address(s), null));
      }
      return HealthReport.of("memcached", out, details, checkedAt);
    }
    MemcachedClient client = pool.clients()[0];
    Map<SocketAddress, MemcachedNode> nodes = new LinkedHashMap<>();
    // the client's own nodes: getNodeLocator()'s copies are read-only and take no request
    for (MemcachedNode node : client.getConnection().getLocator().getAll()) {
      nodes.put(node.getSocketAddress(), node);
    }
    List<MemcachedNode> active = new ArrayList<>();
    for (MemcachedNode node : nodes.values()) {
      if (node.isActive()) {
        active.add(node);
      }
    }
    Map<SocketAddress, Long> answeredAt = new ConcurrentHashMap<>();
    Map<SocketAddress, String> refused = new ConcurrentHashMap<>();
    Map<SocketAddress, Operation> sent = new ConcurrentHashMap<>();
    long start = System.nanoTime();
    boolean all = active.isEmpty();
    if (!all) {
      CountDownLatch done = client.broadcastOp((node, latch) -> {
        SocketAddress sa = node.getSocketAddress();
        Operation op = HEALTH_OPS.version(new OperationCallback() {
          @Override
          public void receivedStatus(OperationStatus status) {
            if (status.isSuccess()) {
              answeredAt.put(sa, System.nanoTime());
            } else {
              refused.put(sa, String.valueOf(status.getMessage()));
            }
          }

          @Override
          public void complete() {
            latch.countDown();
          }
        });
        sent.put(sa, op);
        return op;
      }, active);
      try {
        all = done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (InetSocketAddress server : servers) {
      String a = address(server);
      MemcachedNode node = nodes.get(server);
      Long at = answeredAt.get(server);
      if (at != null) {
        out.add(states.health(a, Duration.ofNanos(Math.max(1, at - start))));
        continue;
      }
      String problem;
      if (node == null || !node.isActive() && !sent.containsKey(server)) {
        problem = "is not connected (the client keeps trying to reconnect)";
      } else if (refused.containsKey(server)) {
        problem = "answered 'version' with an error: " + refused.get(server);
      } else {
        problem = "did not answer 'version' within " + timeout.toMillis() + " ms";
        Operation op = sent.get(server);
        if (op != null && !all) {
          op.cancel(); // an answer after the deadline is of no use
        }
      }
      states.error(a, describe(server) + " " + problem);
      out.add(states.health(a, null));
    }
    return HealthReport.of("memcached", out, details, checkedAt);
  }

  /**
   * The {@code bytes} of {@code stats} (what memcached holds in its items, everyone's) summed over the
   * servers, asked all at once over the first client's connections and awaited at most {@code
   * timeout}; {@code null} if disconnected, or if a server is down or did not answer in time, since a
   * partial sum would pass for the whole.
   */
  Long serverBytes(Duration timeout) {
    if (!open) {
      return null;
    }
    try {
      MemcachedClient client = pool.clients()[0];
      Map<SocketAddress, MemcachedNode> nodes = new LinkedHashMap<>();
      for (MemcachedNode node : client.getConnection().getLocator().getAll()) {
        if (!node.isActive()) {
          return null;
        }
        nodes.put(node.getSocketAddress(), node);
      }
      Map<SocketAddress, Long> bytes = new ConcurrentHashMap<>();
      Map<SocketAddress, Operation> sent = new ConcurrentHashMap<>();
      CountDownLatch done = client.broadcastOp((node, latch) -> {
        SocketAddress sa = node.getSocketAddress();
        Operation op = HEALTH_OPS.stats(null, new StatsOperation.Callback() {
          @Override
          public void gotStat(String name, String value) {
            if ("bytes".equals(name)) {
              bytes.put(sa, Long.parseLong(value.trim()));
            }
          }

          @Override
          public void receivedStatus(OperationStatus status) {
            // the figure came with gotStat, or it did not
          }

          @Override
          public void complete() {
            latch.countDown();
          }
        });
        sent.put(sa, op);
        return op;
      }, nodes.values());
      if (!done.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        sent.values().forEach(Operation::cancel); // an answer after the deadline is of no use
        return null;
      }
      if (!bytes.keySet().containsAll(nodes.keySet())) {
        return null;
      }
      long sum = 0;
      for (long b : bytes.values()) {
        sum += b;
      }
      return sum;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (RuntimeException e) {
      LOG.debug("Cannot read the memory used by memcached at {}: {}", hostPorts(), e.toString());
      return null;
    }
  }

  /**
   * Sends a text-protocol command the client has no call for (such as {@code lru_crawler
   * metadump}) to {@code server} and returns its reply lines up to {@code END}.
   */
  List<String> command(InetSocketAddress server, String command) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(server, (int) Math.min(timeoutMillis, Integer.MAX_VALUE));
      s.setSoTimeout((int) Math.min(Math.max(timeoutMillis, 10_000), Integer.MAX_VALUE));
      OutputStream out = s.getOutputStream();
      out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      List<String> lines = new ArrayList<>();
      String line;
      while ((line = in.readLine()) != null) {
        if (line.equals("END") || line.equals("OK")) {
          return lines;
        }
        if (line.startsWith("ERROR") || line.startsWith("CLIENT_ERROR") || line.startsWith("SERVER_ERROR")
            || line.startsWith("BUSY")) {
          throw new IOException(describe(server) + " answered '" + line + "' to '" + command + "'");
        }
        lines.add(line);
      }
      throw new IOException(describe(server) + " closed the connection during '" + command + "'");
    }
  }

  private long serverItemSizeLimit(List<InetSocketAddress> up) {
    long limit = Long.MAX_VALUE;
    for (InetSocketAddress server : up) {
      try {
        for (String line : command(server, "stats settings")) {
          if (line.startsWith("STAT item_size_max ")) {
            limit = Math.min(limit, Long.parseLong(line.substring("STAT item_size_max ".length()).trim()));
          }
        }
      } catch (IOException | RuntimeException e) {
        LOG.debug("Cannot read the item size limit of {}: {}", describe(server), e.toString());
      }
    }
    return limit == Long.MAX_VALUE ? DEFAULT_ITEM_SIZE_LIMIT : limit;
  }

  private static long millis(Duration d, long otherwise) {
    return d == null ? otherwise : Math.max(1, d.toMillis());
  }

  static List<InetSocketAddress> parseServers(String list) {
    List<InetSocketAddress> out = new ArrayList<>();
    for (String part : list.split("[,\\s]+")) {
      if (part.isBlank()) {
        continue;
      }
      int colon = part.lastIndexOf(':');
      try {
        String host = colon < 0 ? part : part.substring(0, colon);
        int port = colon < 0 ? 11211 : Integer.parseInt(part.substring(colon + 1));
        if (host.startsWith("[") && host.endsWith("]")) {
          host = host.substring(1, host.length() - 1);
        }
        InetSocketAddress a = new InetSocketAddress(host, port);
        if (!out.contains(a)) {
          out.add(a); // twice the same server would be two nodes of one ring
        }
      } catch (IllegalArgumentException e) {
        throw new ConfigurationException("Bad memcached server '" + part + "' in '" + list
            + "' (key " + MemcachedStoreFactory.SERVERS.key() + "): expected host:port,host:port");
      }
    }
    if (out.isEmpty()) {
      throw new ConfigurationException("No memcached server in '" + list + "' (key "
          + MemcachedStoreFactory.SERVERS.key() + "): expected host:port,host:port");
    }
    return out;
  }
}
