package io.jadugar.jcache.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jadugar.jcache.spi.Store;
import io.jadugar.jcache.store.lease.KeyLockContract;
import io.jadugar.jcache.store.lease.LeaseBackend;
import io.jadugar.jcache.testing.RedisExtension;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The key lock on a real 3-master Redis Cluster: the contract, and each lock in its entry's slot. */
class RedisClusterKeyLockTest extends KeyLockContract {

  @RegisterExtension
  static final RedisExtension REDIS = RedisExtension.threeMasters();

  @Override
  protected Properties storeProperties() {
    Properties p = new Properties();
    p.setProperty("jadugar.store", "redis");
    p.setProperty("jadugar.redis.cluster.nodes", REDIS.cluster().addresses());
    p.setProperty("jadugar.redis.lock-lease", LEASE);
    return p;
  }

  @Override
  protected LeaseBackend backend(Store store) throws Exception {
    return RedisKeyLockTest.locks(store);
  }

  @Override
  protected String lockKey(Store store, Object storeKey) throws Exception {
    return RedisKeyLockTest.locks(store).lockKey(((RedisStore) store).redisKey(storeKey));
  }

  @Test
  void aLockLivesInItsEntrysSlot() throws Exception {
    RedisServer node = REDIS.cluster().nodes().get(0);
    String ns = RedisKeyLock.lockNamespace("c:");
    for (String part : new String[] {"sk1", "sk2", "s{user7}:name", "#AAEC", "s{a}b{c}"}) {
      String entry = "c:" + part;
      String lock = RedisKeyLock.lockKey(ns, part, entry, true);
      assertEquals(node.cli("CLUSTER", "KEYSLOT", entry).trim(), node.cli("CLUSTER", "KEYSLOT", lock).trim(),
          entry + " and " + lock);
    }
  }
}
