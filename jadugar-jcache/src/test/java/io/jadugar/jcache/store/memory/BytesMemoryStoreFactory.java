package io.jadugar.jcache.store.memory;

/**
 * A test store: the memory store holding encoded bytes, as a remote store does, so that the frame
 * path and corruption handling run through the engine without a server.
 */
public final class BytesMemoryStoreFactory extends TestMemoryStoreFactory {

  /** The name tests choose it by. */
  public static final String NAME = "memory-bytes";

  /** The factory ServiceLoader creates. */
  public BytesMemoryStoreFactory() {
    super(NAME, Representation.BYTES, store -> store);
  }
}
