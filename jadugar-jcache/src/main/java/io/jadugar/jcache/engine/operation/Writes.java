package io.jadugar.jcache.engine.operation;

import io.jadugar.jcache.EntryOptions;
import io.jadugar.jcache.engine.completion.Completion;
import io.jadugar.jcache.engine.core.CacheCore;
import io.jadugar.jcache.engine.core.Expiries;
import io.jadugar.jcache.engine.core.Outcome;
import io.jadugar.jcache.engine.core.Presence;
import io.jadugar.jcache.engine.loading.Loading;
import io.jadugar.jcache.processor.ProcessorEntry;
import io.jadugar.jcache.spi.KeyLock;
import io.jadugar.jcache.spi.StoreEntry;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import javax.cache.CacheException;
import javax.cache.integration.CacheLoaderException;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;

/**
 * The single-key writes and entry processors. Each reads and writes its entry inside one
 * {@code compute}, so it is atomic on every store; the function decides from the current entry and
 * records what happened in an {@link Outcome}, and {@link Completion} reports it once the store has
 * committed, so a store that retries the function never reports an operation twice.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class Writes<K, V> {

  private final CacheCore<K, V> core;
  private final Presence<K, V> presence;
  private final Expiries expiries;
  private final Completion<K, V> completion;
  private final WriterCalls<K, V> writer;
  private final Loading<K, V> loading;

  /** The writes of the cache of {@code core}. */
  public Writes(CacheCore<K, V> core, Presence<K, V> presence, Expiries expiries,
      Completion<K, V> completion, WriterCalls<K, V> writer, Loading<K, V> loading) {
    this.core = core;
    this.presence = presence;
    this.expiries = expiries;
    this.completion = completion;
    this.writer = writer;
    this.loading = loading;
  }

  /** put and getAndPut, with the entry's own options. Returns the old value when {@code returnOld}. */
  public V put(K key, V value, boolean returnOld, EntryOptions options) {
    long start = core.start();
    Object storeKey = core.codec.encodeKey(key);
    Object storeValue = core.encodeValue(value, options);
    if (!returnOld && (core.eternal || options.ttl() != null) && !core.events.hasListeners()
        && (core.writer == null || !core.store.computesOnce())) {
      // nothing needs the entry this put replaces: a plain write, one round trip on a remote store;
      // with a writer, under the key's lock (which a store whose compute retries has, and which
      // excludes every other writing operation), after the writer, without a read
      StoreEntry entry = new StoreEntry(storeKey, storeValue, options.ttl() == null ? StoreEntry.ETERNAL
          : expiries.own(options));
      if (core.writer == null) {
        core.store.put(entry);
      } else {
        writer.put(key, value, entry);
      }
      if (core.counting()) {
        completion.put(1, start);
      }
      return null;
    }
    Outcome o = new Outcome();
    writer.compute(o, storeKey, current -> {
      long now = presence.begin(o, current);
      writer.write(o, key, value);
      StoreEntry live = o.live;
      long expireAt = expiries.onWrite(options, now, live);
      if (live == null && expireAt <= now) {
        return null;
      }
      return o.writes(value, new StoreEntry(storeKey, storeValue, expireAt));
    });
    completion.complete(key, o, returnOld, true, start);
    return returnOld && o.live != null ? presence.liveValue(o) : null;
  }

  /** putIfAbsent with the entry's own options. */
  public boolean putIfAbsent(K key, V value, EntryOptions options) {
    long start = core.start();
    Object storeKey = core.codec.encodeKey(key);
    Object storeValue = core.encodeValue(value, options);
    Outcome o = new Outcome();
    writer.compute(o, storeKey, current -> {
      long now = presence.begin(o, current);
      if (o.live != null) {
        return current;
      }
      writer.write(o, key, value);
      long expireAt = expiries.onWrite(options, now, null);
      if (expireAt <= now) {
        return null;
      }
      return o.writes(value, new StoreEntry(storeKey, storeValue, expireAt));
    });
    completion.complete(key, o, true, true, start);
    // an entry that would expire at once is not stored, so nothing was put (as the RI says)
    return o.change == Outcome.Change.CREATED;
  }

  /** remove and getAndRemove: the removed value if it was live and {@code returnOld}, else non-null exactly when it removed. */
  @SuppressWarnings("unchecked")
  public V remove(K key, boolean returnOld) {
    long start = core.start();
    Outcome o = new Outcome();
    writer.compute(o, core.codec.encodeKey(key), current -> {
      presence.begin(o, current);
      writer.delete(o, key);
      return o.removes();
    });
    completion.complete(key, o, returnOld, false, start);
    if (o.live == null) {
      return null;
    }
    return returnOld ? presence.liveValue(o) : (V) Boolean.TRUE;
  }

  /** remove(key, oldValue). */
  public boolean remove(K key, V oldValue) {
    long start = core.start();
    Outcome o = new Outcome();
    writer.compute(o, core.codec.encodeKey(key), current -> {
      long now = presence.begin(o, current);
      StoreEntry live = o.live;
      if (live == null) {
        return null;
      }
      if (!oldValue.equals(presence.liveValue(o))) {
        return expiries.accessed(live, now);
      }
      writer.delete(o, key);
      return o.removes();
    });
    completion.complete(key, o, true, false, start);
    return o.change == Outcome.Change.REMOVED;
  }

  /**
   * Replaces the value of a live entry, only if it equals {@code expected} when that is given, with
   * the entry's own options (a time to live of its own replaces the policy's update expiry). Returns the old value when {@code returnOld}, otherwise non-null exactly when it replaced.
   */
  @SuppressWarnings("unchecked")
  public V replace(K key, V expected, V value, boolean returnOld, EntryOptions options) {
    long start = core.start();
    Object storeKey = core.codec.encodeKey(key);
    Object storeValue = core.encodeValue(value, options);
    Outcome o = new Outcome();
    writer.compute(o, storeKey, current -> {
      long now = presence.begin(o, current);
      StoreEntry live = o.live;
      if (live == null) {
        return null;
      }
      if (expected != null && !expected.equals(presence.liveValue(o))) {
        return expiries.accessed(live, now);
      }
      writer.write(o, key, value);
      long expireAt = options.ttl() != null ? Expiries.own(now, options) : core.expiry.onUpdate(now, live.expireAt());
      return o.writes(value, new StoreEntry(storeKey, storeValue, expireAt));
    });
    completion.complete(key, o, true, true, start);
    boolean replaced = o.change == Outcome.Change.UPDATED;
    if (returnOld) {
      return replaced ? presence.liveValue(o) : null;
    }
    return replaced ? (V) Boolean.TRUE : null;
  }

  /** invoke: the processor runs inside the compute, on a view of the entry. */
  public <T> T invoke(K key, EntryProcessor<K, V, T> processor, Object... arguments) {
    long start = core.start();
    Object storeKey = core.codec.encodeKey(key);
    Outcome o = new Outcome();
    Function<K, V> load = core.readThrough ? loading::load : null;
    processOnce(o, storeKey, current -> {
      long now = presence.begin(o, current);
      StoreEntry live = o.live;
      ProcessorEntry<K, V> entry = new ProcessorEntry<>(key, live == null ? null : presence.liveValue(o), load);
      o.processed = entry;
      try {
        o.result = processor.process(entry, arguments);
      } catch (CacheException e) {
        if (!(e instanceof CacheLoaderException)) { // a loader failure inside the processor is counted as one
          core.statistics.processorError();
        }
        throw e;
      } catch (Exception | LinkageError | AssertionError e) {
        core.statistics.processorError();
        throw new EntryProcessorException(e);
      }
      switch (entry.operation()) {
        case ACCESS:
          return expiries.accessed(live, now);
        case CREATE:
        case LOAD: {
          if (entry.operation() == ProcessorEntry.Operation.CREATE) {
            writer.write(o, key, entry.value());
          }
          long expireAt = core.expiry.onCreation(now);
          if (expireAt <= now) {
            return null;
          }
          return o.writes(entry.value(), new StoreEntry(storeKey, core.codec.encodeValue(entry.value()), expireAt));
        }
        case UPDATE:
          writer.write(o, key, entry.value());
          return o.writes(entry.value(), new StoreEntry(storeKey, core.codec.encodeValue(entry.value()),
              core.expiry.onUpdate(now, live.expireAt())));
        case REMOVE:
          writer.delete(o, key);
          return o.removes();
        case NONE:
        default:
          return live == null ? null : current;
      }
    });
    // a value the processor loaded is stored, not put: no put counted
    completion.complete(key, o, true, o.processed.operation() != ProcessorEntry.Operation.LOAD, start);
    @SuppressWarnings("unchecked")
    T result = (T) o.result;
    return result;
  }

  /**
   * The compute of an entry processor. On a store whose compute retries, the processor runs again
   * for every attempt that lost a race; on a key that holds nothing it is likely to load or create
   * (Spring's {@code @Cacheable(sync = true)} loads inside one, and expects one load per key), so
   * there it runs under the key's lock ({@link io.jadugar.jcache.spi.Store#lock}, across JVMs): the
   * others wait and then find the value. A present key keeps the lock-free compare-and-set.
   */
  private void processOnce(Outcome o, Object storeKey, UnaryOperator<StoreEntry> function) {
    if (core.writer != null || core.store.computesOnce()) {
      writer.compute(o, storeKey, function); // locked already if it calls a writer, or runs once
      return;
    }
    try {
      core.store.compute(storeKey, current -> {
        if (current == null || current.isExpiredAt(core.clock.millis())) {
          throw Absent.INSTANCE;
        }
        return function.apply(current);
      });
    } catch (Absent e) {
      try (KeyLock lock = core.store.lock(storeKey)) {
        core.store.compute(storeKey, function);
      }
    }
  }

  /** The key holds nothing live: take its lock and compute again. */
  private static final class Absent extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final Absent INSTANCE = new Absent();

    private Absent() {
      super(null, null, false, false); // thrown often, caught at once: no stack trace
    }
  }
}
