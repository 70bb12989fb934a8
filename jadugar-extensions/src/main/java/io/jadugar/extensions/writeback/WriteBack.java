package io.jadugar.extensions.writeback;

import io.jadugar.jcache.WriterMetrics;
import io.jadugar.jcache.codec.ClassAllowList;
import io.jadugar.jcache.codec.KryoSerializer;
import io.jadugar.jcache.codec.Serializer;
import io.jadugar.jcache.spi.JournalingWriter;
import io.jadugar.jcache.spi.OutcomeUnknownException;
import io.jadugar.jcache.spi.WriterRecord;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.cache.Cache;
import javax.cache.configuration.Factory;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link CacheWriter} that makes a cache write behind: the cache's write returns once the change
 * is durable in a journal, and the user's writer receives it later, in batches ({@code writeAll},
 * {@code deleteAll}), coalesced per key (only a key's latest change), in order per key, retried with
 * exponential backoff and jitter, and after {@code maxAttempts} kept as a {@link DeadLetter}. A
 * change in the journal survives the JVM: the next write-back opened on the same journal delivers
 * it (at least once; {@link WriteBackEntry#version()} tells a replay apart).
 *
 * <p>Give it to a cache with write-through on: {@code setWriteThrough(true).setCacheWriterFactory(
 * writeBack.factory())}. {@code cache.unwrap(JadugarCache.class).flush()} calls {@link #flush()};
 * closing the cache closes it.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class WriteBack<K, V> implements JournalingWriter<K, V>, Flushable, Closeable, WriterMetrics {

  private static final Logger LOG = LoggerFactory.getLogger(WriteBack.class);

  private final String name;
  private final Journal journal;
  private final Serializer serializer;
  private final Dispatcher<K, V> dispatcher;
  private final CacheWriter<K, V> writer;
  private final Duration flushTimeout;
  private final Duration closeTimeout;
  private final WriteBackBean bean = new WriteBackBean(this);
  private volatile boolean closed;

  private WriteBack(Builder<K, V> b, Journal journal) {
    this.name = b.name;
    this.journal = journal;
    this.serializer = b.serializer;
    this.writer = b.writer;
    this.flushTimeout = b.flushTimeout;
    this.closeTimeout = b.closeTimeout;
    this.dispatcher = new Dispatcher<>(name, journal, b.writer, this::decode, b.batchSize, b.maxDelay.toMillis(),
        b.batchesInFlight, b.maxAttempts, b.backoff, b.backoffMax);
  }

  /** A builder of a write-back in front of {@code writer}, for keys and values of these types. */
  public static <K, V> Builder<K, V> builder(CacheWriter<K, V> writer, Class<K> keyType, Class<V> valueType) {
    return new Builder<>(writer, keyType, valueType);
  }

  /** A factory for {@code setCacheWriterFactory} that hands out this write-back. */
  public Factory<CacheWriter<K, V>> factory() {
    return new Singleton<>(this);
  }

  /** Hands out one instance (FactoryBuilder.singletonFactoryOf wants it serializable, which a write-back is not). */
  private record Singleton<K, V>(WriteBack<K, V> writeBack) implements Factory<CacheWriter<K, V>> {
    @Override
    public CacheWriter<K, V> create() {
      return writeBack;
    }
  }

  /** This write-back's name, in its threads' names and its log lines. */
  public String name() {
    return name;
  }

  // ---------------------------------------------------------------- the cache's writes

  @Override
  public void write(Cache.Entry<? extends K, ? extends V> entry) {
    append(List.of(encode(entry.getKey())), Collections.singletonList(encode(entry.getValue())));
  }

  @Override
  public void writeAll(Collection<Cache.Entry<? extends K, ? extends V>> entries) {
    List<byte[]> keys = new ArrayList<>(entries.size());
    List<byte[]> values = new ArrayList<>(entries.size());
    for (Cache.Entry<? extends K, ? extends V> e : entries) {
      keys.add(encode(e.getKey()));
      values.add(encode(e.getValue()));
    }
    append(keys, values);
    entries.clear(); // JSR-107: what the writer took leaves the collection
  }

  @Override
  public void delete(Object key) {
    append(List.of(encode(key)), Collections.singletonList(null));
  }

  @Override
  public void deleteAll(Collection<?> keys) {
    List<byte[]> encoded = new ArrayList<>(keys.size());
    List<byte[]> values = new ArrayList<>(keys.size());
    for (Object k : keys) {
      encoded.add(encode(k));
      values.add(null);
    }
    append(encoded, values);
    keys.clear();
  }

  /**
   * A put as a record the cache's store makes with the entry's write, when the journal lives on that
   * store (a Redis journal on the cache's Redis server): one round trip, and the journal and the
   * cache agree on every key's order without the key's lock.
   */
  @Override
  public WriterRecord recordPut(K key, V value) {
    return closed ? null : journal.record(encode(key), encode(value));
  }

  @Override
  public void recorded(WriterRecord record, Object reply) {
    dispatcher.appended((Long) reply);
  }

  @Override
  public void declined(WriterRecord record) {
    journal.declined(record);
  }

  private void append(List<byte[]> keys, List<byte[]> values) {
    if (closed) {
      throw new CacheWriterException("The write-back '" + name + "' is closed: the change was not accepted");
    }
    long waiting;
    try {
      waiting = journal.append(keys, values);
    } catch (RuntimeException e) {
      // a journal write that was sent but not confirmed (a timeout, a failed fsync) may still be
      // there, and be delivered: said through OutcomeUnknownException, so that the cache drops the
      // key's entry rather than keep a value older than the one the writer may get
      String message = "The write-back '" + name + "' could not journal the change in " + journal.describe()
          + " (it may have landed all the same; the cache drops the key's entry): " + e.getMessage();
      throw new CacheWriterException(message, new OutcomeUnknownException(message, e));
    }
    dispatcher.appended(waiting);
  }

  private byte[] encode(Object o) {
    return serializer.serialize(Objects.requireNonNull(o));
  }

  private Object decode(byte[] bytes) {
    return bytes == null ? null : serializer.deserialize(bytes, 0, bytes.length);
  }

  // ---------------------------------------------------------------- flush, close, observe

  /**
   * Returns when every change accepted before this call has reached the writer, become a dead
   * letter, or been replaced by a later change that did; waits at most the flush timeout.
   *
   * @throws IOException when the timeout passes first, naming what is still pending
   */
  @Override
  public void flush() throws IOException {
    flush(flushTimeout);
  }

  /** {@link #flush()} waiting at most {@code timeout}. */
  public void flush(Duration timeout) throws IOException {
    try {
      if (!dispatcher.flush(timeout)) {
        WriteBackStats s = stats();
        throw new IOException("The write-back '" + name + "' did not flush within " + timeout + ": " + s.pending()
            + " keys pending (" + s.inFlight() + " in flight, oldest " + s.oldestPendingAge().toMillis()
            + " ms old) in " + journal.describe());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("Interrupted while flushing the write-back '" + name + "'");
    }
  }

  /** What is pending, its age, retries and dead letters, now; also over JMX as {@code io.jadugar:type=WriteBack,name="<name>"}. */
  public WriteBackStats stats() {
    return dispatcher.stats(journal.counts());
  }

  /** {@link #stats()} by name, for the cache's {@code JadugarCache.metrics()}. */
  @Override
  public Map<String, Long> writerMetrics() {
    WriteBackStats s = stats();
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("pending", s.pending());
    m.put("inFlight", s.inFlight());
    m.put("oldestPendingAgeMillis", s.oldestPendingAge().toMillis());
    m.put("retries", s.retries());
    m.put("deadLettered", s.deadLettered());
    m.put("deadLetters", s.deadLetters());
    m.put("writeAllCalls", s.writeAllCalls());
    m.put("writeAllEntries", s.writeAllEntries());
    m.put("deleteAllCalls", s.deleteAllCalls());
    m.put("deleteAllEntries", s.deleteAllEntries());
    return m;
  }

  /** The dead letters, oldest first. */
  @SuppressWarnings("unchecked")
  public List<DeadLetter<K, V>> deadLetters() {
    List<DeadLetter<K, V>> all = new ArrayList<>();
    for (DeadRecord d : journal.deadLetters()) {
      all.add(new DeadLetter<>((K) decode(d.key()), (V) decode(d.value()), d.version(), d.attempts(), d.error(),
          Instant.ofEpochMilli(d.atMillis())));
    }
    return all;
  }

  /**
   * Puts {@code letter} back in the queue for the writer, as a new change of its key; if the key has
   * a newer change waiting, that one replaces it and the dead letter is dropped. False if the dead
   * letter is no longer there.
   */
  public boolean replay(DeadLetter<K, V> letter) {
    boolean replayed = journal.replay(encode(letter.key()), letter.version());
    dispatcher.appended(Long.MAX_VALUE);
    return replayed;
  }

  /** Drops {@code letter} for good; false if it is no longer there. */
  public boolean discard(DeadLetter<K, V> letter) {
    return journal.discard(encode(letter.key()), letter.version());
  }

  /**
   * Flushes within the close timeout, then stops: what the writer has not taken stays in the journal
   * for the next write-back opened on it. Closes the user's writer if it is {@link Closeable}.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      flush(closeTimeout);
    } catch (IOException | RuntimeException e) {
      // a journal that cannot be read (Redis down) must not keep the threads running
      LOG.warn("{}; what is left stays in the journal for the next start", e.getMessage());
    }
    dispatcher.stop(closeTimeout);
    bean.unregister();
    try {
      journal.close();
    } catch (IOException e) {
      LOG.warn("Closing the journal {} of write-back '{}' failed", journal.describe(), name, e);
    }
    if (writer instanceof Closeable c) {
      try {
        c.close();
      } catch (IOException e) {
        LOG.warn("Closing the writer of write-back '{}' failed", name, e);
      }
    }
  }

  @Override
  public String toString() {
    return "WriteBack[" + name + ", journal " + journal.describe() + "]";
  }

  /**
   * Settings of a write-back; {@link #journal(Path)} (or another journal) is required.
   *
   * @param <K> the key type
   * @param <V> the value type
   */
  public static final class Builder<K, V> {

    private final CacheWriter<K, V> writer;
    private String name = "write-back";
    private Serializer serializer;
    private WriteBackJournal journal;
    private int batchSize = 100;
    private Duration maxDelay = Duration.ofMillis(100);
    private int batchesInFlight = 4;
    private int maxAttempts = 5;
    private Duration backoff = Duration.ofMillis(100);
    private Duration backoffMax = Duration.ofSeconds(10);
    private Duration flushTimeout = Duration.ofSeconds(60);
    private Duration closeTimeout = Duration.ofSeconds(10);
    private long compactBytes = 64L << 20;

    private Builder(CacheWriter<K, V> writer, Class<K> keyType, Class<V> valueType) {
      this.writer = Objects.requireNonNull(writer, "writer");
      ClassLoader loader = WriteBack.class.getClassLoader();
      this.serializer = new KryoSerializer(loader, ClassAllowList.of(List.of(), keyType, valueType));
    }

    /** The name of the write-back, in thread names and logs ({@code write-back} by default). */
    public Builder<K, V> name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /** The journal: a local append-only file, for this JVM only; created if missing, replayed if not. */
    public Builder<K, V> journal(Path file) {
      return journal(WriteBackJournal.file(file));
    }

    /** The journal: {@link WriteBackJournal#file} or {@link RedisJournal#on}. */
    public Builder<K, V> journal(WriteBackJournal journal) {
      this.journal = Objects.requireNonNull(journal, "journal");
      return this;
    }

    long compactBytes() {
      return compactBytes;
    }

    /** Compacts a file journal when it grows past this many bytes (64 MiB by default). */
    public Builder<K, V> compactAfter(long bytes) {
      this.compactBytes = positive(bytes, "compactAfter");
      return this;
    }

    /** How keys and values are written to the journal: Kryo allowing the key and value types by default. */
    public Builder<K, V> serializer(Serializer serializer) {
      this.serializer = Objects.requireNonNull(serializer, "serializer");
      return this;
    }

    /** The most keys in one {@code writeAll} / {@code deleteAll} (100 by default). */
    public Builder<K, V> batchSize(int size) {
      this.batchSize = (int) positive(size, "batchSize");
      return this;
    }

    /** The longest a change waits for its batch to fill before it is sent anyway (100 ms by default). */
    public Builder<K, V> maxDelay(Duration delay) {
      this.maxDelay = notNegative(delay, "maxDelay");
      return this;
    }

    /** How many batches (of different keys) may be at the writer at once (4 by default). */
    public Builder<K, V> batchesInFlight(int batches) {
      this.batchesInFlight = (int) positive(batches, "batchesInFlight");
      return this;
    }

    /** Attempts of a change before it becomes a dead letter (5 by default). */
    public Builder<K, V> maxAttempts(int attempts) {
      this.maxAttempts = (int) positive(attempts, "maxAttempts");
      return this;
    }

    /** The wait after the first failure, doubling with each next one up to {@code max}, each with jitter (100 ms, 10 s). */
    public Builder<K, V> backoff(Duration initial, Duration max) {
      this.backoff = notNegative(initial, "backoff");
      this.backoffMax = notNegative(max, "backoff max");
      return this;
    }

    /** How long {@link WriteBack#flush()} waits at most (60 s by default). */
    public Builder<K, V> flushTimeout(Duration timeout) {
      this.flushTimeout = notNegative(timeout, "flushTimeout");
      return this;
    }

    /** How long {@link WriteBack#close()} flushes at most before leaving the rest in the journal (10 s). */
    public Builder<K, V> closeTimeout(Duration timeout) {
      this.closeTimeout = notNegative(timeout, "closeTimeout");
      return this;
    }

    /** Opens the journal, replays it and starts delivering what it holds. */
    public WriteBack<K, V> build() {
      if (journal == null) {
        throw new IllegalStateException("The write-back '" + name + "' needs a journal: call journal(Path)");
      }
      Journal opened;
      try {
        opened = journal.open(this);
      } catch (IOException | RuntimeException e) {
        throw new IllegalStateException("Cannot open the journal " + journal.describe() + " of write-back '" + name
            + "': " + e.getMessage(), e);
      }
      WriteBack<K, V> w = new WriteBack<>(this, opened);
      w.dispatcher.start();
      w.bean.register();
      return w;
    }

    private static long positive(long n, String what) {
      if (n <= 0) {
        throw new IllegalArgumentException(what + " must be positive, was " + n);
      }
      return n;
    }

    private static Duration notNegative(Duration d, String what) {
      if (Objects.requireNonNull(d, what).isNegative()) {
        throw new IllegalArgumentException(what + " must not be negative, was " + d);
      }
      return d;
    }
  }
}
