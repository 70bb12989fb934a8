package io.jadugar.jcache.example;

import io.jadugar.jcache.EntryInfo;
import io.jadugar.jcache.EntryOptions;
import io.jadugar.jcache.JadugarCache;
import io.jadugar.jcache.VendorEvent;
import io.jadugar.jcache.configuration.JadugarConfiguration;
import io.jadugar.jcache.health.HealthReport;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.integration.CacheLoader;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The README's quick start: plain {@code javax.cache} code on Jadugar's zero-configuration default,
 * the embedded memory store. Run it with {@code mvn -q -pl jadugar-jcache test-compile exec:java@quickstart}.
 */
public final class QuickStart {

  private QuickStart() {}

  /** Runs the example, printing to standard output. */
  public static void main(String[] args) throws Exception {
    run(System.out);
  }

  /** A loader that "reads from a database": here it makes the value from the key. */
  public static final class UserLoader implements CacheLoader<Integer, String>, java.io.Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public String load(Integer id) {
      return "user-" + id + " (loaded)";
    }

    @Override
    public java.util.Map<Integer, String> loadAll(Iterable<? extends Integer> ids) {
      java.util.Map<Integer, String> out = new java.util.HashMap<>();
      ids.forEach(id -> out.put(id, load(id)));
      return out;
    }
  }

  /** Runs the example, printing to {@code out}. */
  public static void run(PrintStream out) throws Exception {
    CacheManager manager = Caching.getCachingProvider().getCacheManager();
    out.println("provider: " + manager.getCachingProvider().getClass().getName());

    // 1. put and get
    Cache<String, String> greetings = manager.createCache("greetings",
        new MutableConfiguration<String, String>().setTypes(String.class, String.class));
    greetings.put("hello", "world");
    out.println("get(hello) = " + greetings.get("hello"));

    // 2. expiry: entries live 500 ms after creation
    Cache<String, String> sessions = manager.createCache("sessions",
        new MutableConfiguration<String, String>().setTypes(String.class, String.class)
            .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MILLISECONDS, 500))));
    sessions.put("token", "abc123");
    out.println("get(token) right away = " + sessions.get("token"));
    Thread.sleep(700);
    out.println("get(token) after 700 ms = " + sessions.get("token"));

    // 3. read-through: a miss is loaded, stored, and counted
    MutableConfiguration<Integer, String> usersConfig = new MutableConfiguration<Integer, String>()
        .setTypes(Integer.class, String.class)
        .setReadThrough(true)
        .setCacheLoaderFactory(FactoryBuilder.factoryOf(UserLoader.class))
        .setStatisticsEnabled(true);
    Cache<Integer, String> users = manager.createCache("users", usersConfig);
    out.println("get(42) = " + users.get(42));
    out.println("get(42) again = " + users.get(42));

    // 4. statistics, through the standard JMX bean
    MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
    ObjectName stats = new ObjectName("javax.cache:type=CacheStatistics,CacheManager="
        + manager.getURI().toString().replaceAll("[,:=\n]", ".") + ",Cache=users");
    out.println("users statistics: hits=" + mbeans.getAttribute(stats, "CacheHits")
        + " misses=" + mbeans.getAttribute(stats, "CacheMisses")
        + " hit%=" + mbeans.getAttribute(stats, "CacheHitPercentage"));

    // 5. beyond JSR-107: the same cache through Jadugar's own interface
    JadugarCache<String, String> vendor = greetings.unwrap(JadugarCache.class);
    vendor.put("otp", "917305", EntryOptions.ttl(java.time.Duration.ofMillis(300)).withMetadata("sent-by", "sms"));
    EntryInfo<String, String> otp = vendor.getEntry("otp");
    out.println("getEntry(otp) = " + otp.value() + " " + otp.metadata() + ", expires within 300 ms: "
        + (otp.expiresAt().toEpochMilli() - System.currentTimeMillis() <= 300));
    Thread.sleep(400);
    out.println("get(otp) after 400 ms = " + vendor.get("otp"));

    // an entry the memory store's bound pushes out is a vendor event (JSR-107 has none for it)
    JadugarCache<Integer, String> recent = manager.createCache("recent",
        new JadugarConfiguration<Integer, String>().setMaximumSize(2).setTypes(Integer.class, String.class))
        .unwrap(JadugarCache.class);
    java.util.concurrent.atomic.AtomicInteger evicted = new java.util.concurrent.atomic.AtomicInteger();
    recent.addVendorListener(event -> {
      if (event.type() == VendorEvent.Type.EVICTED) {
        evicted.incrementAndGet();
      }
    });
    for (int i = 0; i < 5; i++) {
      recent.put(i, "page-" + i);
    }
    for (int waited = 0; evicted.get() < 3 && waited < 5000; waited += 10) {
      Thread.sleep(10); // listeners hear vendor events on another thread
    }
    out.println("evicted from recent: " + evicted.get());

    // health: measured, per server for a remote store; the memory store tells its size and bound
    HealthReport health = recent.health();
    out.println("health of recent: " + health.status() + " on " + health.store() + " " + health.details());

    manager.close();
  }
}
