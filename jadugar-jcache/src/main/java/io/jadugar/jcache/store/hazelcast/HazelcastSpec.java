package io.jadugar.jcache.store.hazelcast;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.client.config.XmlClientConfigBuilder;
import com.hazelcast.client.config.YamlClientConfigBuilder;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import io.jadugar.jcache.configuration.ConfigurationException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * What one Hazelcast instance of this store is: member or client, cluster, addresses, port, backups,
 * timeout and the user's own configuration file. Equal specs share one instance in a JVM.
 *
 * @param member whether this JVM is an embedded member (else a client)
 * @param clusterName the cluster's name, or {@code null} for the file's (else {@code dev})
 * @param members addresses, {@code host:port}; {@code null} for the file's (else 127.0.0.1:5701)
 * @param port the embedded member's port, or {@code null}
 * @param backupCount backups of each cache's map, or {@code null}
 * @param connectTimeoutMs how long a client tries to reach the cluster
 * @param configFile the user's configuration file (path or {@code classpath:name}), or {@code null}
 */
record HazelcastSpec(boolean member, String clusterName, List<String> members, Integer port,
    Integer backupCount, long connectTimeoutMs, String configFile) {

  /** The prefix of every cache's map name; a map configuration for {@code jadugar:*} applies to all. */
  static final String MAP_PREFIX = "jadugar:";

  /** The addresses that are tried, for error messages. */
  List<String> addresses() {
    return members == null ? List.of(HazelcastStoreFactory.DEFAULT_MEMBERS) : members;
  }

  /** The configuration of an embedded member. */
  Config memberConfig() {
    Config config = configFile == null ? new Config() : loadMember(configFile);
    if (clusterName != null) {
      config.setClusterName(clusterName);
    }
    defaultProperty(config.getProperties(), "hazelcast.logging.type", "slf4j");
    // a member that dies mid-operation fails the operation (which the store then resolves) instead
    // of letting Hazelcast retry it silently or complete it without its backups
    defaultProperty(config.getProperties(), "hazelcast.operation.fail.on.indeterminate.state", "true");
    NetworkConfig net = config.getNetworkConfig();
    if (port != null) {
      net.setPort(port).setPortAutoIncrement(false);
    }
    if (members != null || configFile == null) {
      List<String> join = addresses();
      JoinConfig j = net.getJoin();
      j.getMulticastConfig().setEnabled(false);
      j.getAutoDetectionConfig().setEnabled(false);
      j.getTcpIpConfig().setEnabled(true).setMembers(join);
      if (allLoopback(join)) {
        // a cluster on this machine only: listen on loopback, not on every interface
        net.getInterfaces().setEnabled(true).setInterfaces(List.of("127.0.0.1"));
        defaultProperty(config.getProperties(), "hazelcast.socket.bind.any", "false");
      }
    }
    if (backupCount != null || config.getMapConfigOrNull(MAP_PREFIX + "*") == null) {
      MapConfig maps = config.getMapConfigOrNull(MAP_PREFIX + "*");
      if (maps == null) {
        maps = new MapConfig(MAP_PREFIX + "*");
        config.addMapConfig(maps);
      }
      if (backupCount != null) {
        maps.setBackupCount(backupCount);
      }
    }
    return config;
  }

  /** The configuration of a client. */
  ClientConfig clientConfig() {
    ClientConfig config = configFile == null ? new ClientConfig() : loadClient(configFile);
    if (clusterName != null) {
      config.setClusterName(clusterName);
    }
    defaultProperty(config.getProperties(), "hazelcast.logging.type", "slf4j");
    defaultProperty(config.getProperties(), "hazelcast.client.operation.fail.on.indeterminate.state", "true");
    if (members != null || configFile == null) {
      config.getNetworkConfig().setAddresses(new ArrayList<>(addresses()));
    }
    // started in the background, the first connection awaited for connectTimeoutMs by HazelcastInstances:
    // Hazelcast's own cluster-connect timeout would also end the reconnecting after the cluster was lost
    // (the client shuts down for good), so it is left unbounded; while the cluster is away, operations
    // fail at once (ASYNC) instead of waiting out the invocation timeout
    config.getConnectionStrategyConfig().setAsyncStart(true)
        .setReconnectMode(com.hazelcast.client.config.ClientConnectionStrategyConfig.ReconnectMode.ASYNC);
    config.getConnectionStrategyConfig().getConnectionRetryConfig()
        .setClusterConnectTimeoutMillis(-1)
        .setInitialBackoffMillis(100).setMaxBackoffMillis((int) Math.max(100, Math.min(2000, connectTimeoutMs / 4)));
    config.getNetworkConfig().setConnectionTimeout((int) Math.max(100, Math.min(Integer.MAX_VALUE, connectTimeoutMs)));
    return config;
  }

  private static void defaultProperty(java.util.Properties p, String key, String value) {
    if (p.getProperty(key) == null && System.getProperty(key) == null) {
      p.setProperty(key, value);
    }
  }

  private static boolean allLoopback(List<String> addresses) {
    for (String a : addresses) {
      String host = a.startsWith("[") ? a.substring(1, a.indexOf(']')) : a.contains(":") ? a.substring(0, a.lastIndexOf(':')) : a;
      try {
        if (!InetAddress.getByName(host).isLoopbackAddress()) {
          return false;
        }
      } catch (UnknownHostException e) {
        return false;
      }
    }
    return true;
  }

  private static Config loadMember(String location) {
    try {
      if (location.startsWith("classpath:")) {
        return Config.loadFromClasspath(HazelcastSpec.class.getClassLoader(), location.substring("classpath:".length()));
      }
      return Config.loadFromFile(new File(location));
    } catch (IOException | RuntimeException e) {
      throw badFile(location, e);
    }
  }

  private static ClientConfig loadClient(String location) {
    boolean yaml = location.endsWith(".yaml") || location.endsWith(".yml");
    try {
      if (location.startsWith("classpath:")) {
        String name = location.substring("classpath:".length());
        InputStream in = HazelcastSpec.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
          throw new IOException("no resource " + name + " on the class path");
        }
        try (in) {
          return yaml ? new YamlClientConfigBuilder(in).build() : new XmlClientConfigBuilder(in).build();
        }
      }
      File f = new File(location);
      return yaml ? new YamlClientConfigBuilder(f).build() : new XmlClientConfigBuilder(f).build();
    } catch (IOException | RuntimeException e) {
      throw badFile(location, e);
    }
  }

  private static ConfigurationException badFile(String location, Exception e) {
    return new ConfigurationException("Bad value '" + location + "' for configuration key '"
        + HazelcastStoreFactory.CONFIG.key() + "': cannot read it as a Hazelcast configuration file ("
        + e.getMessage() + "); expected a file path or classpath:name of a hazelcast.yaml/.xml (member mode) "
        + "or hazelcast-client.yaml/.xml (client mode)");
  }
}
