package io.jadugar.jcache.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jadugar.jcache.EntryOptions;
import io.jadugar.jcache.JadugarCache;
import io.jadugar.jcache.configuration.JadugarConfiguration;
import io.jadugar.jcache.testing.AllStores;
import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.TouchedExpiryPolicy;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every expiry decision reads the cache's clock: a test moves it by minutes, on every store, and never sleeps. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InjectableClockTest {

  @RegisterExtension
  static final AllStores.PerClass stores = AllStores.perClass("clock");

  /** A clock the test moves. */
  static final class MovingClock extends Clock {
    private final AtomicLong millis = new AtomicLong(System.currentTimeMillis());

    void advance(Duration d) {
      millis.addAndGet(d.toMillis());
    }

    @Override
    public long millis() {
      return millis.get();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  /** Hears EXPIRED events. */
  public static final class Expired implements CacheEntryExpiredListener<String, String>, Serializable {
    private static final long serialVersionUID = 1L;
    static final List<String> KEYS = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void onExpired(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      events.forEach(e -> KEYS.add(e.getKey()));
    }
  }

  private Cache<String, String> cache(String store, String name, MovingClock clock,
      javax.cache.configuration.Factory<? extends javax.cache.expiry.ExpiryPolicy> policy) {
    CacheManager m = stores.manager(store);
    m.destroyCache(name);
    return m.createCache(name, new JadugarConfiguration<String, String>().setClock(clock)
        .setExpiryPolicyFactory(policy).setTypes(String.class, String.class));
  }

  @ParameterizedTest
  @MethodSource("io.jadugar.jcache.testing.AllStores#names")
  void minutesPassWithoutSleeping(String store) {
    MovingClock clock = new MovingClock();
    Cache<String, String> c = cache(store, "created", clock,
        CreatedExpiryPolicy.factoryOf(new javax.cache.expiry.Duration(TimeUnit.MINUTES, 10)));
    Expired.KEYS.clear();
    c.registerCacheEntryListener(new MutableCacheEntryListenerConfiguration<>(
        FactoryBuilder.factoryOf(Expired.class), null, false, true));
    c.put("k", "v");
    c.unwrap(JadugarCache.class).put("own", "v", EntryOptions.ttl(Duration.ofHours(1)));
    clock.advance(Duration.ofMinutes(9));
    assertEquals("v", c.get("k"));
    clock.advance(Duration.ofMinutes(2));
    assertNull(c.get("k"), store + ": 11 minutes after creation");
    assertEquals(List.of("k"), Expired.KEYS, store + ": heard as expired");
    assertEquals("v", c.get("own"), "the entry's own hour is not over");
    clock.advance(Duration.ofMinutes(50));
    assertNull(c.get("own"), store + ": its own hour is over");
  }

  @ParameterizedTest
  @MethodSource("io.jadugar.jcache.testing.AllStores#names")
  void accessMovesExpiryOnTheCachesClock(String store) {
    MovingClock clock = new MovingClock();
    Cache<String, String> c = cache(store, "touched", clock,
        TouchedExpiryPolicy.factoryOf(new javax.cache.expiry.Duration(TimeUnit.MINUTES, 5)));
    c.put("k", "v");
    clock.advance(Duration.ofMinutes(4));
    assertEquals("v", c.get("k")); // touched: 5 more minutes from here
    clock.advance(Duration.ofMinutes(4));
    assertEquals("v", c.get("k"), store + ": 8 minutes after the put, 4 after the touch");
    clock.advance(Duration.ofMinutes(6));
    assertNull(c.get("k"), store + ": 6 minutes after the last touch");
  }
}
