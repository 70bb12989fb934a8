package io.jadugar.jcache.store.redis;

import io.jadugar.jcache.testing.RedisExtension;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Foreign data under a cache's keys on a single {@code redis-server}. */
class RedisForeignDataTest extends ForeignDataContract {

  @RegisterExtension
  static final RedisExtension REDIS = RedisExtension.single();

  @Override
  RedisServer node() {
    return REDIS.server();
  }

  @Override
  List<String> cliMode() {
    return List.of();
  }

  @Override
  Properties settings() {
    Properties p = new Properties();
    p.setProperty("jadugar.store", "redis");
    p.setProperty("jadugar.redis.address", REDIS.server().address());
    return p;
  }
}
