package io.jadugar.jcache.store.redis;

import static io.jadugar.jcache.store.redis.RedisStoreFactory.*;

import io.jadugar.jcache.configuration.ConfigurationException;
import io.jadugar.jcache.configuration.Settings;
import io.jadugar.jcache.spi.Store;
import io.jadugar.jcache.spi.StoreClient;
import io.jadugar.jcache.spi.StoreOptions;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.cache.CacheException;
import org.redisson.Redisson;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.config.BaseConfig;
import org.redisson.config.Config;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One Redisson client, shared by the Redis caches of one cache manager. */
final class RedisStoreClient implements StoreClient {

  private static final Logger LOG = LoggerFactory.getLogger(RedisStoreClient.class);

  private final RedissonClient redisson;
  private final String where;
  private final Settings settings;

  RedisStoreClient(URI uri, Settings settings) {
    this.settings = settings;
    Config config = new Config();
    config.setCodec(ByteArrayCodec.INSTANCE);
    // EVALSHA with a NOSCRIPT fallback: scripts cross the wire once per server (and again after a restart)
    config.setUseScriptCache(true);
    config.setNettyThreads(4);
    config.setThreads(2);
    Duration connectTimeout = orDefault(settings.get(CONNECT_TIMEOUT), DEFAULT_CONNECT_TIMEOUT);
    Duration timeout = orDefault(settings.get(TIMEOUT), DEFAULT_TIMEOUT);
    BaseConfig<?> base;
    if (settings.get(CLUSTER_NODES) != null) {
      List<String> nodes = addresses(settings.get(CLUSTER_NODES));
      where = "redis cluster at " + String.join(",", nodes);
      RedisProtocolCheck.check("redis cluster node", nodes, connectTimeout, timeout);
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
      RedisProtocolCheck.check("redis sentinel", sentinels, connectTimeout, timeout);
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
      RedisProtocolCheck.check("redis at", List.of(address), connectTimeout, timeout);
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
      client.shutdown();
      throw RedisFaults.startup(where, e);
    }
    this.redisson = client;
    LOG.info("Connected to {}", where);
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

  /** Whether this is a Redis Cluster, where one command's keys must share a hash slot. */
  boolean cluster() {
    return redisson.getConfig().isClusterConfig();
  }

  /** Where the client connects, for error messages: {@code redis at 127.0.0.1:6379}. */
  String where() {
    return where;
  }

  RedissonClient redisson() {
    return redisson;
  }

  @Override
  public Store open(StoreOptions options) {
    if (redisson.isShutdown()) {
      throw new CacheException("The client of " + where + " is closed");
    }
    return new RedisStore(this, options, settings);
  }

  @Override
  public void close() {
    try {
      redisson.shutdown();
    } catch (RuntimeException e) {
      LOG.warn("Failed to close the client of {}", where, e);
    }
  }
}
