package io.jadugar.jcache.store.redis;

import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Foreign data under a cache's keys on a 3-master Redis Cluster (redis-cli follows the redirects). */
class RedisClusterForeignDataTest extends ForeignDataContract {

  private static RedisServer.Cluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = RedisServer.Cluster.launch();
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Override
  RedisServer node() {
    return cluster.nodes().get(0);
  }

  @Override
  List<String> cliMode() {
    return List.of("-c");
  }

  @Override
  Properties settings() {
    Properties p = new Properties();
    p.setProperty("jadugar.store", "redis");
    p.setProperty("jadugar.redis.cluster.nodes", cluster.addresses());
    return p;
  }
}
