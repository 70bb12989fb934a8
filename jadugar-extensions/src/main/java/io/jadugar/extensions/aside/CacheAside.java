package io.jadugar.extensions.aside;

import io.jadugar.extensions.companion.Companions;
import io.jadugar.jcache.EntryInfo;
import io.jadugar.jcache.EntryOptions;
import io.jadugar.jcache.JadugarCache;
import io.jadugar.jcache.configuration.JadugarConfiguration;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.integration.CacheLoaderException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cache-aside over a cache and a loader: {@link #get} returns the cached value, or on a miss loads
 * it, stores it and returns it; {@link #set} and {@link #invalidate} write and drop. A miss is
 * loaded once, however many callers ask at once, in this JVM and across every JVM on the same store.
 *
 * <p><b>Single flight in a JVM.</b> Callers of one key share one in-flight load (a future): the
 * first starts it on the executor, the others wait on it (a caller that comes while it runs joins
 * it without asking the store), and all are released together when it completes, with the value or
 * with the error (each caller gets its own {@link CacheLoaderException} whose cause is the loader's
 * exception). A failure is not cached: the next caller loads again.
 *
 * <p><b>Across JVMs: a lease in the store.</b> The in-flight load takes the key's lease, a record
 * {@code l:<name>} in the companion cache {@code <cache>.aside} (same manager, same store), with
 * {@code putIfAbsent} and a time to live ({@link Builder#leaseTime}). The holder looks at the entry
 * once more (a holder that just finished may have stored it), loads, commits, and removes its lease
 * (a conditional remove: only its own). A JVM that finds the lease held polls it, every 1 ms at
 * first and backing off to {@link #MAX_POLL}, and reads the entry whenever the lease changes. A
 * holder whose loader throws turns its lease into a failure record for {@link Records#FAILURE_KEPT}:
 * the waiters that saw its lease fail at their next poll instead of waiting for the lease to end. A
 * lease whose holder died ends with its time to live; a waiter then takes it and loads.
 *
 * <p><b>Fencing.</b> Each key has a generation record {@code g:<name>} in the same companion cache,
 * a random token. Every entry this class writes carries, in its metadata, the generation it was
 * committed with, and a validity check (added to the cache once per JVM) makes an entry whose
 * generation is no longer the key's current one a miss on every read path (a missing record too).
 * The holder reads the generation before it calls the loader; to commit it moves the generation
 * from that value to a new one with a compare-and-set, and only then writes the entry (with
 * {@code putIfAbsent}: the value it replaces is now invalid, a newer valid one is never overwritten).
 * {@link #set} and {@link #invalidate} move the generation unconditionally. So a load that a
 * {@code set} or an {@code invalidate} overtook, or that outlived its lease while another holder
 * committed, fails its compare-and-set and writes nothing; and should its write land after a later
 * move, it is invalid: a miss, never an older value. Keys are named in the records by
 * {@code String.valueOf(key)} ({@link Builder#keyNames}); two keys with the same name share a lease
 * and a generation: slower, never a wrong value (but a waiter may get the other key's load failure).
 *
 * <p><b>Store unreachable.</b> When a read of the store, the lease or the poll fails, the in-flight
 * load runs in this JVM without a lease and its value goes to its callers without being stored; this
 * JVM's callers of the key then get that value, without asking the store, for a lease time (or the
 * ttl, if shorter): at most one load per key and JVM in that time, and callers are answered.
 *
 * <p><b>Timeouts and fail-safe</b> (all off by default). {@link Builder#softTimeout}: a caller
 * that waited that long returns the stale value if there is one, and the load goes on in the
 * background. {@link Builder#hardTimeout}: a caller that waited that long fails with a
 * {@link CacheLoaderException}. {@link Builder#maxStaleness}: an entry stays stored that long past
 * its freshness ({@link Builder#ttl}; its fresh-until time rides in the metadata, the store's time to
 * live is ttl + max staleness), and a load that fails while such a stale value exists serves it
 * instead of the error.
 *
 * <p>Every JVM that reads the cache must create its {@code CacheAside} (or call {@link #of}) before
 * reading: the validity check runs in the reading JVM.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class CacheAside<K, V> {

  /** The suffix of the companion cache holding the leases and generations. */
  public static final String SUFFIX = ".aside";
  /** The longest pause between two polls of a lease held elsewhere. */
  public static final Duration MAX_POLL = Duration.ofMillis(16);
  /** The default lease time: the longest a load may take before another JVM may start one. */
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(10);

  private static final Logger LOG = LoggerFactory.getLogger(CacheAside.class);
  /** A generation record outlives its entry by this much: a record gone first only costs a reload. */
  private static final Duration RECORD_MARGIN = Duration.ofMinutes(1);
  private static final long WARN_EVERY = TimeUnit.SECONDS.toNanos(10);
  /** The records of each cache, so its validity check is added once per JVM. */
  private static final Map<Cache<?, ?>, Records> RECORDS = new WeakHashMap<>();
  private static final ExecutorService LOADS = Executors.newCachedThreadPool(new Daemons());

  private final JadugarCache<K, V> cache;
  private final Loader<K, V> loader;
  private final Records records;
  private final Duration ttl;
  private final Duration softTimeout;
  private final Duration hardTimeout;
  private final Duration maxStaleness;
  private final Duration leaseTime;
  private final Function<? super K, String> names;
  private final Executor executor;
  private final Clock clock;
  private final ConcurrentHashMap<K, Flight<K, V>> flights = new ConcurrentHashMap<>();
  private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_EVERY);

  /** Loads the value of a key from the source of truth. */
  @FunctionalInterface
  public interface Loader<K, V> {
    /** The value of {@code key}; {@code null} for none (returned, not stored). */
    V load(K key) throws Exception;
  }

  private CacheAside(Builder<K, V> b) {
    this.cache = b.cache;
    this.loader = b.loader;
    this.ttl = b.ttl;
    this.softTimeout = b.softTimeout;
    this.hardTimeout = b.hardTimeout;
    this.maxStaleness = b.maxStaleness;
    this.leaseTime = b.leaseTime;
    this.names = b.names;
    this.executor = b.executor;
    Object config = cache.getConfiguration(CompleteConfiguration.class);
    this.clock = config instanceof JadugarConfiguration<?, ?> j ? j.getClock() : Clock.systemUTC();
    this.records = records(cache);
  }

  /** Cache-aside over {@code cache} and {@code loader}, with every option at its default. */
  public static <K, V> CacheAside<K, V> of(Cache<K, V> cache, Loader<K, V> loader) {
    return builder(cache, loader).build();
  }

  /** A builder of cache-aside over {@code cache} and {@code loader}. */
  public static <K, V> Builder<K, V> builder(Cache<K, V> cache, Loader<K, V> loader) {
    return new Builder<>(cache, loader);
  }

  /** The records of {@code cache}, opening the companion and adding the check the first time in this JVM. */
  private static Records records(JadugarCache<?, ?> cache) {
    synchronized (RECORDS) {
      Records r = RECORDS.get(cache);
      if (r == null) {
        r = new Records(Companions.of(cache, SUFFIX, String.class, String.class));
        cache.addValidityCheck(r);
        RECORDS.put(cache, r);
      }
      return r;
    }
  }

  /** The cache this reads and writes. */
  public JadugarCache<K, V> cache() {
    return cache;
  }

  /**
   * The fresh value of {@code key}: the cached one, or on a miss the loaded one, stored on the way.
   * Throws {@link CacheLoaderException} when the load failed (its cause is the loader's exception,
   * or it names the JVM's failure elsewhere) or the hard timeout passed.
   */
  public V get(K key) {
    Objects.requireNonNull(key, "key");
    long start = System.nanoTime();
    Flight<K, V> running = flights.get(key);
    if (running != null && running.joinable()) {
      // a load of the key is under way (or was done while the store was unreachable): join it
      // without asking the store, which may be down
      return await(running, null, start);
    }
    Flight.Stale<V> stale = null;
    RuntimeException down = null;
    try {
      if (maxStaleness == null) {
        // without staleness a present entry is fresh: a plain get, which on Redis reads the
        // generation in the same script (getEntry does not yet)
        V v = cache.get(key);
        if (v != null) {
          return v;
        }
      } else {
        EntryInfo<K, V> e = cache.getEntry(key);
        if (e != null) {
          if (isFresh(e)) {
            return e.value();
          }
          stale = stale(e);
        }
      }
    } catch (RuntimeException storeDown) {
      // a flight this caller starts loads in this JVM at once: asking the store again would wait
      // for a frozen server's timeout once more
      down = storeDown;
    }
    Flight<K, V> mine = new Flight<>(key);
    Flight<K, V> flight;
    while (true) {
      flight = flights.putIfAbsent(key, mine);
      // a flight that is done but not yet removed answered callers before this one: not joined
      if (flight == null || !flight.joinable() && flights.replace(key, flight, mine)) {
        flight = mine;
        mine.stale(stale);
        RuntimeException storeDown = down;
        try {
          executor.execute(() -> fly(mine, storeDown));
        } catch (RejectedExecutionException e) {
          // never leave a flight nobody will complete in the map
          flights.remove(key, mine);
          mine.fail(new CacheLoaderException("Cache " + cache.getName() + ": the executor refused "
              + "the load of key " + key, e));
        }
        break;
      }
      if (flight.joinable()) {
        break;
      }
    }
    return await(flight, stale, start);
  }

  /** Stores {@code value} for {@code key}: it wins over every load that started before. */
  public void set(K key, V value) {
    Objects.requireNonNull(value, "value");
    String name = names.apply(key);
    String next = Records.fresh();
    records.move(name, next, recordOptions());
    cache.put(key, value, valueOptions(name, next));
    // callers from now on must not join a load that started before this value
    flights.remove(key);
  }

  /** Drops {@code key}: the next get loads it; a load that started before stores nothing that counts. */
  public void invalidate(K key) {
    records.move(names.apply(key), Records.fresh(), recordOptions());
    cache.remove(key);
    flights.remove(key);
  }

  private V await(Flight<K, V> flight, Flight.Stale<V> seen, long start) {
    try {
      if (softTimeout != null) {
        try {
          return flight.await(left(softTimeout, start));
        } catch (TimeoutException soft) {
          long now = clock.millis();
          V stale = seen != null && now < seen.usableUntil() ? seen.value() : flight.stale(now);
          if (stale != null) {
            LOG.debug("Cache {}: key {} served stale after the soft timeout of {}", cache.getName(), flight.key,
                softTimeout);
            return stale;
          }
        }
      }
      if (hardTimeout != null) {
        try {
          return flight.await(left(hardTimeout, start));
        } catch (TimeoutException hard) {
          throw new CacheLoaderException("Cache " + cache.getName() + ": loading key " + flight.key
              + " took longer than the hard timeout of " + hardTimeout + " (the load goes on)", hard);
        }
      }
      return flight.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CacheLoaderException("Cache " + cache.getName() + ": interrupted while waiting for key "
          + flight.key, e);
    }
  }

  private static long left(Duration timeout, long start) {
    return Math.max(0, timeout.toNanos() - (System.nanoTime() - start));
  }

  /**
   * Runs {@code flight} to its end, then lets later callers start a new one; {@code storeDown} is the
   * store's failure its caller just met, if any.
   */
  private void fly(Flight<K, V> flight, RuntimeException storeDown) {
    try {
      flight.succeed(storeDown == null ? load(flight) : loadWithoutStore(flight, storeDown));
    } catch (LoadFailed f) {
      settle(flight, f);
    } catch (Throwable t) {
      flight.fail(new CacheLoaderException("Cache " + cache.getName() + ": loading key "
          + flight.key + " failed: " + t, t));
    } finally {
      if (flight.joinable()) {
        // loaded without the store: kept for this JVM's callers until its offline time is over
        CompletableFuture.delayedExecutor(offlineHold().toNanos(), TimeUnit.NANOSECONDS)
            .execute(() -> flights.remove(flight.key, flight));
      } else {
        flights.remove(flight.key, flight);
      }
    }
  }

  /** Ends {@code flight} after its load failed: with the stale value inside the fail-safe window, or with the error. */
  private void settle(Flight<K, V> flight, LoadFailed f) {
    if (flight.isDone()) {
      return;
    }
    V stale = flight.stale(clock.millis());
    if (stale != null) {
      LOG.warn("Cache {}: loading key {} failed, serving its stale value (fail-safe): {}", cache.getName(),
          flight.key, f.getMessage());
      flight.succeed(stale);
    } else {
      flight.fail(f.toCallers());
    }
  }

  /** The value of the flight's key: found in the store, loaded elsewhere, or loaded here under the lease. */
  private V load(Flight<K, V> flight) {
    K key = flight.key;
    String name = names.apply(key);
    String token = Records.fresh();
    try {
      EntryInfo<K, V> e = cache.getEntry(key);
      if (e != null) {
        if (isFresh(e)) {
          return e.value();
        }
        flight.stale(stale(e));
      }
      Lease waitedOn = null; // the loading lease of another holder, as the last poll saw it
      long pause = 1;
      while (true) {
        Lease lease = records.lease(name);
        if (waitedOn != null) {
          if (lease != null && lease.token().equals(waitedOn.token())) {
            if (lease.isFailed()) {
              throw new LoadFailed(cache.getName(), key, "failed in its lease holder (another flight, in this JVM or another): " + lease.failure(), null);
            }
          } else {
            // the lease we waited on ended: its holder committed before releasing (or a set came)
            e = cache.getEntry(key);
            if (e != null && isFresh(e)) {
              return e.value();
            }
            flight.stale(e == null ? null : stale(e));
            waitedOn = null;
          }
        }
        boolean mine = lease == null ? records.acquire(name, token, leaseTime)
            : lease.isFailed() && waitedOn == null && records.takeOver(name, lease, token, leaseTime);
        if (mine) {
          return hold(flight, name, token);
        }
        if (lease != null && !lease.isFailed()) {
          waitedOn = lease;
        }
        Thread.sleep(pause);
        pause = Math.min(pause * 2, MAX_POLL.toMillis());
      }
    } catch (LoadFailed f) {
      throw f;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LoadFailed(cache.getName(), key, "was interrupted", e);
    } catch (RuntimeException storeDown) {
      return loadWithoutStore(flight, storeDown);
    }
  }

  /** Loads under the lease of {@code token} and commits behind the fence. */
  private V hold(Flight<K, V> flight, String name, String token) {
    K key = flight.key;
    String generation;
    try {
      // the previous holder commits before it releases: its value may be here now
      EntryInfo<K, V> e = cache.getEntry(key);
      if (e != null && isFresh(e)) {
        records.release(name, token);
        return e.value();
      }
      flight.stale(e == null ? null : stale(e));
      // read before the source: a set or invalidate from now on moves it, and fences this load off
      generation = records.generation(name);
    } catch (RuntimeException storeDown) {
      return loadWithoutStore(flight, storeDown);
    }
    V value;
    try {
      value = loader.load(key);
    } catch (Throwable t) {
      LoadFailed failed = new LoadFailed(cache.getName(), key, "threw " + t, t);
      // this JVM's callers first: publishing to the store takes a round trip or more
      settle(flight, failed);
      try {
        records.fail(name, token, t);
      } catch (RuntimeException storeDown) {
        LOG.warn("Cache {}: could not tell other JVMs that loading key {} failed (they wait for the lease): {}",
            cache.getName(), key, storeDown.toString());
      }
      throw failed;
    }
    try {
      commit(key, name, generation, value);
    } catch (RuntimeException storeDown) {
      LOG.warn("Cache {}: the value loaded for key {} could not be stored: {}", cache.getName(), key,
          storeDown.toString());
    }
    try {
      records.release(name, token);
    } catch (RuntimeException storeDown) {
      LOG.debug("Cache {}: the lease of key {} could not be released, it ends in {}", cache.getName(), key, leaseTime);
    }
    return value;
  }

  /** Stores {@code value} if the generation is still {@code generation}: nobody set, invalidated or committed since. */
  private void commit(K key, String name, String generation, V value) {
    if (value == null) {
      return;
    }
    String next = Records.fresh();
    if (!records.advance(name, generation, next, recordOptions())) {
      LOG.debug("Cache {}: key {} changed during its load; the loaded value is not stored", cache.getName(), key);
      return;
    }
    // the entry it replaces carries the old generation and is invalid now; a set since is valid and stays
    cache.putIfAbsent(key, value, valueOptions(name, next));
  }

  /** The store cannot be reached: load here without a lease, answer the callers, store nothing. */
  private V loadWithoutStore(Flight<K, V> flight, RuntimeException cause) {
    long last = lastWarning.get();
    if (System.nanoTime() - last >= WARN_EVERY && lastWarning.compareAndSet(last, System.nanoTime())) {
      LOG.warn("Cache {}: the store could not be reached ({}); loading in this JVM only, without storing",
          cache.getName(), cause.toString());
    }
    V value;
    try {
      value = loader.load(flight.key);
    } catch (Throwable t) {
      throw new LoadFailed(cache.getName(), flight.key, "threw " + t, t);
    }
    flight.offline(offlineHold().toNanos());
    return value;
  }

  /** How long a value loaded without the store serves this JVM's callers: a lease time, or less if the ttl is shorter. */
  private Duration offlineHold() {
    return ttl != null && ttl.compareTo(leaseTime) < 0 ? ttl : leaseTime;
  }

  private boolean isFresh(EntryInfo<K, V> e) {
    String until = e.metadata().get(Records.FRESH_UNTIL);
    return until == null || clock.millis() < Long.parseLong(until);
  }

  private Flight.Stale<V> stale(EntryInfo<K, V> e) {
    String until = e.metadata().get(Records.FRESH_UNTIL);
    if (until == null || maxStaleness == null) {
      return null;
    }
    return new Flight.Stale<>(e.value(), Long.parseLong(until) + maxStaleness.toMillis());
  }

  private EntryOptions valueOptions(String name, String generation) {
    EntryOptions o = EntryOptions.NONE.withMetadata(Records.RECORD, Records.generationKey(name))
        .withMetadata(Records.GENERATION, generation);
    if (ttl != null) {
      if (maxStaleness != null) {
        o = o.withMetadata(Records.FRESH_UNTIL, Long.toString(clock.millis() + ttl.toMillis()))
            .withTtl(ttl.plus(maxStaleness));
      } else {
        o = o.withTtl(ttl);
      }
    }
    return o;
  }

  private EntryOptions recordOptions() {
    return ttl == null ? EntryOptions.NONE
        : EntryOptions.ttl(ttl.plus(maxStaleness == null ? Duration.ZERO : maxStaleness).plus(RECORD_MARGIN));
  }

  /** A load that failed, with what each caller's exception says. */
  private static final class LoadFailed extends RuntimeException {
    LoadFailed(String cache, Object key, String what, Throwable cause) {
      super("Cache " + cache + ": the load of key " + key + " " + what, cause, false, false);
    }

    CacheLoaderException toCallers() {
      return new CacheLoaderException(getMessage(), getCause());
    }
  }

  /** The daemon threads that run loads by default. */
  private static final class Daemons implements java.util.concurrent.ThreadFactory {
    private final AtomicInteger n = new AtomicInteger();

    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(r, "jadugar-aside-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    }
  }

  /**
   * Options of a {@link CacheAside}; every one is off (or at its default) unless set.
   *
   * @param <K> the key type
   * @param <V> the value type
   */
  public static final class Builder<K, V> {
    private final JadugarCache<K, V> cache;
    private final Loader<K, V> loader;
    private Duration ttl;
    private Duration softTimeout;
    private Duration hardTimeout;
    private Duration maxStaleness;
    private Duration leaseTime = DEFAULT_LEASE;
    private Function<? super K, String> names = String::valueOf;
    private Executor executor = LOADS;

    @SuppressWarnings("unchecked")
    private Builder(Cache<K, V> cache, Loader<K, V> loader) {
      this.cache = Objects.requireNonNull(cache, "cache").unwrap(JadugarCache.class);
      this.loader = Objects.requireNonNull(loader, "loader");
    }

    /** How long a loaded or set value is fresh; by default the cache's expiry policy decides (and it is never stale). */
    public Builder<K, V> ttl(Duration ttl) {
      this.ttl = positive(ttl, "ttl");
      return this;
    }

    /** After this long a caller gets the stale value, if there is one, while the load goes on. */
    public Builder<K, V> softTimeout(Duration softTimeout) {
      this.softTimeout = positive(softTimeout, "softTimeout");
      return this;
    }

    /** After this long a caller fails with a {@link CacheLoaderException}; the load goes on. */
    public Builder<K, V> hardTimeout(Duration hardTimeout) {
      this.hardTimeout = positive(hardTimeout, "hardTimeout");
      return this;
    }

    /**
     * How long past its freshness a value is kept and served when a load fails (or takes longer than
     * the soft timeout). Needs a {@link #ttl}.
     */
    public Builder<K, V> maxStaleness(Duration maxStaleness) {
      this.maxStaleness = positive(maxStaleness, "maxStaleness");
      return this;
    }

    /**
     * How long a JVM's lease on a key's load lasts ({@link #DEFAULT_LEASE} by default): longer than
     * the slowest load, or another JVM loads too (fencing keeps the older result out). Memcached counts
     * it in whole seconds.
     */
    public Builder<K, V> leaseTime(Duration leaseTime) {
      this.leaseTime = positive(leaseTime, "leaseTime");
      return this;
    }

    /** How a key is named in the lease and generation records; {@code String.valueOf} by default. */
    public Builder<K, V> keyNames(Function<? super K, String> names) {
      this.names = Objects.requireNonNull(names, "names");
      return this;
    }

    /** Where loads run; a shared pool of daemon threads by default. */
    public Builder<K, V> executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** The cache-aside; the first in a JVM for its cache opens {@code <cache>.aside} and adds the check. */
    public CacheAside<K, V> build() {
      if (maxStaleness != null && ttl == null) {
        throw new IllegalStateException("maxStaleness needs a ttl: staleness is counted from the end of freshness");
      }
      if (softTimeout != null && hardTimeout != null && softTimeout.compareTo(hardTimeout) >= 0) {
        throw new IllegalStateException("softTimeout (" + softTimeout + ") must be shorter than hardTimeout ("
            + hardTimeout + ")");
      }
      return new CacheAside<>(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, not " + d);
      }
      return d;
    }
  }
}
