package io.jadugar.jcache.store.memory;

import io.jadugar.jcache.configuration.Setting;
import io.jadugar.jcache.configuration.Settings;
import io.jadugar.jcache.spi.Store;
import io.jadugar.jcache.spi.StoreClient;
import io.jadugar.jcache.spi.StoreFactory;
import io.jadugar.jcache.spi.StoreOptions;
import java.net.URI;
import java.util.List;

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
    return new StoreClient() {
      @Override
      public Store open(StoreOptions options) {
        return new MemoryStore(options);
      }

      @Override
      public void close() {
        // nothing is shared between memory caches
      }
    };
  }
}
