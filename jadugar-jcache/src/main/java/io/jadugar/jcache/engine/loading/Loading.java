package io.jadugar.jcache.engine.loading;

import io.jadugar.jcache.engine.completion.Completion;
import io.jadugar.jcache.engine.core.CacheCore;
import io.jadugar.jcache.engine.core.Outcome;
import io.jadugar.jcache.engine.core.Presence;
import io.jadugar.jcache.spi.StoreEntry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CompletionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache's loader: read-through on a miss and {@code loadAll} in the background.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class Loading<K, V> {

  private static final Logger LOG = LoggerFactory.getLogger(Loading.class);
  /** How long close() waits for running loads before it closes the loader anyway. */
  private static final long CLOSE_WAIT_SECONDS = 10;

  private final CacheCore<K, V> core;
  private final Presence<K, V> presence;
  private final Completion<K, V> completion;
  /** Held for reading by each running loadAll, for writing by {@link #quiesce}. */
  private final ReentrantReadWriteLock loads = new ReentrantReadWriteLock();
  private volatile boolean closed;

  /** The loading of the cache of {@code core}. */
  public Loading(CacheCore<K, V> core, Presence<K, V> presence, Completion<K, V> completion) {
    this.core = core;
    this.presence = presence;
    this.completion = completion;
  }

  /** The value the loader gives for {@code key}; its failure as a {@link CacheLoaderException}. */
  public V load(K key) {
    try {
      return core.loader.load(key);
    } catch (Exception e) {
      throw failure(e);
    }
  }

  /** What the loader gives for {@code keys}, never null. */
  public Map<K, V> loadAll(Collection<K> keys) {
    try {
      Map<K, V> loaded = core.loader.loadAll(keys);
      return loaded == null ? Map.of() : loaded;
    } catch (Exception e) {
      throw failure(e);
    }
  }

  /** {@code e} as the spec wants a loader's failure, counted. */
  private CacheLoaderException failure(Exception e) {
    core.statistics.loaderError();
    return e instanceof CacheLoaderException ? (CacheLoaderException) e : new CacheLoaderException(e);
  }

  /** Loads the value of a missing key and stores it; null if the loader has none. */
  public V loadAndStore(K key) {
    V value = load(key);
    if (value != null) {
      store(key, value, false);
    }
    return value;
  }

  /** Loads what {@code keys} miss and stores it; returns what was loaded. */
  public Map<K, V> loadAndStore(Collection<K> keys) {
    Map<K, V> loaded = loadAll(keys);
    loaded.forEach((key, value) -> {
      if (key != null && value != null) {
        store(key, value, false);
      }
    });
    return loaded;
  }

  /** Stores a loaded value: created if absent, replaced only if {@code replace}. No writer, no put. */
  public void store(K key, V value, boolean replace) {
    Object storeKey = core.codec.encodeKey(key);
    Object storeValue = core.codec.encodeValue(value);
    Outcome o = new Outcome();
    core.store.compute(storeKey, current -> {
      long now = presence.begin(o, current);
      StoreEntry live = o.live;
      if (live != null && !replace) {
        return current;
      }
      long expireAt = live == null ? core.expiry.onCreation(now) : core.expiry.onUpdate(now, live.expireAt());
      if (live == null && expireAt <= now) {
        return null;
      }
      return o.writes(value, new StoreEntry(storeKey, storeValue, expireAt));
    });
    completion.complete(key, o, false, false, 0L);
  }

  /** JSR-107's loadAll: in the background, telling {@code listener} (if any) how it ended. */
  public void loadAll(Collection<? extends K> keys, boolean replaceExistingValues, CompletionListener listener) {
    if (core.loader == null) {
      if (listener != null) {
        listener.onCompletion();
      }
      return;
    }
    List<K> requested = new ArrayList<>(keys);
    core.executor.execute(() -> {
      // close() waits for a running load before it closes the loader, and a load that starts
      // after close() does not touch the loader at all
      if (!loads.readLock().tryLock()) {
        failClosed(listener);
        return;
      }
      try {
        if (closed) {
          failClosed(listener);
          return;
        }
        List<K> toLoad = new ArrayList<>();
        for (K key : requested) {
          if (replaceExistingValues
              || !presence.isPresent(key, core.store.get(core.codec.encodeKey(key)), false)) {
            toLoad.add(key);
          }
        }
        if (!toLoad.isEmpty()) {
          loadAll(toLoad).forEach((key, value) -> {
            if (key != null && value != null) {
              store(key, value, replaceExistingValues);
            }
          });
        }
        if (listener != null) {
          listener.onCompletion();
        }
      } catch (Exception e) {
        if (listener != null) {
          listener.onException(e);
        } else {
          LOG.warn("loadAll of cache {} failed", core.name, e);
        }
      } finally {
        loads.readLock().unlock();
      }
    });
  }

  private void failClosed(CompletionListener listener) {
    if (listener != null) {
      listener.onException(new IllegalStateException("Cache " + core.name + " is closed"));
    }
  }

  /** For close(): no new load starts, and a running one is waited for (a while) before the loader closes. */
  public void quiesce() {
    closed = true;
    // a completion listener that closes the cache runs inside its own load: it cannot wait for it
    boolean quiet = loads.getReadHoldCount() > 0;
    try {
      quiet = quiet || loads.writeLock().tryLock(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!quiet) {
      LOG.warn("Cache {}: closing while a loadAll is still running after {} s", core.name, CLOSE_WAIT_SECONDS);
    }
  }
}
