package io.jadugar.jcache.store.memory;

import io.jadugar.jcache.configuration.Setting;
import io.jadugar.jcache.configuration.Settings;
import io.jadugar.jcache.health.HealthReport;
import io.jadugar.jcache.health.HealthStatus;
import io.jadugar.jcache.spi.Store;
import io.jadugar.jcache.spi.StoreClient;
import io.jadugar.jcache.spi.StoreFactory;
import io.jadugar.jcache.spi.StoreOptions;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The {@code memory} store: entries on this JVM's heap, in Caffeine. */
public final class MemoryStoreFactory implements StoreFactory {

  /** The most entries a cache keeps; unset means unbounded. */
  public static final Setting<Long> MAXIMUM_SIZE = Setting.number("jadugar.memory.maximum-size", null, 0);

  /** The most total weight a cache keeps, as {@link #WEIGHER} weighs it; unset means unbounded. */
  public static final Setting<Long> MAXIMUM_WEIGHT = Setting.number("jadugar.memory.maximum-weight", null, 0);

  /** The {@link EntryWeigher} class that weighs entries for {@link #MAXIMUM_WEIGHT}. */
  public static final Setting<String> WEIGHER = Setting.className("jadugar.memory.weigher");

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public List<Setting<?>> settings() {
    return List.of(MAXIMUM_SIZE, MAXIMUM_WEIGHT, WEIGHER);
  }

  @Override
  public Representation representation() {
    return Representation.OBJECTS;
  }

  @Override
  public StoreClient connect(URI uri, Settings settings) {
    return new MemoryClient();
  }

  /**
   * The memory caches of one cache manager. Nothing is shared between them and there is no
   * connection: connect and disconnect change nothing, the caches keep working and keep their
   * entries, and the client is always connected and {@code UP}.
   */
  private static final class MemoryClient implements StoreClient {
    private final Set<MemoryStore> stores = ConcurrentHashMap.newKeySet();

    @Override
    public Store open(StoreOptions options) {
      MemoryStore store = new MemoryStore(options);
      stores.add(store);
      store.onClose(() -> stores.remove(store));
      return store;
    }

    /** {@code UP}, with the number of open caches and their entries in all. */
    @Override
    public HealthReport health(Duration timeout) {
      long size = 0;
      for (MemoryStore s : stores) {
        size += s.size();
      }
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("caches", stores.size());
      details.put("size", size);
      return new HealthReport(HealthStatus.UP, "memory", List.of(), details, Instant.now());
    }

    @Override
    public void close() {
      // nothing is shared between memory caches
    }
  }
}
