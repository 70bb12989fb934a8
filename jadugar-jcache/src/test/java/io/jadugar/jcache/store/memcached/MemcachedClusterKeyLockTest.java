package io.jadugar.jcache.store.memcached;

import org.junit.jupiter.api.BeforeAll;

/** The key lock on three real memcached servers: each key's lock on the server the ring gives it. */
class MemcachedClusterKeyLockTest extends MemcachedKeyLockTest {

  @BeforeAll
  static void startServers() throws Exception {
    servers = MemcachedFixture.launch(3);
  }
}
