package io.jadugar.jcache.store.memory;

import io.jadugar.jcache.configuration.Setting;
import io.jadugar.jcache.configuration.Settings;
import io.jadugar.jcache.spi.Store;
import io.jadugar.jcache.spi.StoreClient;
import io.jadugar.jcache.spi.StoreFactory;
import io.jadugar.jcache.spi.StoreOptions;
import java.net.URI;
import java.util.List;

/**
 * A test store: the memory store holding encoded bytes, as a remote store does, so that the frame
 * path and corruption handling run through the engine without a server.
 */
public final class BytesMemoryStoreFactory implements StoreFactory {

  /** The name tests choose it by. */
  public static final String NAME = "memory-bytes";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Setting<?>> settings() {
    return List.of();
  }

  @Override
  public Representation representation() {
    return Representation.BYTES;
  }

  @Override
  public StoreClient connect(URI uri, Settings settings) {
    return new StoreClient() {
      @Override
      public Store open(StoreOptions options) {
        return new MemoryStore(options);
      }

      @Override
      public void close() {}
    };
  }
}
