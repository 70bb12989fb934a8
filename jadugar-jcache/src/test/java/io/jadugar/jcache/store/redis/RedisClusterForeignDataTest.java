package io.jadugar.jcache.store.redis;

import io.jadugar.jcache.testing.RedisExtension;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Foreign data under a cache's keys on a 3-master Redis Cluster (redis-cli follows the redirects). */
class RedisClusterForeignDataTest extends ForeignDataContract {

  @RegisterExtension
  static final RedisExtension REDIS = RedisExtension.threeMasters();

  @Override
  RedisServer node() {
    return REDIS.cluster().nodes().get(0);
  }

  @Override
  List<String> cliMode() {
    return List.of("-c");
  }

  @Override
  Properties settings() {
    Properties p = new Properties();
    p.setProperty("jadugar.store", "redis");
    p.setProperty("jadugar.redis.cluster.nodes", REDIS.cluster().addresses());
    return p;
  }
}
