package io.jadugar.jcache.store.memcached;

import io.jadugar.jcache.configuration.ConfigurationException;
import io.jadugar.jcache.configuration.Settings;
import io.jadugar.jcache.spi.Store;
import io.jadugar.jcache.spi.StoreClient;
import io.jadugar.jcache.spi.StoreOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.CacheException;
import net.spy.memcached.ClientMode;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.DefaultHashAlgorithm;
import net.spy.memcached.FailureMode;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.MemcachedNode;
import net.spy.memcached.NodeLocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The memcached client(s) of one cache manager, shared by its caches. */
final class MemcachedConnection implements StoreClient {

  private static final Logger LOG = LoggerFactory.getLogger(MemcachedConnection.class);
  /** Memcached's default item size limit ({@code -I 1m}). */
  static final long DEFAULT_ITEM_SIZE_LIMIT = 1024 * 1024;
  /** The longest wait for a server's answer to the probe at start-up. */
  private static final long PROBE_TIMEOUT_MILLIS = 1000;
  private static final Executor PROBES = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "jadugar-memcached-probe");
    t.setDaemon(true);
    return t;
  });

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
  private final MemcachedClient[] clients;
  private final NodeLocator[] locators;

  MemcachedConnection(String serverList, Settings settings) {
    this.servers = parseServers(serverList);
    this.timeoutMillis = millis(settings.get(MemcachedStoreFactory.OPERATION_TIMEOUT), 2500);
    long reconnectMillis = millis(settings.get(MemcachedStoreFactory.RECONNECT_DELAY), 2000);
    this.missOnFailure = "miss".equals(settings.get(MemcachedStoreFactory.FAILURE_MODE));
    this.skipOversized = "skip".equals(settings.get(MemcachedStoreFactory.OVERSIZED_VALUES));
    List<InetSocketAddress> up = probeServers();
    Long limit = settings.get(MemcachedStoreFactory.ITEM_SIZE_LIMIT);
    this.itemSizeLimit = limit != null ? limit : serverItemSizeLimit(up);
    int n = settings.get(MemcachedStoreFactory.CONNECTIONS).intValue();
    this.clients = new MemcachedClient[n];
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
            .setDaemon(true)
            .build(), servers);
      }
    } catch (IOException e) {
      close();
      throw new CacheException("Cannot start the memcached client for " + servers + ": " + e.getMessage(), e);
    }
    // getNodeLocator() copies the whole ketama ring on every call: take each client's copy once
    // (static mode: the ring never changes; its nodes report the live connection state)
    this.locators = new NodeLocator[n];
    for (int i = 0; i < n; i++) {
      locators[i] = clients[i].getNodeLocator();
    }
    awaitConnections(up.size());
    LOG.info("memcached store on {} (failure mode {}, item size limit {} bytes, {} connection(s) per server)",
        servers, missOnFailure ? "miss" : "error", itemSizeLimit, n);
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
  private void awaitConnections(int expected) {
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

  /** One of the clients, spread over the calling threads. */
  MemcachedClient client() {
    return clients.length == 1 ? clients[0] : clients[ThreadLocalRandom.current().nextInt(clients.length)];
  }

  /** The node of {@code client} that holds {@code key}. */
  MemcachedNode primary(MemcachedClient client, String key) {
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
      int i = servers.indexOf((InetSocketAddress) locators[0].getPrimary(key).getSocketAddress());
      if (i >= 0 && keys[i] == null) {
        keys[i] = key;
        found++;
      }
    }
    return List.of(keys);
  }

  /** The index in {@link #servers} of the server that holds {@code key}. */
  int serverIndex(String key) {
    return servers.indexOf((InetSocketAddress) locators[0].getPrimary(key).getSocketAddress());
  }

  /** The server that holds {@code key} now, for error messages. */
  String serverOf(String key) {
    try {
      SocketAddress a = locators[0].getPrimary(key).getSocketAddress();
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

  /** Whether any server answers now. */
  boolean isConnected() {
    return !clients[0].getAvailableServers().isEmpty();
  }

  @Override
  public void close() {
    for (MemcachedClient c : clients) {
      if (c != null) {
        c.shutdown(timeoutMillis, TimeUnit.MILLISECONDS);
      }
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
