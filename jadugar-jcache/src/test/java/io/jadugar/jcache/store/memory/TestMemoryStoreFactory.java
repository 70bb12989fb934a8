package io.jadugar.jcache.store.memory;

import io.jadugar.jcache.configuration.Setting;
import io.jadugar.jcache.configuration.Settings;
import io.jadugar.jcache.spi.Store;
import io.jadugar.jcache.spi.StoreClient;
import io.jadugar.jcache.spi.StoreFactory;
import io.jadugar.jcache.spi.StoreOptions;
import java.net.URI;
import java.util.List;
import java.util.function.Function;

/** A test store built on the memory store: a name, a representation, and a wrapper around it. */
abstract class TestMemoryStoreFactory implements StoreFactory {

  private final String name;
  private final Representation representation;
  private final Function<MemoryStore, Store> wrapper;

  TestMemoryStoreFactory(String name, Representation representation, Function<MemoryStore, Store> wrapper) {
    this.name = name;
    this.representation = representation;
    this.wrapper = wrapper;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<Setting<?>> settings() {
    return List.of();
  }

  @Override
  public Representation representation() {
    return representation;
  }

  @Override
  public StoreClient connect(URI uri, Settings settings) {
    return new StoreClient() {
      @Override
      public Store open(StoreOptions options) {
        return wrapper.apply(new MemoryStore(options));
      }

      @Override
      public void close() {}
    };
  }
}
