package io.jadugar.jcache.store.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jadugar.jcache.spi.Store;
import io.jadugar.jcache.store.lease.KeyLockContract;
import io.jadugar.jcache.store.lease.LeaseBackend;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The key lock on one real memcached. */
class MemcachedKeyLockTest extends KeyLockContract {

  static List<MemcachedServer> servers;

  @BeforeAll
  static void startServers() throws Exception {
    servers = MemcachedFixture.launch(1);
  }

  @AfterAll
  static void stopServers() {
    if (servers != null) {
      servers.forEach(MemcachedServer::close);
    }
  }

  @Override
  protected Properties storeProperties() {
    Properties p = new Properties();
    p.setProperty("jadugar.store", "memcached");
    p.setProperty("jadugar.memcached.servers",
        servers.stream().map(MemcachedServer::hostPort).collect(Collectors.joining(",")));
    p.setProperty("jadugar.memcached.lock-lease", LEASE);
    return p;
  }

  @Override
  protected LeaseBackend backend(Store store) throws Exception {
    return locks(store);
  }

  @Override
  protected String lockKey(Store store, Object storeKey) throws Exception {
    return locks(store).lockKey(storeKey);
  }

  static MemcachedKeyLock locks(Store store) throws Exception {
    Field f = MemcachedStore.class.getDeclaredField("locks");
    f.setAccessible(true);
    return (MemcachedKeyLock) f.get(store);
  }

  @Test
  void aLeaseIsWholeSecondsPlusOne() {
    assertEquals(3, MemcachedKeyLock.exptime(2000));
    assertEquals(3, MemcachedKeyLock.exptime(1001));
    assertEquals(31, MemcachedKeyLock.exptime(30_000));
  }
}
