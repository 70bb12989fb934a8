package io.jadugar.jcache.testing;

import io.jadugar.jcache.store.redis.RedisServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real {@code redis-server}, or a 3-master Redis Cluster, on free loopback ports for all the tests
 * of a class: started before the first of them, stopped after the last. A test class registers it
 * as a static field, {@code @RegisterExtension static final RedisExtension REDIS = RedisExtension.single();},
 * and reaches it through {@link #server()} or {@link #cluster()}.
 */
public final class RedisExtension implements BeforeAllCallback, AfterAllCallback {

  private final boolean isCluster;
  private RedisServer server;
  private RedisServer.Cluster cluster;

  private RedisExtension(boolean isCluster) {
    this.isCluster = isCluster;
  }

  /** One server. */
  public static RedisExtension single() {
    return new RedisExtension(false);
  }

  /** A Cluster of three masters, no replicas. */
  public static RedisExtension threeMasters() {
    return new RedisExtension(true);
  }

  /** The server of {@link #single()}. */
  public RedisServer server() {
    if (server == null) {
      throw new IllegalStateException("no single redis-server runs here: " + (isCluster ? "a Cluster does" : "not started"));
    }
    return server;
  }

  /** The Cluster of {@link #threeMasters()}. */
  public RedisServer.Cluster cluster() {
    if (cluster == null) {
      throw new IllegalStateException("no Redis Cluster runs here: " + (isCluster ? "not started" : "a single server does"));
    }
    return cluster;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    if (isCluster) {
      cluster = RedisServer.Cluster.launch();
    } else {
      server = RedisServer.launch();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (server != null) {
      server.close();
      server = null;
    }
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
  }
}
