package io.jadugar.jcache.store.redis;

import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Foreign data under a cache's keys on a single {@code redis-server}. */
class RedisForeignDataTest extends ForeignDataContract {

  private static RedisServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = RedisServer.launch();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Override
  RedisServer node() {
    return server;
  }

  @Override
  List<String> cliMode() {
    return List.of();
  }

  @Override
  Properties settings() {
    Properties p = new Properties();
    p.setProperty("jadugar.store", "redis");
    p.setProperty("jadugar.redis.address", server.address());
    return p;
  }
}
