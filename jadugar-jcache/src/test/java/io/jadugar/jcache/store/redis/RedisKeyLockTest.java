package io.jadugar.jcache.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.spi.Store;
import io.jadugar.jcache.store.lease.KeyLockContract;
import io.jadugar.jcache.store.lease.LeaseBackend;
import io.jadugar.jcache.testing.RedisExtension;
import java.lang.reflect.Field;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The key lock on a real single Redis: the contract, and lock keys outside every cache's SCAN pattern. */
class RedisKeyLockTest extends KeyLockContract {

  @RegisterExtension
  static final RedisExtension REDIS = RedisExtension.single();

  @Override
  protected Properties storeProperties() {
    Properties p = new Properties();
    p.setProperty("jadugar.store", "redis");
    p.setProperty("jadugar.redis.address", REDIS.server().address());
    p.setProperty("jadugar.redis.lock-lease", LEASE);
    return p;
  }

  @Override
  protected LeaseBackend backend(Store store) throws Exception {
    return locks(store);
  }

  @Override
  protected String lockKey(Store store, Object storeKey) throws Exception {
    return locks(store).lockKey(((RedisStore) store).redisKey(storeKey));
  }

  static RedisKeyLock locks(Store store) throws Exception {
    Field f = RedisStore.class.getDeclaredField("locks");
    f.setAccessible(true);
    return (RedisKeyLock) f.get(store);
  }

  @Test
  void lockKeysAreOutsideTheEntryPatternOfEveryCache() {
    assertEquals("p:c%lock:", RedisKeyLock.lockNamespace("p:c:"));
    assertEquals("p:c%lock:sk", RedisKeyLock.lockKey("p:c%lock:", "sk", "p:c:sk", false));
    // an escaped cache name never holds a bare % (see RedisStore.escapeName): no cache's namespace is "c%lock:"
    assertEquals("c%25lock%3Ax", RedisStore.escapeName("c%lock:x"));
    assertEquals("p:c%lock:{p:c:sk}sk", RedisKeyLock.lockKey("p:c%lock:", "sk", "p:c:sk", true),
        "tagged with all of the entry key");
    assertEquals("p:c%lock:{t}s{t}x", RedisKeyLock.lockKey("p:c%lock:", "s{t}x", "p:c:s{t}x", true),
        "tagged with the entry key's own tag");
    assertEquals("p:c%lock:sa}b", RedisKeyLock.lockKey("p:c%lock:", "sa}b", "p:c:sa}b", true),
        "no tag can say a hashed part with }");
    assertTrue(RedisKeyLock.hashedPart("a{}b{c}").equals("a{}b{c}"), "an empty first tag: all of it");
  }
}
